#include "chaos/fault.h"

#include <fmt/format.h>

#include <algorithm>

#include <xxhash.h>

#include "core/system/alys_node.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"

namespace alys::chaos {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string_view durability_name(sim::CrashDurability d) {
  switch (d) {
    case sim::CrashDurability::kSeeded: return "seeded";
    case sim::CrashDurability::kKeepAll: return "keep-unsynced";
    case sim::CrashDurability::kLoseAll: return "lose-unsynced";
  }
  return "?";
}

// The kind names, in the variant's order (index() -> name).
const std::vector<std::string>& kind_table() {
  static const std::vector<std::string> names{
      "crash",       "restart",       "partition",    "cut",         "heal",
      "clog",        "break",         "latency",      "loss",        "hostile",
      "clock-jump",  "clock-drift",   "corrupt",      "disk-full",   "fail-writes",
      "bitcoin-reorg", "bitcoind-outage", "engine-stall", "actor-panic", "equivocate", "usurp"};
  return names;
}
static_assert(std::variant_size_v<Fault> == 21, "kind_table lists every fault kind");

AlysNode* alys_node(sim::World& world, NodeId node) {
  return dynamic_cast<AlysNode*>(world.program(node));
}

void skipped(sim::World& world, const Fault& fault, std::string_view why) {
  world.log_world(fmt::format("fault skipped: {}: {}", describe(fault), why));
}

// Picks a stored key of the node's disk with the world's "chaos-disk" stream (the same
// schedule and world state give the same key).
std::optional<std::string> pick_stored_key(sim::World& world, NodeId node) {
  const auto& contents = world.disk(node).contents();
  if (contents.empty()) return std::nullopt;
  // A fresh stream per call, keyed by the disk's version: no shared mutable draw order.
  Xoshiro256ss rng = Xoshiro256ss::stream(world.config().seed ^ world.disk(node).version(),
                                          0x6469736b00ull + node);
  auto it = contents.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(uniform_below(rng, contents.size())));
  return std::string(it->first.begin(), it->first.end());
}

bool crash_actor(AlysNode& n, std::string_view actor) {
  if (actor == "chain") return n.chain().tell(chain::ChainCrashForTest{}).is_ok();
  if (actor == "engine") return n.engine().tell(execution::EngineCrashForTest{}).is_ok();
  if (actor == "storage") return n.storage().tell(storage::CrashForTest{}).is_ok();
  if (actor == "network") return n.network().tell(net::CrashForTest{}).is_ok();
  if (actor == "sync") return n.sync().tell(sync::SyncCrashForTest{}).is_ok();
  if (actor == "auxpow") return n.auxpow().tell(chain::AuxPowCrashForTest{}).is_ok();
  if (actor == "bridge" && n.bridge()) return n.bridge()->tell(bridge::BridgeCrashForTest{}).is_ok();
  if (actor == "federation" && n.federation()) {
    return n.federation()->tell(bridge::FederationCrashForTest{}).is_ok();
  }
  return false;
}

}  // namespace

const std::vector<std::string>& panickable_actors() {
  static const std::vector<std::string> names{"chain", "engine",  "storage", "network",
                                              "sync",  "auxpow", "bridge",  "federation"};
  return names;
}

std::string_view kind_name(const Fault& fault) { return kind_table()[fault.index()]; }
const std::vector<std::string>& all_kind_names() { return kind_table(); }

DurationUse duration_use(const Fault& fault) {
  return std::visit(
      Overloaded{
          [](const Crash&) { return DurationUse::kOptional; },
          [](const Partition&) { return DurationUse::kOptional; },
          [](const CutLink&) { return DurationUse::kOptional; },
          [](const ClockDrift&) { return DurationUse::kOptional; },
          [](const DiskFull&) { return DurationUse::kOptional; },
          [](const Clog&) { return DurationUse::kRequired; },
          [](const LatencySpike&) { return DurationUse::kRequired; },
          [](const Loss&) { return DurationUse::kRequired; },
          [](const Hostile&) { return DurationUse::kRequired; },
          [](const BitcoindOutage&) { return DurationUse::kRequired; },
          [](const EngineStall&) { return DurationUse::kRequired; },
          [](const Equivocate&) { return DurationUse::kRequired; },
          [](const Usurp&) { return DurationUse::kRequired; },
          [](const auto&) { return DurationUse::kNone; },
      },
      fault);
}

