// The signature pre-verifier (node/pre_verifier.h): a batch's signatures end up in the
// shared memo under the identities the import looks up (so a later header check and block
// execution verify nothing), a forged transfer signature is memoized as false, the queue is
// bounded by dropping its oldest blocks, and (end to end, over TCP) a fresh node that syncs
// a batch holding a block with one forged transfer signature refuses that block with the
// same error whether or not it pre-verifies. The server of that batch is a scripted peer:
// a real node's chain refuses to store the forged block, so no real node would serve it.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/actor/system.h"
#include "core/chain/approval.h"
#include "core/chain/block_validation.h"
#include "core/chain/limits.h"
#include "core/execution/block_execution.h"
#include "core/execution/ledger.h"
#include "core/network/network_actor.h"
#include "core/system/alys_node.h"
#include "node/in_process_node.h"
#include "node/pre_verifier.h"
#include "node/synthetic_chain.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/real_env.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kDeadline = 60s;
constexpr std::string_view kSeed = "alys/test/pre-verifier";

struct Chain {
  SyntheticNetwork net;
  SyntheticChain chain;
};

Chain make_chain(std::uint64_t blocks) {
  Chain c;
  c.net = make_synthetic_network(1, 16, kSeed);
  SyntheticChainOptions o;
  o.blocks = blocks;
  o.txs_per_block = 10;
  auto chain = build_synthetic_chain(c.net, o);
  EXPECT_TRUE(chain) << chain.error().to_string();
  if (chain) c.chain = std::move(*chain);
  return c;
}

// Flips a bit of transaction `tx`'s signature in block `index` and has the authority sign
// the block's new hash, so that only the transfer is wrong. Returns the block's new hash.
Hash256 forge_transfer(Chain& c, std::size_t index, std::size_t tx) {
  SignedBlock& b = c.chain.blocks[index];
  b.block.payload.transactions[tx].signature[7] ^= 0x01;
  const Hash256 hash = block_hash(b.block);
  b.approvals = {sign_approval(SchnorrSigner(c.net.authority_keys[0]), 0, hash, Hash256{})};
  c.chain.hashes[index] = hash;
  return hash;
}

std::shared_ptr<VerifyCache> shared_cache() {
  return std::make_shared<VerifyCache>(VerifyCache::kDefaultCapacity, 1,
                                       VerifyCache::Threading::kShared);
}

bool drained(const PreVerifier& v) {
  const PreVerifier::Stats s = v.stats();
  return s.blocks_checked + s.blocks_dropped == s.blocks_submitted;
}

TEST(PreVerifier, ABatchsSignaturesAreMemoizedUnderTheIdentitiesTheImportLooksUp) {
  const Chain c = make_chain(40);
  ASSERT_EQ(c.chain.blocks.size(), 40u);
  auto cache = shared_cache();
  PreVerifier verifier(c.net.spec, cache, 2);
  verifier.submit(c.chain.blocks);
  ASSERT_TRUE(real::poll_until([&] { return drained(verifier); }, kDeadline));
  EXPECT_EQ(verifier.stats().blocks_checked, 40u);
  EXPECT_EQ(verifier.stats().blocks_dropped, 0u);
  EXPECT_EQ(cache->size(), 40u * 11);  // 10 transfers and one approval each
  const std::uint64_t misses = cache->misses();

  // What the import does (ChainActor: check_block_header; the engine: execute_block with
  // the node's memoized SignatureCheck) now verifies nothing: every lookup is a hit.
  const ChainSpec& spec = *c.net.spec;
  Ledger state = *Ledger::from_genesis(spec.allocations);
  const SignedBlock genesis = make_genesis(spec, state.state_root());
  ParentInfo parent{block_hash(genesis.block), 0, 0};
  ExecutionOptions options;
  options.signature_check = [&](const LedgerTx& tx, const Hash256& tx_hash) {
    return cache->verify_keyed(tx_hash, [&] { return verify_ledger_tx_signature(tx); });
  };
  for (std::size_t i = 0; i < c.chain.blocks.size(); ++i) {
    const SignedBlock& b = c.chain.blocks[i];
    const Hash256 hash = block_hash(b.block);
    ASSERT_TRUE(check_block_header(spec, b, hash, parent, UINT64_MAX - 1, cache.get()));
    BlockContext context;
    context.height = b.block.height;
    auto executed = execute_block(state, context, b.block.payload.transactions,
                                  ExecutionMode::kVerify, options);
    ASSERT_TRUE(executed) << executed.error().to_string();
    ASSERT_EQ(executed->state_root, b.block.payload.state_root);
    state = std::move(executed->state);
    parent = ParentInfo{hash, b.block.height, b.block.slot};
  }
  EXPECT_EQ(cache->misses(), misses);
  EXPECT_EQ(cache->hits(), 40u * 11);
}

