#include "node/devnet.h"

#include <signal.h>
#include <time.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "core/crypto/tagged_hash.h"
#include "core/execution/ledger_tx.h"
#include "core/types/hex.h"
#include "node/aux_miner.h"
#include "node/child_process.h"
#include "node/commands.h"
#include "node/devnet_bitcoin.h"
#include "node/node_files.h"
#include "node/rpc_client.h"
#include "runtime-real/os_random.h"
#include "runtime-sim/sim_bitcoin.h"

namespace alys::node {

namespace {

namespace fs = std::filesystem;

std::string random_password() {
  real::OsRandom random;
  return fmt::format("{:016x}{:016x}", random.next(), random.next());
}

fs::path node_file_path(const DevnetOptions& o, std::size_t i) {
  return fs::path(o.dir) / fmt::format("n{}", i) / "node.toml";
}

}  // namespace

Result<LocalNetwork> write_devnet_network(const DevnetOptions& o,
                                          const std::optional<std::string>& password) {
  InitOptions init;
  init.nodes = o.nodes;
  init.dir = o.dir;
  init.base_port = o.base_port;
  init.slot_ms = o.slot_ms;
  init.chain_id = o.chain_id;
  init.rpc_base_port = o.rpc_base_port;
  if (password) {
    init.bitcoin_rpc = fmt::format("127.0.0.1:{}", o.bitcoin_port);
    init.bitcoin_user = kDevnetBitcoinUser;
    init.bitcoin_password = *password;
  }
  auto net = plan_local_network(init);
  if (!net) return net.error();
  net->spec.allocations.push_back({devnet_faucet_address(), kDevnetFaucetWei});
  // Devnet difficulty: regtest's easiest target, never retargeted. Alys's retarget makes
  // any proof that comes sooner than pow_target_spacing blocks five times harder, so a
  // miner that finalizes every few slots would soon face mainnet-like work.
  net->spec.retarget.initial_bits = kDevnetPowBits;
  net->spec.retarget.pow_no_retargeting = true;
  for (NodeFile& file : net->nodes) {
    file.bridge.start_height = 1;
    file.bridge.required_confirmations = o.confirmations;
    file.bridge.poll_interval_ms = 500;
    file.rpc_rate_per_sec = o.rpc_rate_per_sec;
    file.rpc_burst = o.rpc_burst;
  }
  if (Status s = write_local_network(o.dir, *net); !s.is_ok()) return s;
  return net;
}

namespace {

// The devnet's own options; the network's (node count, ports) are plan_local_network's.
Status check(const DevnetOptions& o) {
  if (o.dir.empty()) return Status::invalid_argument("--dir: required");
  if (fs::exists(fs::path(o.dir) / "spec.toml")) {
    return Status::invalid_argument(fmt::format(
        "--dir: {} holds a network already; the devnet Bitcoin lives in memory, so a devnet "
        "cannot be resumed: remove it or choose another directory", o.dir));
  }
  if (o.bitcoin_port == 0) return Status::invalid_argument("--bitcoin-port: must be 1..65535");
  if (o.confirmations == 0) return Status::invalid_argument("--confirmations: must be >= 1");
  if (o.mine_interval_ms == 0) return Status::invalid_argument("--mine-interval-ms: must be >= 1");
  if (o.rpc_rate_per_sec == 0 || o.rpc_rate_per_sec > kMaxRpcRate) {
    return Status::invalid_argument(fmt::format("--rpc-rate: must be 1..{}", kMaxRpcRate));
  }
  if (o.rpc_burst == 0 || o.rpc_burst > kMaxRpcRate) {
    return Status::invalid_argument(fmt::format("--rpc-burst: must be 1..{}", kMaxRpcRate));
  }
  return Status::ok();
}

std::string status_line(std::vector<std::unique_ptr<JsonRpcClient>>& rpcs, DevnetBitcoin& bitcoin,
                        const AuxMiner& miner, std::vector<ChildProcess>& nodes) {
  std::string line = "devnet:";
  for (std::size_t i = 0; i < rpcs.size(); ++i) {
    if (!nodes[i].running()) {
      line += fmt::format(" n{} exited({})", i, nodes[i].exit_code().value_or(-1));
      continue;
    }
    auto s = rpcs[i]->call("alys_status");
    if (!s || !s->contains("head") || !s->contains("finalized")) {
      line += fmt::format(" n{} ?", i);
      continue;
    }
    line += fmt::format(" n{} h{}/f{} p{}", i, (*s)["head"].value("height", 0ULL),
                        (*s)["finalized"].value("height", 0ULL), s->value("peers", 0ULL));
  }
  std::uint64_t tip = 0;
  bitcoin.with_model([&](sim::SimBitcoin& m) { tip = m.tip_height(); });
  const AuxMinerStats ms = miner.stats();
  line += fmt::format(" | bitcoin h{} | auxpow {} accepted, {} failed", tip, ms.accepted, ms.failed);
  if (ms.failed > 0) line += fmt::format(" (last: {})", miner.last_error());
  return line;
}

}  // namespace

SecretKey devnet_faucet_key() {
  const Hash256 seed = tagged_hash("alys/devnet-faucet", ByteView());
  auto key = SecretKey::from_bytes(ByteView(seed.data(), seed.size()));
  ALYS_ASSERT(key.has_value(), "devnet faucet key");
  return *key;
}

EvmAddress devnet_faucet_address() { return account_address(devnet_faucet_key().xonly_public_key()); }

int devnet_command(const DevnetOptions& o) {
  if (Status s = check(o); !s.is_ok()) {
    std::cerr << "alys-node devnet: " << s.message() << "\n";
    return 2;
  }
  // Blocked before any thread starts (threads inherit the mask); taken by sigtimedwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string password = random_password();
  auto net = write_devnet_network(o, password);
  if (!net) {
    std::cerr << "alys-node devnet: " << net.error().message() << "\n";
    return 2;
  }
  auto federation = federation_of(net->spec);
  if (!federation) {
    std::cerr << "alys-node devnet: " << federation.error().message() << "\n";
    return 2;
  }

  DevnetBitcoinOptions bo;
  bo.port = o.bitcoin_port;
  bo.user = kDevnetBitcoinUser;
  bo.password = password;
  bo.block_interval = std::chrono::milliseconds(o.bitcoin_block_ms);
  bo.seed = o.seed;
  bo.federation = *federation;
  auto bitcoin = DevnetBitcoin::start(bo);
  if (!bitcoin) {
    std::cerr << "alys-node devnet: bitcoin: " << bitcoin.error().message() << "\n";
    return 2;
  }

  const std::string self = self_executable();
  std::vector<ChildProcess> nodes;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    const fs::path log = fs::path(o.dir) / fmt::format("n{}", i) / "node.log";
    auto child = ChildProcess::spawn(self, {"run", "--config", node_file_path(o, i).string()}, log.string());
    if (!child) {
      std::cerr << "alys-node devnet: node " << i << ": " << child.error().message() << "\n";
      return 1;  // the nodes already started are killed by their destructors
    }
    nodes.push_back(std::move(*child));
  }