std::string describe(const Fault& fault) {
  return std::visit(
      Overloaded{
          [](const Crash& f) { return fmt::format("crash n{} ({})", f.node, durability_name(f.durability)); },
          [](const Restart& f) { return fmt::format("restart n{}", f.node); },
          [](const Partition& f) {
            std::string out = "partition";
            for (const auto& g : f.groups) {
              out += " {";
              for (std::size_t i = 0; i < g.size(); ++i) out += fmt::format("{}n{}", i ? " " : "", g[i]);
              out += "}";
            }
            return out;
          },
          [](const CutLink& f) { return fmt::format("cut n{}->n{}", f.from, f.to); },
          [](const Heal&) { return std::string("heal"); },
          [](const Clog& f) { return fmt::format("clog n{}->n{}", f.from, f.to); },
          [](const BreakConnection& f) { return fmt::format("break n{}<->n{}", f.a, f.b); },
          [](const LatencySpike& f) {
            return fmt::format("latency n{}->n{} {}..{}", f.from, f.to, format_duration(f.min),
                               format_duration(f.max));
          },
          [](const Loss& f) { return fmt::format("loss n{}->n{} {}ppm", f.from, f.to, f.ppm); },
          [](const Hostile& f) {
            return fmt::format("hostile network: duplicate {}ppm, reorder {}ppm", f.duplicate_ppm,
                               f.reorder_ppm);
          },
          [](const ClockJump& f) { return fmt::format("clock-jump n{} by {}ms", f.node, f.delta_ms); },
          [](const ClockDrift& f) { return fmt::format("clock-drift n{} {}ppm", f.node, f.drift_ppm); },
          [](const CorruptKey& f) {
            return f.key.empty() ? fmt::format("corrupt n{} a stored key", f.node)
                                 : fmt::format("corrupt n{} key '{}'", f.node, f.key);
          },
          [](const DiskFull& f) { return fmt::format("disk-full n{}", f.node); },
          [](const FailWrites& f) { return fmt::format("fail-writes n{} next {}", f.node, f.count); },
          [](const BitcoinReorg& f) {
            return fmt::format("bitcoin reorg of depth {}{}", f.depth,
                               f.evict_deposit ? ", evicting a deposit" : "");
          },
          [](const BitcoindOutage& f) { return fmt::format("bitcoind of n{} down", f.node); },
          [](const EngineStall& f) { return fmt::format("engine of n{} stalled", f.node); },
          [](const ActorPanic& f) { return fmt::format("actor {} of n{} panics", f.actor, f.node); },
          [](const Equivocate& f) { return fmt::format("n{} equivocates (two blocks per slot)", f.node); },
          [](const Usurp& f) { return fmt::format("n{} usurps (signs blocks in others' slots)", f.node); },
      },
      fault);
}

std::string describe(const TimedFault& timed) {
  std::string out = fmt::format("at {}: {}", format_duration(timed.at - kTimeZero), describe(timed.fault));
  if (timed.duration > Duration::zero()) out += " for " + format_duration(timed.duration);
  return out;
}

std::vector<NodeId> nodes_of(const Fault& fault) {
  return std::visit(
      Overloaded{
          [](const Partition& f) {
            std::vector<NodeId> out;
            for (const auto& g : f.groups) out.insert(out.end(), g.begin(), g.end());
            return out;
          },
          [](const CutLink& f) { return std::vector<NodeId>{f.from, f.to}; },
          [](const Clog& f) { return std::vector<NodeId>{f.from, f.to}; },
          [](const BreakConnection& f) { return std::vector<NodeId>{f.a, f.b}; },
          [](const LatencySpike& f) { return std::vector<NodeId>{f.from, f.to}; },
          [](const Loss& f) { return std::vector<NodeId>{f.from, f.to}; },
          [](const Heal&) { return std::vector<NodeId>{}; },
          [](const Hostile&) { return std::vector<NodeId>{}; },
          [](const BitcoinReorg&) { return std::vector<NodeId>{}; },
          [](const auto& f) { return std::vector<NodeId>{f.node}; },
      },
      fault);
}

