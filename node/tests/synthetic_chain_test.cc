// Synthetic chains (node/synthetic_chain.h) are chains real nodes accept: one stored in a
// full node's LevelDB loads as its canonical chain, and a fresh node syncs all of it over
// loopback TCP, finality included. With three authorities the proposer rotates and each
// block carries a quorum of approvals.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "core/crypto/schnorr.h"
#include "core/storage/chain_store.h"
#include "node/head_watch.h"
#include "node/in_process_node.h"
#include "node/synthetic_chain.h"
#include "runtime-real/leveldb_storage.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kDeadline = 60s;
constexpr NodeId kServer = 0;
constexpr NodeId kFresh = 1;

class SyntheticChainTest : public ::testing::Test {
 protected:
  SyntheticChainTest()
      : dir_(fs::temp_directory_path() / ("alys-synthetic-chain-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~SyntheticChainTest() override {
    for (auto& n : nodes_) {
      if (n) n->stop();
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<InProcessNode> open_node(NodeId id, const SyntheticNetwork& net,
                                           std::map<NodeId, real::TcpPeerAddress> peers,
                                           std::optional<sync::AssumeValid> assume_valid = {}) {
    InProcessNodeOptions o;
    o.assume_valid = assume_valid;
    o.id = id;
    o.data_dir = (dir_ / ("n" + std::to_string(id))).string();
    o.spec = net.spec;
    o.key = synthetic_node_key("test", id);  // full nodes: no authority key
    o.peers = std::move(peers);
    o.observer = &watch_;
    o.log_level = LogLevel::kError;
    auto n = InProcessNode::open(o);
    EXPECT_TRUE(n) << n.error().to_string();
    return n ? std::move(*n) : nullptr;
  }

  fs::path dir_;
  HeadWatch watch_;
  std::unique_ptr<InProcessNode> nodes_[2];
};

TEST_F(SyntheticChainTest, AStoredChainLoadsAndAFreshNodeSyncsAllOfIt) {
  const SyntheticNetwork net = make_synthetic_network(3, 4, "test");
  SyntheticChainOptions options;
  options.blocks = 20;
  options.txs_per_block = 10;
  options.pow_every = 7;  // headers in blocks 7 and 14: finality at 13
  auto chain = build_synthetic_chain(net, options);
  ASSERT_TRUE(chain) << chain.error().to_string();
  ASSERT_EQ(chain->blocks.size(), 20u);
  EXPECT_EQ(chain->transactions, 200u);
  EXPECT_EQ(chain->head.height, 20u);
  ASSERT_TRUE(chain->finalized.has_value());
  EXPECT_EQ(chain->finalized->height, 13u);
  EXPECT_EQ(chain->finalized->hash, chain->hashes[12]);

  {
    auto disk = real::LevelDbStorage::open((dir_ / "n0").string());
    ASSERT_TRUE(disk) << disk.error().to_string();
    ASSERT_TRUE(write_synthetic_chain(**disk, *chain));
    auto loaded = storage::ChainStore(**disk).load();
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_TRUE(loaded->head.has_value());
    EXPECT_EQ(*loaded->head, chain->head);
    EXPECT_EQ(loaded->finalized, chain->finalized);
    EXPECT_EQ(loaded->blocks.size(), 20u);
    // A second write would mix two chains: refused.
    EXPECT_EQ(write_synthetic_chain(**disk, *chain).code(), StatusCode::kFailedPrecondition);
  }

  nodes_[kServer] = open_node(kServer, net, {});
  ASSERT_NE(nodes_[kServer], nullptr);
  nodes_[kServer]->start();
  // The server re-validates and re-executes what it loads: its head proves the chain valid.
  auto served = watch_.wait_head(kServer, 20, kDeadline);
  ASSERT_TRUE(served) << "the server never loaded its stored chain up to h20";
  EXPECT_EQ(served->hash, chain->head.hash);

  nodes_[kFresh] = open_node(kFresh, net, {{kServer, {"127.0.0.1", nodes_[kServer]->port()}}});
  ASSERT_NE(nodes_[kFresh], nullptr);
  nodes_[kFresh]->start();
  auto synced = watch_.wait_head(kFresh, 20, kDeadline);
  ASSERT_TRUE(synced) << "the fresh node never synced to h20 (head "
                      << (watch_.head(kFresh) ? watch_.head(kFresh)->height : 0) << ")";
  EXPECT_EQ(synced->hash, chain->head.hash);
  const auto finalized = watch_.finalized(kFresh);
  ASSERT_TRUE(finalized.has_value()) << "the synced AuxPoW headers finalized nothing";
  EXPECT_EQ(finalized->height, 13u);
  EXPECT_EQ(finalized->hash, chain->finalized->hash);
}

// Over TCP and LevelDB: a fresh node given h25 as its assume-valid block checks the headers
// up to it, imports h1..h25 without verifying a signature, and verifies h26..h30.
TEST_F(SyntheticChainTest, AFreshNodeWithAnAssumeValidBlockVerifiesOnlyTheBlocksAboveIt) {
  const SyntheticNetwork net = make_synthetic_network(3, 4, "test");
  SyntheticChainOptions options;
  options.blocks = 30;
  options.txs_per_block = 10;
  options.pow_every = 7;
  auto chain = build_synthetic_chain(net, options);
  ASSERT_TRUE(chain) << chain.error().to_string();
  {
    auto disk = real::LevelDbStorage::open((dir_ / "n0").string());
    ASSERT_TRUE(disk) << disk.error().to_string();
    ASSERT_TRUE(write_synthetic_chain(**disk, *chain));
  }
  nodes_[kServer] = open_node(kServer, net, {});
  ASSERT_NE(nodes_[kServer], nullptr);
  nodes_[kServer]->start();
  ASSERT_TRUE(watch_.wait_head(kServer, 30, kDeadline)) << "the server never loaded h30";

  // Each block needs 10 transfer and 2 approval verifications (quorum of 3): h1..h25 alone
  // would take 300. Above the anchor, at most twice 5 blocks' worth (the pre-verifier and
  // the import may both verify one), plus the two handshakes.
  const std::uint64_t before = schnorr_op_counts().verifies;
  nodes_[kFresh] = open_node(kFresh, net, {{kServer, {"127.0.0.1", nodes_[kServer]->port()}}},
                             sync::AssumeValid{25, chain->hashes[24]});
  ASSERT_NE(nodes_[kFresh], nullptr);
  nodes_[kFresh]->start();
  auto synced = watch_.wait_head(kFresh, 30, kDeadline);
  ASSERT_TRUE(synced) << "the fresh node never synced to h30";
  EXPECT_EQ(synced->hash, chain->head.hash);
  const std::uint64_t verifies = schnorr_op_counts().verifies - before;
  EXPECT_GE(verifies, 5u * 12u);
  EXPECT_LE(verifies, 2u * 5u * 12u + 2u);
}

TEST(SyntheticChain, BadOptionsAreRefusedNamingTheOption) {
  const SyntheticNetwork net = make_synthetic_network(1, 1, "test");
  SyntheticChainOptions options;
  auto none = build_synthetic_chain(net, options);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message().find("blocks"), std::string::npos) << none.error().message();
  options.blocks = 3;
  options.txs_per_block = static_cast<std::uint32_t>(net.spec->max_txs_per_block + 1);
  auto too_many = build_synthetic_chain(net, options);
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message().find("txs_per_block"), std::string::npos);
  SyntheticNetwork foreign = net;
  foreign.authority_keys = make_synthetic_network(1, 1, "other").authority_keys;
  options.txs_per_block = 10;
  auto wrong_keys = build_synthetic_chain(foreign, options);
  ASSERT_FALSE(wrong_keys);
  EXPECT_NE(wrong_keys.error().message().find("authority_keys"), std::string::npos);
}

}  // namespace
}  // namespace alys::node
