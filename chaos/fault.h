// Faults as data (DESIGN.md §6): each fault is a plain value that prints as one line and as
// TOML (chaos/fault_toml.h), and is applied to a simulated world by apply_fault(). A
// schedule is a list of timed faults; a timed fault with a duration is undone when it ends
// (a crash restarts, a partition heals, a clog clears), so a schedule is a set of
// independent episodes a shrinker can drop one by one.
//
// Kinds (TOML `kind` in brackets):
//   network: crash [crash], restart [restart], partition into groups [partition], one-way
//     cut [cut], heal every cut [heal], clog a link [clog], break a connection [break],
//     latency spike on a link [latency], frame loss on a link [loss], hostile mode that
//     duplicates and reorders frames [hostile];
//   time: clock jump [clock-jump], clock drift [clock-drift];
//   disk: corrupt a stored value [corrupt], disk full [disk-full], failed writes
//     [fail-writes];
//   Bitcoin: reorg [bitcoin-reorg], a node's bitcoind unreachable [bitcoind-outage];
//   inside a node: engine stall [engine-stall], an actor panics [actor-panic], a Byzantine
//     authority signs two blocks per slot [equivocate] or signs blocks in slots it does not
//     own [usurp].
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/runtime/node_id.h"
#include "core/runtime/time.h"
#include "core/types/hash256.h"
#include "runtime-sim/sim_disk.h"

namespace alys::sim {
class World;
class SimBitcoin;
}  // namespace alys::sim

