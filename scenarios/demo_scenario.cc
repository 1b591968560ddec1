#include "scenarios/demo_scenario.h"

#include <algorithm>

#include <fmt/format.h>

#include "chaos/nemesis.h"

namespace alys::scenarios {

namespace {

// Shared between the probes of all nodes and the final checks.
struct DemoState {
  std::vector<std::uint64_t> last_synced;  // per node, across incarnations
  std::uint64_t max_synced = 0;
  bool quiesced = false;
  std::vector<CheckFailure> failures;
  std::uint64_t crashes = 0;
};

// Wraps a node's CounterGossip: checks durability on start, records synced values when the
// incarnation dies (the destructor runs exactly at the crash).
class Probe final : public NodeProgram {
 public:
  Probe(Env& env, DemoState& state, std::unique_ptr<demo::CounterGossip> inner,
        const sim::World& world)
      : env_(env), state_(state), inner_(std::move(inner)), world_(world) {}
  ~Probe() override {
    const std::uint64_t synced = inner_->synced_value();
    auto& last = state_.last_synced[env_.id()];
    last = std::max(last, synced);
    state_.max_synced = std::max(state_.max_synced, synced);
  }
  void start() override {
    if (state_.quiesced) inner_->set_bump_ppm(0);
    inner_->start();
    const std::uint64_t need = state_.last_synced[env_.id()];
    if (inner_->recovered_value() < need) {
      state_.failures.push_back(
          {"durability", world_.now(),
           fmt::format("n{} recovered {} after a crash, but had synced {}", env_.id(),
                       inner_->recovered_value(), need)});
    }
  }
  demo::CounterGossip& inner() { return *inner_; }

 private:
  Env& env_;
  DemoState& state_;
  std::unique_ptr<demo::CounterGossip> inner_;
  const sim::World& world_;
};

sim::WorldConfig world_config(const DemoOptions& o) {
  sim::WorldConfig c;
  c.seed = o.seed;
  c.log_level = o.log_level;
  c.network.latency = sim::LatencyModel{1ms, 30ms, 10'000, 500ms};
  c.clocks.max_initial_offset_ms = 500;
  c.clocks.max_drift_ppm = 100;
  return c;
}

}  // namespace

DemoResult run_demo(const DemoOptions& o) {
  ALYS_ASSERT(o.nodes >= 1, "run_demo: need at least one node");
  // The state outlives the world: programs write to it when they are destroyed.
  DemoState state;
  state.last_synced.assign(o.nodes, 0);
  sim::World world(world_config(o));
  if (o.log_sink) world.set_log_sink(o.log_sink);

  demo::CounterGossipConfig program_config;
  for (std::size_t i = 0; i < o.nodes; ++i) program_config.peers.push_back(static_cast<NodeId>(i));
  for (std::size_t i = 0; i < o.nodes; ++i) {
    world.add_node([&](Env& env) -> std::unique_ptr<NodeProgram> {
      auto inner = o.make_program ? o.make_program(env, program_config)
                                  : std::make_unique<demo::CounterGossip>(env, program_config);
      return std::make_unique<Probe>(env, state, std::move(inner), world);
    });
  }

  DemoResult result;
  const chaos::FaultTarget fault_target{&world, nullptr, {}};  // outlives the run
  if (o.chaos) {
    chaos::NemesisConfig nemesis;
    nemesis.nodes = o.nodes;
    nemesis.active_for = o.duration;
    nemesis.max_down = o.nodes >= 3 ? (o.nodes - 1) / 2 : 0;
    result.schedule = chaos::random_schedule(o.seed, nemesis);
    for (const auto& f : result.schedule) {
      if (std::holds_alternative<chaos::Crash>(f.fault)) ++state.crashes;
    }
    chaos::schedule_faults(fault_target, result.schedule);
  }

  // The quiet tail: heal, restart everyone, stop the counters growing.
  world.schedule_at(kTimeZero + o.duration, sim::EventKind::kCustom, 0, [&] {
    world.log_world("quiesce: heal, restart all, stop bumping");
    state.quiesced = true;
    world.network().heal();
    for (NodeId n = 0; n < o.nodes; ++n) {
      if (auto* p = static_cast<Probe*>(world.program(n))) {
        p->inner().set_bump_ppm(0);
      } else {
        world.restart(n);
      }
    }
  });
  world.run_until(kTimeZero + o.duration + o.settle);

  std::uint64_t max_value = 0;
  for (NodeId n = 0; n < o.nodes; ++n) {
    auto* p = static_cast<Probe*>(world.program(n));
    const std::uint64_t v = p ? p->inner().value() : 0;
    result.final_values.push_back(v);
    max_value = std::max(max_value, v);
  }
  for (NodeId n = 0; n < o.nodes; ++n) {
    if (result.final_values[n] != max_value) {
      state.failures.push_back({"convergence", world.now(),
                                fmt::format("n{} holds {} but n-max holds {} after {} quiet",
                                            n, result.final_values[n], max_value,
                                            format_duration(o.settle))});
    }
    // Live nodes' synced values count too.
    if (auto* p = static_cast<Probe*>(world.program(n))) {
      state.max_synced = std::max(state.max_synced, p->inner().synced_value());
    }
  }
  if (max_value < state.max_synced) {
    state.failures.push_back({"no-loss", world.now(),
                              fmt::format("final value {} is below synced value {}", max_value,
                                          state.max_synced)});
  }
  result.stats = world.stats();
  result.failures = std::move(state.failures);
  result.network = world.network().stats();
  result.crashes = state.crashes;
  return result;
}

}  // namespace alys::scenarios
