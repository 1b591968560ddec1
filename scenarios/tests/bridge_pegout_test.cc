// BridgeActor's peg-out side against the simulated Bitcoin: one node running a storage actor
// and a bridge over its own bitcoind client. The test plays the chain (PegOutsFinalized) and
// Bitcoin's faults (mining, mempool eviction, reorgs, outages); payments are real 3-of-5
// federation spends that SimBitcoin script-checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "core/tests/federation_test_keys.h"
#include "core/actor/system.h"
#include "core/bitcoin/federation.h"
#include "core/bridge/bridge_actor.h"
#include "core/crypto/schnorr.h"
#include "core/storage/storage_actor.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/tests/test_util.h"
#include "runtime-sim/world.h"

namespace alys::bridge {
namespace {

using sim::SimBitcoin;
using S = PegState;

constexpr std::uint32_t kConfirmations = 3;

// Members 1..5 of a 3-of-5 federation.
SecretKey member_key(std::uint8_t i) { return alys::testing::federation_member_key(i - 1u); }
Federation five_members() { return alys::testing::federation_of_members(5); }

Hash256 request_id(std::uint8_t n) {
  Hash256 h;
  h.data()[0] = 0xb0;
  h.data()[1] = n;
  return h;
}

PegOutRequest request(std::uint8_t n, std::int64_t sats) {
  PegOutRequest r;
  r.tx_hash = request_id(n);
  r.sender.fill(n);
  r.bitcoin_address = "bcrt1q-test-" + std::to_string(n);
  r.sats = sats;
  return r;
}

// A payment of `amount` from one federation coin, change back to the federation, signed by
// members 1, 3 and 5.
Transaction pay_from(const SimBitcoin& btc, const sim::Utxo& coin, std::int64_t amount,
                     std::uint8_t to) {
  const Federation& f = *btc.federation();
  constexpr std::int64_t kFee = 5'000;
  Transaction tx;
  tx.inputs.push_back(TxIn{coin.outpoint, {}, 0xfffffffd, {}});
  Bytes script{0x00, 20};
  script.resize(22, to);
  tx.outputs.push_back(TxOut{amount, script});
  tx.outputs.push_back(TxOut{coin.output.value - amount - kFee, f.script_pubkey()});
  const std::vector<TxOut> spent = {coin.output};
  const Hash256 sighash = *f.sighash(tx, 0, spent);
  std::vector<std::optional<SchnorrSignature>> slots(f.members().size());
  for (std::size_t s : {0, 2, 4}) {
    slots[s] = schnorr_sign(member_key(static_cast<std::uint8_t>(s + 1)), sighash.view(),
                            Hash256{});
  }
  tx.inputs[0].witness = *f.assemble_witness(slots);
  return tx;
}

// A bitcoind client that counts sendrawtransaction calls per txid (across restarts).
class CountingRpc final : public BitcoinRpc {
 public:
  CountingRpc(std::unique_ptr<BitcoinRpc> inner, std::map<Hash256, int>* sends)
      : inner_(std::move(inner)), sends_(sends) {}
  void get_block_count(RpcCallback<std::uint64_t> done) override {
    inner_->get_block_count(std::move(done));
  }
  void get_block_hash(std::uint64_t height, RpcCallback<Hash256> done) override {
    inner_->get_block_hash(height, std::move(done));
  }
  void get_block_header(const Hash256& hash, RpcCallback<BlockHeaderInfo> done) override {
    inner_->get_block_header(hash, std::move(done));
  }
  void get_block(const Hash256& hash, RpcCallback<Block> done) override {
    inner_->get_block(hash, std::move(done));
  }
  void get_raw_transaction(const Hash256& id, RpcCallback<RawTransactionInfo> done) override {
    inner_->get_raw_transaction(id, std::move(done));
  }
  void send_raw_transaction(const Transaction& tx, RpcCallback<Hash256> done) override {
    ++(*sends_)[txid(tx)];
    inner_->send_raw_transaction(tx, std::move(done));
  }
  void estimate_smart_fee(std::uint32_t target, RpcCallback<FeeRate> done) override {
    inner_->estimate_smart_fee(target, std::move(done));
  }
  void get_mempool_entry(const Hash256& id, RpcCallback<MempoolEntry> done) override {
    inner_->get_mempool_entry(id, std::move(done));
  }
  void get_tx_out(const OutPoint& outpoint,
                  RpcCallback<std::optional<TxOutInfo>> done) override {
    inner_->get_tx_out(outpoint, std::move(done));
  }
  void list_unspent(const Bytes& script_pubkey, std::uint32_t min_conf,
                    RpcCallback<std::vector<UnspentOutput>> done) override {
    inner_->list_unspent(script_pubkey, min_conf, std::move(done));
  }

