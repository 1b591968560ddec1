// Simulator kernel benchmarks (DESIGN.md §9). Figures go in issue notes as ratios measured
// side by side in one run; nothing here is a pass/fail test.
#include <benchmark/benchmark.h>

#include <memory>

#include "core/runtime/program.h"
#include "runtime-sim/event_queue.h"
#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"

namespace {

using namespace alys;

// A program that does nothing: the node exists only to own an executor.
class Idle final : public NodeProgram {
 public:
  explicit Idle(Env& env) : env_(env) {}
  void start() override {}
  Env& env() { return env_; }

 private:
  Env& env_;
};

// Timer events scheduled and fired per second, through a node's Executor::after (the path
// every actor timer takes): batches of `range(0)` empty timers at random-ish delays.
void BM_TimerScheduleFire(benchmark::State& state) {
  sim::World world(sim::WorldConfig{});
  const NodeId id = world.add_node([](Env& env) { return std::make_unique<Idle>(env); });
  world.run_until_idle();
  Executor& exec = static_cast<Idle*>(world.program(id))->env().executor();
  const auto batch = state.range(0);
  std::uint64_t fired = 0;
  Xoshiro256ss rng(7);
  for (auto _ : state) {
    for (std::int64_t i = 0; i < batch; ++i) {
      exec.after(Duration{static_cast<std::int64_t>(rng.next() % 1'000'000)}, [&fired] { ++fired; });
    }
    world.run_until_idle();
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_TimerScheduleFire)->Arg(1'000)->Arg(100'000);

// The raw queue without the executor layer, for comparison.
void BM_EventQueuePushPop(benchmark::State& state) {
  sim::EventQueue q;
  Xoshiro256ss rng(9);
  const auto batch = state.range(0);
  std::uint64_t fired = 0;
  sim::EventQueue::Popped ev;
  for (auto _ : state) {
    for (std::int64_t i = 0; i < batch; ++i) {
      q.push(Instant{Duration{static_cast<std::int64_t>(rng.next() % 1'000'000)}},
             static_cast<std::uint32_t>(rng.next()), sim::EventTag{}, [&fired] { ++fired; });
    }
    while (q.pop(ev)) ev.task();
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_EventQueuePushPop)->Arg(1'000)->Arg(100'000);

// Frames delivered per second: two nodes, one connection, the sender keeps `window` frames
// of 64 bytes in flight and sends a new one for each one delivered.
class Flood final : public NodeProgram, private TransportHandler {
 public:
  Flood(Env& env, bool sender, std::uint64_t* delivered)
      : env_(env), sender_(sender), delivered_(delivered) {}
  void start() override {
    env_.transport().set_handler(this);
    if (sender_) env_.transport().connect(1);
  }
  void on_peer_up(NodeId peer) override {
    if (!sender_) return;
    for (int i = 0; i < 64; ++i) env_.transport().send(peer, payload_);
  }
  void on_peer_down(NodeId) override {}
  void on_frame(NodeId peer, ByteView) override {
    ++*delivered_;
    env_.transport().send(peer, payload_);  // echo keeps the pipe full
  }

 private:
  Env& env_;
  bool sender_;
  std::uint64_t* delivered_;
  Bytes payload_ = Bytes(64, 0xAB);
};

void BM_FrameDelivery(benchmark::State& state) {
  std::uint64_t delivered = 0;
  sim::World world(sim::WorldConfig{});
  world.add_node([&](Env& env) { return std::make_unique<Flood>(env, true, &delivered); });
  world.add_node([&](Env& env) { return std::make_unique<Flood>(env, false, &delivered); });
  world.run_for(1s);
  for (auto _ : state) {
    const std::uint64_t before = delivered;
    while (delivered - before < 100'000) world.step();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100'000);
}
BENCHMARK(BM_FrameDelivery);

}  // namespace