void apply_fault(const FaultTarget& target, const Fault& fault, Duration duration) {
  sim::World& world = *target.world;
  auto& net = world.network();
  std::visit(
      Overloaded{
          [&](const Crash& f) {
            if (!world.is_up(f.node)) return skipped(world, fault, "already down");
            world.crash(f.node, f.durability);
          },
          [&](const Restart& f) {
            if (world.is_up(f.node)) return skipped(world, fault, "already up");
            world.restart(f.node);
          },
          [&](const Partition& f) { net.partition(f.groups); },
          [&](const CutLink& f) { net.cut(f.from, f.to); },
          [&](const Heal&) { net.heal(); },
          [&](const Clog& f) {
            if (duration <= Duration::zero()) return skipped(world, fault, "a clog needs a duration");
            net.clog(f.from, f.to, duration);
          },
          [&](const BreakConnection& f) { net.break_connection(f.a, f.b); },
          [&](const LatencySpike& f) {
            sim::LatencyModel m;
            m.min = f.min;
            m.max = f.max;
            net.set_link_latency(f.from, f.to, m);
          },
          [&](const Loss& f) { net.set_link_loss_ppm(f.from, f.to, f.ppm); },
          [&](const Hostile& f) { net.set_hostile(f.duplicate_ppm, f.reorder_ppm); },
          [&](const ClockJump& f) { world.clock(f.node).jump(f.delta_ms); },
          [&](const ClockDrift& f) { world.clock(f.node).set_drift_ppm(f.drift_ppm); },
          [&](const CorruptKey& f) {
            const auto key = f.key.empty() ? pick_stored_key(world, f.node) : f.key;
            if (!key || !world.disk(f.node).corrupt(as_bytes(*key))) {
              return skipped(world, fault, "no such stored key");
            }
            if (f.key.empty()) world.log_world(fmt::format("fault: corrupted n{} key '{}'", f.node, *key));
          },
          [&](const DiskFull& f) { world.disk(f.node).set_full(true); },
          [&](const FailWrites& f) { world.disk(f.node).fail_next_writes(f.count); },
          [&](const BitcoinReorg& f) {
            if (target.bitcoin == nullptr) return skipped(world, fault, "no Bitcoin in this run");
            const auto depth = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(f.depth, target.bitcoin->tip_height()));
            if (depth == 0) return skipped(world, fault, "Bitcoin has no blocks to replace");
            std::vector<Hash256> evicted;
            if (f.evict_deposit && target.reorg_evictions) evicted = target.reorg_evictions(depth);
            if (Status s = target.bitcoin->reorg(depth, evicted); !s) {
              return skipped(world, fault, s.message());
            }
          },
          [&](const BitcoindOutage& f) {
            if (target.bitcoin == nullptr) return skipped(world, fault, "no Bitcoin in this run");
            if (duration <= Duration::zero()) return skipped(world, fault, "an outage needs a duration");
            target.bitcoin->set_outage(f.node, world.now() + duration);
          },
          [&](const EngineStall& f) {
            AlysNode* n = alys_node(world, f.node);
            if (n == nullptr) return skipped(world, fault, "node down or not an Alys node");
            if (duration <= Duration::zero()) return skipped(world, fault, "a stall needs a duration");
            // The engine holds its queue for `duration`, then works through it (requests
            // asked meanwhile time out at the chain, which retries).
            execution::EngineFault stall;
            stall.stall_for = duration;
            (void)n->engine().tell(execution::SetEngineFault{stall});
          },
          [&](const ActorPanic& f) {
            AlysNode* n = alys_node(world, f.node);
            if (n == nullptr || !crash_actor(*n, f.actor)) {
              return skipped(world, fault, "node down or no such actor");
            }
          },
          [&](const Equivocate& f) {
            AlysNode* n = alys_node(world, f.node);
            if (n == nullptr) return skipped(world, fault, "node down or not an Alys node");
            if (!n->set_equivocating(true)) return skipped(world, fault, "not an authority");
          },
          [&](const Usurp& f) {
            AlysNode* n = alys_node(world, f.node);
            if (n == nullptr) return skipped(world, fault, "node down or not an Alys node");
            if (!n->set_usurping(true)) return skipped(world, fault, "not an authority");
          },
      },
      fault);
}

