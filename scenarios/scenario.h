// Scenario: one named, reproducible experiment on a simulated Alys network (DESIGN.md §6):
// the nodes, the network model, how long, the workload, fixed faults, the seeded chaos
// settings and which checkers run. A scenario plus a seed is a run; scenarios live in
// scenarios/*.toml (scenarios/scenario_loader.h reads them) and a shrinker writes the
// minimal failing one back out (scenario_to_toml).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "chaos/fault.h"
#include "chaos/nemesis.h"
#include "runtime-sim/sim_config.h"
#include "scenarios/chain_scenario.h"

namespace alys::scenarios {

struct Scenario {
  std::string name;         // kebab-case; defaults to the file's stem
  std::string description;  // one paragraph: what it exercises and why
  std::string file;         // where it was loaded from ("" if built in code)

  // Everything a run needs but the seed: run_chain's options with `seed` ignored and
  // `faults` the scenario's fixed faults, `chaos`/`nemesis` its seeded chaos settings.
  ChainOptions options;
  // Checkers not reported for this scenario (a scenario whose faults make one moot, e.g.
  // heads-converge with a node left down on purpose). Names from checker_catalog().
  std::set<std::string> skip_checks;
};

// Every checker a run may report, with what it guarantees (DESIGN.md §6); failures cite
// these names.
struct CheckerInfo {
  std::string name;
  bool safety;  // false: liveness (checked after the faults heal, in the quiet tail)
  std::string guarantees;
};
const std::vector<CheckerInfo>& checker_catalog();
bool is_checker(std::string_view name);

}  // namespace alys::scenarios
