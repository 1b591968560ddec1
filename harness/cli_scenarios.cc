#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "core/runtime/planted.h"
#include "harness/cli.h"
#include "harness/commands.h"
#include "harness/run_command.h"
#include "harness/shrink.h"
#include "harness/sweep.h"
#include "scenarios/scenario.h"

namespace alys::harness {

DurationValidator::DurationValidator() {
  name_ = "DURATION";
  func_ = [](const std::string& text) {
    return parse_duration(text) ? std::string() : "not a duration (e.g. 500ms, 30s, 10m, 1h): " + text;
  };
}

namespace {

const std::vector<std::string> kLogLevels{"trace", "debug", "info", "warn", "error", "off"};

void add_run_flags(CLI::App* cmd, RunArgs& a) {
  cmd->add_option("scenario", a.scenario_path, "Scenario file (scenarios/*.toml)")->required();
  cmd->add_option("--seed", a.seed, "World seed (the whole run follows from it)")->capture_default_str();
  std::string plants;
  for (const auto& b : planted_bugs()) plants += (plants.empty() ? "" : ", ") + std::string(b.name);
  cmd->add_option("--plant", a.plant, "Switch on one planted bug (test builds only): " + plants);
}

}  // namespace

void add_scenario_commands(CLI::App& app, std::vector<Subcommand>& out, std::ostream& stream) {
  auto run = std::make_shared<RunArgs>();
  auto* run_cmd = app.add_subcommand(
      "run", "Run a scenario file for one seed, check it, and print the figures, every failure\n"
             "(checker, virtual time, evidence) and the command that replays a failure.");
  add_run_flags(run_cmd, *run);
  run_cmd->add_option("--json", run->json_path, "Write the run result as JSON (reports/results_json.h)");
  run_cmd->add_option("--report", run->report_dir,
                      "Write the run's report into this folder and print its path (report.html:\n"
                      "swimlanes, heights, peg operations; trace.json for Perfetto; result.json;\n"
                      "summary.md; junit.xml); the run is the same (same trace hash)");
  out.push_back({run_cmd, [run, &stream] { return run_scenario_command(*run, stream); }});

  auto replay = std::make_shared<ReplayArgs>();
  auto replay_log = std::make_shared<std::string>("debug");
  auto replay_until = std::make_shared<std::string>();
  auto* replay_cmd = app.add_subcommand(
      "replay", "Run a scenario seed again with its node logs on virtual time, filtered by node\n"
                "and actor, optionally stopping at --until and writing the event trace.");
  add_run_flags(replay_cmd, replay->run);
  replay_cmd->add_option("--log", *replay_log, "Log level: trace|debug|info|warn|error|off")
      ->check(CLI::IsMember(kLogLevels))->capture_default_str();
  replay_cmd->add_option("--node", replay->nodes, "Only these nodes' lines (repeatable; world lines always)");
  replay_cmd->add_option("--actor", replay->actors,
                         "Only these actors' lines: chain, engine, network, sync, storage, auxpow, "
                         "bridge, federation (repeatable)");
  replay_cmd->add_option("--until", *replay_until, "Stop at this virtual time (no checks)")
      ->check(DurationValidator());
  replay_cmd->add_option("--trace", replay->trace_path, "Write every event (time kind node detail) to this file");
  replay_cmd->add_option("--chrome-trace", replay->chrome_trace_path,
                         "Write the run's handlers, messages and faults as Chrome trace JSON (opens\n"
                         "in ui.perfetto.dev); the run is the same");
  out.push_back({replay_cmd, [replay, replay_log, replay_until, &stream] {
                   parse_log_level(*replay_log, replay->log_level);
                   if (!replay_until->empty()) replay->until = parse_duration(*replay_until);
                   return run_replay_command(*replay, stream);
                 }});

  auto sweep = std::make_shared<SweepArgs>();
  auto sweep_seeds = std::make_shared<std::string>("1..100");
  auto sweep_shard = std::make_shared<std::string>();
  auto sweep_quiet = std::make_shared<bool>(false);
  auto* sweep_cmd = app.add_subcommand(
      "sweep", "Run many seeds of many scenarios in worker processes over all cores (a crash fails\n"
               "only its run); print a progress line, a table per scenario and the failures by\n"
               "checker with their replay commands. --shard i/N runs every N-th run for machine i\n"
               "(merge joins).");
  sweep_cmd->add_option("scenarios", sweep->paths, "Scenario files or folders of *.toml")->required();
  sweep_cmd->add_option("--seeds", *sweep_seeds, "Seeds: S or A..B (inclusive)")->capture_default_str();
  sweep_cmd->add_option("--jobs,-j", sweep->jobs, "Processes at once (0 = one per core)")->capture_default_str();
  sweep_cmd->add_option("--shard", *sweep_shard, "Only shard i of N (0 <= i < N): every N-th run from the i-th");
  {
    std::string plants;
    for (const auto& b : planted_bugs()) plants += (plants.empty() ? "" : ", ") + std::string(b.name);
    sweep_cmd->add_option("--plant", sweep->plant, "Switch on one planted bug in every run (test builds only): " + plants);
  }
  sweep_cmd->add_option("--json", sweep->json_path, "Write every run's result as JSON (merge reads it)");
  sweep_cmd->add_option("--junit", sweep->junit_path, "Write JUnit XML (one test case per scenario and seed)");
  sweep_cmd->add_option("--report", sweep->report_dir,
                        "Write the sweep's report into this folder (created if needed): index.html,\n"
                        "results.json, junit.xml, summary.md (docs/reports/README.md); prints its path");
  sweep_cmd->add_flag("--quiet", *sweep_quiet, "No progress line");
  out.push_back({sweep_cmd, [sweep, sweep_seeds, sweep_shard, sweep_quiet, &stream, &app] {
                   auto seeds = parse_seed_range(*sweep_seeds);
                   if (!seeds) {
                     stream << "alys-sim sweep: " << seeds.error().message() << "\n";
                     return kExitBadInput;
                   }
                   sweep->seeds = *seeds;
                   if (!sweep_shard->empty()) {
                     auto shard = parse_shard(*sweep_shard);
                     if (!shard) {
                       stream << "alys-sim sweep: " << shard.error().message() << "\n";
                       return kExitBadInput;
                     }
                     sweep->shard = *shard;
                   }
                   sweep->progress = !*sweep_quiet;
                   (void)app;
                   return run_sweep_command(*sweep, stream, std::cerr);
                 }});

  auto merge = std::make_shared<MergeArgs>();
  auto* merge_cmd = app.add_subcommand(
      "merge", "Join the JSON results of sweep shards (sweep --json) into one summary, JSON,\n"
               "JUnit and report; exit 1 if any run failed.");
  merge_cmd->add_option("results", merge->inputs, "JSON files written by sweep --json")->required();
  merge_cmd->add_option("--json", merge->json_path, "Write the merged results as JSON");
  merge_cmd->add_option("--junit", merge->junit_path, "Write JUnit XML of the merged results");
  merge_cmd->add_option("--report", merge->report_dir,
                        "Write the merged sweep's report into this folder: index.html, results.json,\n"
                        "junit.xml, summary.md (docs/reports/README.md); prints its path");
  out.push_back({merge_cmd, [merge, &stream] { return run_merge_command(*merge, stream, std::cerr); }});

  auto shrink = std::make_shared<ShrinkArgs>();
  auto shrink_quiet = std::make_shared<bool>(false);
  auto* shrink_cmd = app.add_subcommand(
      "shrink", "Shrink a failing scenario seed to a minimal scenario that still fails the same\n"
                "checker: delta debugging over its faults, then smaller workloads and worlds and a\n"
                "shorter run; writes it as a scenario file and replays it to confirm.");
  {
    auto run_args = std::make_shared<RunArgs>();
    add_run_flags(shrink_cmd, *run_args);
    shrink_cmd->add_option("--checker", shrink->checker, "The checker to keep failing (default: the first that failed)");
    shrink_cmd->add_option("--out", shrink->out_path, "Where to write the minimal scenario (default: NAME-seed-S-shrunk.toml)");
    shrink_cmd->add_option("--jobs,-j", shrink->jobs, "Candidates run at once (0 = one per core)")->capture_default_str();
    shrink_cmd->add_option("--max-runs", shrink->max_runs, "Give up after this many candidate runs")->capture_default_str();
    shrink_cmd->add_option("--reseeds", shrink->reseeds,
                           "Seeds the last fault pass tries per candidate (1 = only the given seed; the "
                           "minimal scenario may fail under another seed, which the replay line names)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{64}))
        ->capture_default_str();
    shrink_cmd->add_flag("--quiet", *shrink_quiet, "No step lines");
    out.push_back({shrink_cmd, [shrink, run_args, shrink_quiet, &stream] {
                     shrink->scenario_path = run_args->scenario_path;
                     shrink->seed = run_args->seed;
                     shrink->plant = run_args->plant;
                     shrink->progress = !*shrink_quiet;
                     return run_shrink_command(*shrink, stream);
                   }});
  }

  auto* checkers_cmd = app.add_subcommand("checkers", "List the checkers a run may report, with what each guarantees.");
  out.push_back({checkers_cmd, [&stream] {
                   for (const auto& c : scenarios::checker_catalog()) {
                     stream << fmt::format("{:<20} {:<8} {}\n", c.name, c.safety ? "safety" : "liveness", c.guarantees);
                   }
                   return kExitPass;
                 }});

  auto* plants_cmd = app.add_subcommand("plants", "List the planted bugs (--plant NAME) this build carries.");
  out.push_back({plants_cmd, [&stream] {
                   if (!kPlantedBugsBuilt) {
                     stream << "this build carries no planted bugs (configured without ALYS_PLANTED_BUGS)\n";
                     return kExitPass;
                   }
                   for (const auto& b : planted_bugs()) stream << fmt::format("{:<30} {}\n", b.name, b.what);
                   return kExitPass;
                 }});
}

}  // namespace alys::harness
