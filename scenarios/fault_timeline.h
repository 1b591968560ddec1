// The fault half of a run's timeline (core/results/run_timeline.h): a chaos schedule as
// shaded spans and instant marks per node lane, for the run report.
//
// A fault with a duration is a span over it. A crash, partition or one-way cut without one
// lasts until what undoes it (the node's next restart; the next heal) or the run's end;
// other faults without a duration that are never undone (clock drift, a full disk) last to
// the end; instant kinds (restart, heal, clock jump, corruption, reorg, ...) are marks.
// Spans shade the nodes the fault names, and every lane for network-wide ones (partition,
// hostile network). Pure: the same schedule gives the same timeline.
#pragma once

#include <cstddef>

#include "chaos/fault.h"
#include "core/results/run_timeline.h"

namespace alys::scenarios {

// REQUIRES: `schedule` sorted by time (chaos::sort_schedule); its nodes < `nodes`.
void add_fault_timeline(const chaos::Schedule& schedule, std::size_t nodes, Instant end,
                        RunTimeline& timeline);

}  // namespace alys::scenarios
