// clang-format off
#include <utility>  // before Boost.Asio: GCC 12 + C++20 quirk
#include <boost/asio.hpp>
// clang-format on

#include "node/commands.h"

#include <signal.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "core/chain/chain_observer.h"
#include "core/system/alys_node.h"
#include "core/types/hex.h"
#include "node/bridge_setup.h"
#include "node/node_reload_target.h"
#include "node/pre_verifier.h"
#include "node/rpc_setup.h"
#include "node/tx_journal_compactor.h"
#include "node/tx_journal_replay.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/real_env.h"

namespace alys::node {

namespace {

namespace fs = std::filesystem;

SecretKey fresh_key() {
  for (;;) {
    std::array<std::uint8_t, 32> bytes{};
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
      if (n > 0) got += static_cast<std::size_t>(n);
    }
    if (auto key = SecretKey::from_bytes(ByteView(bytes.data(), bytes.size()))) return *key;
  }
}

Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) return Status::io_error("cannot write " + path.string());
  return Status::ok();
}

// What an operator watches: the head and finality as they move (from the chain actor's
// strand; the Log is thread-safe).
class HeadLog final : public ChainObserver {
 public:
  explicit HeadLog(Log& log) : log_(log) {}
  void on_head(NodeId, const Hash256& hash, std::uint64_t height) override {
    ALYS_LOG(log_, kInfo, "head h{} {}", height, hash.to_hex().substr(0, 16));
  }
  void on_finalized(NodeId, const Hash256& hash, std::uint64_t height) override {
    ALYS_LOG(log_, kInfo, "finalized h{} {}", height, hash.to_hex().substr(0, 16));
  }

 private:
  Log& log_;
};

// The peg address the bridge watches, for the operator's watch-only wallet.
std::string federation_address(const ChainSpec& spec) {
  auto federation = federation_of(spec);
  if (!federation) return "(none)";
  auto address = federation->address(spec.bitcoin_network);
  return address ? *address : "(none)";
}

}  // namespace

int keygen_command() {
  const SecretKey key = fresh_key();
  std::cout << "secret " << to_hex(key.view()) << "\n"
            << "public " << key.xonly_public_key().to_hex() << "\n";
  return 0;
}

Result<LocalNetwork> plan_local_network(const InitOptions& o) {
  if (o.nodes == 0 || o.nodes > 100) return Status::invalid_argument("--nodes: must be in 1..100");
  if (std::size_t{o.base_port} + o.nodes - 1 > 65535 || o.base_port == 0) {
    return Status::invalid_argument("--base-port: the ports do not fit below 65536");
  }
  if (std::size_t{o.rpc_base_port} + o.nodes - 1 > 65535 || o.rpc_base_port == 0) {
    return Status::invalid_argument("--rpc-base-port: the ports do not fit below 65536");
  }
  std::optional<NodeFile::Bitcoin> bitcoin;
  if (o.bitcoin_rpc) {
    auto rpc = parse_host_port(*o.bitcoin_rpc, /*allow_any_port=*/false);
    if (!rpc) return Status::invalid_argument("--bitcoin-rpc: " + rpc.error().message());
    bitcoin = NodeFile::Bitcoin{*rpc, o.bitcoin_user, o.bitcoin_password, ""};
  } else if (!o.bitcoin_user.empty() || !o.bitcoin_password.empty()) {
    return Status::invalid_argument("--bitcoin-user/--bitcoin-password: need --bitcoin-rpc");
  }
  LocalNetwork net;
  net.spec.chain_id = o.chain_id;
  net.spec.slot_duration_ms = o.slot_ms;
  std::vector<SecretKey> keys;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    keys.push_back(fresh_key());
    net.spec.authorities.push_back(keys.back().xonly_public_key().bytes());
  }
  for (std::size_t i = 0; i < o.nodes; ++i) {
    NodeFile n;
    n.id = static_cast<NodeId>(i);
    n.key = keys[i];
    n.spec_path = "../spec.toml";
    n.data_dir = "data";
    n.listen = {"127.0.0.1", static_cast<std::uint16_t>(o.base_port + i)};
    n.rpc_listen = real::TcpPeerAddress{"127.0.0.1", static_cast<std::uint16_t>(o.rpc_base_port + i)};
    n.bitcoin = bitcoin;
    for (std::size_t p = 0; p < o.nodes; ++p) {
      if (p != i) n.peers[static_cast<NodeId>(p)] = {"127.0.0.1", static_cast<std::uint16_t>(o.base_port + p)};
    }
    net.nodes.push_back(std::move(n));
  }
  return net;
}

