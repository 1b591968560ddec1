// Three Alys authorities on the production runtime in one test process: each its own Asio
// pool (as if its own process), LevelDB in its own directory, TCP on loopback, wall-clock
// slots. They agree on a growing chain; an authority stopped and started again on the same
// directory and port finds its chain and signature guard in LevelDB and catches up. Waits are on events
// (heads reported by the chain observer), with generous deadlines, never on time.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/sha256.h"
#include "core/storage/chain_store.h"
#include "core/system/alys_node.h"
#include "node/commands.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/real_env.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::real {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kDeadline = 60s;
constexpr std::size_t kNodes = 3;

SecretKey node_key(std::size_t i) {
  const Hash256 seed = sha256(as_bytes("alys/test/real-node/" + std::to_string(i)));
  return SecretKey::from_bytes(seed.view()).value();
}

// Heads as the nodes report them (from their chain actors' strands).
class Heads final : public ChainObserver {
 public:
  void on_head(NodeId node, const Hash256& hash, std::uint64_t height) override {
    {
      std::lock_guard lock(mu_);
      heads_[node] = {hash, height};
    }
    cv_.notify_all();
  }
  // True once pred(heads) holds; false at the deadline.
  bool wait(const std::function<bool(const std::map<NodeId, std::pair<Hash256, std::uint64_t>>&)>& pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kDeadline, [&] { return pred(heads_); });
  }
  void forget(NodeId node) {
    std::lock_guard lock(mu_);
    heads_.erase(node);
  }
  std::optional<std::pair<Hash256, std::uint64_t>> head(NodeId node) {
    std::lock_guard lock(mu_);
    const auto it = heads_.find(node);
    if (it == heads_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<NodeId, std::pair<Hash256, std::uint64_t>> heads_;
};

// One node "process": its pool, its Env and its Alys tree.
struct RealNode {
  std::unique_ptr<AsioPool> pool;
  std::unique_ptr<RealEnv> env;
  std::unique_ptr<AlysNode> node;

  // Stops the actors, then the pool, then destroys (ActorSystem's teardown rule).
  void stop() {
    if (!node) return;
    EXPECT_TRUE(alys::node::stop_actors(*node, kDeadline)) << "the actors did not stop";
    pool->stop();
    node.reset();
    env.reset();
    pool.reset();
  }
};

class RealNetworkTest : public ::testing::Test {
 protected:
  RealNetworkTest() : dir_(fs::temp_directory_path() / ("alys-real-network-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    spec_ = std::make_shared<ChainSpec>();
    spec_->slot_duration_ms = 250;
    for (std::size_t i = 0; i < kNodes; ++i) spec_->authorities.push_back(node_key(i).xonly_public_key().bytes());
  }
  ~RealNetworkTest() override {
    for (auto& n : nodes_) n.stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Starts node i on its directory; port 0 the first time, then the same port.
  bool start(std::size_t i, std::uint16_t port) {
    RealNode& n = nodes_[i];
    n.pool = std::make_unique<AsioPool>(2);
    RealEnvOptions o;
    o.id = static_cast<NodeId>(i);
    o.data_dir = (dir_ / ("n" + std::to_string(i))).string();
    o.listen_port = port;
    o.transport.network_id = spec_->chain_id;
    o.transport.backoff_initial = 20ms;
    o.transport.backoff_max = 500ms;
    o.log_level = LogLevel::kError;
    auto env = RealEnv::open(n.pool->context(), o);
    if (!env) {
      n.pool.reset();
      return false;
    }
    n.env = std::move(env).value();
    ports_[i] = n.env->port();
    NodeConfig config;
    config.spec = spec_;
    config.node_key = node_key(i);
    for (std::size_t p = 0; p < kNodes; ++p) {
      if (p != i) config.peers.push_back(static_cast<NodeId>(p));
    }
    config.observer = &heads_;
    n.node = std::make_unique<AlysNode>(n.env->env(), config);
    n.pool->start();
    return true;
  }
  void introduce(std::size_t i) {
    for (std::size_t p = 0; p < kNodes; ++p) {
      if (p != i) nodes_[i].env->transport().set_peer_address(static_cast<NodeId>(p), {"127.0.0.1", ports_[p]});
    }
  }
  // Every running node reports the same head, at least `height` high.
  bool agree_at_least(std::uint64_t height) {
    return heads_.wait([&](const auto& heads) {
      if (heads.size() < kNodes) return false;
      const auto& first = heads.begin()->second;
      for (const auto& [node, head] : heads) {
        if (head.second < height || head.first != first.first) return false;
      }
      return true;
    });
  }

  fs::path dir_;
  std::shared_ptr<ChainSpec> spec_;
  Heads heads_;
  std::array<RealNode, kNodes> nodes_;
  std::array<std::uint16_t, kNodes> ports_{};
};

TEST_F(RealNetworkTest, ThreeAuthoritiesAgreeAndARestartedOneCatchesUpFromItsStore) {
  for (std::size_t i = 0; i < kNodes; ++i) ASSERT_TRUE(start(i, 0)) << "node " << i;
  for (std::size_t i = 0; i < kNodes; ++i) {
    introduce(i);
    nodes_[i].node->start();
  }
  ASSERT_TRUE(agree_at_least(6)) << "the three nodes never agreed on a head at height >= 6";

  const std::uint64_t before = heads_.head(2)->second;
  nodes_[2].stop();
  heads_.forget(2);
  {
    // What it left on disk: its chain up to where it stopped, and its signature guard.
    auto disk = LevelDbStorage::open((dir_ / "n2").string());
    ASSERT_TRUE(disk) << disk.error().to_string();
    auto loaded = storage::ChainStore(**disk).load();
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_TRUE(loaded->head.has_value());
    EXPECT_GE(loaded->head->height, before);
    EXPECT_TRUE(loaded->highest_signed_slot.has_value());
  }
  // Its listener closes as its pool stops; take the same port once the OS frees it.
  ASSERT_TRUE(poll_until([&] { return start(2, ports_[2]); }, kDeadline))
      << "port " << ports_[2] << " never freed";
  introduce(2);
  nodes_[2].node->start();
  ASSERT_TRUE(agree_at_least(before + 4)) << "the restarted node did not catch up";
}

}  // namespace
}  // namespace alys::real