 private:
  std::unique_ptr<BitcoinRpc> inner_;
  std::map<Hash256, int>* sends_;
};

// Asks the bridge for peg operations from inside the actor system.
struct AskOperation {
  Hash256 id;
};
using AskerMsg = std::variant<AskOperation, actor::Reply<std::optional<PegOperation>>>;

class Asker final : public actor::Actor<AskerMsg> {
 public:
  Asker(actor::ActorRef<BridgeMsg> bridge, std::vector<Result<std::optional<PegOperation>>>* out)
      : bridge_(std::move(bridge)), out_(out) {}
  Status receive(AskerMsg& m) override {
    if (auto* a = std::get_if<AskOperation>(&m)) {
      const Hash256 id = a->id;
      ask<std::optional<PegOperation>>(
          bridge_,
          [id](actor::ReplyTo<std::optional<PegOperation>> to) {
            return GetPegOperation{id, to};
          },
          5s);
    } else {
      out_->push_back(std::move(std::get<actor::Reply<std::optional<PegOperation>>>(m).result));
    }
    return Status::ok();
  }

 private:
  actor::ActorRef<BridgeMsg> bridge_;
  std::vector<Result<std::optional<PegOperation>>>* out_;
};

class BridgeNode final : public NodeProgram {
 public:
  BridgeNode(Env& env, const BridgeConfig& config, BitcoinRpcFactory rpc,
             std::vector<Result<std::optional<PegOperation>>>* answers)
      : system_(env, system_config()) {
    storage_ = system_.root().spawn<storage::StorageActor>(storage::storage_actor_options());
    actor::ChildOptions b;
    b.name = "bridge";
    bridge_ = system_.root().spawn<BridgeActor>(b, config, std::move(rpc), BridgeRoutes{},
                                                storage_);
    actor::ChildOptions a;
    a.name = "asker";
    asker_ = system_.root().spawn<Asker>(a, bridge_, answers);
  }
  void start() override { system_.start(); }

  const actor::ActorRef<BridgeMsg>& bridge() const { return bridge_; }
  const actor::ActorRef<AskerMsg>& asker() const { return asker_; }

 private:
  static actor::SystemConfig system_config() {
    actor::SystemConfig c;
    c.root.max_restarts = 100;
    return c;
  }
  actor::ActorSystem system_;
  actor::ActorRef<storage::StorageMsg> storage_;
  actor::ActorRef<BridgeMsg> bridge_;
  actor::ActorRef<AskerMsg> asker_;
};

class BridgePegOutTest : public ::testing::Test {
 protected:
  // The node's bridge holds a client of btc_: the node goes before btc_ does.
  ~BridgePegOutTest() override {
    if (world_.node_count() > 0 && world_.is_up(0)) world_.crash(0, sim::CrashDurability::kKeepAll);
  }