Status write_local_network(const std::string& dir_name, const LocalNetwork& net) {
  const fs::path dir(dir_name);
  if (fs::exists(dir / "spec.toml")) {
    return Status::invalid_argument((dir / "spec.toml").string() +
                                    " exists; refusing to overwrite a network");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io_error("--dir: " + dir_name + ": " + ec.message());
  if (Status s = write_text(dir / "spec.toml", chain_spec_toml(net.spec)); !s.is_ok()) return s;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const fs::path node_dir = dir / fmt::format("n{}", i);
    fs::create_directories(node_dir, ec);
    if (ec) return Status::io_error("cannot write " + (node_dir / "node.toml").string() + ": " + ec.message());
    if (Status s = write_text(node_dir / "node.toml", node_file_toml(net.nodes[i])); !s.is_ok()) return s;
  }
  return Status::ok();
}

int init_command(const InitOptions& o) {
  auto net = plan_local_network(o);
  Status written = net ? write_local_network(o.dir, *net) : net.error();
  if (!written.is_ok()) {
    std::cerr << "alys-node init: " << written.message() << "\n";
    return 2;
  }
  std::cout << fmt::format("alys-node init: {} authorities in {}; start each with\n", o.nodes, o.dir)
            << fmt::format("  alys-node run --config {}/n<i>/node.toml\n", o.dir);
  return 0;
}

