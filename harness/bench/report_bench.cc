// Sweep report benchmarks (issue 9, DESIGN.md §9): writing every file of a 1,000-run
// sweep's --report folder (index.html, results.json, junit.xml, summary.md) into a temp
// folder, as `alys-sim sweep --report` does after the runs. The acceptance: under 2 s and
// under 5 MB in all.
//
// The sweep is made up but shaped like a real one (`alys-sim sweep scenarios/ --json`):
// the 13 library scenarios x 77 seeds (1,001 runs), 6 or 11 stats per run, swarm fault
// kinds per seed, wall times of 0.3-1.5 s, and about 5% failing runs, each with 1 to 100
// violations of 60-140 bytes of evidence like the planted double mint gives, plus a few
// crashes. BM_WriteSweepReportAllFail is the worst case: every run fails three checkers
// with 2 KB of evidence each.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>

#include "reports/sweep_report_files.h"

namespace alys::harness {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScenarios[] = {
    "bitcoin-reorg-during-pegin", "bitcoind-outage", "byzantine-authority", "chaos-swarm",
    "clock-skew-between-authorities", "disk-corruption-on-restart", "long-partition-then-heal",
    "federation-member-crash-mid-signing", "partition-during-pegout", "proposer-crash-in-slot",
    "proposer-restart-clock-step", "sync-from-scratch-under-loss", "sync-only-server-leaves"};
constexpr const char* kKinds[] = {"crash", "partition", "cut", "clog", "break", "latency", "loss",
                                  "clock-jump", "clock-drift", "engine-stall", "actor-panic",
                                  "bitcoin-reorg", "bitcoind-outage"};
constexpr const char* kStats[] = {"auxpow", "bitcoin_height", "blocks", "deposits", "finalized", "head_height",
                                  "pegins_minted", "pegouts_paid", "pegouts_sent", "txs_applied", "txs_submitted"};

// SplitMix64: the figures only need to look varied, the same every time.
struct Mix {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

std::string hex(Mix& mix, std::size_t chars) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  while (out.size() < chars) out += kDigits[mix.below(16)];
  return out;
}

RunResult realistic_run(std::size_t scenario, std::uint64_t seed, Mix& mix) {
  RunResult r;
  r.scenario = kScenarios[scenario];
  std::string file = r.scenario;
  for (char& c : file) c = c == '-' ? '_' : c;
  r.scenario_file = "scenarios/" + file + ".toml";
  r.seed = seed;
  r.trace_hash = mix.next();
  r.events = 300'000 + mix.below(500'000);
  r.virtual_ns = 1'443'000'000'000;
  r.wall_us = static_cast<std::int64_t>(300'000 + mix.below(1'200'000));
  r.faults = 10 + mix.below(80);
  for (const char* k : kKinds) {
    if (mix.below(3) == 0) r.fault_kinds.push_back(k);
  }
  r.buggify = mix.below(10) == 0;
  const std::size_t stats = scenario % 2 == 0 ? 11 : 6;
  for (std::size_t i = 0; i < stats; ++i) r.stats[kStats[i]] = static_cast<std::int64_t>(mix.below(3000));
  r.replay = "alys-sim run " + r.scenario_file + " --seed " + std::to_string(seed);
  const std::uint64_t roll = mix.below(1000);
  if (roll < 45) {  // ~4.5% fail
    r.verdict = RunVerdict::kFail;
    r.failures.push_back({"transfers", 1'443'000'000'000,
                          "block h218 does not replay: block 218: mint 0: peg-in " + hex(mix, 64) + ": already minted"});
    const std::size_t n = 1 + mix.below(100);
    for (std::size_t i = 0; i < n; ++i) {
      r.failures.push_back({"no-double-mint", 1'443'000'000'000,
                            "peg-in " + hex(mix, 12) + " minted again in block h" + std::to_string(mix.below(300)) +
                                " (first h" + std::to_string(mix.below(300)) + ")"});
    }
  } else if (roll < 50) {  // ~0.5% crash
    r.verdict = RunVerdict::kCrashed;
    r.crash = "signal 6 (SIGABRT); last words: core/chain/import.cc:211: assertion failed: parent known (" +
              hex(mix, 64) + ")";
  }
  return r;
}

reports::SweepResults realistic_sweep() {
  reports::SweepResults s;
  s.command = "alys-sim sweep scenarios/ --seeds 1..77";
  Mix mix{7};
  for (std::size_t sc = 0; sc < std::size(kScenarios); ++sc) {
    for (std::uint64_t seed = 1; seed <= 77; ++seed) s.runs.push_back(realistic_run(sc, seed, mix));
  }
  return s;
}

reports::SweepResults all_failing_sweep() {
  reports::SweepResults s = realistic_sweep();
  Mix mix{11};
  for (RunResult& r : s.runs) {
    r.verdict = RunVerdict::kFail;
    r.crash.clear();
    r.failures.clear();
    for (const char* c : {"heads-converge", "no-double-mint", "transfers"}) {
      r.failures.push_back({c, 61'000'000'000, hex(mix, 2048)});
    }
  }
  return s;
}

void write_report(benchmark::State& state, const reports::SweepResults& sweep) {
  const std::string dir = (fs::temp_directory_path() / ("alys_report_bench_" + std::to_string(::getpid()))).string();
  reports::ReportFilesWritten written;
  for (auto _ : state) {
    auto w = reports::write_sweep_report(dir, sweep);
    if (!w) {
      state.SkipWithError(w.error().message().c_str());
      break;
    }
    written = *w;
  }
  for (const char* name : {"index.html", "results.json", "junit.xml", "summary.md"}) {
    std::error_code ec;
    state.counters[std::string(name) + "_KB"] = static_cast<double>(fs::file_size(fs::path(dir) / name, ec)) / 1024.0;
  }
  fs::remove_all(dir);
  state.counters["runs"] = static_cast<double>(sweep.runs.size());
  state.counters["files"] = static_cast<double>(written.files);
  state.counters["total_MB"] = static_cast<double>(written.bytes) / (1024.0 * 1024.0);
}

void BM_WriteSweepReport(benchmark::State& state) {
  const reports::SweepResults sweep = realistic_sweep();
  write_report(state, sweep);
}
BENCHMARK(BM_WriteSweepReport)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WriteSweepReportAllFail(benchmark::State& state) {
  const reports::SweepResults sweep = all_failing_sweep();
  write_report(state, sweep);
}
BENCHMARK(BM_WriteSweepReportAllFail)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace alys::harness