  AuxMinerOptions mo;
  mo.interval = std::chrono::milliseconds(o.mine_interval_ms);
  std::vector<std::unique_ptr<JsonRpcClient>> status_rpcs;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    JsonRpcEndpoint e;
    e.port = static_cast<std::uint16_t>(o.rpc_base_port + i);
    e.timeout = std::chrono::milliseconds(2000);
    mo.nodes.push_back(e);
    status_rpcs.push_back(std::make_unique<JsonRpcClient>(e));
  }
  AuxMiner miner(mo);
  miner.start();

  std::cout << fmt::format("alys-node devnet: {} nodes in {}\n", o.nodes, o.dir);
  for (std::size_t i = 0; i < o.nodes; ++i) {
    std::cout << fmt::format("  n{}: p2p 127.0.0.1:{}  json-rpc http://127.0.0.1:{}/  log {}\n", i,
                             o.base_port + i, o.rpc_base_port + i,
                             (fs::path(o.dir) / fmt::format("n{}", i) / "node.log").string());
  }
  std::cout << fmt::format("  bitcoin: http://{}:{}@127.0.0.1:{}/ (devnet: generate, devnet_deposit, "
                           "devnet_received, devnet_info)\n",
                           kDevnetBitcoinUser, password, (*bitcoin)->port())
            << fmt::format("  faucet: key {} address {}\n", to_hex(devnet_faucet_key().view()),
                           evm_address_hex(devnet_faucet_address()))
            << "  Ctrl-C stops everything." << std::endl;

  int exit_code = 0;
  auto next_status = std::chrono::steady_clock::now() + kDevnetStatusEvery;
  for (;;) {
    timespec wait{0, 200'000'000};
    const int sig = sigtimedwait(&stop_signals, nullptr, &wait);
    if (sig == SIGINT || sig == SIGTERM) {
      std::cout << fmt::format("alys-node devnet: {}, stopping", strsignal(sig)) << std::endl;
      break;
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].exit_code()) continue;
      if (!nodes[i].running()) {
        std::cout << fmt::format("alys-node devnet: node n{} exited with {} (see its log)", i,
                                 *nodes[i].exit_code())
                  << std::endl;
        exit_code = 1;
      }
    }
    if (std::chrono::steady_clock::now() >= next_status) {
      next_status += kDevnetStatusEvery;
      std::cout << status_line(status_rpcs, **bitcoin, miner, nodes) << std::endl;
    }
  }
  miner.stop();
  for (auto& n : nodes) n.signal(SIGTERM);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const bool was_running = !nodes[i].exit_code().has_value();
    const int code = nodes[i].stop(std::chrono::duration_cast<std::chrono::milliseconds>(kDevnetStopGrace));
    if (was_running && code != 0) {
      std::cout << fmt::format("alys-node devnet: node n{} stopped with {}", i, code) << std::endl;
      exit_code = 1;
    }
  }
  bitcoin.value().reset();
  std::cout << "alys-node devnet: stopped" << std::endl;
  return exit_code;
}

}  // namespace alys::node
