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

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return bool(out);
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

}  // namespace

int keygen_command() {
  const SecretKey key = fresh_key();
  std::cout << "secret " << to_hex(key.view()) << "\n"
            << "public " << key.xonly_public_key().to_hex() << "\n";
  return 0;
}

int init_command(const InitOptions& o) {
  if (o.nodes == 0 || o.nodes > 100) {
    std::cerr << "alys-node init: --nodes: must be in 1..100\n";
    return 2;
  }
  if (std::size_t{o.base_port} + o.nodes - 1 > 65535 || o.base_port == 0) {
    std::cerr << "alys-node init: --base-port: the ports do not fit below 65536\n";
    return 2;
  }
  const fs::path dir(o.dir);
  if (fs::exists(dir / "spec.toml")) {
    std::cerr << "alys-node init: " << (dir / "spec.toml").string()
              << " exists; refusing to overwrite a network\n";
    return 2;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "alys-node init: --dir: " << o.dir << ": " << ec.message() << "\n";
    return 2;
  }
  ChainSpec spec;
  spec.chain_id = o.chain_id;
  spec.slot_duration_ms = o.slot_ms;
  std::vector<SecretKey> keys;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    keys.push_back(fresh_key());
    spec.authorities.push_back(keys.back().xonly_public_key().bytes());
  }
  if (!write_file(dir / "spec.toml", chain_spec_toml(spec))) {
    std::cerr << "alys-node init: cannot write " << (dir / "spec.toml").string() << "\n";
    return 2;
  }
  for (std::size_t i = 0; i < o.nodes; ++i) {
    NodeFile n;
    n.id = static_cast<NodeId>(i);
    n.key = keys[i];
    n.spec_path = "../spec.toml";
    n.data_dir = "data";
    n.listen = {"127.0.0.1", static_cast<std::uint16_t>(o.base_port + i)};
    for (std::size_t p = 0; p < o.nodes; ++p) {
      if (p != i) n.peers[static_cast<NodeId>(p)] = {"127.0.0.1", static_cast<std::uint16_t>(o.base_port + p)};
    }
    const fs::path node_dir = dir / fmt::format("n{}", i);
    fs::create_directories(node_dir, ec);
    if (ec || !write_file(node_dir / "node.toml", node_file_toml(n))) {
      std::cerr << "alys-node init: cannot write " << (node_dir / "node.toml").string() << "\n";
      return 2;
    }
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

int run_command(const NodeFile& file) {
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
  // SIGINT/SIGTERM are taken by sigwait below, so every thread started after this blocks
  // them (threads inherit the mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  real::AsioPool pool(std::max(2u, std::thread::hardware_concurrency()));
  real::RealEnvOptions eo;
  eo.id = file.id;
  eo.data_dir = file.data_dir;
  eo.listen_host = file.listen.host;
  eo.listen_port = file.listen.port;
  eo.transport.network_id = shared_spec->chain_id;
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
  NodeConfig config;
  config.spec = shared_spec;
  config.node_key = file.key;
  for (const auto& [id, address] : file.peers) config.peers.push_back(id);
  config.observer = &head_log;
  const auto authority = authority_index_of(*shared_spec, *file.key);
  auto node = std::make_unique<AlysNode>((*env)->env(), config);
  pool.start();
  node->start();
  std::cerr << fmt::format("alys-node: node {} ({}) listening on {}:{}, data in {}\n", file.id,
                           authority ? fmt::format("authority {}", *authority) : "full node",
                           file.listen.host, (*env)->port(), file.data_dir);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cerr << fmt::format("alys-node: node {}: {}, stopping\n", file.id,
                           exit_code != 0 ? "the supervision tree gave up" : strsignal(signal));
  (void)stop_actors(*node, std::chrono::seconds(30));  // past that, the pool stops them anyway
  pool.stop();
  node.reset();
  env.value().reset();
  return exit_code != 0 ? 1 : 0;
}

}  // namespace alys::node
