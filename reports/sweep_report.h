// The sweep report: one self-contained HTML page (reports/html_page.h: inline CSS and SVG,
// no scripts, nothing fetched) that `alys-sim sweep|merge --report DIR` writes as
// DIR/index.html. It shows
//   - a header: command, shard, runs passed / failed / crashed, total and median wall time,
//     when the report was made (when the caller says);
//   - pass/fail per scenario: runs, passed, failed, crashed, failure rate, wall p50 / p99,
//     the planted bug if any;
//   - failures grouped by checker (most runs first): per group the first
//     kSeedsShownPerChecker runs with scenario, seed, virtual time, evidence (cut at
//     kEvidenceBytesMax) and the replay command, then every other seed in one compact line
//     (at most kCompactSeedsMax), at most kCheckerGroupsMax groups;
//   - crashed runs with their last words (cut at kCrashBytesMax) and replay commands, the
//     first kCrashesShown in full;
//   - a histogram of wall time per run (reports/sweep_charts.h);
//   - each fault kind's failure rate with it on and off (swarm testing), chart and table.
// Every string that came from a run is escaped. Because of the limits above the page stays
// small however many runs fail: a 1,000-run sweep where every run fails with long
// evidence gives under 512 KB (reports/tests/sweep_report_test.cc holds it to that).
#pragma once

#include <cstddef>
#include <string>

#include "reports/results_json.h"

namespace alys::reports {

inline constexpr std::size_t kSeedsShownPerChecker = 10;
inline constexpr std::size_t kCompactSeedsMax = 200;
inline constexpr std::size_t kCheckerGroupsMax = 40;
inline constexpr std::size_t kCrashesShown = 20;
inline constexpr std::size_t kEvidenceBytesMax = 400;
inline constexpr std::size_t kCrashBytesMax = 800;

struct SweepReportOptions {
  // When the report was made, as the caller words it ("2024-05-01 12:00:00 UTC"); the
  // header omits it when empty, so a report of the same results is the same page.
  std::string generated;
};

std::string sweep_report_html(const SweepResults& sweep, const SweepReportOptions& options = {});

}  // namespace alys::reports
