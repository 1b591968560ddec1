// Nemesis: a random fault schedule from a seed, within limits (DESIGN.md §6).
//
// The schedule is explicit data, generated before the run from the world seed's "nemesis"
// stream, so it can be printed, stored and replayed. Limits keep it honest: at most
// `max_down` nodes crashed at once, every crash is followed by a restart, every partition
// by a heal, and nothing is scheduled after `active_for` (the quiet tail lets liveness
// checks see the system recover).
#pragma once

#include <cstdint>

#include "chaos/fault.h"

namespace alys::chaos {

struct NemesisConfig {
  std::size_t nodes = 0;
  Duration active_for = 10min;       // faults start and end within [0, active_for]
  Duration mean_gap = 20s;            // between fault starts (uniform in [gap/2, 3gap/2])
  Duration min_fault = 1s;            // how long a crash/partition/clog lasts
  Duration max_fault = 30s;
  std::size_t max_down = 1;           // nodes crashed at the same time
  bool crashes = true;
  bool partitions = true;
  bool clogs = true;
  bool clock_faults = true;
};

Schedule random_schedule(std::uint64_t seed, const NemesisConfig& config);

}  // namespace alys::chaos
