// check-determinism over scenario files: every (scenario, seed) is run twice in one child
// process — the second time with the heap perturbed (harness/determinism.h) — and the two
// trace hashes and event counts must agree. Children run in parallel over cores
// (harness/process_pool.h). A divergence prints the command that repeats the check for that
// seed; a crash counts as a divergence (the run is not even repeatable).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/seed_range.h"

namespace alys::harness {

struct ScenarioDeterminismArgs {
  std::vector<std::string> paths;  // scenario files or folders
  SeedRange seeds{1, 200};
  std::size_t jobs = 0;            // 0: one per core
  bool progress = true;
};

int run_scenario_determinism_command(const ScenarioDeterminismArgs& args, std::ostream& out);

}  // namespace alys::harness
