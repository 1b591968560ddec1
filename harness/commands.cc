#include "harness/commands.h"

#include <chrono>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "harness/determinism.h"
#include "reports/results_json.h"
#include "scenarios/demo_scenario.h"

namespace alys::harness {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

scenarios::DemoOptions demo_options(const DemoArgs& a) {
  scenarios::DemoOptions o;
  o.seed = a.seed;
  o.nodes = a.nodes;
  o.duration = a.duration;
  o.settle = a.settle;
  o.chaos = a.chaos;
  return o;
}

}  // namespace

std::string demo_replay_command(const DemoArgs& a) {
  std::string cmd = fmt::format("alys-sim demo --seed {} --nodes {} --duration {}", a.seed,
                                a.nodes, format_duration(a.duration));
  if (a.settle != DemoArgs{}.settle) cmd += " --settle " + format_duration(a.settle);
  if (!a.chaos) cmd += " --no-chaos";
  return cmd;
}

int run_demo_command(const DemoArgs& args, std::ostream& out) {
  if (args.nodes == 0 || args.nodes > 1000) {
    out << "alys-sim demo: --nodes must be in 1..1000, got " << args.nodes << "\n";
    return kExitBadInput;
  }
  scenarios::DemoOptions o = demo_options(args);
  o.log_level = args.log_level;
  if (args.log_level != LogLevel::kOff) {
    o.log_sink = [&out](std::string_view line) { out << line << "\n"; };
  }
  out << fmt::format("demo: seed {}, {} nodes, {} simulated + {} quiet tail, chaos {}\n",
                     args.seed, args.nodes, format_duration(args.duration),
                     format_duration(args.settle), args.chaos ? "on" : "off");
  const auto start = std::chrono::steady_clock::now();
  const scenarios::DemoResult r = scenarios::run_demo(o);
  const double wall_s = seconds_since(start);

  const std::int64_t virtual_ns = to_ns(r.stats.now);
  out << fmt::format("faults: {} scheduled ({} crashes)\n", r.schedule.size(), r.crashes);
  out << fmt::format("events: {}   virtual time: {}   wall time: {:.3f} s   ({:.0f}x real time)\n",
                     r.stats.events, format_duration(r.stats.now - kTimeZero), wall_s,
                     wall_s > 0 ? static_cast<double>(virtual_ns) / 1e9 / wall_s : 0.0);
  out << fmt::format("network: {} frames sent, {} delivered, {} lost, {} connections, {} breaks\n",
                     r.network.frames_sent, r.network.frames_delivered, r.network.frames_lost,
                     r.network.connections_made, r.network.connection_breaks);
  out << "final counters:";
  for (std::size_t n = 0; n < r.final_values.size(); ++n) out << fmt::format(" n{}={}", n, r.final_values[n]);
  out << "\n";
  out << "trace hash: " << reports::hex64(r.stats.trace_hash) << "\n";
  for (const auto& f : r.failures) {
    out << fmt::format("FAILED {} at {}: {}\n", f.checker, format_duration(f.at - kTimeZero),
                       f.evidence);
  }
  out << (r.ok() ? "result: PASS\n" : "result: FAIL\n");
  if (!r.ok()) out << "replay: " << demo_replay_command(args) << "\n";

  if (!args.json_path.empty()) {
    RunResult s;
    s.scenario = "demo";
    s.seed = args.seed;
    s.verdict = r.ok() ? RunVerdict::kPass : RunVerdict::kFail;
    s.events = r.stats.events;
    s.virtual_ns = virtual_ns;
    s.wall_us = static_cast<std::int64_t>(wall_s * 1e6);
    s.trace_hash = r.stats.trace_hash;
    for (const auto& f : r.failures) s.failures.push_back({f.checker, to_ns(f.at), f.evidence});
    s.faults = r.schedule.size();
    s.replay = demo_replay_command(args);
    std::ofstream file(args.json_path);
    file << reports::run_to_json(s) << "\n";
    if (!file) {
      out << "alys-sim demo: cannot write --json " << args.json_path << "\n";
      return kExitBadInput;
    }
    out << "json: " << args.json_path << "\n";
  }
  return r.ok() ? kExitPass : kExitCheckFailed;
}

int run_check_determinism_command(const CheckDeterminismArgs& args, std::ostream& out) {
  if (args.nodes == 0 || args.nodes > 1000) {
    out << "alys-sim check-determinism: --nodes must be in 1..1000, got " << args.nodes << "\n";
    return kExitBadInput;
  }
  out << fmt::format("check-determinism: seeds {}..{} ({}), demo with {} nodes for {}, each run twice\n",
                     args.seeds.first, args.seeds.last, args.seeds.count(), args.nodes,
                     format_duration(args.duration));
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t events = 0;
  auto run = [&](std::uint64_t seed) {
    scenarios::DemoOptions o;
    o.seed = seed;
    o.nodes = args.nodes;
    o.duration = args.duration;
    const auto r = scenarios::run_demo(o);
    events += r.stats.events;
    return r.stats.trace_hash;
  };
  const std::uint64_t step = std::max<std::uint64_t>(1, args.seeds.count() / 10);
  auto progress = [&](std::uint64_t done, std::uint64_t total) {
    if (args.progress && (done % step == 0 || done == total)) {
      out << fmt::format("  {}/{} seeds  ({:.1f} s)\n", done, total, seconds_since(start));
      out.flush();
    }
  };
  const DeterminismReport report = check_determinism(args.seeds, run, progress);
  for (const auto& d : report.divergences) {
    out << fmt::format("DIVERGED seed {}: {} then {}\n  replay: alys-sim demo --seed {} --nodes {} --duration {}\n",
                       d.seed, reports::hex64(d.first_hash), reports::hex64(d.second_hash),
                       d.seed, args.nodes, format_duration(args.duration));
  }
  out << fmt::format("check-determinism: {} seeds, {} diverged, {} events, {:.2f} s\n",
                     report.seeds, report.divergences.size(), events, seconds_since(start));
  return report.ok() ? kExitPass : kExitCheckFailed;
}

}  // namespace alys::harness
