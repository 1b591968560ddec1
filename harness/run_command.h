// alys-sim run / replay: one scenario file, one seed.
//
//   run SCENARIO --seed S [--plant NAME] [--json FILE]
//     runs it, prints the figures, every failure (checker, virtual time, evidence) and, when
//     it failed, the one command that replays it; --json writes the RunResult.
//   replay SCENARIO --seed S [--plant NAME] [--log LEVEL] [--node N]... [--actor NAME]...
//          [--until T] [--trace FILE]
//     the same run with its node logs on virtual time (default level debug), kept to the
//     given nodes and actors (world lines — faults — always shown); --until stops at T
//     without checking; --trace writes every event (time, kind, node, detail: what the
//     trace hash folds), one per line.
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
};

struct ReplayArgs {
  RunArgs run;
  LogLevel log_level = LogLevel::kDebug;
  std::set<std::uint32_t> nodes;     // empty: all
  std::set<std::string> actors;      // empty: all ("chain", "bridge", "sync", ...)
  std::optional<Duration> until;
  std::string trace_path;            // "" = none
};

int run_scenario_command(const RunArgs& args, std::ostream& out);
int run_replay_command(const ReplayArgs& args, std::ostream& out);

// Whether a node log line ("[   12.345678s] n3 debug chain: ...") passes the filters;
// world lines ("--") always do.
bool log_line_selected(std::string_view line, const std::set<std::uint32_t>& nodes,
                       const std::set<std::string>& actors);

}  // namespace alys::harness
