// Sweep benchmarks (issue 7, DESIGN.md §9): how fast the harness gets through seeds of a
// 10-simulated-minute chaos scenario (5 authorities + 2 full nodes, 2 transfers/s, crashes,
// partitions, clogs, clock jumps, latency spikes and loss, then a 60 s quiet tail), one
// child process per seed as `alys-sim sweep` runs them; and the wall time of one simulated
// hour of the same network under chaos. The target: 1,000 seeds in at most 60 s on 2 cores,
// i.e. at least 16.7 seeds/s with --jobs 2.
#include <benchmark/benchmark.h>

#include "harness/process_pool.h"
#include "scenarios/scenario.h"
#include "scenarios/scenario_run.h"

namespace alys::harness {
namespace {

scenarios::Scenario ten_minute_chaos() {
  scenarios::Scenario s;
  s.name = "bench-10m-chaos";
  s.options.duration = 10min;
  s.options.settle = 60s;
  s.options.tx_per_sec = 2;
  s.options.chaos = true;
  s.options.nemesis_exact = true;
  s.options.nemesis.kinds = {"crash", "partition", "clog", "clock-jump", "latency", "loss"};
  return s;
}

// Seeds of the 10-minute chaos scenario through the sweep's process pool, `range(0)` at a
// time. items_per_second is seeds per second.
void BM_SweepSeeds(benchmark::State& state) {
  const scenarios::Scenario s = ten_minute_chaos();
  const auto parallel = static_cast<std::size_t>(state.range(0));
  const std::size_t seeds = 20 * parallel;
  std::size_t failed = 0;
  for (auto _ : state) {
    run_in_processes(
        seeds, parallel,
        [&](std::size_t i) { return scenarios::run_scenario(s, 1 + i).passed() ? std::string("ok") : std::string("fail"); },
        [&](std::size_t, ChildOutcome o) { failed += !(o.ok() && o.output == "ok"); });
  }
  if (failed > 0) state.SkipWithError("a seed failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * seeds));
  state.counters["seeds"] = static_cast<double>(seeds);
}
BENCHMARK(BM_SweepSeeds)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// One simulated hour of the same network under chaos (the nemesis active the whole hour).
void BM_ChaosSimulatedHour(benchmark::State& state) {
  scenarios::Scenario s = ten_minute_chaos();
  s.options.duration = 1h;
  for (auto _ : state) {
    const RunResult r = scenarios::run_scenario(s, 1);
    if (!r.passed()) state.SkipWithError("a check failed");
    state.counters["events"] = static_cast<double>(r.events);
    state.counters["faults"] = static_cast<double>(r.faults);
  }
}
BENCHMARK(BM_ChaosSimulatedHour)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace alys::harness
