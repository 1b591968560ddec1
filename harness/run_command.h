// alys-sim run / replay: one scenario file, one seed.
//
//   run SCENARIO --seed S [--plant NAME] [--json FILE] [--report DIR]
//     runs it, prints the figures, every failure (checker, virtual time, evidence) and, when
//     it failed, the one command that replays it; --json writes the RunResult; --report
//     records the run's timeline too (the same run: same trace hash) and writes the report
//     files into DIR, then prints "report: DIR/report.html" (opens nothing).
//   replay SCENARIO --seed S [--plant NAME] [--log LEVEL] [--node N]... [--actor NAME]...
//          [--until T] [--trace FILE] [--chrome-trace FILE]
//     the same run with its node logs on virtual time (default level debug), kept to the
//     given nodes and actors (world lines — faults — always shown); --until stops at T
//     without checking; --trace writes every event (time, kind, node, detail: what the
//     trace hash folds), one per line; --chrome-trace records the run's handlers, messages
//     and faults too (the same run: same trace hash) and writes them as Chrome trace event
//     JSON for Perfetto (reports/chrome_trace.h), also when --until stops it early, and
//     prints "chrome trace: FILE (N slices, N arrows, N fault marks; X MB made in Y ms)".
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>

#include "core/runtime/log.h"
#include "core/runtime/time.h"

namespace alys::harness {

struct RunArgs {
  std::string scenario_path;
  std::uint64_t seed = 1;
  std::string plant;      // "" = none
  std::string json_path;  // "" = none
  std::string report_dir;  // "" = none: run --report DIR (harness/run_report_files.h)
};

struct ReplayArgs {
  RunArgs run;
  LogLevel log_level = LogLevel::kDebug;
  std::set<std::uint32_t> nodes;     // empty: all
  std::set<std::string> actors;      // empty: all ("chain", "bridge", "sync", ...)
  std::optional<Duration> until;
  std::string trace_path;            // "" = none
  std::string chrome_trace_path;     // "" = none
};

int run_scenario_command(const RunArgs& args, std::ostream& out);
int run_replay_command(const ReplayArgs& args, std::ostream& out);

// Whether a node log line ("[   12.345678s] n3 debug chain: ...") passes the filters;
// world lines ("--") always do.
bool log_line_selected(std::string_view line, const std::set<std::uint32_t>& nodes,
                       const std::set<std::string>& actors);

}  // namespace alys::harness
