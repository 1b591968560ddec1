#include "scenarios/scenario_run.h"

#include <fmt/format.h>

#include <map>

namespace alys::scenarios {

std::string replay_command(const Scenario& scenario, std::uint64_t seed, PlantedBug plant) {
  std::string cmd = fmt::format("alys-sim run {} --seed {}", scenario.file.empty() ? scenario.name : scenario.file, seed);
  if (plant != PlantedBug::kNone) cmd += fmt::format(" --plant {}", planted_bug_name(plant));
  return cmd;
}

RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const RunSettings& settings,
                       ChainResult& detail) {
  ChainOptions o = scenario.options;
  o.seed = seed;
  o.planted_bug = settings.plant;
  o.log_level = settings.log_level;
  o.log_sink = settings.log_sink;
  o.trace_sink = settings.trace_sink;
  o.stop_at = settings.stop_at;
  o.timeline = settings.timeline;
  o.trace_recording = settings.trace_recording;
  detail = run_chain(o);
  if (settings.trace_recording != nullptr) settings.trace_recording->scenario = scenario.name;

  RunResult r;
  r.scenario = scenario.name;
  r.scenario_file = scenario.file;
  r.seed = seed;
  r.plant = settings.plant == PlantedBug::kNone ? "" : std::string(planted_bug_name(settings.plant));
  struct Seen {
    std::size_t count = 0;
    std::int64_t last_at_ns = 0;
  };
  std::map<std::string, Seen> per_checker;
  for (const CheckFailure& f : detail.failures) {
    if (scenario.skip_checks.count(f.checker) != 0) continue;
    Seen& seen = per_checker[f.checker];
    seen.last_at_ns = to_ns(f.at);
    if (++seen.count <= kMaxFailuresPerChecker) {
      r.failures.push_back(RunFailure{f.checker, to_ns(f.at), f.evidence});
    }
  }
  for (const auto& [checker, seen] : per_checker) {
    const std::size_t count = seen.count;
    if (count <= kMaxFailuresPerChecker) continue;
    r.failures.push_back(RunFailure{checker, seen.last_at_ns,
                                    fmt::format("and {} more {} violations (alys-sim replay prints them all)",
                                                count - kMaxFailuresPerChecker, checker)});
  }
  r.verdict = r.failures.empty() ? RunVerdict::kPass : RunVerdict::kFail;
  r.trace_hash = detail.stats.trace_hash;
  r.events = detail.stats.events;
  r.virtual_ns = to_ns(detail.stats.now);
  r.faults = detail.schedule.size();
  r.fault_kinds = detail.chaos_kinds;
  r.buggify = detail.buggify;
  std::uint64_t max_head = 0;
  for (const NodeSummary& n : detail.nodes) max_head = std::max(max_head, n.head_height);
  r.stats = {
      {"blocks", static_cast<std::int64_t>(detail.blocks)},
      {"head_height", static_cast<std::int64_t>(max_head)},
      {"finalized", static_cast<std::int64_t>(detail.max_finalized)},
      {"auxpow", static_cast<std::int64_t>(detail.auxpow_submitted)},
      {"txs_submitted", static_cast<std::int64_t>(detail.txs_submitted)},
      {"txs_applied", static_cast<std::int64_t>(detail.txs_applied)},
  };
  if (o.bitcoin) {
    r.stats["deposits"] = static_cast<std::int64_t>(detail.deposits);
    r.stats["pegins_minted"] = static_cast<std::int64_t>(detail.pegins_minted);
    r.stats["bitcoin_height"] = static_cast<std::int64_t>(detail.bitcoin_height);
    r.stats["pegouts_sent"] = static_cast<std::int64_t>(detail.pegouts_sent);
    r.stats["pegouts_paid"] = static_cast<std::int64_t>(detail.pegouts_paid);
  }
  r.replay = replay_command(scenario, seed, settings.plant);
  return r;
}

RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const RunSettings& settings) {
  ChainResult detail;
  return run_scenario(scenario, seed, settings, detail);
}

}  // namespace alys::scenarios
