#include "harness/shrink.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "core/runtime/planted.h"
#include "harness/commands.h"
#include "harness/ddmin.h"
#include "harness/process_pool.h"
#include "reports/results_json.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace alys::harness {

namespace {

using scenarios::Scenario;

bool fails_checker(const RunResult& r, const std::string& checker) {
  return std::any_of(r.failures.begin(), r.failures.end(),
                     [&](const RunFailure& f) { return f.checker == checker; });
}

class Shrinker {
 public:
  Shrinker(std::uint64_t seed, PlantedBug plant, std::string checker, std::size_t parallel,
           std::size_t max_runs, std::ostream& out, bool progress)
      : seed_(seed), plant_(plant), checker_(std::move(checker)), parallel_(parallel),
        max_runs_(max_runs), out_(out), progress_(progress) {}

  // Runs each candidate in a child (under seeds[i], else the current seed); true where it
  // still fails the target checker.
  std::vector<bool> test(const std::vector<Scenario>& candidates,
                         const std::vector<std::uint64_t>& seeds = {}) {
    std::vector<bool> fails(candidates.size(), false);
    runs_ += candidates.size();
    run_in_processes(
        candidates.size(), parallel_,
        [&](std::size_t i) {
          scenarios::RunSettings settings;
          settings.plant = plant_;
          const RunResult r =
              scenarios::run_scenario(candidates[i], seeds.empty() ? seed_ : seeds[i], settings);
          return fails_checker(r, checker_) ? std::string("fail") : std::string("pass");
        },
        // A candidate that crashes does not count as the same failure.
        [&](std::size_t i, ChildOutcome o) { fails[i] = o.ok() && o.output == "fail"; });
    return fails;
  }
  bool still_fails(const Scenario& s) { return test({s})[0]; }
  bool budget_left(std::size_t n = 1) const { return runs_ + n <= max_runs_; }
  std::size_t runs() const { return runs_; }

  // Delta-debugs the fixed faults of `s`. With reseeds > 1, a subset counts as failing
  // when it fails under the current seed or any of the `reseeds - 1` seeds after it, and the
  // seed that made the minimal subset fail becomes the current one. Removing a fault moves
  // every later random draw of the run (tie-breaks, latencies, nonces), so with the seed
  // pinned a fault that only perturbs the run can look essential: a 1-minimal schedule of
  // 20 faults where the bug needs one well-placed crash. Letting the seed vary keeps what
  // the failure needs.
  void shrink_faults(Scenario& s, std::string_view pass, std::size_t reseeds = 1) {
    const chaos::Schedule all = s.options.faults;
    if (all.empty() || (reseeds > 1 && all.size() == 1)) return;
    const SeededBatchTest batch = [&](const std::vector<SeededCandidate>& pairs) {
      std::vector<Scenario> cands;
      std::vector<std::uint64_t> seeds;
      for (const auto& [sub, seed] : pairs) {
        Scenario c = s;
        c.options.faults.clear();
        for (std::size_t k : sub) c.options.faults.push_back(all[k]);
        cands.push_back(std::move(c));
        seeds.push_back(seed);
      }
      return test(cands, seeds);
    };
    const std::size_t left = max_runs_ > runs_ ? max_runs_ - runs_ : 0;
    const SeededDdminResult r = ddmin_over_seeds(all.size(), seed_, reseeds, batch, left);
    const std::uint64_t before = seed_;
    s.options.faults.clear();
    for (std::size_t k : r.ddmin.minimal) s.options.faults.push_back(all[k]);
    seed_ = r.seed;
    const std::string_view spent = r.ddmin.exhausted ? ", budget spent: may not be minimal" : "";
    if (reseeds == 1) {
      note(fmt::format("{}: faults {} -> {} ({} runs{})", pass, all.size(), s.options.faults.size(),
                       r.ddmin.tests, spent));
    } else {
      note(fmt::format("{} with seeds {}..{}: {} -> {} under seed {} ({} runs{})", pass, before,
                       before + reseeds - 1, all.size(), s.options.faults.size(), seed_,
                       r.ddmin.tests * reseeds, spent));
    }
  }
  std::uint64_t seed() const { return seed_; }

  // Tries `change`; keeps it if the run still fails.
  bool attempt(Scenario& s, std::string_view what, const std::function<void(Scenario&)>& change) {
    if (!budget_left()) return false;
    Scenario c = s;
    change(c);
    if (!still_fails(c)) return false;
    s = std::move(c);
    note(std::string(what));
    return true;
  }

  void note(const std::string& line) {
    if (progress_) {
      out_ << "  " << line << "\n";
      out_.flush();
    }
  }