TEST(PreVerifier, AForgedTransferSignatureIsMemoizedAsFalse) {
  Chain c = make_chain(12);
  forge_transfer(c, 5, 3);
  const LedgerTx& forged = c.chain.blocks[5].block.payload.transactions[3];
  ASSERT_FALSE(verify_ledger_tx_signature(forged));
  auto cache = shared_cache();
  PreVerifier verifier(c.net.spec, cache, 1);
  verifier.submit(c.chain.blocks);
  ASSERT_TRUE(real::poll_until([&] { return drained(verifier); }, kDeadline));
  EXPECT_EQ(cache->find(ledger_tx_hash(forged)), std::optional<bool>(false));
  for (std::size_t i = 0; i < c.chain.blocks.size(); ++i) {
    const SignedBlock& b = c.chain.blocks[i];
    for (std::size_t t = 0; t < b.block.payload.transactions.size(); ++t) {
      if (i == 5 && t == 3) continue;
      EXPECT_EQ(cache->find(ledger_tx_hash(b.block.payload.transactions[t])), std::optional<bool>(true))
          << "block " << i << " tx " << t;
    }
  }
  // The re-signed approval of the forged block is valid, and memoized as such.
  const std::uint64_t misses = cache->misses();
  EXPECT_TRUE(check_approval(*c.net.spec, c.chain.hashes[5], c.chain.blocks[5].approvals[0], cache.get()));
  EXPECT_EQ(cache->misses(), misses);
}

TEST(PreVerifier, TheQueueKeepsAtMostItsBoundDroppingTheOldestAndStopDropsTheRest) {
  const Chain c = make_chain(8);
  // kQueuedBlocksMax plus three chunks, in one submit: the three oldest chunks go at once.
  std::vector<SignedBlock> many;
  while (many.size() < PreVerifier::kQueuedBlocksMax + 3 * PreVerifier::kChunkBlocks) {
    many.push_back(c.chain.blocks[many.size() % c.chain.blocks.size()]);
  }
  PreVerifier verifier(c.net.spec, shared_cache(), 1);
  verifier.submit(many);
  EXPECT_EQ(verifier.stats().blocks_submitted, many.size());
  EXPECT_EQ(verifier.stats().blocks_dropped, 3 * PreVerifier::kChunkBlocks);
  verifier.stop();
  const PreVerifier::Stats s = verifier.stats();
  EXPECT_EQ(s.blocks_checked + s.blocks_dropped, many.size());
  EXPECT_LT(s.blocks_checked, many.size());
  // After stop nothing is queued or checked any more.
  verifier.submit(c.chain.blocks);
  EXPECT_EQ(verifier.stats().blocks_dropped, s.blocks_dropped + c.chain.blocks.size());
  EXPECT_EQ(verifier.stats().blocks_checked, s.blocks_checked);
  verifier.stop();  // idempotent
}

