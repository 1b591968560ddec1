// Faults as data (DESIGN.md §6): each fault is a plain value that prints as one line and
// is applied to a simulated world by apply_fault(). A schedule is a list of (time, fault).
//
// This first set covers the kernel's hooks: crash/restart, partitions and heal, clogs,
// broken connections, clock jumps and drift, disk corruption and disk-full. Later issues add
// Bitcoin reorgs, engine stalls, actor panics and Byzantine authorities.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/runtime/node_id.h"
#include "core/runtime/time.h"
#include "runtime-sim/sim_disk.h"

namespace alys::sim {
class World;
}

namespace alys::chaos {

struct Crash {
  NodeId node;
  sim::CrashDurability durability = sim::CrashDurability::kSeeded;
};
struct Restart {
  NodeId node;
};
struct Partition {
  std::vector<std::vector<NodeId>> groups;  // a node in no group is isolated
};
struct CutLink {  // one-way
  NodeId from;
  NodeId to;
};
struct Heal {};
struct Clog {
  NodeId from;
  NodeId to;
  Duration duration;
};
struct BreakConnection {
  NodeId a;
  NodeId b;
};
struct ClockJump {
  NodeId node;
  std::int64_t delta_ms;
};
struct ClockDrift {
  NodeId node;
  std::int64_t drift_ppm;
};
struct CorruptKey {
  NodeId node;
  std::string key;
};
struct DiskFull {
  NodeId node;
  bool full;
};

using Fault = std::variant<Crash, Restart, Partition, CutLink, Heal, Clog, BreakConnection,
                           ClockJump, ClockDrift, CorruptKey, DiskFull>;

struct TimedFault {
  Instant at;
  Fault fault;
};
using Schedule = std::vector<TimedFault>;

// One line, e.g. "crash n2 (seeded)", "partition {n0 n1} {n2 n3 n4}", "clog n1->n3 for 2s".
std::string describe(const Fault& fault);
std::string describe(const TimedFault& timed);  // "at 12.5s: crash n2 (seeded)"

// Applies `fault` to `world` now. Faults naming an unknown node are bugs (assert).
void apply_fault(sim::World& world, const Fault& fault);

// Schedules every fault of `schedule` on the world at its time (times must be >= now).
// Each application is logged as a world line and folded into the trace hash.
void schedule_faults(sim::World& world, const Schedule& schedule);

}  // namespace alys::chaos
