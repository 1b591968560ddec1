// Also: an AuxPoW header that arrives while the engine builds must not go into the block,
// whose payload was built without it (its fee recipient changes the state).
//
// A proposer's build that the head outruns (core/chain/chain_actor.cc, on_built): the
// authority asks the engine for a payload on its head X, and before the answer an approval
// makes a sibling Y the head, abandoning X. The answer's verdicts are about X: a
// transaction "stale" there was in X, and the reorg has just put it back in the mempool.
// The build must be dropped whole: neither its verdicts applied (dropping that transaction
// lost it for good: nothing else holds it), nor its payload proposed on Y (whose state it
// is not); the slot builds again on Y. A simulated node runs the real ChainActor, StorageActor and EngineActor over an
// EmbeddedEngine whose build answers the test holds back.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/actor/system.h"
#include "core/chain/approval.h"
#include "core/bitcoin/auxpow.h"
#include "core/chain/chain_actor.h"
#include "core/crypto/sha256.h"
#include "core/execution/block_execution.h"
#include "core/execution/embedded_engine.h"
#include "core/execution/engine_actor.h"
#include "core/storage/storage_actor.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kSlotMs = 1000;
constexpr NodeId kPeer = 7;

SecretKey key_of(const char* name) {
  return SecretKey::from_bytes(sha256(as_bytes(std::string("alys/test/build-race/") + name)).view()).value();
}

// Holds every build answer while closed; release() delivers them in order.
struct BuildGate {
  bool closed = false;
  std::vector<std::function<void()>> held;
  std::vector<std::vector<LedgerTx>> candidates;  // of every build asked, in order
  void release() {
    closed = false;
    auto answers = std::move(held);
    held.clear();
    for (auto& answer : answers) answer();
  }
};

class GatedEngine final : public execution::ExecutionEngine {
 public:
  GatedEngine(std::unique_ptr<execution::EmbeddedEngine> inner, std::shared_ptr<BuildGate> gate)
      : inner_(std::move(inner)), gate_(std::move(gate)) {}
  void build_payload(const Hash256& parent, execution::BuildRequest request,
                     execution::Callback<execution::BuiltPayload> done) override {
    gate_->candidates.push_back(request.candidates);
    inner_->build_payload(parent, std::move(request),
                          [gate = gate_, done = std::move(done)](Result<execution::BuiltPayload> r) mutable {
                            if (!gate->closed) return done(std::move(r));
                            gate->held.push_back([done = std::move(done), r = std::move(r)]() mutable {
                              done(std::move(r));
                            });
                          });
  }
  void execute_payload(const Hash256& parent, const Hash256& block, BlockContext context,
                       ExecutionPayload payload, execution::Callback<execution::ExecutedPayload> done) override {
    inner_->execute_payload(parent, block, std::move(context), std::move(payload), std::move(done));
  }
  void forkchoice_updated(const Hash256& head, const Hash256& finalized, execution::StatusCallback done) override {
    inner_->forkchoice_updated(head, finalized, std::move(done));
  }
  void account(const Hash256& block, const EvmAddress& address, execution::Callback<Account> done) override {
    inner_->account(block, address, std::move(done));
  }
  void set_fault(const execution::EngineFault& fault) override { inner_->set_fault(fault); }

 private:
  std::unique_ptr<execution::EmbeddedEngine> inner_;
  std::shared_ptr<BuildGate> gate_;
};