  // Bitcoin with `coins` federation coins of 100k sat, and the bridge node.
  void boot(int coins = 2, std::size_t max_tracked = 1024) {
    EvmAddress to{};
    to.fill(0x91);
    for (int i = 0; i < coins; ++i) ASSERT_TRUE(btc_.deposit(to, 100'000, 1'000).has_value());
    btc_.mine_now(3);  // the shallow reorgs below leave the deposits alone
    coins_ = btc_.utxos_paying(btc_.federation()->script_pubkey());
    ASSERT_EQ(coins_.size(), static_cast<std::size_t>(coins));

    config_.federation_script_pubkey = btc_.federation()->script_pubkey();
    config_.required_confirmations = kConfirmations;
    config_.poll_interval = 5s;
    config_.retry_interval = 2s;
    config_.max_tracked_pegouts = max_tracked;
    world_.add_node([this](Env& env) -> std::unique_ptr<NodeProgram> {
      BitcoinRpcFactory rpc = [this](Env& e) -> std::unique_ptr<BitcoinRpc> {
        return std::make_unique<CountingRpc>(btc_.client(e.id()), &sends_);
      };
      return std::make_unique<BridgeNode>(env, config_, rpc, &answers_);
    });
    settle();
    ASSERT_TRUE(bridge().status().loaded);
  }

  BridgeNode& node() {
    NodeProgram* p = world_.program(0);
    ALYS_ASSERT(p != nullptr, "test: node is down");
    return static_cast<BridgeNode&>(*p);
  }
  const BridgeActor& bridge() {
    auto* b = dynamic_cast<const BridgeActor*>(node().bridge().cell().instance());
    ALYS_ASSERT(b != nullptr, "test: no bridge instance");
    return *b;
  }
  // Long enough for a whole round (poll_interval 5 s) to run after whatever happened.
  void settle() { world_.run_for(12s); }
  void tell(PegOutsFinalized m) { ASSERT_TRUE(node().bridge().tell(std::move(m)).is_ok()); }

  // The chain's whole story of one payment `tx` paying request `n`, in one message.
  PegOutsFinalized story(std::uint8_t n, const Transaction& tx) {
    PegOutsFinalized m;
    m.requested.push_back(request(n, tx.outputs[0].value));
    m.proposed.emplace_back(txid(tx), std::vector<Hash256>{request_id(n)});
    m.paid.emplace_back(tx, std::vector<Hash256>{request_id(n)});
    return m;
  }

  std::optional<PegOperation> op(std::uint8_t n) {
    const PegOperation* o = bridge().operations().find(request_id(n));
    return o ? std::optional<PegOperation>(*o) : std::nullopt;
  }
  std::vector<S> history(std::uint8_t n) {
    std::vector<S> out;
    if (auto o = op(n)) {
      for (const PegTransition& t : o->history) out.push_back(t.to);
    }
    return out;
  }
  int sends(const Transaction& tx) {
    auto it = sends_.find(txid(tx));
    return it == sends_.end() ? 0 : it->second;
  }
  void crash_bridge() {
    const auto restarts = node().bridge().cell().stats().restarts;
    ASSERT_TRUE(node().bridge().tell(BridgeCrashForTest{}).is_ok());
    settle();
    ASSERT_EQ(node().bridge().cell().stats().restarts, restarts + 1);
    ASSERT_TRUE(bridge().status().loaded);
  }

