#include "harness/run_command.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "core/runtime/planted.h"
#include "harness/commands.h"
#include "harness/run_report_files.h"
#include "reports/chrome_trace.h"
#include "reports/results_json.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace alys::harness {

namespace {

// Loads the scenario and resolves the plant; prints why not and returns nullopt.
struct Prepared {
  scenarios::Scenario scenario;
  PlantedBug plant = PlantedBug::kNone;
};

std::optional<Prepared> prepare(const RunArgs& args, std::string_view command, std::ostream& out) {
  auto scenario = scenarios::load_scenario_file(args.scenario_path);
  if (!scenario) {
    out << scenario.error().message() << "\n";
    return std::nullopt;
  }
  Prepared p{std::move(*scenario), PlantedBug::kNone};
  if (!args.plant.empty()) {
    if (!kPlantedBugsBuilt) {
      out << fmt::format("alys-sim {}: --plant: this build has no planted bugs (configure with "
                         "ALYS_PLANTED_BUGS=ON, as the test builds are)\n", command);
      return std::nullopt;
    }
    auto bug = planted_bug_by_name(args.plant);
    if (!bug) {
      std::string names;
      for (const auto& b : planted_bugs()) names += (names.empty() ? "" : ", ") + std::string(b.name);
      out << fmt::format("alys-sim {}: --plant: '{}' is not a planted bug ({})\n", command, args.plant, names);
      return std::nullopt;
    }
    p.plant = *bug;
  }
  return p;
}

void print_result(const RunResult& r, double wall_s, std::ostream& out) {
  out << fmt::format("scenario: {}  seed {}{}\n", r.scenario, r.seed,
                     r.plant.empty() ? "" : fmt::format("  plant {}", r.plant));
  out << fmt::format("events: {}   virtual time: {}   wall time: {:.3f} s\n", r.events,
                     format_duration(Duration(r.virtual_ns)), wall_s);
  std::string stats;
  for (const auto& [k, v] : r.stats) stats += fmt::format("{}{}={}", stats.empty() ? "" : " ", k, v);
  out << "figures: " << stats << "\n";
  out << fmt::format("faults: {}{}{}\n", r.faults,
                     r.fault_kinds.empty() ? "" : " (nemesis kinds: " + fmt::format("{}", fmt::join(r.fault_kinds, ", ")) + ")",
                     r.buggify ? ", buggify on" : "");
  out << "trace hash: " << reports::hex64(r.trace_hash) << "\n";
  for (const RunFailure& f : r.failures) {
    out << fmt::format("FAILED {} at {}: {}\n", f.checker, format_duration(Duration(f.at_ns)), f.evidence);
  }
  out << (r.passed() ? "result: PASS\n" : "result: FAIL\n");
  if (!r.passed()) out << "replay: " << r.replay << "\n";
}

}  // namespace

bool log_line_selected(std::string_view line, const std::set<std::uint32_t>& nodes,
                       const std::set<std::string>& actors) {
  // "[   12.345678s] n3  info  chain: message" / "[...] --  info  fault: ..."
  const auto close = line.find("] ");
  if (close == std::string_view::npos) return true;
  std::string_view rest = line.substr(close + 2);
  if (rest.rfind("--", 0) == 0) return true;
  if (!nodes.empty()) {
    if (rest.empty() || rest[0] != 'n') return true;
    std::uint32_t id = 0;
    std::size_t i = 1;
    for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i) id = id * 10 + static_cast<std::uint32_t>(rest[i] - '0');
    if (nodes.count(id) == 0) return false;
  }
  if (!actors.empty()) {
    // Skip "nN", spaces, the level, spaces: the message starts with "actor:".
    std::size_t p = rest.find(' ');
    while (p < rest.size() && rest[p] == ' ') ++p;
    p = rest.find(' ', p);
    while (p < rest.size() && rest[p] == ' ') ++p;
    if (p >= rest.size()) return false;
    const std::string_view message = rest.substr(p);
    const auto colon = message.find(':');
    if (colon == std::string_view::npos) return false;
    return actors.count(std::string(message.substr(0, colon))) != 0;
  }
  return true;
}

