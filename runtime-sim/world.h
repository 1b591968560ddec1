// World: one deterministic simulated run (DESIGN.md §5).
//
// Single-threaded. One event queue ordered by (virtual time, seeded tie-break, sequence);
// virtual time jumps from event to event and never runs backwards. Everything random comes
// from streams derived from the one seed, so the same seed and the same calls give the same
// run, bit for bit, which the trace hash shows.
//
// Nodes: add_node() registers a program factory; the node starts at the current time with
// its own Env (clock with offset/drift, executor, transport endpoint, disk, random stream,
// buggify, log). crash() drops the node's pending events, connections and program (its
// volatile state) and rolls its disk back per the durability model; restart() builds a new
// program over the same disk.
//
// REQUIRES (for every mutating call): not called from inside an event of the node it
// changes when that would destroy the running program (crash/restart): schedule it instead.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/program.h"
#include "runtime-sim/event_queue.h"
#include "runtime-sim/sim_clock.h"
#include "runtime-sim/sim_config.h"
#include "runtime-sim/sim_disk.h"
#include "runtime-sim/trace_hash.h"

namespace alys::sim {

class SimNetwork;
class SimNode;

// Receives every log line of every node: "[   12.345678s] n3 info  message".
using LogSink = std::function<void(std::string_view line)>;
// Receives every event as it runs (what the trace hash folds): for trace files.
using TraceSink = std::function<void(Instant at, EventKind kind, NodeId node, std::uint64_t detail)>;

struct RunStats {
  std::uint64_t events = 0;
  Instant now{};
  std::uint64_t trace_hash = 0;
};

class World {
 public:
  explicit World(WorldConfig config);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // --- nodes -------------------------------------------------------------------------
  NodeId add_node(ProgramFactory factory);
  std::size_t node_count() const { return nodes_.size(); }
  bool is_up(NodeId node) const;
  std::uint32_t incarnation(NodeId node) const;
  void crash(NodeId node, CrashDurability durability = CrashDurability::kSeeded);
  void restart(NodeId node);
  // Processes that exited by themselves (Env::exit_process), all nodes, this run.
  std::uint64_t process_exits() const { return process_exits_; }
  NodeProgram* program(NodeId node);  // nullptr while the node is down
  SimDisk& disk(NodeId node);
  SimClock& clock(NodeId node);
  SimNetwork& network() { return *network_; }

  // --- scheduling ---------------------------------------------------------------------
  Instant now() const { return now_; }
  // Runs `task` at `at` (>= now) as a world event (no node: survives crashes).
  std::uint64_t schedule_at(Instant at, EventKind kind, std::uint64_t detail, Task task);
  // For runtime pieces: schedule on behalf of a node; dropped if it crashes first.
  // With `owner` set, the event is also dropped if the owner is retired first.
  std::uint64_t schedule_for(NodeId node, Instant at, EventKind kind, std::uint64_t detail,
                             Task task, OwnerToken owner = {});
  // Owners: O(1) bulk cancellation of everything an owner scheduled (no per-event record).
  OwnerToken register_owner();
  void retire_owner(OwnerToken owner);
  bool cancel(std::uint64_t event_id) { return queue_.cancel(event_id); }

  // --- running ------------------------------------------------------------------------
  bool step();  // runs one event; false if none is pending
  RunStats run_until(Instant deadline);  // runs events due <= deadline, then time = deadline
  RunStats run_for(Duration d) { return run_until(now_ + d); }
  RunStats run_events(std::uint64_t count);
  RunStats run_until_idle(std::uint64_t max_events = UINT64_MAX);
  RunStats stats() const { return {events_, now_, trace_.value()}; }

  // --- trace and randomness -------------------------------------------------------------
  std::uint64_t trace_hash() const { return trace_.value(); }
  std::uint64_t event_count() const { return events_; }
  std::uint64_t pending_events() const { return queue_.size(); }
  void fold_trace(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
    trace_.fold(a, b, c, d);
  }
  void fold_trace_bytes(ByteView bytes) { trace_.fold_bytes(bytes); }
  // A named independent stream of the world seed (faults, workloads): same name, same
  // stream; a new user never shifts an old one's draws.
  Xoshiro256ss stream(std::string_view purpose) const;
  const WorldConfig& config() const { return config_; }
  NodeId current_node() const { return current_node_; }

  // --- logging ----------------------------------------------------------------------
  void set_log_sink(LogSink sink) { log_sink_ = std::move(sink); }
  void set_trace_sink(TraceSink sink) { trace_sink_ = std::move(sink); }
  void log_line(NodeId node, LogLevel level, std::string_view message);
  // A world-level line (faults, harness), logged as node "--".
  void log_world(std::string_view message) { log_line(kNoNode, LogLevel::kInfo, message); }

 private:
  friend class SimNode;
  std::uint32_t tie_break() { return static_cast<std::uint32_t>(tie_rng_.next() >> 40); }
  // Runs the next live event due at or before `limit`; false if there is none. Dead events
  // (of crashed incarnations) due by `limit` are discarded on the way.
  bool step_due_by(Instant limit);
  void start_node(NodeId node);
  // Env::exit_process of `node`'s `incarnation`, called from inside its own event: the
  // process stops after that event (a process exit keeps every write the OS accepted) and
  // boots again after config().process_restart_delay, unless something restarted or
  // crashed it meanwhile.
  void process_exited(NodeId node, std::uint32_t incarnation, int code);

  WorldConfig config_;
  EventQueue queue_;
  TraceHash trace_;
  Xoshiro256ss tie_rng_;
  Instant now_{};
  std::uint64_t events_ = 0;
  NodeId current_node_ = kNoNode;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::vector<std::uint32_t> owner_generations_;  // per owner slot
  std::vector<std::uint32_t> free_owners_;
  std::unique_ptr<SimNetwork> network_;
  std::uint64_t process_exits_ = 0;
  LogSink log_sink_;
  TraceSink trace_sink_;
};

}  // namespace alys::sim
