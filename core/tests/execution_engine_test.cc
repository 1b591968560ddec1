// EmbeddedEngine (core/execution/embedded_engine.h): async contract (no synchronous
// callbacks, FIFO, faults), build/execute agreement across instances, root mismatches,
// forkchoice pruning, checkpoint restore.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/execution/embedded_engine.h"

namespace alys::execution {
namespace {

// A single-threaded executor the test drives by hand: posts run FIFO on run(), timers at
// their deadline on advance(). Mirrors the simulator's contract without depending on it.
class ManualExecutor final : public Executor {
 public:
  void post(Task task) override { ready_.push_back(std::move(task)); }
  TimerId after(Duration delay, Task task) override {
    const TimerId id{++next_id_};
    timers_.emplace(std::make_pair(now_ + delay, id.value), std::move(task));
    return id;
  }
  bool cancel(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id.value) {
        timers_.erase(it);
        return true;
      }
    }
    return false;
  }
  // Runs posted tasks (and what they post) until none are ready. Returns how many ran.
  int run() {
    int n = 0;
    while (!ready_.empty()) {
      Task t = std::move(ready_.front());
      ready_.pop_front();
      t();
      ++n;
    }
    return n;
  }
  // Moves time forward by `d`, firing due timers in deadline order, running posts after each.
  void advance(Duration d) {
    const Duration until = now_ + d;
    run();
    while (!timers_.empty() && timers_.begin()->first.first <= until) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().first;
      node.mapped()();
      run();
    }
    now_ = until;
  }
  std::size_t pending() const { return ready_.size() + timers_.size(); }

 private:
  Duration now_{0};
  std::uint64_t next_id_ = 0;
  std::deque<Task> ready_;
  std::map<std::pair<Duration, std::uint64_t>, Task> timers_;
};

SecretKey test_key(std::uint8_t i) {
  Bytes raw(32, 0x33);
  raw[31] = i;
  return *SecretKey::from_bytes(raw);
}

EvmAddress address_of(const SecretKey& key) { return account_address(key.xonly_public_key()); }

EvmAddress plain_address(std::uint8_t i) {
  EvmAddress a{};
  a[0] = i;
  return a;
}

Hash256 block_id(std::uint8_t i) {
  std::array<std::uint8_t, 32> b{};
  b[0] = 0xB0;
  b[1] = i;
  return Hash256(b);
}

Hash256 txid(std::uint8_t i) {
  std::array<std::uint8_t, 32> b{};
  b[5] = i;
  return Hash256(b);
}

LedgerTx transfer(const SecretKey& key, std::uint64_t nonce, const EvmAddress& to, Wei value,
                  Wei fee) {
  LedgerTx tx;
  tx.nonce = nonce;
  tx.to = to;
  tx.value = value;
  tx.fee = fee;
  sign_ledger_tx(tx, key, Hash256{});
  return tx;
}

LedgerTx pegout(const SecretKey& key, std::uint64_t nonce, Wei value) {
  LedgerTx tx;
  tx.kind = LedgerTxKind::kPegOut;
  tx.nonce = nonce;
  tx.value = value;
  tx.fee = Wei::from_sat(1);
  tx.bitcoin_address = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
  sign_ledger_tx(tx, key, Hash256{});
  return tx;
}