TEST(PreVerifier, ANodesQueueHoldsWhatItsSyncMayHoldAheadNoMore) {
  EXPECT_EQ(pre_verifier_queue_max(1024 + 2 * 64), 1152u);  // resource-conservative
  EXPECT_EQ(pre_verifier_queue_max(16'384 + 8 * 512), PreVerifier::kQueuedBlocksMax);
  EXPECT_EQ(pre_verifier_queue_max(1), PreVerifier::kChunkBlocks);
  const Chain c = make_chain(8);
  std::vector<SignedBlock> many;
  while (many.size() < 10 * PreVerifier::kChunkBlocks) many.push_back(c.chain.blocks[many.size() % 8]);
  PreVerifier verifier(c.net.spec, shared_cache(), 1, 4 * PreVerifier::kChunkBlocks);
  verifier.submit(many);
  EXPECT_EQ(verifier.stats().blocks_dropped, 6 * PreVerifier::kChunkBlocks);
  verifier.stop();
}

TEST(PreVerifier, InstallSharesOneSynchronizedMemoAndHooksTheSync) {
  const Chain c = make_chain(3);
  NodeConfig config;
  config.spec = c.net.spec;
  config.node_key = synthetic_node_key(kSeed, 1);
  auto verifier = install_pre_verifier(config, 1);
  ASSERT_NE(verifier, nullptr);
  ASSERT_NE(config.chain_verify_cache, nullptr);
  EXPECT_EQ(config.chain_verify_cache, config.engine_verify_cache);
  EXPECT_EQ(config.chain_verify_cache, verifier->cache());
  EXPECT_EQ(config.chain_verify_cache->threading(), VerifyCache::Threading::kShared);
  ASSERT_TRUE(config.pre_verify);
  config.pre_verify(c.chain.blocks);
  EXPECT_EQ(verifier->stats().blocks_submitted, 3u);
  verifier->stop();
  // The hook does not keep the verifier alive.
  verifier.reset();
  config.pre_verify(c.chain.blocks);
  EXPECT_GE(verify_threads_for(0), 1u);
  EXPECT_EQ(verify_threads_for(3), 3u);
}

// A peer speaking the real protocol (Hello handshake, Status, BlocksByRange) that serves a
// fixed list of blocks without checking them. Its own Asio pool, as if its own process.
class ScriptedServer {
 public:
  ScriptedServer(const fs::path& dir, const Chain& c) : pool_(std::make_unique<real::AsioPool>(2)) {
    real::RealEnvOptions eo;
    eo.id = 0;
    eo.data_dir = dir.string();
    eo.transport.network_id = c.net.spec->chain_id;
    eo.log_level = LogLevel::kError;
    auto env = real::RealEnv::open(pool_->context(), eo);
    EXPECT_TRUE(env) << env.error().to_string();
    if (!env) return;
    env_ = std::move(*env);
    const Hash256 genesis = block_hash(genesis_of(*c.net.spec)->block);
    StatusMessage status;
    status.genesis = genesis;
    status.head_hash = c.chain.hashes.back();
    status.head_height = c.chain.blocks.size();
    status.finalized_hash = genesis;
    net::NetworkConfig nc;
    nc.chain_id = c.net.spec->chain_id;
    nc.genesis = genesis;
    nc.node_key = synthetic_node_key(kSeed, 100);
    system_ = std::make_unique<actor::ActorSystem>(env_->env(), actor::SystemConfig{});
    auto network = std::make_shared<std::optional<actor::ActorRef<net::NetworkMsg>>>();
    net::InboundRoutes routes;
    routes.on_message = [network, status, blocks = c.chain.blocks](NodeId from, WireMessage msg,
                                                                   const SharedFrame&) {
      if (std::holds_alternative<StatusRequest>(msg)) {
        (void)(*network)->tell(net::SendTo{from, WireMessage{status}});
      } else if (auto* req = std::get_if<BlocksByRangeRequest>(&msg)) {
        BlocksByRangeResponse response;
        response.request_id = req->request_id;
        const std::uint32_t count = std::min(req->count, limits::kMaxBlocksPerRange);
        for (std::uint64_t h = req->start_height; h < req->start_height + count; ++h) {
          if (h == 0 || h > blocks.size()) break;
          response.blocks.push_back(blocks[h - 1]);
        }
        (void)(*network)->tell(net::SendTo{from, WireMessage{std::move(response)}});
      }
    };
    actor::ChildOptions o;
    o.name = "network";
    *network = system_->root().spawn<net::NetworkActor>(o, nc, routes);
    pool_->start();
    system_->start();
  }
  ~ScriptedServer() {
    if (system_) {
      system_->stop();
      (void)real::poll_until(
          [&] { return system_->root().state() == actor::LifecycleState::kStopped; }, kDeadline);
    }
    pool_->stop();
    system_.reset();
    env_.reset();
  }
  std::uint16_t port() const { return env_ ? env_->port() : 0; }

 private:
  std::unique_ptr<real::AsioPool> pool_;
  std::unique_ptr<real::RealEnv> env_;
  std::unique_ptr<actor::ActorSystem> system_;
};

// Heads and refusals as a node's chain actor reports them.
class Outcomes final : public ChainObserver {
 public:
  void on_head(NodeId, const Hash256& hash, std::uint64_t height) override {
    std::lock_guard lock(mu_);
    head_ = {hash, height};
  }
  void on_block_rejected(NodeId, const SignedBlock&, const Hash256& hash, const Status& why) override {
    std::lock_guard lock(mu_);
    refusals_.try_emplace(hash, why);
  }
  std::optional<Status> refusal(const Hash256& hash) const {
    std::lock_guard lock(mu_);
    auto it = refusals_.find(hash);
    return it == refusals_.end() ? std::nullopt : std::optional<Status>(it->second);
  }
  std::pair<Hash256, std::uint64_t> head() const {
    std::lock_guard lock(mu_);
    return head_;
  }

 private:
  mutable std::mutex mu_;
  std::pair<Hash256, std::uint64_t> head_{};
  std::map<Hash256, Status> refusals_;  // the first refusal of each block
};

class PreVerifierSyncTest : public ::testing::Test {
 protected:
  PreVerifierSyncTest()
      : dir_(fs::temp_directory_path() / ("alys-pre-verifier-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~PreVerifierSyncTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  struct Synced {
    Status refusal;
    std::pair<Hash256, std::uint64_t> head;
    std::optional<bool> memo_of_forged;   // with the pre-verifier: its memo's entry
    std::uint64_t blocks_pre_verified = 0;
  };

  // A fresh full node syncs from `server` until it refuses `bad`.
  std::optional<Synced> sync_until_refused(const std::string& name, const Chain& c,
                                           std::uint16_t server_port, const Hash256& bad,
                                           const LedgerTx& forged, bool pre_verify) {
    Outcomes outcomes;
    InProcessNodeOptions o;
    o.id = 1;
    o.data_dir = (dir_ / name).string();
    o.spec = c.net.spec;
    o.key = synthetic_node_key(kSeed, 1);
    o.peers = {{0, {"127.0.0.1", server_port}}};
    o.observer = &outcomes;
    o.log_level = LogLevel::kError;
    o.pre_verify = pre_verify;
    o.verify_threads = 2;
    auto node = InProcessNode::open(o);
    EXPECT_TRUE(node) << node.error().to_string();
    if (!node) return std::nullopt;
    (*node)->start();
    const bool refused = real::poll_until([&] { return outcomes.refusal(bad).has_value(); }, kDeadline);
    EXPECT_TRUE(refused) << name << ": the forged block was never refused";
    Synced out;
    if (refused) out.refusal = *outcomes.refusal(bad);
    out.head = outcomes.head();
    if (PreVerifier* v = (*node)->pre_verifier()) {
      out.blocks_pre_verified = v->stats().blocks_submitted;
      out.memo_of_forged = v->cache()->find(ledger_tx_hash(forged));
    }
    (*node)->stop();
    return refused ? std::optional<Synced>(out) : std::nullopt;
  }

  fs::path dir_;
};

TEST_F(PreVerifierSyncTest, AForgedTransferInASyncedBatchIsRefusedWithTheSameErrorAsWithout) {
  // 40 blocks, one range; block 25 carries a transfer with a forged signature (and a valid
  // approval of its new hash); the blocks after it name the original block 25 as parent.
  Chain c = make_chain(40);
  constexpr std::size_t kBad = 24;  // height 25
  const Hash256 bad = forge_transfer(c, kBad, 6);
  const LedgerTx forged = c.chain.blocks[kBad].block.payload.transactions[6];
  ScriptedServer server(dir_ / "server", c);
  ASSERT_NE(server.port(), 0);

  const auto without = sync_until_refused("plain", c, server.port(), bad, forged, false);
  const auto with = sync_until_refused("pre-verified", c, server.port(), bad, forged, true);
  ASSERT_TRUE(without.has_value());
  ASSERT_TRUE(with.has_value());
  // Refused for the transfer's signature, by execution, identically.
  EXPECT_EQ(without->refusal.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(without->refusal.message().find("signature: invalid"), std::string::npos)
      << without->refusal.to_string();
  EXPECT_EQ(with->refusal.code(), without->refusal.code());
  EXPECT_EQ(with->refusal.message(), without->refusal.message());
  // Both imported everything below it and nothing above.
  EXPECT_EQ(without->head, std::make_pair(c.chain.hashes[kBad - 1], std::uint64_t{kBad}));
  EXPECT_EQ(with->head, without->head);
  // The pre-verifier saw the batch, and the forged signature sits in the memo as false.
  EXPECT_GE(with->blocks_pre_verified, c.chain.blocks.size());
  EXPECT_EQ(with->memo_of_forged, std::optional<bool>(false));
  EXPECT_EQ(without->blocks_pre_verified, 0u);
}

}  // namespace
}  // namespace alys::node