void undo_fault(const FaultTarget& target, const Fault& fault) {
  sim::World& world = *target.world;
  auto& net = world.network();
  std::visit(
      Overloaded{
          [&](const Crash& f) {
            if (!world.is_up(f.node)) world.restart(f.node);
          },
          [&](const Partition&) { net.heal(); },
          [&](const CutLink& f) { net.heal(f.from, f.to); },
          [&](const LatencySpike& f) { net.reset_link_latency(f.from, f.to); },
          [&](const Loss& f) { net.reset_link_loss(f.from, f.to); },
          [&](const Hostile&) { net.set_hostile(0, 0); },
          [&](const Equivocate& f) {
            // A node that crashed meanwhile came back honest: nothing to undo there.
            if (AlysNode* n = alys_node(world, f.node)) n->set_equivocating(false);
          },
          [&](const Usurp& f) {
            if (AlysNode* n = alys_node(world, f.node)) n->set_usurping(false);
          },
          [&](const ClockDrift& f) { world.clock(f.node).set_drift_ppm(0); },
          [&](const DiskFull& f) { world.disk(f.node).set_full(false); },
          [&](const auto&) {},
      },
      fault);
}

Status validate_schedule(const Schedule& schedule, std::size_t nodes) {
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    const TimedFault& t = schedule[i];
    auto bad = [&](std::string_view why) {
      return Status::invalid_argument(fmt::format("fault {} ({}): {}", i, describe(t), why));
    };
    for (NodeId n : nodes_of(t.fault)) {
      if (n >= nodes) return bad(fmt::format("node n{} does not exist ({} nodes)", n, nodes));
    }
    if (t.duration < Duration::zero()) return bad("negative duration");
    switch (duration_use(t.fault)) {
      case DurationUse::kNone:
        if (t.duration != Duration::zero()) return bad("this kind takes no duration");
        break;
      case DurationUse::kRequired:
        if (t.duration == Duration::zero()) return bad("this kind needs a duration");
        break;
      case DurationUse::kOptional: break;
    }
    if (const auto* p = std::get_if<Partition>(&t.fault)) {
      std::vector<NodeId> seen;
      for (const auto& g : p->groups) seen.insert(seen.end(), g.begin(), g.end());
      std::sort(seen.begin(), seen.end());
      if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) {
        return bad("a node is in two groups");
      }
    }
    if (const auto* l = std::get_if<LatencySpike>(&t.fault); l && l->min > l->max) {
      return bad("latency min is above max");
    }
    if (const auto* a = std::get_if<ActorPanic>(&t.fault)) {
      const auto& names = panickable_actors();
      if (std::find(names.begin(), names.end(), a->actor) == names.end()) {
        return bad("no such actor (chain, engine, storage, network, sync, auxpow, bridge, federation)");
      }
    }
  }
  return Status::ok();
}

void schedule_faults(const FaultTarget& target, const Schedule& schedule) {
  sim::World& world = *target.world;
  for (const TimedFault& timed : schedule) {
    const std::string line = describe(timed.fault);
    const std::uint64_t digest = XXH3_64bits(line.data(), line.size());
    const Duration length = timed.duration;
    world.schedule_at(timed.at, sim::EventKind::kFault, digest,
                      [&target, fault = timed.fault, line, length] {
                        target.world->log_world(
                            length > Duration::zero()
                                ? fmt::format("fault: {} for {}", line, format_duration(length))
                                : "fault: " + line);
                        apply_fault(target, fault, length);
                      });
    // Clogs, outages and stalls end by themselves; other faults with a duration are undone.
    if (length > Duration::zero() && !std::holds_alternative<Clog>(timed.fault) &&
        !std::holds_alternative<BitcoindOutage>(timed.fault) &&
        !std::holds_alternative<EngineStall>(timed.fault)) {
      world.schedule_at(timed.at + length, sim::EventKind::kFault, digest ^ 0x656e64ull,
                        [&target, fault = timed.fault, line] {
                          target.world->log_world("fault ends: " + line);
                          undo_fault(target, fault);
                        });
    }
  }
}

void sort_schedule(Schedule& schedule) {
  std::stable_sort(schedule.begin(), schedule.end(),
                   [](const TimedFault& a, const TimedFault& b) { return a.at < b.at; });
}

}  // namespace alys::chaos
