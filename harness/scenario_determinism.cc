#include "harness/scenario_determinism.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <string_view>
#include <thread>

#include "core/runtime/planted.h"
#include "harness/commands.h"
#include "harness/determinism.h"
#include "harness/process_pool.h"
#include "harness/sweep.h"
#include "reports/results_json.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace alys::harness {

int run_scenario_determinism_command(const ScenarioDeterminismArgs& args, std::ostream& out) {
  auto files = expand_scenario_paths(args.paths);
  if (!files) {
    out << "alys-sim check-determinism: " << files.error().message() << "\n";
    return kExitBadInput;
  }
  std::vector<scenarios::Scenario> loaded;
  for (const std::string& f : *files) {
    auto s = scenarios::load_scenario_file(f);
    if (!s) {
      out << s.error().message() << "\n";
      return kExitBadInput;
    }
    loaded.push_back(std::move(*s));
  }
  struct Job {
    std::size_t scenario;
    std::uint64_t seed;
  };
  std::vector<Job> jobs;
  for (std::size_t s = 0; s < loaded.size(); ++s) {
    for (std::uint64_t seed = args.seeds.first;; ++seed) {
      jobs.push_back({s, seed});
      if (seed == args.seeds.last) break;
    }
  }
  const std::size_t parallel = args.jobs > 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  out << fmt::format("check-determinism: {} scenario(s) x seeds {}..{}, each run twice (heap perturbed), {} process(es)\n",
                     loaded.size(), args.seeds.first, args.seeds.last, parallel);
  out.flush();
  const auto start = std::chrono::steady_clock::now();
  std::map<std::size_t, std::size_t> diverged_per_scenario;
  std::map<std::size_t, std::size_t> failed_per_scenario;
  std::vector<std::string> problems;
  std::vector<std::string> check_failures;
  std::size_t done = 0;
  const std::size_t step = std::max<std::size_t>(1, jobs.size() / 10);
  run_in_processes(
      jobs.size(), parallel,
      [&](std::size_t i) {
        std::uint64_t hashes[2] = {0, 0};
        std::uint64_t events[2] = {0, 0};
        std::string failed_checker = "-";
        check_determinism(
            SeedRange{jobs[i].seed, jobs[i].seed},
            [&, n = 0](std::uint64_t seed) mutable {
              const RunResult r = scenarios::run_scenario(loaded[jobs[i].scenario], seed);
              hashes[n] = r.trace_hash;
              events[n] = r.events;
              if (n == 0 && !r.failures.empty()) failed_checker = r.failures.front().checker;
              ++n;
              return r.trace_hash;
            });
        return fmt::format("{} {} {} {} {}", hashes[0], hashes[1], events[0], events[1], failed_checker);
      },
      [&](std::size_t i, ChildOutcome outcome) {
        const scenarios::Scenario& s = loaded[jobs[i].scenario];
        const std::string again = fmt::format("alys-sim check-determinism {} --seeds {}", s.file, jobs[i].seed);
        unsigned long long h0 = 0, h1 = 0, e0 = 0, e1 = 0;
        char checker[64] = {0};
        if (!outcome.ok() ||
            std::sscanf(outcome.output.c_str(), "%llu %llu %llu %llu %63s", &h0, &h1, &e0, &e1, checker) != 5) {
          problems.push_back(fmt::format("CRASHED {} seed {}: {}\n  again: {}", s.name, jobs[i].seed, outcome.describe(), again));
          ++diverged_per_scenario[jobs[i].scenario];
        } else if (h0 != h1 || e0 != e1) {
          problems.push_back(fmt::format("DIVERGED {} seed {}: {} ({} events) then {} ({} events)\n  again: {}", s.name,
                                         jobs[i].seed, reports::hex64(h0), e0, reports::hex64(h1), e1, again));
          ++diverged_per_scenario[jobs[i].scenario];
        } else if (std::string_view(checker) != "-") {
          // Repeatable, but a check failed: not a determinism problem, still worth a line.
          check_failures.push_back(fmt::format("FAILED {} {} seed {}\n  replay: {}", checker, s.name, jobs[i].seed,
                                               scenarios::replay_command(s, jobs[i].seed, PlantedBug::kNone)));
          ++failed_per_scenario[jobs[i].scenario];
        }
        ++done;
        if (args.progress && (done % step == 0 || done == jobs.size())) {
          out << fmt::format("  {}/{} runs  ({:.1f} s)\n", done, jobs.size(),
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
          out.flush();
        }
      });
  for (const std::string& p : problems) out << p << "\n";
  for (const std::string& f : check_failures) out << f << "\n";
  for (std::size_t s = 0; s < loaded.size(); ++s) {
    out << fmt::format("{}: {} seeds, {} diverged, {} failed a check\n", loaded[s].name, args.seeds.count(),
                       diverged_per_scenario[s], failed_per_scenario[s]);
  }
  // The exit code is about determinism only; failed checks are reported, as a sweep would.
  out << fmt::format("check-determinism: {} runs, {} diverged, {} failed a check (same both times), {:.1f} s\n",
                     jobs.size(), problems.size(), check_failures.size(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return problems.empty() ? kExitPass : kExitCheckFailed;
}

}  // namespace alys::harness
