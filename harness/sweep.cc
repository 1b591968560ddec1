#include "harness/sweep.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/runtime/planted.h"
#include "harness/commands.h"
#include "harness/process_pool.h"
#include "reports/junit.h"
#include "reports/sweep_report_files.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace alys::harness {

namespace {

namespace fs = std::filesystem;

struct Job {
  std::size_t scenario;
  std::uint64_t seed;
};

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  return static_cast<bool>(f);
}

// One progress line: on a terminal it rewrites itself; elsewhere (CI logs) it is printed
// at most every few seconds.
class Progress {
 public:
  Progress(std::ostream& out, std::size_t total, bool enabled)
      : out_(out), total_(total), enabled_(enabled), tty_(::isatty(STDERR_FILENO) != 0),
        start_(std::chrono::steady_clock::now()) {}

  void update(std::size_t done, std::size_t failed, std::size_t crashed, bool last = false) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!last && !tty_ && now - last_print_ < std::chrono::seconds(5)) return;
    if (!last && tty_ && now - last_print_ < std::chrono::milliseconds(100)) return;
    last_print_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    out_ << fmt::format("{}[{:>{}}/{}] {:.1f} runs/s  failed {}  crashed {}  elapsed {:.0f}s  eta {:.0f}s{}",
                        tty_ ? "\r" : "", done, std::to_string(total_).size(), total_, rate, failed, crashed,
                        elapsed, eta, tty_ && !last ? "" : "\n");
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::size_t total_;
  bool enabled_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_{};
};

// "2024-05-01 12:00:00 UTC": when a report was made, for the people reading it (the wall
// clock never reaches a run).
std::string utc_now_text() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return buf;
}

std::string format_bytes(std::size_t bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return fmt::format("{} KB", (bytes + 1023) / 1024);
}

// --report DIR: writes the folder, tells the progress stream what it cost and the output
// where to look. False (after naming the path) if it could not be written.
bool write_report_folder(const reports::SweepResults& results, const std::string& dir, std::string_view command,
                         std::ostream& out, std::ostream& progress) {
  const auto start = std::chrono::steady_clock::now();
  reports::SweepReportOptions options;
  options.generated = utc_now_text();
  auto written = reports::write_sweep_report(dir, results, options);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!written) {
    out << fmt::format("alys-sim {}: --report: {}\n", command, written.error().message());  // names the path
    return false;
  }
  progress << fmt::format("reports: {} files, {}, {:.{}f} ms\n", written->files, format_bytes(written->bytes), ms,
                          ms < 10 ? 1 : 0);
  progress.flush();
  out << "report: " << (fs::path(dir) / std::string(reports::kSweepReportIndex)).string() << "\n";
  return true;
}

int finish(const reports::SweepResults& results, const std::string& json_path, const std::string& junit_path,
           const std::string& report_dir, std::string_view command, std::ostream& out, std::ostream& progress) {
  print_sweep_summary(results, out);
  if (!json_path.empty() && !write_file(json_path, reports::sweep_to_json(results) + "\n")) {
    out << fmt::format("alys-sim {}: cannot write --json {}\n", command, json_path);
    return kExitBadInput;
  }
  if (!junit_path.empty() && !write_file(junit_path, reports::junit_xml(results))) {
    out << fmt::format("alys-sim {}: cannot write --junit {}\n", command, junit_path);
    return kExitBadInput;
  }
  if (!json_path.empty()) out << "json: " << json_path << "\n";
  if (!junit_path.empty()) out << "junit: " << junit_path << "\n";
  if (!report_dir.empty() && !write_report_folder(results, report_dir, command, out, progress)) return kExitBadInput;
  const bool all_passed = std::all_of(results.runs.begin(), results.runs.end(),
                                      [](const RunResult& r) { return r.passed(); });
  return all_passed ? kExitPass : kExitCheckFailed;
}

}  // namespace

Result<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  auto bad = [&](std::string_view why) {
    return Status::invalid_argument(fmt::format("shard '{}': {} (expected i/N with 0 <= i < N)", text, why));
  };
  if (slash == std::string_view::npos) return bad("no '/'");
  auto number = [](std::string_view s) -> std::optional<std::size_t> {
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::size_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    return v;
  };
  const auto i = number(text.substr(0, slash));
  const auto n = number(text.substr(slash + 1));
  if (!i || !n) return bad("not two numbers");
  if (*n == 0) return bad("N must be at least 1");
  if (*i >= *n) return bad("i must be below N");
  return Shard{*i, *n};
}

Result<std::vector<std::string>> expand_scenario_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> in_dir;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (e.path().extension() == ".toml") in_dir.push_back(e.path().string());
      }
      if (in_dir.empty()) return Status::invalid_argument(p + ": no scenario files (*.toml) in this folder");
      std::sort(in_dir.begin(), in_dir.end());
      out.insert(out.end(), in_dir.begin(), in_dir.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      return Status::invalid_argument(p + ": no such scenario file or folder");
    }
  }
  if (out.empty()) return Status::invalid_argument("no scenario files given");
  return out;
}

