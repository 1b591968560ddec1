// Chain scenario benchmarks (issue 5, DESIGN.md §9): wall time per simulated hour of the
// 7-node network (5 authorities + 2 full nodes, 2 s slots), without workload and with
// 10 transfers/s. One iteration each: a simulated hour is the unit of work.
#include <benchmark/benchmark.h>

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
