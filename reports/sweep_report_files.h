// The report folder of a sweep (`alys-sim sweep|merge --report DIR`, docs/reports/README.md):
//   index.html   the sweep report (reports/sweep_report.h)
//   results.json every run's result (reports/results_json.h, docs/reports/results.schema.json)
//   junit.xml    JUnit XML for CI test reporters (reports/junit.h)
//   summary.md   the Markdown summary for a CI job summary (reports/markdown_summary.h)
// Each file is written whole through reports/report_files.h (a reader never sees half of
// one). Errors name the path and the reason; files written before an error stay.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/runtime/status.h"
#include "reports/results_json.h"
#include "reports/sweep_report.h"

namespace alys::reports {

inline constexpr std::string_view kSweepReportIndex = "index.html";

struct ReportFilesWritten {
  std::size_t files = 0;
  std::size_t bytes = 0;
};

Result<ReportFilesWritten> write_sweep_report(const std::string& dir, const SweepResults& sweep,
                                              const SweepReportOptions& options = {});

}  // namespace alys::reports