Ledger genesis_state() {
  const std::vector<GenesisAllocation> alloc = {{address_of(test_key(1)), Wei::from_sat(10'000)},
                                                {address_of(test_key(2)), Wei::from_sat(500)}};
  return *Ledger::from_genesis(alloc);
}

const Hash256 kGenesis = block_id(0);

// Captures one callback's result.
template <typename T>
struct Slot {
  std::optional<Result<T>> value;
  Callback<T> callback() {
    return [this](Result<T> r) {
      EXPECT_FALSE(value.has_value()) << "callback ran twice";
      value.emplace(std::move(r));
    };
  }
};

struct StatusSlot {
  std::optional<Status> value;
  StatusCallback callback() {
    return [this](Status s) { value.emplace(std::move(s)); };
  }
};

BuildRequest request(std::uint64_t height, std::vector<LedgerTx> candidates,
                     std::vector<PegInMint> mints = {},
                     std::optional<EvmAddress> recipient = std::nullopt) {
  BuildRequest r;
  r.height = height;
  r.fee_recipient = recipient;
  r.mints = std::move(mints);
  r.candidates = std::move(candidates);
  return r;
}

// Builds on `parent` and returns the payload (asserting success).
BuiltPayload build(ManualExecutor& ex, EmbeddedEngine& engine, const Hash256& parent,
                   BuildRequest req) {
  Slot<BuiltPayload> slot;
  engine.build_payload(parent, std::move(req), slot.callback());
  ex.run();
  EXPECT_TRUE(slot.value.has_value());
  EXPECT_TRUE(slot.value->has_value()) << slot.value->error().to_string();
  return std::move(**slot.value);
}

Result<ExecutedPayload> execute(ManualExecutor& ex, EmbeddedEngine& engine,
                                const Hash256& parent, const Hash256& hash,
                                const BlockContext& ctx, const ExecutionPayload& payload) {
  Slot<ExecutedPayload> slot;
  engine.execute_payload(parent, hash, ctx, payload, slot.callback());
  ex.run();
  EXPECT_TRUE(slot.value.has_value());
  return std::move(*slot.value);
}

TEST(EmbeddedEngineTest, CallbacksNeverRunInsideTheCall) {
  ManualExecutor ex;
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  Slot<BuiltPayload> built;
  Slot<Account> acct;
  StatusSlot fc;
  engine.build_payload(kGenesis, request(1, {}), built.callback());
  engine.account(kGenesis, address_of(test_key(1)), acct.callback());
  engine.forkchoice_updated(kGenesis, kGenesis, fc.callback());
  // Even an immediately failing request (unknown parent) answers later.
  Slot<ExecutedPayload> bad;
  engine.execute_payload(block_id(9), block_id(10), BlockContext{1, {}, {}}, ExecutionPayload{},
                         bad.callback());
  EXPECT_FALSE(built.value || acct.value || fc.value || bad.value);
  ex.run();
  ASSERT_TRUE(built.value && acct.value && fc.value && bad.value);
  EXPECT_TRUE(built.value->has_value());
  EXPECT_EQ((*acct.value)->balance, Wei::from_sat(10'000));
  EXPECT_TRUE(fc.value->is_ok());
  ASSERT_FALSE(bad.value->has_value());
  EXPECT_EQ(bad.value->error().code(), StatusCode::kNotFound);
}

TEST(EmbeddedEngineTest, BuildThenExecuteOnAnotherInstanceAgrees) {
  ManualExecutor ex;
  EmbeddedEngine proposer(ex, kGenesis, genesis_state());
  EmbeddedEngine importer(ex, kGenesis, genesis_state());
  const SecretKey a = test_key(1);
  const EvmAddress miner = plain_address(77);
  std::vector<LedgerTx> candidates = {
      transfer(a, 0, plain_address(5), Wei::from_sat(100), Wei::from_sat(2)),
      transfer(a, 3, plain_address(5), Wei::from_sat(100), Wei::from_sat(2)),  // skipped
      pegout(a, 1, *Wei::from_sat(40).checked_add(Wei::from_u64(123))),
  };
  const std::vector<PegInMint> mints = {{txid(1), plain_address(6), 700},
                                        {txid(1), plain_address(6), 700}};  // dup: skipped
  BuiltPayload built = build(ex, proposer, kGenesis, request(1, candidates, mints, miner));
  ASSERT_EQ(built.payload.transactions.size(), 2u);
  ASSERT_EQ(built.skipped_txs.size(), 1u);
  EXPECT_NE(built.skipped_txs[0].status.message().find("nonce: expected 1, got 3"),
            std::string::npos);
  ASSERT_EQ(built.context.mints.size(), 1u);
  ASSERT_EQ(built.skipped_mints.size(), 1u);
  ASSERT_EQ(built.pegouts.size(), 1u);
  EXPECT_EQ(built.pegouts[0].sats, 40);
  EXPECT_EQ(built.fees, Wei::from_sat(3));
  EXPECT_EQ(built.fees_paid, Wei::from_sat(3));

  auto imported = execute(ex, importer, kGenesis, block_id(1), built.context, built.payload);
  ASSERT_TRUE(imported.has_value()) << imported.error().to_string();
  EXPECT_EQ(imported->state_root, built.payload.state_root);
  EXPECT_EQ(imported->pegouts, built.pegouts);
  EXPECT_EQ(imported->fees_paid, built.fees_paid);
  EXPECT_EQ(importer.account_now(block_id(1), miner)->balance, Wei::from_sat(3));
  EXPECT_EQ(importer.account_now(block_id(1), plain_address(6))->balance, Wei::from_sat(700));

  // The proposer's own import (answered from its build) says the same.
  auto own = execute(ex, proposer, kGenesis, block_id(1), built.context, built.payload);
  ASSERT_TRUE(own.has_value()) << own.error().to_string();
  EXPECT_EQ(own->state_root, imported->state_root);
  EXPECT_EQ(own->pegouts, imported->pegouts);
  EXPECT_EQ(own->fees, imported->fees);
  EXPECT_EQ(proposer.state(block_id(1))->state_root(), importer.state(block_id(1))->state_root());

  // Executing a known block again answers the recorded result.
  auto again = execute(ex, importer, kGenesis, block_id(1), built.context, built.payload);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->state_root, imported->state_root);
  EXPECT_EQ(importer.state_count(), 2u);
}

// Engines sharing an ExecutionMemo: the second to import a block takes the first one's
// state and answer, and they agree with an engine that executes on its own; a node whose
// parent state differs, or a block with another context, misses and executes for itself.
TEST(EmbeddedEngineMemo, SharedExecutionsAgreeWithExecutingAndMissOnOtherInputs) {
  ManualExecutor ex;
  auto memo = std::make_shared<ExecutionMemo>();
  EmbeddedEngine proposer(ex, kGenesis, genesis_state());
  EmbeddedEngine first(ex, kGenesis, genesis_state());
  EmbeddedEngine second(ex, kGenesis, genesis_state());
  EmbeddedEngine alone(ex, kGenesis, genesis_state());
  first.set_execution_memo(memo);
  second.set_execution_memo(memo);
  const SecretKey a = test_key(1);
  BuiltPayload built = build(ex, proposer, kGenesis,
                             request(1, {transfer(a, 0, plain_address(5), Wei::from_sat(100),
                                                  Wei::from_sat(2))},
                                     {}, plain_address(77)));

  auto by_first = execute(ex, first, kGenesis, block_id(1), built.context, built.payload);
  ASSERT_TRUE(by_first.has_value()) << by_first.error().to_string();
  EXPECT_EQ(memo->hits(), 0u);
  auto by_second = execute(ex, second, kGenesis, block_id(1), built.context, built.payload);
  ASSERT_TRUE(by_second.has_value()) << by_second.error().to_string();
  EXPECT_EQ(memo->hits(), 1u);
  auto by_alone = execute(ex, alone, kGenesis, block_id(1), built.context, built.payload);
  ASSERT_TRUE(by_alone.has_value());
  EXPECT_EQ(by_second->state_root, by_alone->state_root);
  EXPECT_EQ(by_second->fees_paid, by_alone->fees_paid);
  EXPECT_EQ(second.state(block_id(1))->state_root(), alone.state(block_id(1))->state_root());
  EXPECT_EQ(second.account_now(block_id(1), plain_address(5))->balance, Wei::from_sat(100));

  // The shared state is a copy: the second engine builds on it without touching the first's.
  BuiltPayload next = build(ex, second, block_id(1),
                            request(2, {transfer(a, 1, plain_address(5), Wei::from_sat(50),
                                                 Wei::from_sat(2))}));
  ASSERT_EQ(next.payload.transactions.size(), 1u);
  EXPECT_EQ(first.account_now(block_id(1), plain_address(5))->balance, Wei::from_sat(100));

  // Another parent state under the same parent hash (a node whose state went wrong) misses
  // and fails on its own: the stated root is not the one its state reaches.
  const std::vector<GenesisAllocation> richer = {{address_of(test_key(1)), Wei::from_sat(20'000)},
                                                 {address_of(test_key(2)), Wei::from_sat(500)}};
  EmbeddedEngine diverged(ex, kGenesis, *Ledger::from_genesis(richer));
  diverged.set_execution_memo(memo);
  auto wrong = execute(ex, diverged, kGenesis, block_id(1), built.context, built.payload);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find("state_root"), std::string::npos) << wrong.error().to_string();
  EXPECT_EQ(memo->hits(), 1u);

  // The same block hash with another context is another execution.
  EmbeddedEngine third(ex, kGenesis, genesis_state());
  third.set_execution_memo(memo);
  BlockContext other = built.context;
  other.fee_recipient = plain_address(78);
  auto other_ctx = execute(ex, third, kGenesis, block_id(1), other, built.payload);
  ASSERT_FALSE(other_ctx.has_value());  // the fees go elsewhere: another root
  EXPECT_EQ(memo->hits(), 1u);
}

TEST(ExecutionMemoTest, ForgetsTheOldestPastItsCapacity) {
  ExecutionMemo memo;
  const Ledger state = genesis_state();
  for (std::uint8_t i = 0; i <= ExecutionMemo::kEntries; ++i) {
    memo.remember(ExecutionMemo::Inputs{Hash256{}, block_id(i), BlockContext{1, {}, {}}, {}},
                  ExecutionMemo::Outcome{state, ExecutedPayload{}});
  }
  EXPECT_EQ(memo.find(Hash256{}, block_id(0), BlockContext{1, {}, {}}, {}), nullptr);
  EXPECT_NE(memo.find(Hash256{}, block_id(1), BlockContext{1, {}, {}}, {}), nullptr);
  EXPECT_NE(memo.find(Hash256{}, block_id(ExecutionMemo::kEntries), BlockContext{1, {}, {}}, {}),
            nullptr);
  EXPECT_EQ(memo.find(block_id(99), block_id(1), BlockContext{1, {}, {}}, {}),
            nullptr);
}

TEST(EmbeddedEngineTest, WrongStateRootFailsNamingBothRoots) {
  ManualExecutor ex;
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  BuiltPayload built = build(
      ex, engine, kGenesis,
      request(1, {transfer(test_key(1), 0, plain_address(5), Wei::from_sat(1), Wei{})}));
  ExecutionPayload wrong = built.payload;
  std::array<std::uint8_t, 32> bogus{};
  bogus.fill(0xAB);
  wrong.state_root = Hash256(bogus);
  auto r = execute(ex, engine, kGenesis, block_id(1), built.context, wrong);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  const std::string& msg = r.error().message();
  EXPECT_NE(msg.find("state_root: expected " + wrong.state_root.to_hex()), std::string::npos) << msg;
  EXPECT_NE(msg.find("got " + built.payload.state_root.to_hex()), std::string::npos) << msg;
  EXPECT_EQ(engine.state(block_id(1)), nullptr);  // nothing recorded
}

TEST(EmbeddedEngineTest, InvalidTransactionOrHeightFailsAndRecordsNothing) {
  ManualExecutor ex;
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const Hash256 genesis_root = engine.state(kGenesis)->state_root();
  ExecutionPayload payload{genesis_root,
                           {transfer(test_key(2), 0, plain_address(5), Wei::from_sat(501), Wei{})}};
  auto r = execute(ex, engine, kGenesis, block_id(1), BlockContext{1, {}, {}}, payload);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("block 1: tx 0: "), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("balance: insufficient"), std::string::npos);
  EXPECT_EQ(engine.state(block_id(1)), nullptr);
  EXPECT_EQ(engine.state(kGenesis)->state_root(), genesis_root);

  auto h = execute(ex, engine, kGenesis, block_id(1), BlockContext{5, {}, {}},
                   ExecutionPayload{genesis_root, {}});
  ASSERT_FALSE(h.has_value());
  EXPECT_NE(h.error().message().find("height: expected 1 (parent at 0), got 5"), std::string::npos)
      << h.error().message();
}

TEST(EmbeddedEngineTest, RequestsRunInOrderAndFromCallbacksAfterwards) {
  ManualExecutor ex;
  EmbeddedEngine builder(ex, kGenesis, genesis_state());
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const SecretKey a = test_key(1);
  BuiltPayload b1 = build(ex, builder, kGenesis,
                          request(1, {transfer(a, 0, plain_address(5), Wei::from_sat(1), Wei{})}));
  ASSERT_TRUE(execute(ex, builder, kGenesis, block_id(1), b1.context, b1.payload).has_value());
  BuiltPayload b2 = build(ex, builder, block_id(1),
                          request(2, {transfer(a, 1, plain_address(5), Wei::from_sat(1), Wei{})}));

  // Both queued at once: the child's parent exists by the time the child runs.
  std::vector<std::string> order;
  engine.execute_payload(kGenesis, block_id(1), b1.context, b1.payload,
                         [&](Result<ExecutedPayload> r) {
                           EXPECT_TRUE(r.has_value());
                           order.push_back("b1");
                           // A request made inside a callback runs after this callback.
                           engine.account(block_id(2), plain_address(5), [&](Result<Account> acc) {
                             ASSERT_TRUE(acc.has_value());
                             EXPECT_EQ(acc->balance, Wei::from_sat(2));
                             order.push_back("account");
                           });
                           order.push_back("b1-end");
                         });
  engine.execute_payload(block_id(1), block_id(2), b2.context, b2.payload,
                         [&](Result<ExecutedPayload> r) {
                           EXPECT_TRUE(r.has_value()) << r.error().to_string();
                           order.push_back("b2");
                         });
  ex.run();
  EXPECT_EQ(order, (std::vector<std::string>{"b1", "b1-end", "b2", "account"}));
}

TEST(EmbeddedEngineTest, ForkchoicePrunesBelowFinalizedAndForks) {
  ManualExecutor ex;
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const SecretKey a = test_key(1);
  // g -> b1 -> b2, and a fork g -> c1.
  BuiltPayload p1 = build(ex, engine, kGenesis,
                          request(1, {transfer(a, 0, plain_address(5), Wei::from_sat(1), Wei{})}));
  ASSERT_TRUE(execute(ex, engine, kGenesis, block_id(1), p1.context, p1.payload).has_value());
  BuiltPayload p2 = build(ex, engine, block_id(1),
                          request(2, {transfer(a, 1, plain_address(5), Wei::from_sat(1), Wei{})}));
  ASSERT_TRUE(execute(ex, engine, block_id(1), block_id(2), p2.context, p2.payload).has_value());
  BuiltPayload c1 = build(ex, engine, kGenesis,
                          request(1, {transfer(a, 0, plain_address(6), Wei::from_sat(1), Wei{})}));
  ASSERT_TRUE(execute(ex, engine, kGenesis, block_id(51), c1.context, c1.payload).has_value());
  EXPECT_EQ(engine.state_count(), 4u);

  StatusSlot bad;
  engine.forkchoice_updated(block_id(51), block_id(1), bad.callback());
  ex.run();
  ASSERT_TRUE(bad.value.has_value());
  EXPECT_EQ(bad.value->code(), StatusCode::kInvalidArgument);  // c1 does not descend from b1
  EXPECT_EQ(engine.state_count(), 4u);

  StatusSlot fc;
  engine.forkchoice_updated(block_id(2), block_id(1), fc.callback());
  ex.run();
  ASSERT_TRUE(fc.value.has_value());
  EXPECT_TRUE(fc.value->is_ok()) << fc.value->to_string();
  EXPECT_EQ(engine.state_count(), 2u);
  EXPECT_EQ(engine.state(kGenesis), nullptr);
  EXPECT_EQ(engine.state(block_id(51)), nullptr);
  EXPECT_NE(engine.state(block_id(2)), nullptr);
  EXPECT_EQ(engine.head(), block_id(2));
  EXPECT_EQ(engine.finalized(), block_id(1));

  // Building on a pruned state: kNotFound.
  Slot<BuiltPayload> gone;
  engine.build_payload(kGenesis, request(1, {}), gone.callback());
  ex.run();
  ASSERT_TRUE(gone.value.has_value());
  ASSERT_FALSE(gone.value->has_value());
  EXPECT_EQ(gone.value->error().code(), StatusCode::kNotFound);
}

TEST(EmbeddedEngineTest, InjectedFailuresAndStalls) {
  ManualExecutor ex;
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  engine.set_fault(EngineFault{2, Duration{0}});
  Slot<Account> a1, a2, a3;
  engine.account(kGenesis, plain_address(1), a1.callback());
  engine.account(kGenesis, plain_address(1), a2.callback());
  engine.account(kGenesis, plain_address(1), a3.callback());
  ex.run();
  ASSERT_TRUE(a1.value && a2.value && a3.value);
  ASSERT_FALSE(a1.value->has_value());
  EXPECT_EQ(a1.value->error().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(a2.value->has_value());
  EXPECT_TRUE(a3.value->has_value());

  engine.set_fault(EngineFault{0, 5s});
  Slot<Account> s1, s2;
  engine.account(kGenesis, plain_address(1), s1.callback());
  engine.account(kGenesis, plain_address(1), s2.callback());
  ex.run();
  ex.advance(4999ms);
  EXPECT_FALSE(s1.value || s2.value);  // stalled
  ex.advance(1ms);
  EXPECT_TRUE(s1.value && s2.value);  // caught up, in order
  // The stall happened once.
  Slot<Account> s3;
  engine.account(kGenesis, plain_address(1), s3.callback());
  ex.run();
  EXPECT_TRUE(s3.value.has_value());
}

TEST(EmbeddedEngineTest, DestroyedEngineDropsPendingCallbacks) {
  ManualExecutor ex;
  bool called = false;
  {
    EmbeddedEngine engine(ex, kGenesis, genesis_state());
    engine.account(kGenesis, plain_address(1), [&](Result<Account>) { called = true; });
  }
  ex.run();
  EXPECT_FALSE(called);

  // An engine destroyed from inside one of its own callbacks: later requests never run.
  auto owned = std::make_unique<EmbeddedEngine>(ex, kGenesis, genesis_state());
  int calls = 0;
  owned->account(kGenesis, plain_address(1), [&](Result<Account>) {
    ++calls;
    owned.reset();
  });
  owned->account(kGenesis, plain_address(1), [&](Result<Account>) { ++calls; });
  ex.run();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ex.pending(), 0u);
}

TEST(EmbeddedEngineTest, RestoredCheckpointExecutesTheNextBlock) {
  ManualExecutor ex;
  EmbeddedEngine first(ex, kGenesis, genesis_state());
  const SecretKey a = test_key(1);
  BuiltPayload p1 = build(ex, first, kGenesis,
                          request(1, {transfer(a, 0, plain_address(5), Wei::from_sat(9), Wei{})},
                                  {{txid(4), plain_address(5), 11}}));
  ASSERT_TRUE(execute(ex, first, kGenesis, block_id(1), p1.context, p1.payload).has_value());
  const Bytes snapshot = first.state(block_id(1))->encode_snapshot();
  BuiltPayload p2 = build(ex, first, block_id(1),
                          request(2, {transfer(a, 1, plain_address(5), Wei::from_sat(1), Wei{})}));

  // A node restarting from its checkpoint at block 1.
  auto restored = Ledger::decode_snapshot(snapshot);
  ASSERT_TRUE(restored.has_value()) << restored.error().to_string();
  EmbeddedEngine second(ex, kGenesis, genesis_state());
  ASSERT_TRUE(second.insert_state(block_id(1), kGenesis, 1, *restored).is_ok());
  auto r = execute(ex, second, block_id(1), block_id(2), p2.context, p2.payload);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->state_root, p2.payload.state_root);
  EXPECT_EQ(second.account_now(block_id(2), plain_address(5))->balance, Wei::from_sat(21));
  // A conflicting state under a known hash is refused.
  EXPECT_FALSE(second.insert_state(block_id(1), kGenesis, 1, genesis_state()).is_ok());
}

// Random chains built on one engine and imported on another always agree.
RC_GTEST_PROP(EngineProperty, BuildAndImportAgree, ()) {
  ManualExecutor ex;
  EmbeddedEngine proposer(ex, kGenesis, genesis_state());
  EmbeddedEngine importer(ex, kGenesis, genesis_state());
  const std::vector<SecretKey> keys = {test_key(1), test_key(2)};
  std::map<std::size_t, std::uint64_t> nonces;
  Hash256 parent = kGenesis;
  const auto n_blocks = *rc::gen::inRange(1, 5);
  for (int h = 1; h <= n_blocks; ++h) {
    std::vector<LedgerTx> candidates;
    const auto n_tx = *rc::gen::inRange(0, 5);
    for (int i = 0; i < n_tx; ++i) {
      const std::size_t k = *rc::gen::inRange<std::size_t>(0, keys.size());
      const std::uint64_t nonce = nonces[k] + (*rc::gen::inRange(0, 4) == 0 ? 2 : 0);
      candidates.push_back(transfer(keys[k], nonce, plain_address(*rc::gen::inRange<std::uint8_t>(0, 4)),
                                    Wei::from_sat(*rc::gen::inRange<std::uint64_t>(0, 3000)),
                                    Wei::from_sat(*rc::gen::inRange<std::uint64_t>(0, 5))));
    }
    std::vector<PegInMint> mints;
    if (*rc::gen::inRange(0, 2) == 0) {
      mints.push_back({txid(*rc::gen::inRange<std::uint8_t>(0, 4)), address_of(keys[0]), 50});
    }
    std::optional<EvmAddress> recipient;
    if (*rc::gen::inRange(0, 2) == 0) recipient = plain_address(99);
    BuiltPayload built = build(ex, proposer, parent, request(static_cast<std::uint64_t>(h),
                                                             candidates, mints, recipient));
    for (const LedgerTx& tx : built.payload.transactions) {
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (tx.sender_key == keys[k].xonly_public_key().bytes()) nonces[k] += 1;
      }
    }
    const Hash256 hash = block_id(static_cast<std::uint8_t>(h));
    auto r = execute(ex, importer, parent, hash, built.context, built.payload);
    RC_ASSERT(r.has_value());
    RC_ASSERT(r->state_root == built.payload.state_root);
    RC_ASSERT(r->fees_paid == built.fees_paid);
    RC_ASSERT(execute(ex, proposer, parent, hash, built.context, built.payload).has_value());
    RC_ASSERT(importer.state(hash)->check_conservation().is_ok());
    parent = hash;
  }
}

}  // namespace
}  // namespace alys::execution