int run_scenario_command(const RunArgs& args, std::ostream& out) {
  auto p = prepare(args, "run", out);
  if (!p) return kExitBadInput;
  scenarios::RunSettings settings;
  settings.plant = p->plant;
  RunTimeline timeline;
  TraceRecording trace;
  if (!args.report_dir.empty()) {
    settings.timeline = &timeline;
    limit_for_report(trace);
    settings.trace_recording = &trace;
  }
  const auto start = std::chrono::steady_clock::now();
  RunResult r = scenarios::run_scenario(p->scenario, args.seed, settings);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.wall_us = static_cast<std::int64_t>(wall_s * 1e6);
  print_result(r, wall_s, out);
  if (!args.report_dir.empty()) {
    auto page = write_run_report(args.report_dir, {&r, &timeline, &trace});
    if (!page) {
      out << "alys-sim run: --report: " << page.error().message() << "\n";
      return kExitBadInput;
    }
    out << "report: " << *page << "\n";
  }
  if (!args.json_path.empty()) {
    std::ofstream file(args.json_path);
    file << reports::run_to_json(r) << "\n";
    if (!file) {
      out << "alys-sim run: cannot write --json " << args.json_path << "\n";
      return kExitBadInput;
    }
  }
  return r.passed() ? kExitPass : kExitCheckFailed;
}

int run_replay_command(const ReplayArgs& args, std::ostream& out) {
  auto p = prepare(args.run, "replay", out);
  if (!p) return kExitBadInput;
  std::ofstream trace;
  if (!args.trace_path.empty()) {
    trace.open(args.trace_path);
    if (!trace) {
      out << "alys-sim replay: cannot write --trace " << args.trace_path << "\n";
      return kExitBadInput;
    }
    trace << "# virtual_ns kind node detail (kinds: 0 start, 1 post, 2 timer, 3 connect, "
             "4 peer-up, 5 peer-down, 6 frame, 7 fault, 8 custom; node 4294967295 = world)\n";
  }
  scenarios::RunSettings settings;
  settings.plant = p->plant;
  settings.log_level = args.log_level;
  settings.log_sink = [&](std::string_view line) {
    if (log_line_selected(line, args.nodes, args.actors)) out << line << "\n";
  };
  if (trace.is_open()) {
    settings.trace_sink = [&](Instant at, sim::EventKind kind, NodeId node, std::uint64_t detail) {
      trace << to_ns(at) << ' ' << static_cast<int>(kind) << ' ' << node << ' ' << detail << '\n';
    };
  }
  settings.stop_at = args.until;
  std::ofstream chrome;
  TraceRecording recording;
  if (!args.chrome_trace_path.empty()) {
    chrome.open(args.chrome_trace_path);
    if (!chrome) {
      out << "alys-sim replay: cannot write --chrome-trace " << args.chrome_trace_path << "\n";
      return kExitBadInput;
    }
    settings.trace_recording = &recording;
  }
  const auto start = std::chrono::steady_clock::now();
  scenarios::ChainResult detail;
  RunResult r = scenarios::run_scenario(p->scenario, args.run.seed, settings, detail);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (chrome.is_open()) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string json = reports::chrome_trace_json(recording);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    chrome << json;
    chrome.close();
    if (!chrome) {
      out << "alys-sim replay: cannot write --chrome-trace " << args.chrome_trace_path << "\n";
      return kExitBadInput;
    }
    out << fmt::format("chrome trace: {} ({} slices, {} arrows, {} fault marks{}; {:.1f} MB made in {:.0f} ms)\n",
                       args.chrome_trace_path, recording.slices.size(), recording.flows.size(),
                       recording.instants.size(),
                       recording.truncated > 0 ? fmt::format(", {} left out past the limits", recording.truncated) : "",
                       static_cast<double>(json.size()) / 1e6, ms);
  }
  if (detail.stopped_early) {
    out << fmt::format("stopped at {} (--until): no checks run\n", format_duration(*args.until));
    out << "trace hash: " << reports::hex64(r.trace_hash) << "\n";
    return kExitPass;
  }
  // A result keeps kMaxFailuresPerChecker violations per checker; a replay is where a
  // researcher wants every one.
  RunResult every = r;
  every.failures.clear();
  for (const scenarios::CheckFailure& f : detail.failures) {
    if (p->scenario.skip_checks.count(f.checker) == 0) every.failures.push_back({f.checker, to_ns(f.at), f.evidence});
  }
  print_result(every, wall_s, out);
  return r.passed() ? kExitPass : kExitCheckFailed;
}

}  // namespace alys::harness
