#include "reports/sweep_report_files.h"

#include "reports/junit.h"
#include "reports/markdown_summary.h"
#include "reports/report_files.h"

namespace alys::reports {

Result<ReportFilesWritten> write_sweep_report(const std::string& dir, const SweepResults& sweep,
                                              const SweepReportOptions& options) {
  if (Status s = ensure_report_dir(dir); !s.is_ok()) return s;
  ReportFilesWritten written;
  auto write = [&](std::string_view name, const std::string& content) {
    Status s = write_report_file(dir, name, content);
    if (s.is_ok()) {
      ++written.files;
      written.bytes += content.size();
    }
    return s;
  };
  if (Status s = write(kSweepReportIndex, sweep_report_html(sweep, options)); !s.is_ok()) return s;
  if (Status s = write("results.json", sweep_to_json(sweep, 1, &kReportResultsEvidence) + "\n"); !s.is_ok()) return s;
  if (Status s = write("junit.xml", junit_xml(sweep)); !s.is_ok()) return s;
  if (Status s = write("summary.md", markdown_summary(sweep)); !s.is_ok()) return s;
  return written;
}

}  // namespace alys::reports
