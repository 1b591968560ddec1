// The figures a sweep's reports show (the HTML page and the Markdown summary compute them
// the same way): per-scenario pass/fail and wall-time percentiles, failures grouped by
// checker, crashed runs, and each fault kind's failure rate with it on and off.
//
// A "failed" run here is any run that did not pass: a checker failed or the run crashed.
// Pointers point into the SweepResults given, which must outlive the returned values.
// Orders are stable and depend only on the runs (never on a hash or an address).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reports/results_json.h"

namespace alys::reports {

struct SweepTotals {
  std::size_t runs = 0, passed = 0, failed = 0, crashed = 0;
  std::int64_t wall_total_us = 0;   // summed over runs (CPU-ish: runs overlap in time)
  std::int64_t wall_median_us = 0;  // nearest-rank p50 over runs
};
SweepTotals sweep_totals(const SweepResults& sweep);

struct ScenarioRow {
  std::string scenario;
  std::string plant;  // the planted bug(s) its runs had, comma-separated; "" for none
  std::size_t runs = 0, passed = 0, failed = 0, crashed = 0;
  std::int64_t wall_p50_us = 0, wall_p99_us = 0;
  std::size_t not_passed() const { return failed + crashed; }
};
// One row per scenario, in the order scenarios first appear in the runs.
std::vector<ScenarioRow> scenario_rows(const SweepResults& sweep);

struct CheckerGroup {
  std::string checker;
  std::vector<const RunResult*> runs;  // each failed run with this checker once, sweep order
};
// The checkers that failed, most runs first (ties: first seen first). Crashed runs are not
// here (crashed_runs lists them).
std::vector<CheckerGroup> failures_by_checker(const SweepResults& sweep);
std::vector<const RunResult*> crashed_runs(const SweepResults& sweep);

// With a checker's group: the run's first failure of that checker and how many it had.
// REQUIRES: `run` failed `checker` at least once.
const RunFailure& first_failure_of(const RunResult& run, const std::string& checker);
std::size_t failures_of(const RunResult& run, const std::string& checker);

// A fault kind against failure rate (swarm testing). "On": the runs whose fault_kinds
// contain the kind. "Off": the runs without it, among the scenarios where it was on in at
// least one run, so that scenarios which can never draw the kind do not dilute the
// comparison. failed counts runs that did not pass (failed or crashed).
struct FaultKindRate {
  std::string kind;
  std::size_t scenarios = 0;  // scenarios where the kind was on in some run
  std::size_t on_runs = 0, on_failed = 0;
  std::size_t off_runs = 0, off_failed = 0;
};
// Every kind in any run's fault_kinds, sorted by name.
std::vector<FaultKindRate> fault_kind_rates(const SweepResults& sweep);

// Nearest-rank percentile (1..100) of `sorted` (ascending); 0 for an empty vector.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, int pct);

// "chaos-swarm: 1, 7, 9; clock-skew: 3": the seeds of `runs` grouped by scenario in first-
// seen order, at most `max_seeds` of them; the rest as "… and K more".
std::string compact_seed_list(const std::vector<const RunResult*>& runs, std::size_t max_seeds);

}  // namespace alys::reports