void print_sweep_summary(const reports::SweepResults& results, std::ostream& out,
                         std::size_t replays_per_checker) {
  struct Row {
    std::size_t runs = 0, passed = 0, failed = 0, crashed = 0;
    std::int64_t wall_us = 0;
  };
  std::vector<std::string> order;
  std::map<std::string, Row> rows;
  for (const RunResult& r : results.runs) {
    if (rows.count(r.scenario) == 0) order.push_back(r.scenario);
    Row& row = rows[r.scenario];
    ++row.runs;
    row.passed += r.verdict == RunVerdict::kPass;
    row.failed += r.verdict == RunVerdict::kFail;
    row.crashed += r.verdict == RunVerdict::kCrashed;
    row.wall_us += r.wall_us;
  }
  std::size_t width = 8;
  for (const auto& name : order) width = std::max(width, name.size());
  out << fmt::format("{:<{}}  {:>6}  {:>6}  {:>6}  {:>7}  {:>9}\n", "scenario", width, "runs", "passed",
                     "failed", "crashed", "mean wall");
  Row total;
  for (const auto& name : order) {
    const Row& r = rows[name];
    out << fmt::format("{:<{}}  {:>6}  {:>6}  {:>6}  {:>7}  {:>7.0f}ms\n", name, width, r.runs, r.passed, r.failed,
                       r.crashed, r.runs ? static_cast<double>(r.wall_us) / 1e3 / static_cast<double>(r.runs) : 0.0);
    total.runs += r.runs;
    total.passed += r.passed;
    total.failed += r.failed;
    total.crashed += r.crashed;
    total.wall_us += r.wall_us;
  }
  out << fmt::format("{:<{}}  {:>6}  {:>6}  {:>6}  {:>7}  {:>7.0f}ms\n", "total", width, total.runs, total.passed,
                     total.failed, total.crashed,
                     total.runs ? static_cast<double>(total.wall_us) / 1e3 / static_cast<double>(total.runs) : 0.0);

  // Failures by checker (a crash counts under "crashed"), seeds in sweep order.
  std::vector<std::string> checkers;
  std::map<std::string, std::vector<const RunResult*>> by_checker;
  for (const RunResult& r : results.runs) {
    if (r.passed()) continue;
    std::vector<std::string> names;
    if (r.verdict == RunVerdict::kCrashed) names.push_back("crashed");
    for (const RunFailure& f : r.failures) {
      if (std::find(names.begin(), names.end(), f.checker) == names.end()) names.push_back(f.checker);
    }
    for (const std::string& n : names) {
      if (by_checker.count(n) == 0) checkers.push_back(n);
      by_checker[n].push_back(&r);
    }
  }
  for (const std::string& c : checkers) {
    const auto& runs = by_checker[c];
    out << fmt::format("\nFAILED {} in {} run(s):\n", c, runs.size());
    for (std::size_t i = 0; i < runs.size() && i < replays_per_checker; ++i) {
      const RunResult& r = *runs[i];
      std::string why = r.verdict == RunVerdict::kCrashed ? r.crash : std::string();
      for (const RunFailure& f : r.failures) {
        if (f.checker == c) {
          why = fmt::format("at {}: {}", format_duration(Duration(f.at_ns)), f.evidence);
          break;
        }
      }
      if (why.size() > 300) why = why.substr(0, 297) + "...";
      out << fmt::format("  {} seed {}: {}\n    replay: {}\n", r.scenario, r.seed, why, r.replay);
    }
    if (runs.size() > replays_per_checker) out << fmt::format("  ... and {} more\n", runs.size() - replays_per_checker);
  }
}