bool stop_actors(AlysNode& node, std::chrono::steady_clock::duration limit) {
  node.system().stop();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (node.system().root().state() != actor::LifecycleState::kStopped) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

int run_command(const NodeFile& file, const ConfigSource& source) {
  auto spec = load_chain_spec(file.spec_path);
  if (!spec) {
    std::cerr << "alys-node run: " << spec.error().message() << "\n";
    return 2;
  }
  auto shared_spec = std::make_shared<const ChainSpec>(*spec);
  std::error_code ec;
  fs::create_directories(file.data_dir, ec);
  if (ec) {
    std::cerr << "alys-node run: data_dir: " << file.data_dir << ": " << ec.message() << "\n";
    return 2;
  }
  const config::NodeLimits limits = limits_of(file);
  NodeConfig config;
  if (file.bitcoin) {
    auto bridge = bridge_of(file, *shared_spec);
    if (!bridge) {
      std::cerr << "alys-node run: " << bridge.error().message() << "\n";
      return 2;
    }
    config.bridge = std::move(*bridge);
  }
  // SIGINT/SIGTERM (stop) and SIGHUP (reload) are taken by sigwait below, so every thread
  // started after this blocks them (threads inherit the mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  real::AsioPool pool(limits.worker_threads > 0 ? static_cast<unsigned>(limits.worker_threads)
                                                : std::max(2u, std::thread::hardware_concurrency()));
  real::RealEnvOptions eo;
  eo.id = file.id;
  eo.data_dir = file.data_dir;
  eo.listen_host = file.listen.host;
  eo.listen_port = file.listen.port;
  eo.transport.network_id = shared_spec->chain_id;
  eo.transport.max_send_queue_bytes = static_cast<std::size_t>(limits.tcp_send_queue_bytes_max);
  eo.transport.read_pause_frames = static_cast<std::size_t>(limits.tcp_read_pause_frames);
  eo.transport.max_connections = static_cast<std::size_t>(limits.tcp_connections_max);
  eo.log_level = file.log_level;
  auto env = real::RealEnv::open(pool.context(), eo);
  if (!env) {
    std::cerr << "alys-node run: " << env.error().message() << "\n";
    return 2;
  }
  for (const auto& [id, address] : file.peers) (*env)->transport().set_peer_address(id, address);
  std::atomic<int> exit_code{0};
  (*env)->env().set_exit_hook([&exit_code](int code) {
    exit_code = code;
    ::kill(::getpid(), SIGTERM);  // wakes the sigwait below
  });
  HeadLog head_log((*env)->env().log());
  config::apply_limits(limits, config);
  config.spec = shared_spec;
  config.node_key = file.key;
  config.sync.assume_valid = file.assume_valid;
  for (const auto& [id, address] : file.peers) config.peers.push_back(id);
  config.observer = &head_log;
  const auto authority = authority_index_of(*shared_spec, *file.key);
  // After the signal mask above: its workers must not take SIGINT/SIGTERM/SIGHUP either.
  // Declared before the node, so on an early return it stops after the node is gone.
  const std::shared_ptr<PreVerifier> pre_verifier =
      install_pre_verifier(config, verify_threads_for(limits.verify_threads));
  auto node = std::make_unique<AlysNode>((*env)->env(), config);
  pool.start();
  node->start();
  std::cerr << fmt::format(
      "alys-node: node {} ({}) listening on {}:{}, data in {}, profile {}, {}\n", file.id,
      authority ? fmt::format("authority {}", *authority) : "full node", file.listen.host,
      (*env)->port(), file.data_dir, file.profile ? config::profile_name(*file.profile) : "none",
      file.bitcoin ? fmt::format("bridge on bitcoind {}:{} (watch-only wallet '{}' must hold the "
                                 "federation address {})",
                                 file.bitcoin->rpc.host, file.bitcoin->rpc.port, file.bitcoin->wallet,
                                 federation_address(*shared_spec))
                   : std::string("no bridge"));
  // Hot reload: SIGHUP below, and admin_reloadConfig through `reload_config` (the JSON-RPC
  // server's AdminHooks::reload). A JSON-RPC server sets its rate limit setter on
  // `reload_target` (set_rpc_rate_setter) while it runs.
  NodeReloadTarget reload_target((*env)->env().log(), (*env)->transport(), *node);
  ConfigReloader reloader(source, file, reload_target, (*env)->env().log());
  const std::function<Result<std::string>()> reload_config = [&reloader] { return reloader.reload(); };
  // The HTTP API starts once the node runs and stops before its actors (no request then
  // waits on a stopping tree).
  std::unique_ptr<RpcServer> rpc;
  std::unique_ptr<TxJournal> journal;
  std::optional<NodeQueries> journal_queries;   // what the compactor asks; outlives it
  std::unique_ptr<JournalCompactor> compactor;  // stopped before the node's actors
  // The HTTP API failed to start (a port taken, a journal that cannot be opened): the node
  // already runs, so stop it as on a signal before exiting.
  const auto refuse_after_start = [&](const Status& why) {
    std::cerr << "alys-node run: " << why.message() << "\n";
    if (compactor) compactor->stop();
    (void)stop_actors(*node, std::chrono::seconds(30));
    pool.stop();
    return 2;
  };
  if (file.rpc_listen) {
    auto opened = open_tx_journal(file, *node);
    if (!opened) return refuse_after_start(opened.error());
    journal = std::move(opened->journal);
    std::cerr << fmt::format("alys-node: node {}: tx journal: {} acknowledged transactions found, {} still pending\n",
                             file.id, opened->found, journal->records());
    AdminHooks hooks;
    Log& log = (*env)->env().log();
    journal_queries.emplace(*node);
    compactor = std::make_unique<JournalCompactor>(
        *journal, [&journal_queries](const LedgerTx& tx) { return still_pending(*journal_queries, tx); },
        [&log](const Status& s) { ALYS_LOG(log, kWarn, "tx journal: compaction failed: {}", s.message()); });
    hooks.record_acknowledged = [&journal, &compactor](const LedgerTx& tx) {
      return record_acknowledged(*journal, *compactor, tx);
    };
    // Through the reloader, so a later reload compares the file with the level in force.
    hooks.set_log_level = [&reloader](LogLevel level) { return reloader.set_log_level(level); };
    hooks.reload = reload_config;
    real::TcpTransport* tcp = &(*env)->transport();
    auto started = start_rpc_server(file, *node, std::move(hooks), [tcp] { return tcp->metrics(); });
    if (!started) return refuse_after_start(started.error());
    rpc = std::move(*started);
    reload_target.set_rpc_rate_setter([&rpc](std::uint32_t per_sec, std::uint32_t burst) {
      return rpc->set_rate_limit(per_sec, burst);
    });
    std::cerr << fmt::format("alys-node: node {} json-rpc on http://{}:{}/ (also /metrics, /health)\n",
                             file.id, file.rpc_listen->host, rpc->port());
  }
  int signal = 0;
  for (;;) {
    sigwait(&stop_signals, &signal);
    if (signal != SIGHUP || exit_code != 0) break;
    (void)reload_config();  // the reloader logs what it did or why it refused
  }
  std::cerr << fmt::format("alys-node: node {}: {}, stopping\n", file.id,
                           exit_code != 0 ? "the supervision tree gave up" : strsignal(signal));
  if (rpc) {
    reload_target.set_rpc_rate_setter(nullptr);
    rpc->stop();
  }
  if (compactor) compactor->stop();  // it asks the node: before the actors stop
  (void)stop_actors(*node, std::chrono::seconds(30));  // past that, the pool stops them anyway
  pool.stop();
  pre_verifier->stop();
  node.reset();
  env.value().reset();
  return exit_code != 0 ? 1 : 0;
}

}  // namespace alys::node
