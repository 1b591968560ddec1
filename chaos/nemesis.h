// Nemesis: a random fault schedule from a seed, within a scenario's limits (DESIGN.md §6).
//
// The schedule is explicit data, generated before the run from the seed alone (its own
// stream), so it can be printed, stored, shrunk and replayed as a fixed schedule: a run
// with the nemesis and the same run with its printed schedule are the same run.
//
// Limits keep it honest:
// - every fault starts and ends within [active_from, active_for] (the quiet tail after it lets the
//   liveness checks see the system recover); each lasts within [min_fault, max_fault];
// - at most `max_down` nodes are crashed at once, and at most `max_faulty_authorities` of
//   the first `authorities` nodes are crashed, stalled or Byzantine at once (the federation
//   tolerates f of them: f = (n - 1) / 3 for n authorities unless a scenario says more);
// - one partition at a time, its minority side at most half the nodes;
// - Bitcoin kinds only when the run has Bitcoin; reorgs at most `max_reorg_depth` deep.
//
// Swarm testing (Groce et al.): with `swarm`, each seed enables a random non-empty subset
// of `kinds`, so a fault that masks another (a crash hides a clog) is often absent. With
// `buggify_seed_ppm`, that share of seeds also turns on the Buggify points in actor code.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "chaos/fault.h"

namespace alys::chaos {

struct NemesisConfig {
  std::size_t nodes = 0;
  std::size_t authorities = 0;             // the first `authorities` nodes; 0: none counted
  Duration active_from = Duration::zero();  // faults start at or after this
  Duration active_for = 10min;              // ... and start and end by this
  Duration mean_gap = 20s;                 // between fault starts (uniform in [gap/2, 3gap/2])
  Duration min_fault = 1s;
  Duration max_fault = 30s;
  std::size_t max_down = 1;
  std::size_t max_faulty_authorities = 1;
  std::set<std::string> kinds = default_kinds();  // kind names (chaos/fault.h) it may use
  bool swarm = false;
  std::uint32_t buggify_seed_ppm = 0;
  bool bitcoin = false;
  std::uint32_t max_reorg_depth = 0;       // 0: no reorgs
  // Bitcoin faults keep their own, slower cadence (a reorg or an outage about every five
  // minutes, as on a real network), drawn after the others.
  Duration bitcoin_mean_gap = 5min;
  std::int64_t max_clock_jump_ms = 2000;

  // crash, partition, clog, clock-jump: the first set, safe for any protocol.
  static std::set<std::string> default_kinds();
};

struct NemesisPlan {
  std::vector<std::string> kinds;  // the kinds this seed enabled (sorted)
  bool buggify = false;            // Buggify points on for this seed
  Schedule schedule;               // sorted by time
};

// REQUIRES: every name in config.kinds is a kind of chaos/fault.h.
NemesisPlan random_plan(std::uint64_t seed, const NemesisConfig& config);

// The same plan's schedule only.
inline Schedule random_schedule(std::uint64_t seed, const NemesisConfig& config) {
  return random_plan(seed, config).schedule;
}

// The kinds the nemesis can generate (every kind but restart and heal, which it expresses
// as durations).
const std::vector<std::string>& nemesis_kinds();

}  // namespace alys::chaos