 private:
  std::uint64_t seed_;
  PlantedBug plant_;
  std::string checker_;
  std::size_t parallel_;
  std::size_t max_runs_;
  std::ostream& out_;
  bool progress_;
  std::size_t runs_ = 0;
};

bool node_referenced(const chaos::Schedule& faults, NodeId node) {
  for (const auto& f : faults) {
    for (NodeId n : chaos::nodes_of(f.fault)) {
      if (n == node) return true;
    }
  }
  return false;
}

}  // namespace

int run_shrink_command(const ShrinkArgs& args, std::ostream& out) {
  auto loaded = scenarios::load_scenario_file(args.scenario_path);
  if (!loaded) {
    out << loaded.error().message() << "\n";
    return kExitBadInput;
  }
  PlantedBug plant = PlantedBug::kNone;
  if (!args.plant.empty()) {
    auto bug = planted_bug_by_name(args.plant);
    if (!kPlantedBugsBuilt || !bug) {
      out << "alys-sim shrink: --plant: '" << args.plant << "' is not a planted bug of this build (alys-sim plants)\n";
      return kExitBadInput;
    }
    plant = *bug;
  }
  if (!args.checker.empty() && !scenarios::is_checker(args.checker)) {
    out << "alys-sim shrink: --checker: '" << args.checker << "' is not a checker (alys-sim checkers)\n";
    return kExitBadInput;
  }
  const auto start = std::chrono::steady_clock::now();
  Scenario original = std::move(*loaded);
  scenarios::RunSettings settings;
  settings.plant = plant;
  scenarios::ChainResult detail;
  const RunResult first = scenarios::run_scenario(original, args.seed, settings, detail);
  std::string checker = args.checker;
  if (checker.empty() && !first.failures.empty()) checker = first.failures.front().checker;
  if (checker.empty() || !fails_checker(first, checker)) {
    out << fmt::format("alys-sim shrink: {} seed {} does not fail{}: nothing to shrink\n", original.name, args.seed,
                       checker.empty() ? "" : " " + checker);
    return kExitCheckFailed;
  }
  out << fmt::format("shrink: {} seed {}{} fails {} with {} faults ({} by the nemesis)\n", original.name, args.seed,
                     plant == PlantedBug::kNone ? "" : " (plant " + args.plant + ")", checker,
                     detail.schedule.size(), detail.schedule.size() - original.options.faults.size());

  // Pin the run: the seed's whole schedule as fixed faults, chaos off, Buggify as drawn.
  Scenario s = original;
  s.options.faults = detail.schedule;
  s.options.chaos = false;
  s.options.buggify = detail.buggify;
  if (s.options.bitcoin) {
    // Windows as the original's defaults put them: a shorter run must not move them.
    if (!s.options.pegin_window) s.options.pegin_window = original.options.duration / 2;
    if (!s.options.pegout_window_start) s.options.pegout_window_start = original.options.duration / 4;
    if (!s.options.pegout_window_end) s.options.pegout_window_end = original.options.duration * 3 / 4;
  }
  const RunResult pinned = scenarios::run_scenario(s, args.seed, settings);
  if (pinned.trace_hash != first.trace_hash) {
    out << fmt::format("alys-sim shrink: the pinned schedule does not replay the run (trace {} vs {}): a "
                       "determinism bug; try alys-sim check-determinism {} --seeds {}\n",
                       reports::hex64(pinned.trace_hash), reports::hex64(first.trace_hash), args.scenario_path,
                       args.seed);
    return kExitCheckFailed;
  }

  const std::size_t parallel = args.jobs > 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  Shrinker shrinker(args.seed, plant, checker, parallel, args.max_runs, out, args.progress);
  shrinker.shrink_faults(s, "faults");
  // Smaller workloads and worlds, each kept only if it still fails.
  const scenarios::ChainOptions& o = s.options;
  if (o.tx_per_sec > 0) {
    if (!shrinker.attempt(s, "no transfers", [](Scenario& c) { c.options.tx_per_sec = 0; })) {
      while (s.options.tx_per_sec > 1 &&
             shrinker.attempt(s, fmt::format("transfers {}/s", s.options.tx_per_sec / 2),
                              [](Scenario& c) { c.options.tx_per_sec /= 2; })) {
      }
    }
  }
  if (o.pegouts > 0) {
    if (!shrinker.attempt(s, "no peg-outs", [](Scenario& c) { c.options.pegouts = 0; })) {
      while (s.options.pegouts > 1 && shrinker.attempt(s, fmt::format("peg-outs {}", s.options.pegouts / 2),
                                                       [](Scenario& c) { c.options.pegouts /= 2; })) {
      }
    }
  }
  if (o.bitcoin && o.pegouts == 0) {
    if (!shrinker.attempt(s, "no Bitcoin", [](Scenario& c) {
          c.options.bitcoin = false;
          c.options.pegins = 0;
          c.options.faults.erase(std::remove_if(c.options.faults.begin(), c.options.faults.end(),
                                                [](const chaos::TimedFault& f) {
                                                  return std::holds_alternative<chaos::BitcoinReorg>(f.fault) ||
                                                         std::holds_alternative<chaos::BitcoindOutage>(f.fault);
                                                }),
                                 c.options.faults.end());
        })) {
      while (s.options.pegins > 1 && shrinker.attempt(s, fmt::format("peg-ins {}", s.options.pegins / 2),
                                                      [](Scenario& c) { c.options.pegins /= 2; })) {
      }
    }
  }
  while (s.options.full_nodes > 0) {
    const auto last = static_cast<NodeId>(s.options.authorities + s.options.full_nodes - 1);
    if (node_referenced(s.options.faults, last) ||
        std::find(s.options.late_nodes.begin(), s.options.late_nodes.end(), last) != s.options.late_nodes.end()) {
      break;
    }
    if (!shrinker.attempt(s, fmt::format("{} full node(s)", s.options.full_nodes - 1),
                          [](Scenario& c) { c.options.full_nodes -= 1; })) {
      break;
    }
  }
  // A shorter run: end the workload soon after the last fault ends (whole minutes).
  auto try_shorter_run = [&shrinker](Scenario& sc) {
    Instant last_end = kTimeZero;
    for (const auto& f : sc.options.faults) last_end = std::max(last_end, f.at + f.duration);
    const Duration needed = std::chrono::ceil<std::chrono::minutes>(last_end - kTimeZero + 1min);
    if (needed < sc.options.duration) {
      shrinker.attempt(sc, fmt::format("duration {}", format_duration(needed)),
                       [needed](Scenario& c) { c.options.duration = needed; });
    }
  };
  try_shorter_run(s);
  shrinker.shrink_faults(s, "faults again");
  const std::size_t faults_before_reseeding = s.options.faults.size();
  shrinker.shrink_faults(s, "faults", args.reseeds);
  if (s.options.faults.size() < faults_before_reseeding) try_shorter_run(s);
  const std::uint64_t seed = shrinker.seed();

  s.name = fmt::format("{}-seed-{}-shrunk", original.name, args.seed);
  s.description = fmt::format("Shrunk by alys-sim shrink from {} seed {}{}: still fails {} with {} fault(s){}.",
                              original.name, args.seed,
                              plant == PlantedBug::kNone ? "" : " (plant " + args.plant + ")", checker,
                              s.options.faults.size(),
                              seed == args.seed ? "" : fmt::format(" under seed {}", seed));
  const std::string path = args.out_path.empty() ? s.name + ".toml" : args.out_path;
  {
    std::ofstream f(path);
    f << "# " << s.description << "\n" << scenarios::scenario_to_toml(s);
    if (!f) {
      out << "alys-sim shrink: cannot write " << path << "\n";
      return kExitBadInput;
    }
  }
  // Confirm from the file itself, as a user will run it.
  auto written = scenarios::load_scenario_file(path);
  if (!written) {
    out << "alys-sim shrink: the written scenario does not load: " << written.error().message() << "\n";
    return kExitCheckFailed;
  }
  const RunResult confirm = scenarios::run_scenario(*written, seed, settings);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!fails_checker(confirm, checker)) {
    out << fmt::format("alys-sim shrink: {} does not fail {} when replayed from the file\n", path, checker);
    return kExitCheckFailed;
  }
  out << fmt::format("shrunk to {} fault(s), {} transfers/s, {} peg-ins, {} peg-outs, {} nodes, {} + {} settle, in {} runs ({:.1f} s)\n",
                     s.options.faults.size(), s.options.tx_per_sec, s.options.bitcoin ? s.options.pegins : 0,
                     s.options.pegouts, s.options.authorities + s.options.full_nodes, format_duration(s.options.duration),
                     format_duration(s.options.settle), shrinker.runs(), wall);
  for (const auto& f : s.options.faults) out << "  " << chaos::describe(f) << "\n";
  for (const RunFailure& f : confirm.failures) {
    if (f.checker == checker) {
      out << fmt::format("FAILED {} at {}: {}\n", f.checker, format_duration(Duration(f.at_ns)), f.evidence);
      break;
    }
  }
  out << "wrote: " << path << "\n";
  out << "replay: " << scenarios::replay_command(*written, seed, plant) << "\n";
  return kExitPass;
}

}  // namespace alys::harness
