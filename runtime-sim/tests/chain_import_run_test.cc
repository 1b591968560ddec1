// The chain actor's import of synced chains in engine runs (core/chain/chain_actor.h,
// kRunBlocksMax): the engine gets one ExecuteRunRequest per run of up to kRunBlocksMax
// chained blocks instead of one request per block, up to kRunsAhead runs ahead of the one
// being settled, and a block refused inside a run (by
// its execution or by its header) stops the import exactly where the one-block pipeline
// stopped: the blocks before it are in the tree, it is refused with its own error and
// its sender penalized, and its descendants are not imported.
//
// A simulated full node runs the real ChainActor, StorageActor and EngineActor (over an
// EmbeddedEngine); a proxy actor in front of the engine counts the requests it forwards.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/actor/system.h"
#include "core/chain/approval.h"
#include "core/chain/chain_actor.h"
#include "core/crypto/sha256.h"
#include "core/execution/embedded_engine.h"
#include "core/execution/engine_actor.h"
#include "core/storage/storage_actor.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using namespace std::chrono_literals;

constexpr NodeId kPeer = 7;

SecretKey key_of(const char* name) {
  return SecretKey::from_bytes(sha256(as_bytes(std::string("alys/test/import-run/") + name)).view())
      .value();
}

struct EngineCounts {
  std::size_t single = 0;        // ExecutePayloadRequest
  std::size_t runs = 0;          // ExecuteRunRequest
  std::size_t run_blocks = 0;    // blocks in those runs
  std::size_t largest_run = 0;
  // The chain's head height as each run arrived (the chain's strand is the test's thread).
  std::function<std::uint64_t()> chain_head;
  std::vector<std::uint64_t> heads_at_runs;
};

// Forwards every request to the real engine actor, counting the execution requests.
class CountingEngine final : public actor::Actor<execution::EngineMsg> {
 public:
  CountingEngine(actor::ActorRef<execution::EngineMsg> inner, std::shared_ptr<EngineCounts> counts)
      : inner_(std::move(inner)), counts_(std::move(counts)) {}
  Status receive(execution::EngineMsg& m) override {
    if (std::holds_alternative<execution::ExecutePayloadRequest>(m)) ++counts_->single;
    if (const auto* run = std::get_if<execution::ExecuteRunRequest>(&m)) {
      ++counts_->runs;
      counts_->run_blocks += run->items.size();
      counts_->largest_run = std::max(counts_->largest_run, run->items.size());
      if (counts_->chain_head) counts_->heads_at_runs.push_back(counts_->chain_head());
    }
    (void)tell(inner_, std::move(m));
    return Status::ok();
  }

 private:
  actor::ActorRef<execution::EngineMsg> inner_;
  std::shared_ptr<EngineCounts> counts_;
};

class FullNode final : public NodeProgram {
 public:
  FullNode(Env& env, std::shared_ptr<const chain::ChainConfig> config, Hash256 genesis,
           std::shared_ptr<EngineCounts> counts, chain::ChainRoutes routes)
      : system_(env) {
    storage_ = system_.root().spawn<storage::StorageActor>(storage::storage_actor_options());
    const ChainSpec spec = config->spec;
    execution::EngineFactory factory = [spec, genesis](Env& e) -> std::unique_ptr<execution::ExecutionEngine> {
      return std::make_unique<execution::EmbeddedEngine>(
          e.executor(), genesis, std::move(*Ledger::from_genesis(spec.allocations)));
    };
    actor::ChildOptions eo;
    eo.name = "engine";
    engine_ = system_.root().spawn<execution::EngineActor>(eo, std::move(factory));
    actor::ChildOptions po;
    po.name = "engine-proxy";
    proxy_ = system_.root().spawn<CountingEngine>(po, engine_, std::move(counts));
    actor::ChildOptions co;
    co.name = "chain";
    chain_ = system_.root().spawn<chain::ChainActor>(co, std::move(config), std::move(routes),
                                                     proxy_, storage_);
  }
  void start() override { system_.start(); }
  actor::ActorRef<chain::ChainMsg>& chain() { return chain_; }
  std::uint64_t head_height() {
    const auto* actor = dynamic_cast<const chain::ChainActor*>(chain_.cell().instance());
    return actor != nullptr && actor->tree() != nullptr ? actor->tree()->head_height() : 0;
  }

 private:
  actor::ActorSystem system_;
  actor::ActorRef<storage::StorageMsg> storage_;
  actor::ActorRef<execution::EngineMsg> engine_;
  actor::ActorRef<execution::EngineMsg> proxy_;
  actor::ActorRef<chain::ChainMsg> chain_;
};

// One authority (whose key the test holds), a full node under test, and a chain of empty
// blocks on genesis, approved by the authority.
class ImportRun : public ::testing::Test {
 protected:
  ImportRun() : w_(testing::config_with_seed(11)) {
    spec_.slot_duration_ms = 1000;
    spec_.authorities.push_back(authority_.xonly_public_key().bytes());
    genesis_root_ = Ledger::from_genesis(spec_.allocations)->state_root();
    genesis_hash_ = block_hash(make_genesis(spec_, genesis_root_).block);
    auto cfg = std::make_shared<chain::ChainConfig>();
    cfg->spec = spec_;
    cfg->genesis_state_root = genesis_root_;
    cfg->verify_cache = std::make_shared<VerifyCache>();
    config_ = std::move(cfg);
  }