class ChainNode final : public NodeProgram {
 public:
  ChainNode(Env& env, std::shared_ptr<const chain::ChainConfig> config, Hash256 genesis,
            std::shared_ptr<BuildGate> gate)
      : system_(env) {
    storage_ = system_.root().spawn<storage::StorageActor>(storage::storage_actor_options());
    const ChainSpec spec = config->spec;
    execution::EngineFactory factory = [spec, genesis, gate](Env& e) -> std::unique_ptr<execution::ExecutionEngine> {
      auto inner = std::make_unique<execution::EmbeddedEngine>(e.executor(), genesis,
                                                                std::move(*Ledger::from_genesis(spec.allocations)));
      return std::make_unique<GatedEngine>(std::move(inner), gate);
    };
    actor::ChildOptions eo;
    eo.name = "engine";
    engine_ = system_.root().spawn<execution::EngineActor>(eo, std::move(factory));
    actor::ChildOptions co;
    co.name = "chain";
    chain_ = system_.root().spawn<chain::ChainActor>(co, std::move(config), chain::ChainRoutes{},
                                                     engine_, storage_);
  }
  void start() override { system_.start(); }
  actor::ActorRef<chain::ChainMsg>& chain() { return chain_; }
  const chain::ChainActor& actor() {
    return *dynamic_cast<const chain::ChainActor*>(chain_.cell().instance());
  }

 private:
  actor::ActorSystem system_;
  actor::ActorRef<storage::StorageMsg> storage_;
  actor::ActorRef<execution::EngineMsg> engine_;
  actor::ActorRef<chain::ChainMsg> chain_;
};

// Three authorities A (index 0: the node under test), B and C, whose keys the test holds to
// make the others' blocks and approvals, and a funded sender; A runs over a GatedEngine.
struct ThreeAuthorities {
  ThreeAuthorities(std::uint64_t seed, const std::function<void(ChainSpec&)>& tweak_spec = {})
      : w(testing::config_with_seed(seed)) {
    spec.slot_duration_ms = kSlotMs;
    if (tweak_spec) tweak_spec(spec);
    for (const SecretKey* k : {&me, &b, &c}) spec.authorities.push_back(k->xonly_public_key().bytes());
    spec.allocations.push_back(GenesisAllocation{account_address(sender.xonly_public_key()), Wei::from_sat(1'000'000)});
    genesis_state = std::move(*Ledger::from_genesis(spec.allocations));
    genesis_hash = block_hash(make_genesis(spec, genesis_state.state_root()).block);
    auto cfg = std::make_shared<chain::ChainConfig>();
    cfg->spec = spec;
    cfg->genesis_state_root = genesis_state.state_root();
    cfg->authority_index = 0;
    cfg->authority_key = me;
    cfg->verify_cache = std::make_shared<VerifyCache>();
    config = std::move(cfg);
  }

  Instant slot_start(std::uint64_t slot) const {
    const auto epoch_ms = static_cast<std::uint64_t>(w.config().clocks.epoch_unix_ms);
    return kTimeZero + std::chrono::milliseconds(slot * kSlotMs - epoch_ms);
  }
  // The first slot of `who` at or after `from` (default: the start).
  std::uint64_t next_slot_of(std::uint32_t who, std::optional<std::uint64_t> from = std::nullopt) const {
    std::uint64_t slot = from.value_or(aura_slot(spec, w.config().clocks.epoch_unix_ms));
    while (aura_proposer(spec, slot) != who) ++slot;
    return slot;
  }
  // An unapproved block at height 1 holding `txs`, with its true state root.
  SignedBlock block_on_genesis(std::uint64_t slot, std::vector<LedgerTx> txs) const {
    SignedBlock blk;
    blk.block.parent_hash = genesis_hash;
    blk.block.height = 1;
    blk.block.slot = slot;
    auto executed = execute_block(genesis_state, BlockContext{1, std::nullopt, {}}, txs, ExecutionMode::kVerify);
    EXPECT_TRUE(executed.has_value());
    blk.block.payload.state_root = executed->state_root;
    blk.block.payload.transactions = std::move(txs);
    return blk;
  }
  // Starts A and runs until `until` (past its load of the empty stored chain).
  ChainNode& start(Instant until) {
    w.add_node([config = config, genesis = genesis_hash, gate = gate](Env& env) {
      return std::make_unique<ChainNode>(env, config, genesis, gate);
    });
    w.run_until(until);
    return static_cast<ChainNode&>(*w.program(0));
  }

