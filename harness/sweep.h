// alys-sim sweep / merge: many seeds of many scenarios, process-parallel over cores, and
// sharded over machines.
//
//   sweep PATHS... --seeds A..B [--jobs N] [--shard i/N] [--plant NAME]
//         [--json FILE] [--junit FILE] [--report DIR] [--quiet]
//     PATHS are scenario files or folders (every *.toml in them, by name). The jobs are
//     every (scenario, seed) pair, scenario-major; a shard i/N takes the jobs whose index
//     is i modulo N, so N machines (a Kubernetes Indexed Job, a Slurm array, a CI matrix)
//     split one sweep and `merge` joins their JSON. Each run is its own child process: a
//     crash is a failed run with its last words, not a dead sweep. Prints a progress line
//     (stderr), then a table per scenario and the failures grouped by checker, each with the
//     command that replays it. Exit 0 all passed, 1 any failed or crashed, 2 bad input.
//     --report DIR writes index.html, results.json, junit.xml and summary.md into DIR
//     (reports/sweep_report_files.h), prints "reports: 4 files, N KB, T ms" on the progress
//     stream and "report: DIR/index.html" on the output; a folder it cannot write is exit 2
//     (after the summary), naming the path.
//   merge FILES... [--json FILE] [--junit FILE] [--report DIR]
//     joins shard results (sweep --json) into one: the same table, the same exit codes, the
//     same --report.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/results/run_result.h"
#include "core/runtime/status.h"
#include "harness/seed_range.h"
#include "reports/results_json.h"

namespace alys::harness {

struct Shard {
  std::size_t index = 0;  // 0-based
  std::size_t count = 1;
};
// "i/N" with 0 <= i < N.
Result<Shard> parse_shard(std::string_view text);

struct SweepArgs {
  std::vector<std::string> paths;
  SeedRange seeds{1, 100};
  std::size_t jobs = 0;  // 0: one per core
  std::optional<Shard> shard;
  std::string plant;
  std::string json_path;
  std::string junit_path;
  std::string report_dir;  // "" = none
  bool progress = true;
  std::string command_line;  // recorded in the JSON
};

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string json_path;
  std::string junit_path;
  std::string report_dir = {};  // "" = none
};

int run_sweep_command(const SweepArgs& args, std::ostream& out, std::ostream& progress);
// `progress` gets the report-writing line; the two-argument form prints it to `out`.
int run_merge_command(const MergeArgs& args, std::ostream& out, std::ostream& progress);
inline int run_merge_command(const MergeArgs& args, std::ostream& out) { return run_merge_command(args, out, out); }

// The scenario files PATHS name, sorted, or why not (a missing path, a folder without any).
Result<std::vector<std::string>> expand_scenario_paths(const std::vector<std::string>& paths);

// The summary a sweep and a merge print: per scenario runs / passed / failed / crashed and
// wall time, then failures grouped by checker with seeds and replay commands.
void print_sweep_summary(const reports::SweepResults& results, std::ostream& out,
                         std::size_t replays_per_checker = 5);

}  // namespace alys::harness