  // Heights 1..n, slots 1..n (all in the past of the simulated clock).
  std::vector<SignedBlock> chain_of(std::size_t n) const {
    std::vector<SignedBlock> blocks;
    Hash256 parent = genesis_hash_;
    for (std::size_t h = 1; h <= n; ++h) {
      SignedBlock b;
      b.block.parent_hash = parent;
      b.block.height = h;
      b.block.slot = h;
      b.block.payload.state_root = genesis_root_;  // empty blocks change nothing
      parent = block_hash(b.block);
      b.approvals.push_back(sign_approval(SchnorrSigner(authority_), 0, parent, Hash256{}));
      blocks.push_back(std::move(b));
    }
    return blocks;
  }
  // Re-links blocks[from..] after blocks[from - 1] changed, re-signing them.
  void relink(std::vector<SignedBlock>& blocks, std::size_t from) const {
    for (std::size_t i = from; i < blocks.size(); ++i) {
      blocks[i].block.parent_hash = block_hash(blocks[i - 1].block);
      blocks[i].approvals = {sign_approval(SchnorrSigner(authority_), 0,
                                           block_hash(blocks[i].block), Hash256{})};
    }
  }

  FullNode& start() {
    chain::ChainRoutes routes;
    routes.penalize = [this](NodeId peer, int, std::string reason) {
      penalties_.emplace_back(peer, std::move(reason));
    };
    w_.add_node([this, routes](Env& env) {
      return std::make_unique<FullNode>(env, config_, genesis_hash_, counts_, routes);
    });
    w_.run_until(kTimeZero + 1s);  // the stored (empty) chain is loaded
    auto& node = static_cast<FullNode&>(*w_.program(0));
    counts_->chain_head = [&node] { return node.head_height(); };
    return node;
  }

  // Hands the blocks to the chain as one synced batch; the batch's answer.
  Result<std::uint64_t> sync(FullNode& node, std::vector<SignedBlock> blocks) {
    std::optional<Result<std::uint64_t>> answer;
    EXPECT_TRUE(node.chain()
                    .tell(chain::SyncedBlocks{kPeer, std::move(blocks),
                                              [&](Result<std::uint64_t> r) { answer = std::move(r); }})
                    .is_ok());
    w_.run_for(10s);
    EXPECT_TRUE(answer.has_value()) << "the batch was never answered";
    return answer.value_or(Status::failed_precondition("no answer"));
  }

  StatusMessage status(FullNode& node) {
    std::optional<StatusMessage> s;
    EXPECT_TRUE(node.chain().tell(chain::GetStatus{[&](StatusMessage m) { s = m; }}).is_ok());
    w_.run_for(100ms);
    return s.value_or(StatusMessage{});
  }

  const SecretKey authority_ = key_of("authority");
  ChainSpec spec_;
  Hash256 genesis_root_;
  Hash256 genesis_hash_;
  std::shared_ptr<const chain::ChainConfig> config_;
  std::shared_ptr<EngineCounts> counts_ = std::make_shared<EngineCounts>();
  std::vector<std::pair<NodeId, std::string>> penalties_;
  World w_;
};

TEST_F(ImportRun, ASyncedChainExecutesInRunsOfAtMostTheRunBound) {
  constexpr std::size_t kBlocks = 2 * chain::kRunBlocksMax + 22;
  FullNode& node = start();
  const Result<std::uint64_t> head = sync(node, chain_of(kBlocks));
  ASSERT_TRUE(head.has_value()) << head.error().message();
  EXPECT_EQ(*head, kBlocks);
  EXPECT_EQ(status(node).head_height, kBlocks);
  EXPECT_EQ(counts_->runs, 3u);
  EXPECT_EQ(counts_->largest_run, chain::kRunBlocksMax);
  // The runs after the first went to the engine before the first came back (kRunsAhead):
  // the engine executes while the chain settles.
  EXPECT_EQ(counts_->heads_at_runs, (std::vector<std::uint64_t>{0, 0, 0}));
  // Every block went to the engine once: the first of each run in flight with its followers.
  EXPECT_EQ(counts_->run_blocks + counts_->single, kBlocks);
  EXPECT_TRUE(penalties_.empty());
}

TEST_F(ImportRun, ABlockThatFailsExecutionMidRunStopsTheImportThere) {
  std::vector<SignedBlock> blocks = chain_of(100);
  constexpr std::size_t kBad = 39;  // height 40
  blocks[kBad].block.payload.state_root = sha256(as_bytes("not the state"));
  blocks[kBad].approvals = {sign_approval(SchnorrSigner(authority_), 0,
                                          block_hash(blocks[kBad].block), Hash256{})};
  relink(blocks, kBad + 1);
  FullNode& node = start();
  const Result<std::uint64_t> head = sync(node, std::move(blocks));
  ASSERT_FALSE(head.has_value());
  EXPECT_EQ(head.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(head.error().message().find("state_root"), std::string::npos) << head.error().message();
  EXPECT_EQ(status(node).head_height, kBad);
  ASSERT_EQ(penalties_.size(), 1u);
  EXPECT_EQ(penalties_[0].first, kPeer);
}

TEST_F(ImportRun, AFollowerWithABadApprovalIsRefusedByItsHeaderAfterItsParentImports) {
  std::vector<SignedBlock> blocks = chain_of(100);
  constexpr std::size_t kBad = 69;  // height 70: in the second run, not its first block
  blocks[kBad].approvals = {sign_approval(SchnorrSigner(key_of("not the authority")), 0,
                                          block_hash(blocks[kBad].block), Hash256{})};
  FullNode& node = start();
  const Result<std::uint64_t> head = sync(node, std::move(blocks));
  ASSERT_FALSE(head.has_value());
  EXPECT_EQ(head.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(head.error().message().find("approval"), std::string::npos) << head.error().message();
  EXPECT_EQ(status(node).head_height, kBad);
  ASSERT_EQ(penalties_.size(), 1u);
  EXPECT_EQ(penalties_[0].first, kPeer);
}

}  // namespace
}  // namespace alys::sim
