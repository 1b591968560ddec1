// alys-node: the operator's executable (DESIGN.md §8).
//
//   alys-node keygen                                  a new node key
//   alys-node init --nodes 3 --dir net                a local federation's spec and node files
//   alys-node run --config net/n0/node.toml           run one node until SIGINT/SIGTERM
//   alys-node devnet --nodes 3 --dir net              a local network with Bitcoin and a miner
//   alys-node status --rpc 127.0.0.1:8545             ask a running node how it is
//   alys-node loadtest --rate 200 --duration 60s      load-test a devnet (docs/operations/load.md)
//   alys-node budget --profile resource-conservative  the memory budget of some limits
//   alys-node clock                                   runtime self-check
// Exit codes: 0 success, 1 the node failed while running, 2 bad input (named).
// With rpc_listen (or --rpc-listen), `run` also serves JSON-RPC, /metrics and /health.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "node/budget_command.h"
#include "node/commands.h"
#include "node/devnet.h"
#include "node/load/loadtest_command.h"
#include "node/status_command.h"
#include "node/node_files.h"
#include "runtime-real/os_random.h"
#include "runtime-real/real_clock.h"

int main(int argc, char** argv) {
  using namespace alys;
  CLI::App app{"alys-node: the Alys sidechain node (production runtime)."};
  app.set_version_flag("--version", "alys-node 0.1.0");
  app.require_subcommand(1);

  auto* keygen = app.add_subcommand("keygen", "Print a new secret node key and its public key");

  node::InitOptions init;
  auto* init_cmd = app.add_subcommand(
      "init", "Write a local federation: DIR/spec.toml and DIR/n<i>/node.toml, one authority each");
  init_cmd->add_option("--nodes", init.nodes, "Authorities")->capture_default_str();
  init_cmd->add_option("--dir", init.dir, "Directory to write (must not hold a spec.toml)")->required();
  init_cmd->add_option("--base-port", init.base_port, "Node i listens on 127.0.0.1:BASE+i")->capture_default_str();
  init_cmd->add_option("--rpc-base-port", init.rpc_base_port,
                       "Node i serves JSON-RPC, /metrics and /health on 127.0.0.1:BASE+i")
      ->capture_default_str();
  init_cmd->add_option("--slot-ms", init.slot_ms, "Aura slot length")->capture_default_str()->check(CLI::Range(10, 3'600'000));
  init_cmd->add_option("--chain-id", init.chain_id, "Chain id")->capture_default_str();
  init_cmd->add_option("--bitcoin-rpc", init.bitcoin_rpc,
                       "host:port of the bitcoind every node's bridge uses ([bitcoin] in each node file)");
  init_cmd->add_option("--bitcoin-user", init.bitcoin_user, "bitcoind RPC user (with --bitcoin-rpc)");
  init_cmd->add_option("--bitcoin-password", init.bitcoin_password,
                       "bitcoind RPC password (with --bitcoin-rpc)");

  std::string config_path;
  node::NodeOverrides flags;
  auto* run = app.add_subcommand(
      "run", "Run one node until SIGINT/SIGTERM; SIGHUP reloads the node file. Settings: the "
             "file, then ALYS_DATA_DIR, ALYS_LISTEN, ALYS_LOG_LEVEL, ALYS_RPC_LISTEN, ALYS_PROFILE, ALYS_LIMITS, "
             "ALYS_BITCOIN_RPC, ALYS_BITCOIN_USER, ALYS_BITCOIN_PASSWORD, ALYS_ASSUME_VALID, then these flags");
  run->add_option("--config", config_path, "The node file (node.toml)")->required();
  run->add_option("--data-dir", flags.data_dir, "Where the node's LevelDB store lives");
  run->add_option("--listen", flags.listen, "host:port to accept peers on");
  run->add_option("--log-level", flags.log_level, "trace|debug|info|warn|error|off");
  run->add_option("--rpc-listen", flags.rpc_listen,
                  "host:port for JSON-RPC, /metrics and /health (port 0: any free port)");
  run->add_option("--profile", flags.profile, "high-throughput|low-latency|resource-conservative");
  run->add_option("--assume-valid", flags.assume_valid,
                  "HEIGHT:HASH of a block you vouch for: the chain below it syncs without "
                  "verifying its signatures");
  run->add_option("--limit", flags.limits, "key=value over the profile and [limits] (repeatable)");
  run->add_option("--bitcoin-rpc", flags.bitcoin_rpc, "host:port of the bridge's bitcoind");
  run->add_option("--bitcoin-user", flags.bitcoin_user, "bitcoind RPC user");
  run->add_option("--bitcoin-password", flags.bitcoin_password, "bitcoind RPC password");

  node::DevnetOptions devnet;
  auto* devnet_cmd = app.add_subcommand(
      "devnet", "Run a local network until Ctrl-C: N node processes, the devnet Bitcoin and a CPU "
                "AuxPoW miner (writes DIR first; node i logs to DIR/n<i>/node.log)");
  devnet_cmd->add_option("--nodes", devnet.nodes, "Authorities")->capture_default_str();
  devnet_cmd->add_option("--dir", devnet.dir, "Directory to write (must not hold a network)")->required();
  devnet_cmd->add_option("--base-port", devnet.base_port, "Node i takes peers on 127.0.0.1:BASE+i")->capture_default_str();
  devnet_cmd->add_option("--rpc-base-port", devnet.rpc_base_port, "Node i serves JSON-RPC on 127.0.0.1:BASE+i")->capture_default_str();
  devnet_cmd->add_option("--bitcoin-port", devnet.bitcoin_port, "The devnet Bitcoin's JSON-RPC port")->capture_default_str();
  devnet_cmd->add_option("--slot-ms", devnet.slot_ms, "Aura slot length")->capture_default_str()->check(CLI::Range(10, 3'600'000));
  devnet_cmd->add_option("--chain-id", devnet.chain_id, "Chain id")->capture_default_str();
  devnet_cmd->add_option("--bitcoin-block-ms", devnet.bitcoin_block_ms, "Mean time between devnet Bitcoin blocks")->capture_default_str()->check(CLI::Range(1, 3'600'000));
  devnet_cmd->add_option("--mine-interval-ms", devnet.mine_interval_ms, "Time between AuxPoW proofs")->capture_default_str()->check(CLI::Range(1, 3'600'000));
  devnet_cmd->add_option("--confirmations", devnet.confirmations, "Bitcoin confirmations a peg-in waits for")->capture_default_str()->check(CLI::Range(1, 100));
  devnet_cmd->add_option("--seed", devnet.seed, "Seed of the devnet Bitcoin's randomness")->capture_default_str();
  devnet_cmd->add_option("--rpc-rate", devnet.rpc_rate_per_sec, "Every node's JSON-RPC requests/s per client IP")->capture_default_str();
  devnet_cmd->add_option("--rpc-burst", devnet.rpc_burst, "Every node's JSON-RPC burst per client IP")->capture_default_str();

  node::load::LoadOptions load;
  node::load::LoadDurationFlags load_durations;
  auto* load_cmd = app.add_subcommand(
      "loadtest", "Load-test a devnet's JSON-RPC and P2P at a fixed rate for a bounded time: starts a devnet "
                  "(or attaches with --rpc), funds senders from the faucet, sends transfers and reads, waits "
                  "for every acknowledged transfer on every node, reports throughput, latency and losses");
  load_cmd->add_option("--rpc", load.rpc, "Attach to running nodes: host:port of each node's JSON-RPC (repeatable)");
  load_cmd->add_option("--dir", load.dir, "The started devnet's directory (default: a temporary one)");
  load_cmd->add_flag("--keep-dir", load.keep_dir, "Keep the temporary devnet directory after a passing run");
  load_cmd->add_option("--nodes", load.nodes, "Nodes of the started devnet")->capture_default_str();
  load_cmd->add_option("--base-port", load.base_port, "Started devnet: node i takes peers on BASE+i")->capture_default_str();
  load_cmd->add_option("--rpc-base-port", load.rpc_base_port, "Started devnet: node i serves JSON-RPC on BASE+i")->capture_default_str();
  load_cmd->add_option("--bitcoin-port", load.bitcoin_port, "Started devnet: the devnet Bitcoin's port")->capture_default_str();
  load_cmd->add_option("--slot-ms", load.slot_ms, "Started devnet: Aura slot length")->capture_default_str();
  load_cmd->add_option("--rate", load.rate, "Requests/s offered, every method together (open loop)")->capture_default_str();
  load_cmd->add_option("--duration", load_durations.duration, "How long to send (e.g. 60s, 500ms, 2m)")->capture_default_str();
  load_cmd->add_option("--read-percent", load.read_percent, "Share of reads (alys_getAccount, alys_head); the rest are transfers")->capture_default_str();
  load_cmd->add_option("--connections", load.connections_per_node, "Load connections per node")->capture_default_str();
  load_cmd->add_option("--senders", load.senders, "Sender accounts (default: two per connection)");
  load_cmd->add_option("--timeout", load_durations.timeout, "Per-request timeout")->capture_default_str();
  load_cmd->add_option("--send-grace", load_durations.send_grace, "How long a late connection may go on sending after --duration")->capture_default_str();
  load_cmd->add_option("--drain-timeout", load_durations.drain_timeout, "How long to wait for acknowledged transfers to land everywhere")->capture_default_str();
  load_cmd->add_option("--poll", load_durations.poll, "How often to read every node's new blocks")->capture_default_str();
  load_cmd->add_option("--json", load.json_path, "Also write the report as JSON to this file");

  std::string status_rpc = "127.0.0.1:8545";
  std::string status_token;
  auto* status_cmd = app.add_subcommand("status", "Ask a running node how it is (alys_status, alys_syncState)");
  status_cmd->add_option("--rpc", status_rpc, "The node's JSON-RPC host:port")->capture_default_str();
  status_cmd->add_option("--token", status_token, "Bearer token, if the node wants one");

  node::BudgetOptions budget;
  auto* budget_cmd = app.add_subcommand(
      "budget", "Print the memory budget of a profile and [limits]: what the node's bounded "
                "structures may hold, term by term (docs/operations/memory.md)");
  budget_cmd->add_option("--profile", budget.profile, "high-throughput|low-latency|resource-conservative");
  budget_cmd->add_option("--limit", budget.limits, "key=value over the profile (repeatable)");
  budget_cmd->add_option("--peers", budget.peers, "Connections (default: tcp_connections_max)");
  budget_cmd->add_option("--frame-bytes", budget.frame_bytes,
                         "Bound items by frames of this size (default: the codec's caps)");
  budget_cmd->add_flag("--no-bridge", budget.no_bridge, "A node without [bitcoin]: no bridge or federation actor");

  auto* clock_cmd = app.add_subcommand(
      "clock", "Print this machine's wall and monotonic clocks and an OS-random draw (runtime self-check)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (keygen->parsed()) return node::keygen_command();
  if (init_cmd->parsed()) return node::init_command(init);
  if (devnet_cmd->parsed()) return node::devnet_command(devnet);
  if (status_cmd->parsed()) return node::status_command(status_rpc, status_token);
  if (budget_cmd->parsed()) return node::budget_command(budget);
  if (load_cmd->parsed()) {
    if (Status s = node::load::apply_duration_flags(load_durations, load); !s.is_ok()) {
      std::cerr << "alys-node loadtest: " << s.message() << "\n";
      return 2;
    }
    return node::load::loadtest_command(load);
  }
  if (run->parsed()) {
    // Kept for the hot reload, which reads the same layers again.
    const node::ConfigSource source{config_path, flags,
                                    [](const char* k) { return static_cast<const char*>(std::getenv(k)); }};
    auto file = node::load_node_config(source);
    if (!file) {
      std::cerr << "alys-node run: " << file.error().message() << "\n";
      return 2;
    }
    return node::run_command(*file, source);
  }
  if (clock_cmd->parsed()) {
    real::RealClock clock;
    real::OsRandom random;
    std::cout << "unix_ms: " << clock.unix_ms() << "\n"
              << "monotonic_ns: " << to_ns(clock.now()) << "\n"
              << "random: " << random.next() << "\n";
    return 0;
  }
  return 2;
}
