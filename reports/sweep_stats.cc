#include "reports/sweep_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/runtime/assert.h"
#include "reports/report_text.h"

namespace alys::reports {

std::int64_t percentile(const std::vector<std::int64_t>& sorted, int pct) {
  if (sorted.empty()) return 0;
  pct = std::clamp(pct, 1, 100);
  // Nearest rank: the smallest value with at least pct% of the values at or below it.
  const std::size_t rank = (static_cast<std::size_t>(pct) * sorted.size() + 99) / 100;
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

SweepTotals sweep_totals(const SweepResults& sweep) {
  SweepTotals t;
  std::vector<std::int64_t> walls;
  walls.reserve(sweep.runs.size());
  for (const RunResult& r : sweep.runs) {
    ++t.runs;
    t.passed += r.verdict == RunVerdict::kPass;
    t.failed += r.verdict == RunVerdict::kFail;
    t.crashed += r.verdict == RunVerdict::kCrashed;
    t.wall_total_us += r.wall_us;
    walls.push_back(r.wall_us);
  }
  std::sort(walls.begin(), walls.end());
  t.wall_median_us = percentile(walls, 50);
  return t;
}

std::vector<ScenarioRow> scenario_rows(const SweepResults& sweep) {
  std::vector<ScenarioRow> rows;
  std::map<std::string, std::size_t> index;
  std::vector<std::vector<std::int64_t>> walls;
  std::vector<std::vector<std::string>> plants;
  for (const RunResult& r : sweep.runs) {
    auto [it, fresh] = index.try_emplace(r.scenario, rows.size());
    if (fresh) {
      rows.push_back({});
      rows.back().scenario = r.scenario;
      walls.emplace_back();
      plants.emplace_back();
    }
    const std::size_t i = it->second;
    ScenarioRow& row = rows[i];
    ++row.runs;
    row.passed += r.verdict == RunVerdict::kPass;
    row.failed += r.verdict == RunVerdict::kFail;
    row.crashed += r.verdict == RunVerdict::kCrashed;
    walls[i].push_back(r.wall_us);
    if (!r.plant.empty() && std::find(plants[i].begin(), plants[i].end(), r.plant) == plants[i].end()) {
      plants[i].push_back(r.plant);
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::sort(walls[i].begin(), walls[i].end());
    rows[i].wall_p50_us = percentile(walls[i], 50);
    rows[i].wall_p99_us = percentile(walls[i], 99);
    rows[i].plant = fmt::format("{}", fmt::join(plants[i], ", "));
  }
  return rows;
}

std::vector<CheckerGroup> failures_by_checker(const SweepResults& sweep) {
  std::vector<CheckerGroup> groups;
  std::map<std::string, std::size_t> index;
  for (const RunResult& r : sweep.runs) {
    if (r.verdict != RunVerdict::kFail) continue;
    for (const RunFailure& f : r.failures) {
      auto [it, fresh] = index.try_emplace(f.checker, groups.size());
      if (fresh) groups.push_back({f.checker, {}});
      auto& runs = groups[it->second].runs;
      if (runs.empty() || runs.back() != &r) runs.push_back(&r);  // a run once per checker
    }
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const CheckerGroup& a, const CheckerGroup& b) { return a.runs.size() > b.runs.size(); });
  return groups;
}

std::vector<const RunResult*> crashed_runs(const SweepResults& sweep) {
  std::vector<const RunResult*> out;
  for (const RunResult& r : sweep.runs) {
    if (r.verdict == RunVerdict::kCrashed) out.push_back(&r);
  }
  return out;
}

const RunFailure& first_failure_of(const RunResult& run, const std::string& checker) {
  for (const RunFailure& f : run.failures) {
    if (f.checker == checker) return f;
  }
  ALYS_ASSERT(false, "first_failure_of: the run did not fail this checker");
  return run.failures.front();
}

std::size_t failures_of(const RunResult& run, const std::string& checker) {
  return static_cast<std::size_t>(std::count_if(run.failures.begin(), run.failures.end(),
                                                [&](const RunFailure& f) { return f.checker == checker; }));
}

std::vector<FaultKindRate> fault_kind_rates(const SweepResults& sweep) {
  // kind -> scenarios where it was on; ordered containers keep the output stable.
  std::map<std::string, std::set<std::string>> kind_scenarios;
  for (const RunResult& r : sweep.runs) {
    for (const std::string& k : r.fault_kinds) kind_scenarios[k].insert(r.scenario);
  }
  std::vector<FaultKindRate> out;
  out.reserve(kind_scenarios.size());
  for (const auto& entry : kind_scenarios) {
    FaultKindRate rate;
    rate.kind = entry.first;
    rate.scenarios = entry.second.size();
    out.push_back(std::move(rate));
  }
  for (const RunResult& r : sweep.runs) {
    const bool bad = !r.passed();
    for (FaultKindRate& rate : out) {
      const bool on = std::find(r.fault_kinds.begin(), r.fault_kinds.end(), rate.kind) != r.fault_kinds.end();
      if (on) {
        ++rate.on_runs;
        rate.on_failed += bad;
      } else if (kind_scenarios[rate.kind].count(r.scenario) != 0) {
        ++rate.off_runs;
        rate.off_failed += bad;
      }
    }
  }
  return out;
}

std::string compact_seed_list(const std::vector<const RunResult*>& runs, std::size_t max_seeds) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::uint64_t>> seeds;
  const std::size_t listed = std::min(runs.size(), max_seeds);
  for (std::size_t i = 0; i < listed; ++i) {
    auto& list = seeds[runs[i]->scenario];
    if (list.empty()) order.push_back(runs[i]->scenario);
    list.push_back(runs[i]->seed);
  }
  std::string out;
  for (const std::string& scenario : order) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", scenario, fmt::join(seeds[scenario], ", "));
  }
  if (runs.size() > listed) out += fmt::format(" {} and {} more", kEllipsis, runs.size() - listed);
  return out;
}

}  // namespace alys::reports
