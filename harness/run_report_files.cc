#include "harness/run_report_files.h"

#include "core/runtime/assert.h"
#include "reports/chrome_trace.h"
#include "reports/junit.h"
#include "reports/markdown_summary.h"
#include "reports/report_files.h"
#include "reports/results_json.h"
#include "reports/run_report.h"

namespace alys::harness {

void limit_for_report(TraceRecording& recording) {
  recording.max_slices = kReportTraceSlices;
  recording.max_flows = kReportTraceSlices;
}

Result<std::string> write_run_report(const std::string& dir, const RunReportInputs& in) {
  ALYS_ASSERT(in.run != nullptr && in.timeline != nullptr && in.trace != nullptr,
              "write_run_report: run, timeline and trace");
  const RunResult& run = *in.run;
  reports::SweepResults one;
  one.command = run.replay;
  one.runs.push_back(run);
  struct File {
    const char* name;
    std::string content;
  };
  const File files[] = {
      {"result.json", reports::run_to_json(run) + "\n"},
      {"junit.xml", reports::junit_xml(one)},
      {"summary.md", reports::markdown_summary(one)},
      {"trace.json", reports::chrome_trace_json(*in.trace)},
      // Last, so a report.html present means the rest is too.
      {"report.html", reports::run_report_html(run, *in.timeline)},
  };
  for (const File& f : files) {
    if (Status s = reports::write_report_file(dir, f.name, f.content); !s.is_ok()) return s;
  }
  return dir + "/report.html";
}

}  // namespace alys::harness
