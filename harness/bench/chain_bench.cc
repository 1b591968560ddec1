// Chain scenario benchmarks (issue 5, DESIGN.md §9): wall time per simulated hour of the
// 7-node network (5 authorities + 2 full nodes, 2 s slots), without workload and with
// 10 transfers/s. One iteration each: a simulated hour is the unit of work.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>

#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

void BM_ChainSimulatedHour(benchmark::State& state) {
  ChainOptions o;
  o.seed = 1;
  o.duration = 1h;
  o.tx_per_sec = static_cast<std::uint32_t>(state.range(0));
  for (auto _ : state) {
    const ChainResult r = run_chain(o);
    if (!r.ok()) state.SkipWithError("a check failed");
    state.counters["blocks"] = static_cast<double>(r.nodes[0].head_height);
    state.counters["txs"] = static_cast<double>(r.txs_applied);
    state.counters["events"] = static_cast<double>(r.stats.events);
  }
}
BENCHMARK(BM_ChainSimulatedHour)->Arg(0)->Arg(10)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace alys::scenarios

namespace alys::scenarios {
namespace {

// Sync throughput of a node that starts ~2,000 blocks behind (issue 5): wall time and
// virtual time from its start to the moment its sync actor reports Synced at the head.
void BM_SyncCatchUp(benchmark::State& state) {
  for (auto _ : state) {
    struct Probe {
      std::chrono::steady_clock::time_point wall_start;
      double wall_s = 0;
      Duration virtual_time{};
      std::uint64_t blocks = 0;
      std::function<void()> poll;
    } probe;
    ChainOptions o;
    o.seed = 9;
    o.duration = 70min;
    o.settle = 30s;
    o.miner_mean = 60s;
    o.late_nodes = {6};
    o.late_start = 4100s;
    const Instant start = Instant{} + 4100s;
    o.setup = [&probe, start](sim::World& world) {
      probe.poll = [&world, &probe, start] {
        auto* node = dynamic_cast<AlysNode*>(world.program(6));
        auto* sync = node ? dynamic_cast<sync::SyncActor*>(node->sync().cell().instance()) : nullptr;
        if (sync != nullptr) {
          const sync::SyncProgress p = sync->progress();
          if (p.state == sync::SyncState::kSynced && p.blocks_imported > 0) {
            probe.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                         probe.wall_start).count();
            probe.virtual_time = world.now() - start;
            probe.blocks = p.blocks_imported;
            return;
          }
        }
        world.schedule_at(world.now() + 10ms, sim::EventKind::kCustom, 6, [&probe] { probe.poll(); });
      };
      world.schedule_at(start, sim::EventKind::kCustom, 6, [&probe] {
        probe.wall_start = std::chrono::steady_clock::now();
        probe.poll();
      });
    };
    const ChainResult r = run_chain(o);
    if (!r.ok() || probe.blocks == 0) state.SkipWithError("sync did not complete");
    state.counters["blocks"] = static_cast<double>(probe.blocks);
    state.counters["wall_blocks_per_s"] = probe.wall_s > 0 ? probe.blocks / probe.wall_s : 0;
    state.counters["virtual_s"] = std::chrono::duration<double>(probe.virtual_time).count();
  }
}
BENCHMARK(BM_SyncCatchUp)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace alys::scenarios