  const SecretKey me = key_of("a");
  const SecretKey b = key_of("b");
  const SecretKey c = key_of("c");
  const SecretKey sender = key_of("sender");
  ChainSpec spec;
  Ledger genesis_state;
  Hash256 genesis_hash;
  std::shared_ptr<const chain::ChainConfig> config;
  std::shared_ptr<BuildGate> gate = std::make_shared<BuildGate>();
  World w;
};

TEST(ChainBuildRace, ABuildTheHeadOutranIsDroppedAndLosesNoTransaction) {
  ThreeAuthorities net(11);
  World& w = net.w;
  auto& gate = net.gate;
  const SecretKey& b = net.b;
  const SecretKey& c = net.c;
  const std::uint64_t slot_x = net.next_slot_of(1);              // B proposes X
  const std::uint64_t slot_mine = net.next_slot_of(0, slot_x + 1);  // then we build on X
  const std::uint64_t slot_y = slot_x - 2;                          // C's earlier slot: Y wins ties
  ASSERT_EQ(aura_proposer(net.spec, slot_y), 2u);

  // X (by B, approved by B and C) holds the sender's transfer T; Y (by C, approved by C
  // only, so not yet the head) holds nothing. Same height: once both are approved, Y's
  // lower slot makes it the head.
  const LedgerTx t = signed_transfer(net.sender, 0, EvmAddress{}, Wei::from_u64(1000), Wei::from_u64(0));
  SignedBlock x = net.block_on_genesis(slot_x, {t});
  SignedBlock y = net.block_on_genesis(slot_y, {});
  const Hash256 x_hash = block_hash(x.block);
  const Hash256 y_hash = block_hash(y.block);
  x.approvals.push_back(sign_approval(SchnorrSigner(b), 1, x_hash, Hash256{}));
  x.approvals.push_back(sign_approval(SchnorrSigner(c), 2, x_hash, Hash256{}));
  y.approvals.push_back(sign_approval(SchnorrSigner(c), 2, y_hash, Hash256{}));

  ChainNode& node = net.start(net.slot_start(slot_x) + 100ms);
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, x}).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, y}).is_ok());
  w.run_for(100ms);
  ASSERT_EQ(node.actor().tree()->head().hash, x_hash);
  // T comes back by gossip though X holds it (a restarted peer resubmitting its journal):
  // the pool takes it without asking the state, and the next build finds it stale.
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{kPeer, t}).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(node.actor().mempool().contains(ledger_tx_hash(t)));

  // Our slot: the build on X is asked, and its answer held.
  gate->closed = true;
  w.run_until(net.slot_start(slot_mine) + 100ms);
  ASSERT_EQ(gate->held.size(), 1u) << "no build was asked in our slot";
  ASSERT_EQ(gate->candidates.back(), std::vector<LedgerTx>{t});
  // B's approval of Y: Y is approved, and the head (lower slot), abandoning X and its T.
  ASSERT_TRUE(node.chain()
                  .tell(chain::InboundApproval{kPeer, ApproveBlock{y_hash, sign_approval(SchnorrSigner(b), 1, y_hash, Hash256{})}})
                  .is_ok());
  w.run_for(50ms);
  ASSERT_EQ(node.actor().tree()->head().hash, y_hash);
  ASSERT_TRUE(node.actor().mempool().is_local(ledger_tx_hash(t))) << "the reorg put T back";

  // The answer about X arrives: T was stale there. It stays, nothing is proposed on Y with
  // X's state, and the slot builds again, on Y, where T applies: our block, Y's child.
  gate->release();
  w.run_for(200ms);
  EXPECT_TRUE(node.actor().mempool().contains(ledger_tx_hash(t))) << "the build's verdict on X dropped T";
  EXPECT_EQ(node.actor().tree()->head().hash, y_hash);
  ASSERT_EQ(gate->candidates.size(), 2u) << "no second build in the slot";
  EXPECT_EQ(gate->candidates.back(), std::vector<LedgerTx>{t});
  const std::vector<Hash256>& on_y = node.actor().tree()->children(y_hash);
  ASSERT_EQ(on_y.size(), 1u);
  const SignedBlock& ours = node.actor().tree()->get(on_y[0])->block;
  EXPECT_EQ(ours.block.slot, slot_mine);
  EXPECT_EQ(ours.block.payload.transactions, std::vector<LedgerTx>{t});
}


