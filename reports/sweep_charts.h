// The inline SVG charts of the sweep report (reports/sweep_report.h): wall time per run as
// a histogram, and failure rate with each fault kind on and off. Each returns one <svg>
// element (plus an HTML legend), text escaped, with a <title> per bar for hover details;
// no scripts. Sizes are bounded: at most kHistogramBinsMax bars, kFaultKindRowsMax rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reports/results_json.h"
#include "reports/sweep_stats.h"

namespace alys::reports {

inline constexpr std::size_t kHistogramBinsMax = 20;
inline constexpr std::size_t kFaultKindRowsMax = 64;

// Bins [start_us + i * width_us, start_us + (i + 1) * width_us) for i < count. The width
// is 1, 2 or 5 times a power of ten microseconds, so edges read as round numbers.
struct WallBins {
  std::int64_t start_us = 0;
  std::int64_t width_us = 1;
  std::size_t count = 0;  // 0 only for no runs
};
// The narrowest round width that covers [min, max] of the runs' wall_us in at most
// kHistogramBinsMax bins (and no finer than a two-hundredth of the largest value).
WallBins choose_wall_bins(const SweepResults& sweep);

// Stacked bars per bin: passed, failed, crashed, each bar's total above it, axis labels.
// "" when the sweep has no runs.
std::string wall_time_histogram_svg(const SweepResults& sweep);

// Per kind two bars, failure rate with the kind on and off (runs and failures in the
// label). The first kFaultKindRowsMax kinds; "" when there are none.
std::string fault_kind_chart_svg(const std::vector<FaultKindRate>& rates);

}  // namespace alys::reports
