// alys-sim: the simulator's command line (DESIGN.md §7). Flags are parsed here and handed
// to harness/commands.h. Exit codes: 0 pass, 1 a check failed, 2 bad input.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "core/crypto/fixed_base_signing.h"
#include "harness/chain_command.h"
#include "harness/cli.h"
#include "harness/scenario_determinism.h"
#include "harness/commands.h"
#include "harness/hugepage_heap.h"

namespace {

using alys::harness::DurationValidator;
using alys::harness::kExitBadInput;

alys::Duration to_duration(const std::string& text) { return *alys::parse_duration(text); }

}  // namespace

int main(int argc, char** argv) {
  alys::harness::reexec_with_hugepage_heap(argv);
  CLI::App app{"alys-sim: deterministic simulation of Alys networks.\n"
               "Exit codes: 0 pass, 1 a check failed, 2 bad input."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "alys-sim 0.1.0");

  alys::harness::DemoArgs demo;
  std::string demo_duration = "10m", demo_settle = "30s", demo_log = "off";
  bool no_chaos = false;
  auto* demo_cmd = app.add_subcommand(
      "demo", "Run the counter-gossip demo protocol on N simulated nodes under seeded chaos,\n"
              "then check durability and convergence. Prints events, virtual and wall time,\n"
              "and the trace hash.");
  demo_cmd->add_option("--seed", demo.seed, "World seed (the whole run follows from it)")->capture_default_str();
  demo_cmd->add_option("--nodes", demo.nodes, "Number of nodes (1..1000)")->capture_default_str();
  demo_cmd->add_option("--duration", demo_duration, "Simulated time with faults")
      ->check(DurationValidator())->capture_default_str();
  demo_cmd->add_option("--settle", demo_settle, "Quiet tail before the final checks")
      ->check(DurationValidator())->capture_default_str();
  demo_cmd->add_flag("--no-chaos", no_chaos, "Run without faults");
  demo_cmd->add_option("--log", demo_log, "Print node log lines: trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))->capture_default_str();
  demo_cmd->add_option("--json", demo.json_path, "Write the run summary as JSON to this file");

  alys::harness::CheckDeterminismArgs det;
  std::string det_seeds = "1..200", det_duration = "10m";
  bool quiet = false;
  auto* det_cmd = app.add_subcommand(
      "check-determinism", "Run each seed twice (the second time with a perturbed heap) and fail if\n"
                           "any trace hash or event count differs: of the given scenario files or\n"
                           "folders (in parallel), or of the demo protocol when none is given.\n"
                           "Scenario runs whose checks fail (the same both times) are listed with\n"
                           "their replay command; the exit code is about determinism only.");
  std::vector<std::string> det_paths;
  std::size_t det_jobs = 0;
  det_cmd->add_option("scenarios", det_paths, "Scenario files or folders (none: the demo)");
  det_cmd->add_option("--jobs,-j", det_jobs, "With scenarios: processes at once (0 = one per core)")
      ->capture_default_str();
  det_cmd->add_option("--seeds", det_seeds, "Seeds: S or A..B (inclusive)")->capture_default_str();
  det_cmd->add_option("--nodes", det.nodes, "Number of nodes")->capture_default_str();
  det_cmd->add_option("--duration", det_duration, "Simulated time with faults per run")
      ->check(DurationValidator())->capture_default_str();
  det_cmd->add_flag("--quiet", quiet, "No progress lines");

  alys::harness::ChainArgs chain;
  std::string chain_duration = "10m", chain_miner = "30s", chain_log = "off", chain_btc = "1m";
  auto* chain_cmd = app.add_subcommand(
      "chain", "Run Alys nodes (federation authorities + full nodes) on the simulator with\n"
               "Aura slots, a merged miner and a transfer workload, then check heads,\n"
               "block validity, proposers, double signing, finality and transfers.");
  chain_cmd->add_option("--seed", chain.seed, "World seed")->capture_default_str();
  chain_cmd->add_option("--authorities", chain.authorities, "Federation members (1..64)")
      ->capture_default_str();
  chain_cmd->add_option("--full-nodes", chain.full_nodes, "Non-signing nodes")->capture_default_str();
  chain_cmd->add_option("--duration", chain_duration, "Simulated time with workload")
      ->check(DurationValidator())->capture_default_str();
  chain_cmd->add_option("--tx-rate", chain.tx_per_sec, "Transfers submitted per simulated second")
      ->capture_default_str();
  chain_cmd->add_option("--miner-mean", chain_miner, "Mean wait between AuxPoW solutions")
      ->check(DurationValidator())->capture_default_str();
  chain_cmd->add_flag("--chaos", chain.chaos,
                      "Seeded faults during --duration (crashes, partitions, clogs), then a 60 s quiet tail");
  chain_cmd->add_flag("--clock-faults", chain.clock_faults,
                      "With --chaos: clock jumps and drift too (clocks resync for the quiet tail)");
  chain_cmd->add_option("--pegins", chain.pegins,
                        "Run a simulated Bitcoin and bridges; deposit this many peg-ins in the\n"
                        "first half of --duration and check each is minted once (0 = no Bitcoin)")
      ->capture_default_str();
  chain_cmd->add_option("--pegouts", chain.pegouts,
                        "With --pegins: this many users burn value for Bitcoin in the middle half\n"
                        "of --duration; check each burn is paid once and value is conserved")
      ->capture_default_str();
  chain_cmd->add_option("--bitcoin-block-mean", chain_btc, "With --pegins: mean Bitcoin block interval")
      ->check(DurationValidator())->capture_default_str();
  chain_cmd->add_option("--log", chain_log, "Print node log lines: trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))->capture_default_str();

  std::vector<alys::harness::Subcommand> scenario_commands;
  alys::harness::add_scenario_commands(app, scenario_commands, std::cout);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }

  // The simulator's keys guard nothing, and a seed makes ~2,800 signatures: sign through
  // the fixed-base table (the same bytes as libsecp256k1's signer, about twice as fast).
  // Built here, before any sweep forks its workers, so they all share it.
  alys::use_variable_time_signing(true);

  for (const auto& sub : scenario_commands) {
    if (sub.command->parsed()) return sub.run();
  }
  if (demo_cmd->parsed()) {
    demo.duration = to_duration(demo_duration);
    demo.settle = to_duration(demo_settle);
    demo.chaos = !no_chaos;
    alys::parse_log_level(demo_log, demo.log_level);
    return alys::harness::run_demo_command(demo, std::cout);
  }
  if (chain_cmd->parsed()) {
    chain.duration = to_duration(chain_duration);
    chain.miner_mean = to_duration(chain_miner);
    chain.bitcoin_block_mean = to_duration(chain_btc);
    alys::parse_log_level(chain_log, chain.log_level);
    return alys::harness::run_chain_command(chain, std::cout);
  }
  if (det_cmd->parsed()) {
    auto seeds = alys::harness::parse_seed_range(det_seeds);
    if (!seeds) {
      std::cerr << "alys-sim check-determinism: " << seeds.error().message() << "\n";
      return kExitBadInput;
    }
    if (!det_paths.empty()) {
      alys::harness::ScenarioDeterminismArgs sd;
      sd.paths = det_paths;
      sd.seeds = *seeds;
      sd.jobs = det_jobs;
      sd.progress = !quiet;
      return alys::harness::run_scenario_determinism_command(sd, std::cout);
    }
    det.seeds = *seeds;
    det.duration = to_duration(det_duration);
    det.progress = !quiet;
    return alys::harness::run_check_determinism_command(det, std::cout);
  }
  return kExitBadInput;
}
