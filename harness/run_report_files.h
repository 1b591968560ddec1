// `alys-sim run --report DIR`: the files one run's report is made of, written together.
//
//   report.html  the run report (reports/run_report.h): swimlanes, heights, peg operations
//   trace.json   the run as a Chrome trace (reports/chrome_trace.h; open in Perfetto),
//                cut at kReportTraceSlices slices and flows (`alys-sim replay
//                --chrome-trace FILE` writes a whole one, up to TraceRecording's own limits)
//   result.json  the RunResult (reports/results_json.h, schema alys-sim/run/1)
//   summary.md   a Markdown summary for a CI job summary (reports/markdown_summary.h)
//   junit.xml    one test case (reports/junit.h)
//
// Errors name the file that could not be written; files already written stay.
#pragma once

#include <string>

#include "core/results/run_result.h"
#include "core/results/run_timeline.h"
#include "core/results/trace_recording.h"
#include "core/runtime/status.h"

namespace alys::harness {

// A report's trace keeps the first this many slices (and flows): ~28 MB of JSON, which
// Perfetto's browser importer still opens quickly; a 30-minute scenario makes ~0.35M.
inline constexpr std::size_t kReportTraceSlices = 120'000;

// Limits `recording` for a report (call before the run).
void limit_for_report(TraceRecording& recording);

struct RunReportInputs {
  const RunResult* run = nullptr;
  const RunTimeline* timeline = nullptr;
  const TraceRecording* trace = nullptr;
};

// Returns the path of the page to open (DIR/report.html).
Result<std::string> write_run_report(const std::string& dir, const RunReportInputs& in);

}  // namespace alys::harness