namespace alys::chaos {

struct Crash {
  NodeId node;
  sim::CrashDurability durability = sim::CrashDurability::kSeeded;
  friend bool operator==(const Crash&, const Crash&) = default;
};
struct Restart {
  NodeId node;
  friend bool operator==(const Restart&, const Restart&) = default;
};
struct Partition {
  std::vector<std::vector<NodeId>> groups;  // a node in no group is isolated
  friend bool operator==(const Partition&, const Partition&) = default;
};
struct CutLink {  // one-way
  NodeId from;
  NodeId to;
  friend bool operator==(const CutLink&, const CutLink&) = default;
};
struct Heal {
  friend bool operator==(const Heal&, const Heal&) = default;
};
struct Clog {  // frames on the link wait until the clog (the fault's duration) ends
  NodeId from;
  NodeId to;
  friend bool operator==(const Clog&, const Clog&) = default;
};
struct BreakConnection {
  NodeId a;
  NodeId b;
  friend bool operator==(const BreakConnection&, const BreakConnection&) = default;
};
struct LatencySpike {  // the link's one-way latency becomes uniform in [min, max]
  NodeId from;
  NodeId to;
  Duration min;
  Duration max;
  friend bool operator==(const LatencySpike&, const LatencySpike&) = default;
};
struct Loss {  // each frame on the link breaks its connection with this chance
  NodeId from;
  NodeId to;
  std::uint32_t ppm;
  friend bool operator==(const Loss&, const Loss&) = default;
};
struct Hostile {  // network-wide: frames duplicated and reordered with these chances
  std::uint32_t duplicate_ppm;
  std::uint32_t reorder_ppm;
  friend bool operator==(const Hostile&, const Hostile&) = default;
};
struct ClockJump {
  NodeId node;
  std::int64_t delta_ms;
  friend bool operator==(const ClockJump&, const ClockJump&) = default;
};
struct ClockDrift {
  NodeId node;
  std::int64_t drift_ppm;
  friend bool operator==(const ClockDrift&, const ClockDrift&) = default;
};
struct CorruptKey {  // key empty: a stored key picked by the world's "chaos-disk" stream
  NodeId node;
  std::string key;
  friend bool operator==(const CorruptKey&, const CorruptKey&) = default;
};
struct DiskFull {
  NodeId node;
  friend bool operator==(const DiskFull&, const DiskFull&) = default;
};
struct FailWrites {  // the node's next `count` writes fail with kIoError
  NodeId node;
  std::uint32_t count;
  friend bool operator==(const FailWrites&, const FailWrites&) = default;
};
struct BitcoinReorg {  // the last `depth` Bitcoin blocks are replaced
  std::uint32_t depth;
  bool evict_deposit;  // the newest deposit that shallow is left out of the new branch
  friend bool operator==(const BitcoinReorg&, const BitcoinReorg&) = default;
};
struct BitcoindOutage {  // the node's bitcoind answers nothing for the fault's duration
  NodeId node;
  friend bool operator==(const BitcoindOutage&, const BitcoindOutage&) = default;
};
struct EngineStall {  // the node's execution engine answers nothing for the duration
  NodeId node;
  friend bool operator==(const EngineStall&, const EngineStall&) = default;
};
struct ActorPanic {  // the named actor of the node throws in its next handler
  NodeId node;
  std::string actor;
  friend bool operator==(const ActorPanic&, const ActorPanic&) = default;
};
struct Equivocate {  // the authority signs a second, different block for each slot it owns
  NodeId node;
  friend bool operator==(const Equivocate&, const Equivocate&) = default;
};
struct Usurp {  // the authority also signs blocks in slots other authorities own
  NodeId node;
  friend bool operator==(const Usurp&, const Usurp&) = default;
};

using Fault = std::variant<Crash, Restart, Partition, CutLink, Heal, Clog, BreakConnection,
                           LatencySpike, Loss, Hostile, ClockJump, ClockDrift, CorruptKey,
                           DiskFull, FailWrites, BitcoinReorg, BitcoindOutage, EngineStall,
                           ActorPanic, Equivocate, Usurp>;

// The actors an ActorPanic may name.
const std::vector<std::string>& panickable_actors();

// The TOML `kind` of a fault ("crash", "bitcoin-reorg", ...), and every kind in order.
std::string_view kind_name(const Fault& fault);
const std::vector<std::string>& all_kind_names();

// How a kind treats a duration: kNone (instant, duration must be 0), kOptional (0 = never
// undone), kRequired (> 0: the fault is defined by how long it lasts).
enum class DurationUse { kNone, kOptional, kRequired };
DurationUse duration_use(const Fault& fault);

struct TimedFault {
  Instant at;
  Fault fault;
  Duration duration{0};  // see duration_use; when > 0 the fault is undone at `at + duration`
  friend bool operator==(const TimedFault&, const TimedFault&) = default;
};
using Schedule = std::vector<TimedFault>;

// One line, e.g. "crash n2 (seeded)", "partition {n0 n1} {n2 n3 n4}", "clog n1->n3".
std::string describe(const Fault& fault);
// "at 12.5s: crash n2 (seeded) for 10s".
std::string describe(const TimedFault& timed);

// Nodes a fault names (for checks that a schedule fits a world, and for reports).
std::vector<NodeId> nodes_of(const Fault& fault);

// What faults act on. The world is required; Bitcoin faults need `bitcoin` (without it they
// are logged as skipped); `reorg_evictions(depth)` names the deposits an evicting reorg of
// that depth leaves out (by default none).
struct FaultTarget {
  sim::World* world = nullptr;
  sim::SimBitcoin* bitcoin = nullptr;
  std::function<std::vector<Hash256>(std::uint32_t depth)> reorg_evictions;
};

// Applies `fault` now (a clog lasts `duration`) / undoes it (for a fault with a duration).
// A fault that cannot act (its node is down, no Bitcoin in this world, no such actor) is
// logged and skipped: a schedule stays valid whatever state the world is in when it fires.
void apply_fault(const FaultTarget& target, const Fault& fault, Duration duration = Duration::zero());
void undo_fault(const FaultTarget& target, const Fault& fault);

// Checks a schedule against a world of `nodes` nodes: nodes in range, durations as their
// kind needs. The error names the fault by index and description.
Status validate_schedule(const Schedule& schedule, std::size_t nodes);

// Schedules every fault of `schedule` at its time (>= now) and its undo at its end. Each
// application is logged as a world line and folded into the trace hash. `target` must
// outlive the run.
void schedule_faults(const FaultTarget& target, const Schedule& schedule);

// Orders a schedule by time, keeping the order of faults at the same time (stable).
void sort_schedule(Schedule& schedule);

}  // namespace alys::chaos
