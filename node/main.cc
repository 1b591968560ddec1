// alys-node: the operator's executable (DESIGN.md §8).
//
//   alys-node keygen                                  a new node key
//   alys-node init --nodes 3 --dir net                a local federation's spec and node files
//   alys-node run --config net/n0/node.toml           run one node until SIGINT/SIGTERM
//   alys-node devnet --nodes 3 --dir net              a local network with Bitcoin and a miner
//   alys-node status --rpc 127.0.0.1:8545             ask a running node how it is
//   alys-node clock                                   runtime self-check
// Exit codes: 0 success, 1 the node failed while running, 2 bad input (named).
// With rpc_listen (or --rpc-listen), `run` also serves JSON-RPC, /metrics and /health.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "node/commands.h"
#include "node/devnet.h"
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
             "ALYS_BITCOIN_RPC, ALYS_BITCOIN_USER, ALYS_BITCOIN_PASSWORD, then these flags");
  run->add_option("--config", config_path, "The node file (node.toml)")->required();
  run->add_option("--data-dir", flags.data_dir, "Where the node's LevelDB store lives");
  run->add_option("--listen", flags.listen, "host:port to accept peers on");
  run->add_option("--log-level", flags.log_level, "trace|debug|info|warn|error|off");
  run->add_option("--rpc-listen", flags.rpc_listen,
                  "host:port for JSON-RPC, /metrics and /health (port 0: any free port)");
  run->add_option("--profile", flags.profile, "high-throughput|low-latency|resource-conservative");
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

  std::string status_rpc = "127.0.0.1:8545";
  std::string status_token;
  auto* status_cmd = app.add_subcommand("status", "Ask a running node how it is (alys_status, alys_syncState)");
  status_cmd->add_option("--rpc", status_rpc, "The node's JSON-RPC host:port")->capture_default_str();
  status_cmd->add_option("--token", status_token, "Bearer token, if the node wants one");

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
