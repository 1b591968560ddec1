#include "runtime-sim/world.h"

#include <fmt/format.h>

#include <xxhash.h>

#include "core/runtime/random.h"
#include "runtime-sim/sim_network.h"
#include "runtime-sim/sim_node.h"

namespace alys::sim {

World::World(WorldConfig config)
    : config_(config),
      tie_rng_(stream("tie-break")) {
  network_ = std::make_unique<SimNetwork>(*this, config_.network);
}

World::~World() {
  // Programs first: they may hold references into the network and executors.
  nodes_.clear();
}

Xoshiro256ss World::stream(std::string_view purpose) const {
  return Xoshiro256ss::stream(config_.seed, XXH3_64bits(purpose.data(), purpose.size()));
}

NodeId World::add_node(ProgramFactory factory) {
  const auto id = static_cast<NodeId>(nodes_.size());
  auto clock_rng = Xoshiro256ss::stream(config_.seed, (std::uint64_t{1} << 62) | id);
  const auto& c = config_.clocks;
  const std::int64_t offset = c.max_initial_offset_ms > 0
      ? uniform_between(clock_rng, -c.max_initial_offset_ms, c.max_initial_offset_ms) : 0;
  const std::int64_t drift =
      c.max_drift_ppm > 0 ? uniform_between(clock_rng, -c.max_drift_ppm, c.max_drift_ppm) : 0;
  network_->add_node();
  nodes_.push_back(std::make_unique<SimNode>(*this, id, std::move(factory),
                                             c.epoch_unix_ms + offset + to_ms(now_ - kTimeZero),
                                             drift));
  start_node(id);
  return id;
}

void World::start_node(NodeId node) {
  // Boot is an event of its own so that a node added or restarted mid-run starts at a
  // seed-chosen position among the events of the same instant.
  const std::uint32_t incarnation = nodes_[node]->incarnation();
  schedule_at(now_, EventKind::kStart, node, [this, node, incarnation] {
    SimNode& n = *nodes_[node];
    if (n.up() || n.incarnation() != incarnation) return;  // crashed again before booting
    current_node_ = node;
    n.boot();
  });
}

bool World::is_up(NodeId node) const {
  ALYS_ASSERT(node < nodes_.size(), "World: unknown node");
  return nodes_[node]->up();
}

std::uint32_t World::incarnation(NodeId node) const {
  ALYS_ASSERT(node < nodes_.size(), "World: unknown node");
  return nodes_[node]->incarnation();
}

void World::crash(NodeId node, CrashDurability durability) {
  ALYS_ASSERT(node < nodes_.size(), "World::crash: unknown node");
  ALYS_ASSERT(current_node_ != node, "World::crash from inside the node's own event");
  SimNode& n = *nodes_[node];
  if (!n.up()) {
    n.cancel_boot();  // a restart still waiting to boot does not happen
    return;
  }
  n.kill();
  network_->on_node_crash(node);
  SimDisk& disk = n.disk();
  std::size_t keep = disk.unsynced_batches();
  switch (durability) {
    case CrashDurability::kKeepAll: break;
    case CrashDurability::kLoseAll: keep = 0; break;
    case CrashDurability::kSeeded: {
      // Drawn from the crash itself (node, instant), not from a stream shared by every
      // crash of the run: what one crash keeps then does not change when `shrink` removes
      // an earlier crash, or when a new fault kind adds crashes elsewhere.
      static const std::uint64_t kCrashStreamKey = XXH3_64bits("crash-durability", 16);
      const std::uint64_t id = kCrashStreamKey + std::uint64_t{node} * 0x9E3779B97F4A7C15ull +
                               static_cast<std::uint64_t>(to_ns(now_)) * 0xC2B2AE3D27D4EB4Full;
      Xoshiro256ss rng = Xoshiro256ss::stream(config_.seed, id);
      switch (uniform_below(rng, 3)) {
        case 0: keep = 0; break;
        case 1: break;
        default: keep = uniform_below(rng, keep + 1); break;
      }
      break;
    }
  }
  fold_trace(to_ns(now_), static_cast<std::uint64_t>(EventKind::kFault), node,
             0xC0A5'0000'0000'0000ull | keep);
  disk.crash(keep);
}

void World::restart(NodeId node) {
  ALYS_ASSERT(node < nodes_.size(), "World::restart: unknown node");
  if (nodes_[node]->up()) return;
  fold_trace(to_ns(now_), static_cast<std::uint64_t>(EventKind::kFault), node,
             0x5EB0'0000'0000'0000ull);
  start_node(node);
}

void World::process_exited(NodeId node, std::uint32_t incarnation, int code) {
  // Not now: we are inside the node's own event, and its program is on the stack.
  schedule_at(now_, EventKind::kFault, node, [this, node, incarnation, code] {
    SimNode& n = *nodes_[node];
    if (!n.up() || n.incarnation() != incarnation) return;  // already gone another way
    ++process_exits_;
    fold_trace(to_ns(now_), static_cast<std::uint64_t>(EventKind::kFault), node,
               0xE417'0000'0000'0000ull | static_cast<std::uint32_t>(code));
    log_line(node, LogLevel::kWarn,
             fmt::format("process exited with code {}; service manager restarts it in {} ms",
                         code, to_ms(config_.process_restart_delay)));
    crash(node, CrashDurability::kKeepAll);
    if (config_.process_restart_delay < Duration::zero()) return;
    const std::uint32_t down = n.incarnation();
    schedule_at(now_ + config_.process_restart_delay, EventKind::kFault, node, [this, node, down] {
      // A fault that crashed or restarted the node since owns its fate now.
      if (nodes_[node]->up() || nodes_[node]->incarnation() != down) return;
      restart(node);
    });
  });
}

NodeProgram* World::program(NodeId node) {
  ALYS_ASSERT(node < nodes_.size(), "World::program: unknown node");
  return nodes_[node]->up() ? nodes_[node]->program() : nullptr;
}

SimDisk& World::disk(NodeId node) {
  ALYS_ASSERT(node < nodes_.size(), "World::disk: unknown node");
  return nodes_[node]->disk();
}

SimClock& World::clock(NodeId node) {
  ALYS_ASSERT(node < nodes_.size(), "World::clock: unknown node");
  return nodes_[node]->clock();
}

std::uint64_t World::schedule_at(Instant at, EventKind kind, std::uint64_t detail, Task task) {
  ALYS_ASSERT(at >= now_, "World::schedule_at: time in the past");
  return queue_.push(at, tie_break(), EventTag{kind, kNoNode, 0, detail, {}}, std::move(task));
}

std::uint64_t World::schedule_for(NodeId node, Instant at, EventKind kind, std::uint64_t detail,
                                  Task task, OwnerToken owner) {
  ALYS_ASSERT(at >= now_, "World::schedule_for: time in the past");
  ALYS_ASSERT(node < nodes_.size(), "World::schedule_for: unknown node");
  return queue_.push(at, tie_break(),
                     EventTag{kind, node, nodes_[node]->incarnation(), detail, owner},
                     std::move(task));
}

OwnerToken World::register_owner() {
  std::uint32_t index;
  if (!free_owners_.empty()) {
    index = free_owners_.back();
    free_owners_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(owner_generations_.size());
    ALYS_ASSERT(index != OwnerToken::kNone, "World: owner slots exhausted");
    owner_generations_.push_back(0);
  }
  return OwnerToken{index, owner_generations_[index]};
}

void World::retire_owner(OwnerToken owner) {
  ALYS_ASSERT(owner.index < owner_generations_.size() &&
                  owner_generations_[owner.index] == owner.generation,
              "World::retire_owner: unknown or already retired owner");
  ++owner_generations_[owner.index];
  free_owners_.push_back(owner.index);
}

bool World::step() { return step_due_by(Instant::max()); }

bool World::step_due_by(Instant limit) {
  EventQueue::Popped ev;
  for (;;) {
    // Look before popping: after skipping a crashed node's dead event, the next live event
    // may be due after `limit`, and run_until must not run it (it used to: the deadline
    // was checked only once, before the first pop).
    if (queue_.empty() || queue_.next_time() > limit) return false;
    queue_.pop(ev);
    ALYS_ASSERT(ev.at >= now_, "virtual time ran backwards");
    now_ = ev.at;
    const OwnerToken owner = ev.tag.owner;
    if (owner.index != OwnerToken::kNone &&
        owner_generations_[owner.index] != owner.generation) {
      continue;  // its owner (an executor strand) is gone, and its work with it
    }
    const NodeId node = ev.tag.node;
    if (node == kNoNode) break;
    const SimNode& n = *nodes_[node];
    if (n.up() && n.incarnation() == ev.tag.incarnation) break;
    // The node crashed since this was scheduled: its work vanished with it.
  }
  ++events_;
  trace_.fold(to_ns(now_), static_cast<std::uint64_t>(ev.tag.kind), ev.tag.node, ev.tag.detail);
  if (trace_sink_) trace_sink_(now_, ev.tag.kind, ev.tag.node, ev.tag.detail);
  current_node_ = ev.tag.node;
  ev.task();
  current_node_ = kNoNode;
  return true;
}

RunStats World::run_until(Instant deadline) {
  while (step_due_by(deadline)) {
  }
  if (deadline > now_) now_ = deadline;
  return stats();
}

RunStats World::run_events(std::uint64_t count) {
  for (std::uint64_t i = 0; i < count && step(); ++i) {
  }
  return stats();
}

RunStats World::run_until_idle(std::uint64_t max_events) {
  for (std::uint64_t i = 0; i < max_events && step(); ++i) {
  }
  return stats();
}

void World::log_line(NodeId node, LogLevel level, std::string_view message) {
  if (!log_sink_) return;
  const std::int64_t ns = to_ns(now_);
  std::string node_name = node == kNoNode ? std::string("--") : fmt::format("n{}", node);
  log_sink_(fmt::format("[{:>6}.{:06}s] {:<3} {:<5} {}", ns / 1'000'000'000,
                        (ns % 1'000'000'000) / 1000, node_name, log_level_name(level), message));
}

}  // namespace alys::sim