// The build on X is asked with no AuxPoW queued (fees stay in the pot); a header arrives
// before the answer. The block must carry what the payload was built with: with the new
// header (and so its fee recipient) the state differs, and our own import rejected the
// block ("state_root: expected ..., got ..."): a lost slot, seen in the crash test's logs.
TEST(ChainBuildRace, AnAuxPowArrivingDuringTheBuildStaysOutOfThatBlock) {
  ThreeAuthorities net(12, [](ChainSpec& spec) {
    spec.retarget.initial_bits = 0x207fffff;  // regtest work: the test mines its header
    spec.retarget.pow_no_retargeting = true;
  });
  World& w = net.w;
  auto& gate = net.gate;
  const ChainSpec& spec = net.spec;
  const std::uint64_t slot_x = net.next_slot_of(1);
  const std::uint64_t slot_mine = net.next_slot_of(0, slot_x + 1);

  // X: B's empty block at h1, approved by B and C.
  SignedBlock x = net.block_on_genesis(slot_x, {});
  const Hash256 x_hash = block_hash(x.block);
  x.approvals.push_back(sign_approval(SchnorrSigner(net.b), 1, x_hash, Hash256{}));
  x.approvals.push_back(sign_approval(SchnorrSigner(net.c), 2, x_hash, Hash256{}));
  // A transfer with a fee: where the fee goes is what the header changes.
  const LedgerTx t = signed_transfer(net.sender, 0, EvmAddress{}, Wei::from_u64(1000), Wei::from_u64(5000));
  // The header finalizing X, paying fees to `miner`.
  AuxPowHeader header;
  header.range_start = x_hash;
  header.range_end = x_hash;
  header.bits = spec.retarget.initial_bits;
  header.chain_id = spec.chain_id;
  header.height = 1;
  header.fee_recipient[0] = 0xfe;
  AuxPowBuildParams mining;
  mining.aux_hash = auxpow_aggregate_hash(std::vector<Hash256>{x_hash});
  mining.chain_id = spec.chain_id;
  mining.bits = header.bits;
  auto mined = build_auxpow(mining);
  ASSERT_TRUE(mined.has_value()) << mined.error().to_string();
  header.auxpow = *mined;

  ChainNode& node = net.start(net.slot_start(slot_x) + 100ms);
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, x}).is_ok());
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{std::nullopt, t}).is_ok());
  w.run_for(100ms);
  ASSERT_EQ(node.actor().tree()->head().hash, x_hash);

  gate->closed = true;
  w.run_until(net.slot_start(slot_mine) + 100ms);
  ASSERT_EQ(gate->held.size(), 1u) << "no build was asked in our slot";
  ASSERT_TRUE(node.chain().tell(chain::InboundPow{kPeer, header}).is_ok());
  w.run_for(50ms);
  gate->release();
  w.run_for(200ms);

  // Our block is in the tree (valid: our own import accepted it), with T and no header.
  const std::vector<Hash256>& on_x = node.actor().tree()->children(x_hash);
  ASSERT_EQ(on_x.size(), 1u) << "our block was rejected by our own import";
  const SignedBlock& ours = node.actor().tree()->get(on_x[0])->block;
  EXPECT_EQ(ours.block.slot, slot_mine);
  EXPECT_EQ(ours.block.payload.transactions, std::vector<LedgerTx>{t});
  EXPECT_FALSE(ours.block.auxpow_header.has_value());
}

}  // namespace
}  // namespace alys::sim