// --- execute_run -----------------------------------------------------------------------
namespace alys::execution {
namespace {

// `n` blocks on genesis, block i transferring from key 1 with nonce i - 1, built by another
// engine (their true roots), as run items.
std::vector<ExecuteItem> chain_items(ManualExecutor& ex, std::size_t n, bool assumed_valid) {
  EmbeddedEngine builder(ex, kGenesis, genesis_state());
  std::vector<ExecuteItem> items;
  Hash256 parent = kGenesis;
  for (std::size_t i = 1; i <= n; ++i) {
    const auto h = static_cast<std::uint8_t>(i);
    BuiltPayload built = build(
        ex, builder, parent,
        request(i, {transfer(test_key(1), i - 1, plain_address(5), Wei::from_sat(1), Wei{})}));
    Result<ExecutedPayload> recorded =
        execute(ex, builder, parent, block_id(h), built.context, built.payload);
    EXPECT_TRUE(recorded.has_value());
    BlockContext context = built.context;
    context.assumed_valid = assumed_valid;
    items.push_back(ExecuteItem{parent, block_id(h), context, built.payload});
    parent = block_id(h);
  }
  return items;
}

ExecutedRun run(ManualExecutor& ex, EmbeddedEngine& engine, std::vector<ExecuteItem> items) {
  Slot<ExecutedRun> slot;
  engine.execute_run(std::move(items), slot.callback());
  ex.run();
  EXPECT_TRUE(slot.value.has_value() && slot.value->has_value());
  return slot.value && *slot.value ? std::move(**slot.value) : ExecutedRun{};
}

Hash256 bogus_root() {
  std::array<std::uint8_t, 32> b{};
  b.fill(0xAB);
  return Hash256(b);
}

TEST(EmbeddedEngineRun, AnAssumedValidRunRecordsEveryStateAsOneByOneWould) {
  ManualExecutor ex;
  const std::vector<ExecuteItem> items = chain_items(ex, 5, /*assumed_valid=*/true);
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const ExecutedRun out = run(ex, engine, items);
  ASSERT_EQ(out.results.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(out.results[i].has_value()) << out.results[i].error().message();
    EXPECT_EQ(out.results[i]->state_root, items[i].payload.state_root);
    ASSERT_NE(engine.state(items[i].block_hash), nullptr);
    EXPECT_EQ(engine.state(items[i].block_hash)->state_root(), items[i].payload.state_root);
  }
}

TEST(EmbeddedEngineRun, WithoutAssumeValidEveryRootIsCheckedAndNothingPastAFailureRecorded) {
  ManualExecutor ex;
  std::vector<ExecuteItem> items = chain_items(ex, 4, /*assumed_valid=*/false);
  items[1].payload.state_root = bogus_root();
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const ExecutedRun out = run(ex, engine, items);
  ASSERT_EQ(out.results.size(), 2u);
  EXPECT_TRUE(out.results[0].has_value());
  ASSERT_FALSE(out.results[1].has_value());
  EXPECT_NE(out.results[1].error().message().find("state_root: expected " + bogus_root().to_hex()),
            std::string::npos);
  EXPECT_NE(engine.state(items[0].block_hash), nullptr);
  EXPECT_EQ(engine.state(items[1].block_hash), nullptr);
  EXPECT_EQ(engine.state(items[2].block_hash), nullptr);
}

TEST(EmbeddedEngineRun, TheLastRootOfAnAssumedValidStretchIsChecked) {
  ManualExecutor ex;
  std::vector<ExecuteItem> items = chain_items(ex, 4, /*assumed_valid=*/true);
  items[3].payload.state_root = bogus_root();
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const ExecutedRun out = run(ex, engine, items);
  ASSERT_EQ(out.results.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(out.results[i].has_value());
  ASSERT_FALSE(out.results[3].has_value());
  EXPECT_NE(out.results[3].error().message().find("state_root"), std::string::npos);
  EXPECT_NE(engine.state(items[2].block_hash), nullptr);
  EXPECT_EQ(engine.state(items[3].block_hash), nullptr);
}

// A failure cuts a stretch short: the roots it had deferred are computed then, one by one,
// and nothing from the first wrong one on is recorded or answered as applied.
TEST(EmbeddedEngineRun, AFailureInsideAStretchChecksTheDeferredRootsBeforeIt) {
  ManualExecutor ex;
  std::vector<ExecuteItem> items = chain_items(ex, 4, /*assumed_valid=*/true);
  items[2].payload.state_root = bogus_root();        // deferred: the next block is its child
  items[3].payload.transactions[0].nonce = 99;      // fails to apply
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const ExecutedRun out = run(ex, engine, items);
  ASSERT_EQ(out.results.size(), 3u);
  EXPECT_TRUE(out.results[0].has_value());
  EXPECT_TRUE(out.results[1].has_value());
  ASSERT_FALSE(out.results[2].has_value());
  EXPECT_NE(out.results[2].error().message().find("state_root: expected " + bogus_root().to_hex()),
            std::string::npos)
      << out.results[2].error().message();
  EXPECT_NE(engine.state(items[1].block_hash), nullptr);
  EXPECT_EQ(engine.state(items[2].block_hash), nullptr);
  EXPECT_EQ(engine.state(items[3].block_hash), nullptr);
}

// What assume-valid trusts: inside a stretch, a stated root is vouched for by the trusted
// header chain, and the stretch's last root by this node's own execution.
TEST(EmbeddedEngineRun, ARootInsideAStretchIsTakenAsStatedWhenTheStretchEndsRight) {
  ManualExecutor ex;
  std::vector<ExecuteItem> items = chain_items(ex, 4, /*assumed_valid=*/true);
  items[1].payload.state_root = bogus_root();
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  const ExecutedRun out = run(ex, engine, items);
  ASSERT_EQ(out.results.size(), 4u) << out.results.back().error().message();
  for (const auto& r : out.results) EXPECT_TRUE(r.has_value());
  // The same blocks checked in full stop there.
  for (auto& item : items) item.context.assumed_valid = false;
  EmbeddedEngine full(ex, kGenesis, genesis_state());
  EXPECT_EQ(run(ex, full, items).results.size(), 2u);
}

TEST(EmbeddedEngineRun, KnownBlocksAnswerTheirRecordedResultInARun) {
  ManualExecutor ex;
  const std::vector<ExecuteItem> items = chain_items(ex, 3, /*assumed_valid=*/true);
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  ASSERT_TRUE(execute(ex, engine, items[0].parent, items[0].block_hash, items[0].context,
                      items[0].payload));
  const ExecutedRun out = run(ex, engine, items);
  ASSERT_EQ(out.results.size(), 3u);
  for (const auto& r : out.results) EXPECT_TRUE(r.has_value());
  EXPECT_EQ(engine.state_count(), 4u);  // genesis and three blocks
}


// A run keeps only the state after its last block; the states inside it are rebuilt when
// something needs them. Whatever needs them sees what executing one block at a time gives.
std::vector<ExecuteItem> executed_one_by_one(ManualExecutor& ex, EmbeddedEngine& engine,
                                             const std::vector<ExecuteItem>& items) {
  for (const ExecuteItem& item : items) {
    EXPECT_TRUE(execute(ex, engine, item.parent, item.block_hash, item.context, item.payload));
  }
  return items;
}

// A child of `parent` built on `reference` (key 2's first transfer), executed on `engine`:
// both must reach the same root.
void expect_fork_agrees(ManualExecutor& ex, EmbeddedEngine& reference, EmbeddedEngine& engine,
                        const ExecuteItem& parent, std::uint8_t fork_id) {
  BuiltPayload fork = build(
      ex, reference, parent.block_hash,
      request(parent.context.height + 1,
              {transfer(test_key(2), 0, plain_address(7), Wei::from_sat(3), Wei{})}));
  auto on_engine =
      execute(ex, engine, parent.block_hash, block_id(fork_id), fork.context, fork.payload);
  ASSERT_TRUE(on_engine.has_value()) << on_engine.error().message();
  EXPECT_EQ(on_engine->state_root, fork.payload.state_root);
}

TEST(EmbeddedEngineRun, StatesInsideARunServeForksAndQueriesAsOneByOne) {
  for (const bool assumed_valid : {false, true}) {
    SCOPED_TRACE(assumed_valid ? "assumed valid" : "checked");
    ManualExecutor ex;
    const std::vector<ExecuteItem> items = chain_items(ex, 6, assumed_valid);
    EmbeddedEngine reference(ex, kGenesis, genesis_state());
    executed_one_by_one(ex, reference, items);
    EmbeddedEngine engine(ex, kGenesis, genesis_state());
    ASSERT_EQ(run(ex, engine, items).results.size(), 6u);

    // A query on a state inside the run.
    Slot<Account> queried;
    engine.account(items[1].block_hash, plain_address(5), queried.callback());
    ex.run();
    ASSERT_TRUE(queried.value.has_value() && queried.value->has_value());
    EXPECT_EQ(**queried.value, *reference.account_now(items[1].block_hash, plain_address(5)));
    EXPECT_EQ((*queried.value)->balance, Wei::from_sat(2));  // blocks 1 and 2 paid 1 sat each

    // Forks from inside the run (one on a state rebuilt just before, one not).
    expect_fork_agrees(ex, reference, engine, items[1], 101);
    expect_fork_agrees(ex, reference, engine, items[3], 103);
    for (const ExecuteItem& item : items) {
      ASSERT_NE(engine.state(item.block_hash), nullptr);
      EXPECT_EQ(engine.state(item.block_hash)->state_root(), item.payload.state_root);
    }
  }
}

// A run whose last item starts another chain, on a recorded block the run began from: the
// chain it leaves keeps its last state, the new one runs on the state it names.
TEST(EmbeddedEngineRun, ARunThatChangesChainsRunsEachOnTheStateItNames) {
  ManualExecutor ex;
  std::vector<ExecuteItem> items = chain_items(ex, 3, /*assumed_valid=*/false);
  EmbeddedEngine reference(ex, kGenesis, genesis_state());
  executed_one_by_one(ex, reference, items);
  BuiltPayload fork = build(
      ex, reference, items[0].block_hash,
      request(2, {transfer(test_key(2), 0, plain_address(7), Wei::from_sat(3), Wei{})}));
  items.push_back(ExecuteItem{items[0].block_hash, block_id(102), fork.context, fork.payload});
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  ASSERT_TRUE(execute(ex, engine, kGenesis, items[0].block_hash, items[0].context,
                      items[0].payload));
  const ExecutedRun out =
      run(ex, engine, std::vector<ExecuteItem>(items.begin() + 1, items.end()));
  ASSERT_EQ(out.results.size(), 3u);
  for (const auto& r : out.results) ASSERT_TRUE(r.has_value()) << r.error().message();
  for (const ExecuteItem& item : items) {
    ASSERT_NE(engine.state(item.block_hash), nullptr);
    EXPECT_EQ(engine.state(item.block_hash)->state_root(), item.payload.state_root);
  }
}

// Finality inside a run: the finalized block's state was not kept, and what it would be
// rebuilt from is pruned; it and the states above it must survive that.
TEST(EmbeddedEngineRun, FinalizingABlockInsideARunKeepsItsStateAndThoseAbove) {
  ManualExecutor ex;
  const std::vector<ExecuteItem> items = chain_items(ex, 6, /*assumed_valid=*/true);
  EmbeddedEngine reference(ex, kGenesis, genesis_state());
  executed_one_by_one(ex, reference, items);
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  ASSERT_EQ(run(ex, engine, items).results.size(), 6u);

  StatusSlot fc;
  engine.forkchoice_updated(items[5].block_hash, items[2].block_hash, fc.callback());
  ex.run();
  ASSERT_TRUE(fc.value.has_value() && fc.value->is_ok());
  EXPECT_EQ(engine.state_count(), 4u);  // blocks 3 to 6
  EXPECT_EQ(engine.state(kGenesis), nullptr);
  EXPECT_EQ(engine.state(items[1].block_hash), nullptr);
  for (std::size_t i = 2; i < items.size(); ++i) {
    ASSERT_NE(engine.state(items[i].block_hash), nullptr) << i;
    EXPECT_EQ(engine.state(items[i].block_hash)->state_root(), items[i].payload.state_root);
  }
  expect_fork_agrees(ex, reference, engine, items[3], 103);
}

// Random chains cut into random runs, with random assumed-valid marks, then finalized at a
// random block and again at one above it: every state left, and a fork on any of them,
// agree with one-by-one.
RC_GTEST_PROP(EngineProperty, RunsAgreeWithOneByOneAfterAnyFinality, ()) {
  ManualExecutor ex;
  const auto n = *rc::gen::inRange<std::size_t>(1, 12);
  std::vector<ExecuteItem> items = chain_items(ex, n, /*assumed_valid=*/false);
  for (ExecuteItem& item : items) item.context.assumed_valid = *rc::gen::arbitrary<bool>();
  EmbeddedEngine reference(ex, kGenesis, genesis_state());
  executed_one_by_one(ex, reference, items);
  EmbeddedEngine engine(ex, kGenesis, genesis_state());
  for (std::size_t from = 0; from < n;) {
    const std::size_t len = *rc::gen::inRange<std::size_t>(1, n - from + 1);
    std::vector<ExecuteItem> part(items.begin() + static_cast<std::ptrdiff_t>(from),
                                  items.begin() + static_cast<std::ptrdiff_t>(from + len));
    const ExecutedRun out = run(ex, engine, part);
    RC_ASSERT(out.results.size() == len);
    for (const auto& r : out.results) RC_ASSERT(r.has_value());
    from += len;
  }
  // Finalized twice: the second time from the first one's pruned base.
  const std::size_t first = *rc::gen::inRange<std::size_t>(0, n);
  const std::size_t finalized = *rc::gen::inRange<std::size_t>(first, n);
  for (const std::size_t f : {first, finalized}) {
    StatusSlot fc;
    engine.forkchoice_updated(items.back().block_hash, items[f].block_hash, fc.callback());
    ex.run();
    RC_ASSERT(fc.value.has_value() && fc.value->is_ok());
    RC_ASSERT(engine.state_count() == n - f);
  }
  for (std::size_t i = finalized; i < n; ++i) {
    const Ledger* state = engine.state(items[i].block_hash);
    RC_ASSERT(state != nullptr);
    RC_ASSERT(state->state_root() == items[i].payload.state_root);
  }
  const std::size_t fork_on = *rc::gen::inRange<std::size_t>(finalized, n);
  BuiltPayload fork = build(ex, reference, items[fork_on].block_hash,
                            request(fork_on + 2, {transfer(test_key(2), 0, plain_address(7),
                                                           Wei::from_sat(3), Wei{})}));
  auto on_engine = execute(ex, engine, items[fork_on].block_hash, block_id(200), fork.context,
                           fork.payload);
  RC_ASSERT(on_engine.has_value());
  RC_ASSERT(on_engine->state_root == fork.payload.state_root);
}

}  // namespace
}  // namespace alys::execution
