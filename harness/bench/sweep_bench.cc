// Sweep benchmarks (issue 7, DESIGN.md §9): how fast the harness gets through seeds of a
// 10-simulated-minute chaos scenario (5 authorities + 2 full nodes, 2 transfers/s, crashes,
// partitions, clogs, clock jumps, latency spikes and loss, then a 60 s quiet tail), in the
// sweep's worker processes as `alys-sim sweep` runs them; and the wall time of one simulated
// hour of the same network under chaos. The target: 1,000 seeds in at most 60 s on 2 cores,
// i.e. at least 16.7 seeds/s with --jobs 2. BM_SignatureFloorPerSeed measures how much of a
// seed is signature work, made as alys-sim makes it (bench_main.cc: the fixed-base table).
#include <benchmark/benchmark.h>

#include "core/crypto/schnorr.h"
#include "core/crypto/sha256.h"
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

// What no simulator speed can remove from a seed: the BIP-340 signatures its network makes
// and checks (real signatures, each checked once thanks to the shared VerifyCache; made
// through the fixed-base table, as alys-sim makes them). Runs
// one seed of the 10-minute chaos scenario to count them, then makes and checks that many
// on their own, one iteration per seed. Time per iteration is the signature floor of one
// seed; floor_seeds_per_s_2_jobs is the most BM_SweepSeeds/2 could reach if everything
// else cost nothing.
void BM_SignatureFloorPerSeed(benchmark::State& state) {
  const scenarios::Scenario s = ten_minute_chaos();
  const SchnorrOpCounts before = schnorr_op_counts();
  if (!scenarios::run_scenario(s, 1).passed()) state.SkipWithError("a check failed");
  const SchnorrOpCounts after = schnorr_op_counts();
  const std::uint64_t signs = after.signs - before.signs;
  const std::uint64_t verifies = after.verifies - before.verifies;
  const SecretKey key = SecretKey::from_bytes(sha256(as_bytes("alys/bench/floor")).view()).value();
  const SchnorrSigner signer(key);
  const Hash256 message = sha256(as_bytes("alys/bench/floor/message"));
  const SchnorrSignature sig = signer.sign(message.view(), Hash256{});
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < signs; ++i) {
      benchmark::DoNotOptimize(signer.sign(message.view(), Hash256{}));
    }
    for (std::uint64_t i = 0; i < verifies; ++i) {
      benchmark::DoNotOptimize(schnorr_verify(signer.public_key(), message.view(), sig));
    }
  }
  state.counters["signs"] = static_cast<double>(signs);
  state.counters["verifies"] = static_cast<double>(verifies);
  state.counters["floor_seeds_per_s_2_jobs"] =
      benchmark::Counter(2.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SignatureFloorPerSeed)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace alys::harness