  sim::World world_{sim::testing::config_with_seed(11)};
  SimBitcoin btc_{world_, sim::SimBitcoinConfig{}, five_members()};
  std::vector<sim::Utxo> coins_;
  BridgeConfig config_;
  std::map<Hash256, int> sends_;
  std::vector<Result<std::optional<PegOperation>>> answers_;
};

TEST_F(BridgePegOutTest, APaidTransactionIsBroadcastAndCompletesAfterItsConfirmations) {
  boot();
  const Transaction tx = pay_from(btc_, coins_[0], 40'000, 1);
  const Hash256 id = txid(tx);

  // Burn final, payment proposed: tracked as an operation, nothing to broadcast yet.
  PegOutsFinalized early;
  early.requested.push_back(request(1, 40'000));
  early.proposed.emplace_back(id, std::vector<Hash256>{request_id(1)});
  tell(early);
  settle();
  EXPECT_EQ(history(1), (std::vector<S>{S::kInitiated, S::kFederationValidation}));
  EXPECT_EQ(bridge().status().pegouts_tracked, 0u);
  EXPECT_FALSE(btc_.in_mempool(id));

  // Signed: broadcast at the next round.
  PegOutsFinalized paid;
  paid.paid.emplace_back(tx, std::vector<Hash256>{request_id(1)});
  tell(paid);
  settle();
  EXPECT_TRUE(btc_.in_mempool(id));
  EXPECT_EQ(sends(tx), 1);
  EXPECT_EQ(op(1)->state, S::kExecuting);
  EXPECT_EQ(bridge().status().pegouts_tracked, 1u);

  btc_.mine_now(1);
  settle();
  EXPECT_EQ(op(1)->state, S::kWaitingConfirmations);
  btc_.mine_now(kConfirmations - 2);
  settle();
  EXPECT_EQ(op(1)->state, S::kWaitingConfirmations) << "one confirmation short";
  btc_.mine_now(1);
  settle();
  EXPECT_EQ(history(1), (std::vector<S>{S::kInitiated, S::kFederationValidation,
                                        S::kReadyForExecution, S::kExecuting,
                                        S::kWaitingConfirmations, S::kCompleted}));
  const BridgeStatus st = bridge().status();
  EXPECT_EQ(st.pegouts_tracked, 0u);
  EXPECT_EQ(st.pegouts_completed, 1u);
  EXPECT_EQ(st.pegout_broadcasts, 1u);
  EXPECT_EQ(st.pegouts_by_state[static_cast<std::size_t>(S::kCompleted) - 1], 1u);

  // GetPegOperation answers for the peg-out id, with what the burn asked for.
  ASSERT_TRUE(node().asker().tell(AskOperation{request_id(1)}).is_ok());
  ASSERT_TRUE(node().asker().tell(AskOperation{request_id(9)}).is_ok());
  world_.run_for(1s);
  ASSERT_EQ(answers_.size(), 2u);
  ASSERT_TRUE(answers_[0].has_value());
  ASSERT_TRUE(answers_[0]->has_value());
  const PegOperation& got = **answers_[0];
  EXPECT_EQ(got.kind, PegKind::kPegOut);
  EXPECT_EQ(got.state, S::kCompleted);
  EXPECT_EQ(got.bitcoin_txid, std::optional<Hash256>(id));
  EXPECT_EQ(got.amount_sat, 40'000);
  EXPECT_EQ(got.bitcoin_address, "bcrt1q-test-1");
  ASSERT_TRUE(answers_[1].has_value());
  EXPECT_FALSE(answers_[1]->has_value());

  // Final: never sent again, however long Bitcoin runs.
  btc_.mine_now(2);
  world_.run_for(60s);
  EXPECT_EQ(sends(tx), 1);
}

TEST_F(BridgePegOutTest, APaymentDroppedFromTheMempoolOrReorgedOutIsRebroadcastAndCompletes) {
  boot();
  const Transaction tx = pay_from(btc_, coins_[0], 25'000, 2);
  const Hash256 id = txid(tx);
  tell(story(2, tx));
  settle();
  ASSERT_TRUE(btc_.in_mempool(id));
  EXPECT_EQ(sends(tx), 1);

  // Dropped from the mempool (a shallow reorg that evicts it): sent again.
  ASSERT_TRUE(btc_.reorg(1, {id}).is_ok());
  ASSERT_FALSE(btc_.confirmations(id).has_value());
  settle();
  EXPECT_TRUE(btc_.in_mempool(id));
  EXPECT_EQ(sends(tx), 2);
  EXPECT_EQ(op(2)->state, S::kExecuting);

  // Mined, then its block reorged out and the transaction with it: sent again.
  btc_.mine_now(1);
  settle();
  ASSERT_EQ(btc_.confirmations(id), std::optional<std::uint64_t>(1));
  EXPECT_EQ(op(2)->state, S::kWaitingConfirmations);
  ASSERT_TRUE(btc_.reorg(1, {id}).is_ok());
  ASSERT_FALSE(btc_.confirmations(id).has_value());
  settle();
  EXPECT_TRUE(btc_.in_mempool(id));
  EXPECT_EQ(sends(tx), 3);
  EXPECT_EQ(op(2)->state, S::kExecuting);

  btc_.mine_now(kConfirmations);
  settle();
  EXPECT_EQ(history(2), (std::vector<S>{S::kInitiated, S::kFederationValidation,
                                        S::kReadyForExecution, S::kExecuting, S::kExecuting,
                                        S::kWaitingConfirmations, S::kExecuting,
                                        S::kWaitingConfirmations, S::kCompleted}));
  EXPECT_EQ(bridge().status().pegouts_tracked, 0u);
  EXPECT_EQ(bridge().status().pegout_broadcasts, 3u);
  world_.run_for(60s);
  EXPECT_EQ(sends(tx), 3);
}

TEST_F(BridgePegOutTest, TrackingSurvivesRestartsAndACompletedPaymentIsNeverSentAgain) {
  boot();
  const Transaction tx = pay_from(btc_, coins_[0], 30'000, 3);
  const Hash256 id = txid(tx);
  tell(story(3, tx));
  settle();
  ASSERT_TRUE(btc_.in_mempool(id));
  ASSERT_EQ(sends(tx), 1);

  // The restarted bridge never got the message: it tracks the payment from its stored state
  // (it rebroadcasts it once Bitcoin drops it).
  crash_bridge();
  EXPECT_EQ(bridge().payments().size(), 1u);
  EXPECT_EQ(op(3)->state, S::kExecuting);
  EXPECT_EQ(sends(tx), 1) << "still in the mempool: nothing to send";
  ASSERT_TRUE(btc_.reorg(1, {id}).is_ok());
  settle();
  EXPECT_EQ(sends(tx), 2);
  EXPECT_TRUE(btc_.in_mempool(id));

  // A whole-node crash losing every unsynced write: the state was saved with a sync write.
  world_.crash(0, sim::CrashDurability::kLoseAll);
  ASSERT_TRUE(btc_.reorg(1, {id}).is_ok());
  world_.restart(0);
  settle();
  EXPECT_EQ(sends(tx), 3);
  EXPECT_TRUE(btc_.in_mempool(id));
  btc_.mine_now(kConfirmations);
  settle();
  EXPECT_EQ(op(3)->state, S::kCompleted);
  EXPECT_TRUE(bridge().payments().empty());

  // Completed, restarted, and told about it again: not tracked, not sent.
  const std::vector<S> done = history(3);
  crash_bridge();
  EXPECT_TRUE(bridge().payments().empty());
  EXPECT_EQ(history(3), done);
  tell(story(3, tx));
  world_.run_for(60s);
  EXPECT_TRUE(bridge().payments().empty());
  EXPECT_EQ(history(3), done);
  EXPECT_EQ(sends(tx), 3);
  EXPECT_EQ(bridge().status().pegout_broadcasts, 0u) << "this incarnation sent nothing";
}

TEST_F(BridgePegOutTest, RepeatedPegOutsFinalizedIsIdempotent) {
  boot();
  const Transaction tx = pay_from(btc_, coins_[1], 50'000, 4);
  const Hash256 id = txid(tx);
  for (int i = 0; i < 3; ++i) tell(story(4, tx));
  settle();
  EXPECT_EQ(bridge().payments().size(), 1u);
  const std::vector<S> broadcast = {S::kInitiated, S::kFederationValidation,
                                    S::kReadyForExecution, S::kExecuting};
  EXPECT_EQ(history(4), broadcast);
  EXPECT_EQ(sends(tx), 1);

  // Again while it waits in the mempool, and an older item (the proposal) alone.
  tell(story(4, tx));
  PegOutsFinalized proposal_again;
  proposal_again.proposed.emplace_back(id, std::vector<Hash256>{request_id(4)});
  tell(proposal_again);
  settle();
  EXPECT_EQ(history(4), broadcast);
  EXPECT_EQ(bridge().payments().size(), 1u);
  EXPECT_EQ(sends(tx), 1);

  btc_.mine_now(kConfirmations);
  settle();
  EXPECT_EQ(op(4)->state, S::kCompleted);
  const std::vector<S> done = history(4);
  tell(story(4, tx));
  tell(story(4, tx));
  settle();
  EXPECT_EQ(history(4), done);
  EXPECT_TRUE(bridge().payments().empty());
  EXPECT_EQ(sends(tx), 1);
  EXPECT_EQ(bridge().status().pegouts_completed, 1u);
}

TEST_F(BridgePegOutTest, BeyondMaxTrackedPegoutsTheOldestAreKept) {
  boot(/*coins=*/2, /*max_tracked=*/1);
  const Transaction first = pay_from(btc_, coins_[0], 20'000, 5);
  const Transaction second = pay_from(btc_, coins_[1], 20'000, 6);
  tell(story(5, first));
  tell(story(6, second));
  settle();
  ASSERT_EQ(bridge().payments().size(), 1u);
  EXPECT_EQ(bridge().payments()[0].txid, txid(first));
  EXPECT_EQ(sends(first), 1);
  EXPECT_EQ(sends(second), 0);
  EXPECT_EQ(op(6)->state, S::kReadyForExecution) << "signed, but not followed here";
}

TEST_F(BridgePegOutTest, ARefusedPaymentDoesNotHoldUpTheOthers) {
  boot();
  const Transaction first = pay_from(btc_, coins_[0], 10'000, 8);
  const Transaction conflict = pay_from(btc_, coins_[0], 11'000, 9);  // same coin
  const Transaction other = pay_from(btc_, coins_[1], 12'000, 10);
  tell(story(8, first));
  tell(story(9, conflict));
  tell(story(10, other));
  settle();
  EXPECT_TRUE(btc_.in_mempool(txid(first)));
  EXPECT_TRUE(btc_.in_mempool(txid(other)));
  EXPECT_FALSE(btc_.in_mempool(txid(conflict)));
  EXPECT_EQ(op(9)->state, S::kReadyForExecution);
  EXPECT_NE(bridge().status().last_error.find("txn-mempool-conflict"), std::string::npos)
      << bridge().status().last_error;
  const std::uint64_t scanned = bridge().status().next_height;
  btc_.mine_now(kConfirmations);
  settle();
  EXPECT_EQ(op(8)->state, S::kCompleted);
  EXPECT_EQ(op(10)->state, S::kCompleted);
  EXPECT_EQ(bridge().status().next_height, scanned + kConfirmations) << "peg-ins scanned on";
  // The refused one is still followed (bitcoind refuses it each round).
  ASSERT_EQ(bridge().payments().size(), 1u);
  EXPECT_EQ(bridge().payments()[0].txid, txid(conflict));
}

TEST_F(BridgePegOutTest, ABitcoindOutageDelaysTheBroadcastAndLosesNothing) {
  boot();
  const Transaction tx = pay_from(btc_, coins_[0], 35'000, 7);
  btc_.set_outage_all(world_.now() + 60s);
  tell(story(7, tx));
  settle();
  EXPECT_FALSE(btc_.in_mempool(txid(tx)));
  EXPECT_GT(bridge().status().rpc_errors, 0u);
  EXPECT_EQ(op(7)->state, S::kReadyForExecution);
  world_.run_for(60s);
  EXPECT_TRUE(btc_.in_mempool(txid(tx)));
  EXPECT_EQ(op(7)->state, S::kExecuting);
  EXPECT_EQ(sends(tx), 1) << "a lost query is asked again, not answered with a send";
}

}  // namespace
}  // namespace alys::bridge
