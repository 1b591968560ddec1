// alys-node: the operator's executable (DESIGN.md §8).
//
//   alys-node keygen                                  a new node key
//   alys-node init --nodes 3 --dir net                a local federation's spec and node files
//   alys-node run --config net/n0/node.toml           run one node until SIGINT/SIGTERM
//   alys-node clock                                   runtime self-check
// Exit codes: 0 success, 1 the node failed while running, 2 bad input (named).
// Still to come (issue 8): devnet, status, JSON-RPC, metrics, hot reload, the bridge.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "node/commands.h"
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
  init_cmd->add_option("--slot-ms", init.slot_ms, "Aura slot length")->capture_default_str()->check(CLI::Range(10, 3'600'000));
  init_cmd->add_option("--chain-id", init.chain_id, "Chain id")->capture_default_str();

  std::string config_path;
  node::NodeOverrides flags;
  auto* run = app.add_subcommand(
      "run", "Run one node until SIGINT/SIGTERM. Settings: the file, then ALYS_DATA_DIR, "
             "ALYS_LISTEN, ALYS_LOG_LEVEL, then these flags");
  run->add_option("--config", config_path, "The node file (node.toml)")->required();
  run->add_option("--data-dir", flags.data_dir, "Where the node's LevelDB store lives");
  run->add_option("--listen", flags.listen, "host:port to accept peers on");
  run->add_option("--log-level", flags.log_level, "trace|debug|info|warn|error|off");

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
  if (run->parsed()) {
    auto file = node::load_node_file(config_path);
    if (!file) {
      std::cerr << "alys-node run: " << file.error().message() << "\n";
      return 2;
    }
    for (auto [overrides, source] :
         {std::pair{node::overrides_from_env([](const char* k) { return static_cast<const char*>(std::getenv(k)); }),
                    "environment"},
          std::pair{flags, "flag"}}) {
      if (Status s = node::apply_overrides(*file, overrides, source); !s.is_ok()) {
        std::cerr << "alys-node run: " << s.message() << "\n";
        return 2;
      }
    }
    return node::run_command(*file);
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