int run_sweep_command(const SweepArgs& args, std::ostream& out, std::ostream& progress_out) {
  auto files = expand_scenario_paths(args.paths);
  if (!files) {
    out << "alys-sim sweep: " << files.error().message() << "\n";
    return kExitBadInput;
  }
  std::vector<scenarios::Scenario> loaded;
  bool bad = false;
  for (const std::string& f : *files) {
    auto s = scenarios::load_scenario_file(f);
    if (!s) {
      out << s.error().message() << "\n";
      bad = true;
      continue;
    }
    loaded.push_back(std::move(*s));
  }
  if (bad) return kExitBadInput;
  PlantedBug plant = PlantedBug::kNone;
  if (!args.plant.empty()) {
    if (!kPlantedBugsBuilt) {
      out << "alys-sim sweep: --plant: this build has no planted bugs (configure with ALYS_PLANTED_BUGS=ON)\n";
      return kExitBadInput;
    }
    auto bug = planted_bug_by_name(args.plant);
    if (!bug) {
      out << "alys-sim sweep: --plant: '" << args.plant << "' is not a planted bug (alys-sim plants lists them)\n";
      return kExitBadInput;
    }
    plant = *bug;
  }

  std::vector<Job> jobs;
  std::size_t index = 0;
  for (std::size_t s = 0; s < loaded.size(); ++s) {
    for (std::uint64_t seed = args.seeds.first;; ++seed) {
      if (!args.shard || index % args.shard->count == args.shard->index) jobs.push_back({s, seed});
      ++index;
      if (seed == args.seeds.last) break;
    }
  }
  const std::size_t parallel = args.jobs > 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  out << fmt::format("sweep: {} scenario(s) x seeds {}..{}{} = {} run(s) on {} process(es){}\n", loaded.size(),
                     args.seeds.first, args.seeds.last,
                     args.shard ? fmt::format(", shard {}/{}", args.shard->index, args.shard->count) : "",
                     jobs.size(), parallel, plant == PlantedBug::kNone ? "" : ", plant " + args.plant);
  out.flush();

  reports::SweepResults results;
  results.command = args.command_line;
  if (results.command.empty()) {
    results.command = fmt::format("alys-sim sweep {} --seeds {}..{}", fmt::join(args.paths, " "), args.seeds.first,
                                  args.seeds.last);
    if (args.shard) results.command += fmt::format(" --shard {}/{}", args.shard->index, args.shard->count);
    if (!args.plant.empty()) results.command += " --plant " + args.plant;
  }
  if (args.shard) results.shard = fmt::format("{}/{}", args.shard->index, args.shard->count);
  std::vector<RunResult> by_job(jobs.size());
  std::size_t done = 0, failed = 0, crashed = 0;
  Progress progress(progress_out, jobs.size(), args.progress);
  const bool started = run_in_processes(
      jobs.size(), parallel,
      [&](std::size_t i) {
        scenarios::RunSettings settings;
        settings.plant = plant;
        const auto start = std::chrono::steady_clock::now();
        RunResult r = scenarios::run_scenario(loaded[jobs[i].scenario], jobs[i].seed, settings);
        r.wall_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
        return reports::run_to_json(r, -1);
      },
      [&](std::size_t i, ChildOutcome outcome) {
        const scenarios::Scenario& s = loaded[jobs[i].scenario];
        std::string crash = outcome.describe();
        if (outcome.ok()) {
          auto parsed = reports::run_from_json(outcome.output);
          if (parsed) {
            by_job[i] = std::move(*parsed);
          } else {
            crash = "the run's result did not parse: " + parsed.error().message();
          }
        }
        if (by_job[i].scenario.empty()) {
          RunResult r;
          r.scenario = s.name;
          r.scenario_file = s.file;
          r.seed = jobs[i].seed;
          r.plant = plant == PlantedBug::kNone ? "" : args.plant;
          r.verdict = RunVerdict::kCrashed;
          r.crash = crash;
          r.replay = scenarios::replay_command(s, jobs[i].seed, plant);
          by_job[i] = std::move(r);
        }
        ++done;
        failed += by_job[i].verdict == RunVerdict::kFail;
        crashed += by_job[i].verdict == RunVerdict::kCrashed;
        progress.update(done, failed, crashed, done == jobs.size());
      });
  if (!started) out << "alys-sim sweep: could not start every run (fork or pipe failed); the results are partial\n";
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (by_job[i].scenario.empty()) continue;  // never started
    results.runs.push_back(std::move(by_job[i]));
  }
  const int code = finish(results, args.json_path, args.junit_path, args.report_dir, "sweep", out, progress_out);
  return started ? code : (code == kExitBadInput ? code : kExitCheckFailed);
}

int run_merge_command(const MergeArgs& args, std::ostream& out, std::ostream& progress) {
  reports::SweepResults merged;
  std::vector<std::string> shards;
  for (const std::string& path : args.inputs) {
    std::ifstream in(path);
    if (!in) {
      out << "alys-sim merge: " << path << ": cannot open\n";
      return kExitBadInput;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto part = reports::sweep_from_json(text.str());
    if (!part) {
      out << "alys-sim merge: " << path << ": " << part.error().message() << "\n";
      return kExitBadInput;
    }
    if (merged.command.empty()) merged.command = part->command;
    shards.push_back(part->shard.empty() ? "all" : part->shard);
    for (RunResult& r : part->runs) merged.runs.push_back(std::move(r));
  }
  // The order a single sweep would have: scenario file, then seed.
  std::stable_sort(merged.runs.begin(), merged.runs.end(), [](const RunResult& a, const RunResult& b) {
    return std::tie(a.scenario_file, a.scenario, a.seed) < std::tie(b.scenario_file, b.scenario, b.seed);
  });
  out << fmt::format("merge: {} file(s), shards {}, {} run(s)\n", args.inputs.size(), fmt::join(shards, " "),
                     merged.runs.size());
  return finish(merged, args.json_path, args.junit_path, args.report_dir, "merge", out, progress);
}

}  // namespace alys::harness
