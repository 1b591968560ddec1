// SimBitcoin: the chain is real Bitcoin (parses, merkle roots, PoW, BIP34, witness
// commitment), block timing follows the configured mean, runs are seed-deterministic, the
// mempool/UTXO rules reject double spends and bad federation signatures, reorgs replace
// blocks and re-mine or evict transactions, and the per-node RPC clients answer later, on
// the node, and not at all after a crash or the client's destruction; gettxout and
// listunspent read the confirmed UTXO set.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/bitcoin/block.h"
#include "core/bitcoin/federation.h"
#include "core/bitcoin/merkle.h"
#include "core/bitcoin/pegin.h"
#include "core/bitcoin/pow.h"
#include "core/bitcoin/script.h"
#include "core/bitcoin/uint256.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/sha256.h"
#include "core/types/hex.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::script;

constexpr std::uint32_t kRegtestBits = 0x207fffff;

SecretKey member_key(std::uint8_t i) {
  Bytes raw(32, 0);
  raw[31] = i;
  return *SecretKey::from_bytes(raw);
}

// Members are keys 1..n.
Federation make_federation(std::size_t n = 3, std::size_t m = 2) {
  std::vector<XOnlyPublicKey> keys;
  for (std::size_t i = 1; i <= n; ++i) {
    keys.push_back(member_key(static_cast<std::uint8_t>(i)).xonly_public_key());
  }
  return *Federation::create(std::move(keys), m);
}

EvmAddress address_with(std::uint8_t first, std::uint8_t fill) {
  EvmAddress a{};
  a.fill(fill);
  a[0] = first;
  return a;
}

Transaction spend(const std::vector<OutPoint>& inputs, const std::vector<std::int64_t>& values,
                  const Bytes& script_pubkey = SimBitcoin::user_script_pubkey()) {
  Transaction tx;
  for (const OutPoint& op : inputs) {
    TxIn in;
    in.prevout = op;
    tx.inputs.push_back(in);
  }
  for (std::int64_t v : values) tx.outputs.push_back(TxOut{v, script_pubkey});
  return tx;
}

// Code and message of a result (kOk / "(ok)" for a value): safe to compare either way.
template <typename T>
StatusCode code_of(const Result<T>& r) {
  return r.has_value() ? StatusCode::kOk : r.error().code();
}
template <typename T>
std::string message_of(const Result<T>& r) {
  return r.has_value() ? std::string("(ok)") : r.error().message();
}

// Runs the world until the callback given to `call` has run; the callback must not run
// inside `call`.
template <typename T, typename Call>
Result<T> await(World& world, Call call) {
  std::optional<Result<T>> out;
  call([&out](Result<T> r) { out.emplace(std::move(r)); });
  EXPECT_FALSE(out.has_value()) << "callback ran inside the call";
  while (!out.has_value() && world.step()) {
  }
  if (!out.has_value()) return Status::timeout("test: no answer");
  return *out;
}

struct Fixture {
  explicit Fixture(std::uint64_t seed = 1, SimBitcoinConfig config = {},
                   std::size_t nodes = 2)
      : world(config_with_seed(seed)) {
    for (std::size_t i = 0; i < nodes; ++i) world.add_node(script());
    world.run_for(1ms);  // boot the nodes
    btc.emplace(world, config, make_federation());
  }
  World world;
  std::optional<SimBitcoin> btc;
};

// --- the chain --------------------------------------------------------------------------

TEST(SimBitcoinChain, BlocksAreRealBitcoinBlocks) {
  Fixture f(11);
  SimBitcoin& btc = *f.btc;
  btc.start(f.world.now() + 24h);
  for (int i = 0; i < 24; ++i) {
    ASSERT_TRUE(btc.deposit(address_with(0x80, static_cast<std::uint8_t>(0x90 + i)),
                            100'000 + i, 1'000).has_value());
    f.world.run_for(1h);
  }
  btc.stop();
  btc.mine_now(15);  // same instant: block times must still climb above the median
  ASSERT_GT(btc.tip_height(), 50u);
  const Uint256 pow_limit = Uint256::max() >> 1;
  std::size_t user_txs = 0;
  for (std::uint64_t h = 0; h <= btc.tip_height(); ++h) {
    const Block* block = btc.block_at(h);
    ASSERT_NE(block, nullptr);
    // Round-trips through the real decoder.
    auto parsed = parse_block(serialize_block(*block));
    ASSERT_TRUE(parsed.has_value()) << parsed.error().to_string();
    EXPECT_EQ(*parsed, *block);
    const Hash256 hash = block_hash(block->header);
    if (h == btc.tip_height()) {
      EXPECT_EQ(hash, btc.tip_hash());
    }
    // Header fields.
    const MerkleRoot root = block_merkle_root(*block);
    EXPECT_FALSE(root.mutated);
    EXPECT_EQ(block->header.merkle_root, root.root);
    EXPECT_EQ(block->header.bits, kRegtestBits);
    EXPECT_TRUE(check_proof_of_work(hash, block->header.bits, pow_limit).is_ok());
    if (h == 0) {
      EXPECT_TRUE(block->header.prev_block.is_zero());
    } else {
      EXPECT_EQ(block->header.prev_block, block_hash(btc.block_at(h - 1)->header));
      // Time above the median of the previous 11 blocks.
      std::vector<std::uint32_t> times;
      for (std::uint64_t k = h >= 11 ? h - 11 : 0; k < h; ++k) {
        times.push_back(btc.block_at(k)->header.time);
      }
      std::sort(times.begin(), times.end());
      EXPECT_GT(block->header.time, times[times.size() / 2]);
    }
    EXPECT_EQ(btc.block_height(hash), h);
    EXPECT_TRUE(btc.on_best_chain(hash));
    // Coinbase first, BIP34 height push first in its scriptSig, pays the miner.
    ASSERT_FALSE(block->transactions.empty());
    const Transaction& cb = block->transactions[0];
    EXPECT_TRUE(cb.is_coinbase());
    Bytes height_push;
    script_push_int(height_push, static_cast<std::int64_t>(h));
    ASSERT_GE(cb.inputs[0].script_sig.size(), height_push.size());
    EXPECT_TRUE(std::equal(height_push.begin(), height_push.end(),
                           cb.inputs[0].script_sig.begin()));
    EXPECT_TRUE(equal_bytes(cb.outputs[0].script_pubkey, SimBitcoin::miner_script_pubkey()));
    // BIP141 witness commitment.
    const Bytes& commit = cb.outputs.back().script_pubkey;
    ASSERT_EQ(commit.size(), 38u);
    EXPECT_EQ(to_hex(ByteView(commit).first(6)), "6a24aa21a9ed");
    const Hash256 expected = sha256d(
        concat(block_witness_merkle_root(*block).root.view(), cb.inputs[0].witness.at(0)));
    EXPECT_TRUE(equal_bytes(ByteView(commit).subspan(6), expected.view()));
    for (std::size_t t = 1; t < block->transactions.size(); ++t) {
      EXPECT_FALSE(block->transactions[t].is_coinbase());
      ++user_txs;
    }
  }
  // Every deposit before the last hour got mined; the last may still wait.
  EXPECT_GE(user_txs, 23u);
  EXPECT_EQ(btc.block_at(btc.tip_height() + 1), nullptr);
}

TEST(SimBitcoinChain, MeanIntervalIsRoughlyAsConfigured) {
  SimBitcoinConfig config;
  config.block_interval_mean = 10min;
  Fixture f(3, config, 1);
  const std::uint64_t expected = 2000;
  f.btc->start(f.world.now() + expected * 10min);
  f.world.run_for(expected * 10min + 1s);
  // Poisson: sd ~ 45 blocks; the bound is over 4 sd either side.
  EXPECT_GT(f.btc->tip_height(), expected - 200);
  EXPECT_LT(f.btc->tip_height(), expected + 200);
  // Nothing is mined after `until`.
  const std::uint64_t tip = f.btc->tip_height();
  f.world.run_for(24h);
  EXPECT_EQ(f.btc->tip_height(), tip);
  EXPECT_EQ(f.btc->stats().blocks_mined, tip + 1);
}

TEST(SimBitcoinChain, StopCancelsTheSchedule) {
  Fixture f(4);
  f.btc->start(f.world.now() + 240h);
  f.world.run_for(2h);
  f.btc->stop();
  const std::uint64_t tip = f.btc->tip_height();
  f.world.run_for(48h);
  EXPECT_EQ(f.btc->tip_height(), tip);
}

// One run mixing scheduled blocks, deposits, RPC calls and a reorg.
std::pair<Hash256, std::uint64_t> run_once(std::uint64_t seed) {
  Fixture f(seed);
  SimBitcoin& btc = *f.btc;
  auto rpc = btc.client(0);
  btc.start(f.world.now() + 12h);
  for (int i = 0; i < 12; ++i) {
    EXPECT_TRUE(btc.deposit(address_with(0xee, static_cast<std::uint8_t>(i)), 50'000, 2'000)
                    .has_value());
    rpc->get_block_count([](Result<std::uint64_t>) {});
    f.world.run_for(1h);
  }
  EXPECT_TRUE(btc.reorg(2).is_ok());
  f.world.run_for(1h);
  return {btc.tip_hash(), f.world.trace_hash()};
}

TEST(SimBitcoinChain, SameSeedSameChainDifferentSeedDifferentChain) {
  const auto a = run_once(42);
  const auto b = run_once(42);
  const auto c = run_once(43);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.first, c.first);
  EXPECT_NE(a.second, c.second);
}

TEST(SimBitcoinChain, FeeRateWalkStaysInBounds) {
  SimBitcoinConfig config;
  config.fee_rate_sat_per_kvb = 3000;
  config.fee_rate_step_sat_per_kvb = 700;
  config.fee_rate_min_sat_per_kvb = 1000;
  config.fee_rate_max_sat_per_kvb = 5000;
  Fixture f(5, config);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    f.btc->mine_now(1);
    const std::int64_t r = f.btc->fee_rate().sat_per_kvb;
    EXPECT_GE(r, 1000);
    EXPECT_LE(r, 5000);
    seen.insert(r);
  }
  EXPECT_GT(seen.size(), 10u);
  // Constant without a step.
  Fixture g(5);
  g.btc->mine_now(20);
  EXPECT_EQ(g.btc->fee_rate().sat_per_kvb, 2000);
}

// --- RPC delivery ---------------------------------------------------------------------

TEST(SimBitcoinRpc, AnswersArriveLaterOnTheCallingNode) {
  Fixture f(6);
  auto rpc = f.btc->client(1);
  const SimBitcoinConfig& c = f.btc->config();
  for (int i = 0; i < 50; ++i) {
    bool called = false;
    Instant at{};
    NodeId ran_on = kNoNode;
    const Instant t0 = f.world.now();
    // The call is made by node 1's code (from an event of node 1).
    f.world.schedule_for(1, t0, EventKind::kCustom, 0, [&] {
      rpc->get_block_count([&](Result<std::uint64_t> r) {
        called = true;
        at = f.world.now();
        ran_on = f.world.current_node();
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(*r, f.btc->tip_height());
      });
      EXPECT_FALSE(called);
    });
    f.world.run_for(1s);
    ASSERT_TRUE(called);
    EXPECT_EQ(ran_on, 1u);
    EXPECT_GE(at - t0, c.rpc_latency_min);
    EXPECT_LE(at - t0, c.rpc_latency_max);
  }
  EXPECT_EQ(f.btc->stats().rpc_calls, 50u);
}

TEST(SimBitcoinRpc, CrashedNodeGetsNoAnswer) {
  Fixture f(7);
  auto rpc = f.btc->client(0);
  int answers = 0;
  rpc->get_block_count([&](Result<std::uint64_t>) { ++answers; });
  rpc->estimate_smart_fee(6, [&](Result<bridge::FeeRate>) { ++answers; });
  f.world.crash(0);
  f.world.run_for(1s);
  f.world.restart(0);
  f.world.run_for(1s);
  EXPECT_EQ(answers, 0);
  // The restarted node's new calls are answered.
  auto r = await<std::uint64_t>(f.world, [&](auto cb) { rpc->get_block_count(cb); });
  EXPECT_TRUE(r.has_value());
}

TEST(SimBitcoinRpc, BroadcastTakesEffectEvenIfTheCallerCrashesBeforeTheAnswer) {
  Fixture f(17);
  SimBitcoin& btc = *f.btc;
  auto rpc = btc.client(0);
  const Transaction tx = spend({btc.credit_user_coin(100'000)}, {90'000});
  int answers = 0;
  rpc->send_raw_transaction(tx, [&](Result<Hash256>) { ++answers; });
  while (!btc.in_mempool(txid(tx)) && f.world.step()) {
  }
  ASSERT_TRUE(btc.in_mempool(txid(tx)));  // bitcoind got it...
  f.world.crash(0);
  f.world.restart(0);
  f.world.run_for(1s);
  EXPECT_EQ(answers, 0);  // ...but the node never heard back
  // A request still in flight when its client is destroyed also takes effect.
  const Transaction tx2 = spend({btc.credit_user_coin(100'000)}, {90'000});
  rpc->send_raw_transaction(tx2, [&](Result<Hash256>) { ++answers; });
  rpc.reset();
  f.world.run_for(1s);
  EXPECT_TRUE(btc.in_mempool(txid(tx2)));
  EXPECT_EQ(answers, 0);
  EXPECT_EQ(btc.mempool_txids(), (std::vector<Hash256>{txid(tx), txid(tx2)}));
}

TEST(SimBitcoinRpc, RequestsInFlightWhenTheModelIsDestroyedDoNothing) {
  World world(config_with_seed(18));
  world.add_node(script());
  world.run_for(1ms);
  int answers = 0;
  {
    SimBitcoin btc(world, {}, std::nullopt);
    btc.start(world.now() + 24h);
    auto rpc = btc.client(0);
    rpc->get_block_count([&](Result<std::uint64_t>) { ++answers; });
    // The client outlives nothing here: destroyed first, then the model.
  }
  world.run_for(48h);
  EXPECT_EQ(answers, 0);
}

TEST(SimBitcoinRpc, DestroyedClientGetsNoAnswer) {
  Fixture f(8);
  auto rpc = f.btc->client(0);
  auto other = f.btc->client(0);
  int answers = 0, other_answers = 0;
  rpc->get_block_count([&](Result<std::uint64_t>) { ++answers; });
  rpc->get_block_hash(0, [&](Result<Hash256>) { ++answers; });
  other->get_block_count([&](Result<std::uint64_t>) { ++other_answers; });
  rpc.reset();
  f.world.run_for(1s);
  EXPECT_EQ(answers, 0);
  EXPECT_EQ(other_answers, 1);
}

TEST(SimBitcoinRpc, OutageAnswersUnavailableAfterTimeoutThenRecovers) {
  Fixture f(9);
  SimBitcoin& btc = *f.btc;
  auto rpc0 = btc.client(0);
  auto rpc1 = btc.client(1);
  const Instant t0 = f.world.now();
  btc.set_outage(0, t0 + 60s);
  EXPECT_TRUE(btc.in_outage(0));
  EXPECT_FALSE(btc.in_outage(1));
  std::optional<Result<std::uint64_t>> down;
  Instant down_at{};
  rpc0->get_block_count([&](Result<std::uint64_t> r) {
    down.emplace(std::move(r));
    down_at = f.world.now();
  });
  auto up = await<std::uint64_t>(f.world, [&](auto cb) { rpc1->get_block_count(cb); });
  EXPECT_TRUE(up.has_value());  // another node's bitcoind is fine
  f.world.run_for(10s);
  ASSERT_TRUE(down.has_value());
  ASSERT_FALSE(down->has_value());
  EXPECT_EQ(code_of(*down), StatusCode::kUnavailable);
  EXPECT_EQ(down_at - t0, btc.config().rpc_timeout);
  f.world.run_until(t0 + 61s);
  auto back = await<std::uint64_t>(f.world, [&](auto cb) { rpc0->get_block_count(cb); });
  EXPECT_TRUE(back.has_value());

  // The global form.
  btc.set_outage_all(f.world.now() + 30s);
  auto all = await<std::uint64_t>(f.world, [&](auto cb) { rpc1->get_block_count(cb); });
  ASSERT_FALSE(all.has_value());
  EXPECT_EQ(code_of(all), StatusCode::kUnavailable);
  f.world.run_for(31s);
  EXPECT_TRUE(await<std::uint64_t>(f.world, [&](auto cb) { rpc1->get_block_count(cb); }));
}

TEST(SimBitcoinRpc, MethodsFollowBitcoind) {
  Fixture f(10);
  SimBitcoin& btc = *f.btc;
  auto rpc = btc.client(0);
  btc.mine_now(3);

  auto hash = await<Hash256>(f.world, [&](auto cb) { rpc->get_block_hash(2, cb); });
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(*hash, block_hash(btc.block_at(2)->header));
  auto above = await<Hash256>(f.world, [&](auto cb) { rpc->get_block_hash(4, cb); });
  ASSERT_FALSE(above.has_value());
  EXPECT_EQ(code_of(above), StatusCode::kNotFound);

  auto header = await<bridge::BlockHeaderInfo>(
      f.world, [&](auto cb) { rpc->get_block_header(*hash, cb); });
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->height, 2u);
  EXPECT_EQ(header->confirmations, 2);
  EXPECT_EQ(header->header, btc.block_at(2)->header);
  auto unknown = await<bridge::BlockHeaderInfo>(
      f.world, [&](auto cb) { rpc->get_block_header(Hash256{}, cb); });
  EXPECT_EQ(code_of(unknown), StatusCode::kNotFound);

  auto block = await<Block>(f.world, [&](auto cb) { rpc->get_block(*hash, cb); });
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(*block, *btc.block_at(2));

  // A transaction through sendrawtransaction: mempool, then confirmed.
  const OutPoint coin = btc.credit_user_coin(100'000);
  const Transaction tx = spend({coin}, {90'000});
  auto sent = await<Hash256>(f.world, [&](auto cb) { rpc->send_raw_transaction(tx, cb); });
  ASSERT_TRUE(sent.has_value()) << sent.error().to_string();
  EXPECT_EQ(*sent, txid(tx));
  auto entry = await<bridge::MempoolEntry>(
      f.world, [&](auto cb) { rpc->get_mempool_entry(*sent, cb); });
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->fee_sat, 10'000);
  EXPECT_EQ(entry->vsize, (transaction_weight(tx) + 3) / 4);
  auto pending = await<bridge::RawTransactionInfo>(
      f.world, [&](auto cb) { rpc->get_raw_transaction(*sent, cb); });
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->tx, tx);
  EXPECT_FALSE(pending->block_hash.has_value());
  EXPECT_EQ(pending->confirmations, 0);

  const Hash256 mined = btc.mine_now(1)[0];
  btc.mine_now(1);
  auto confirmed = await<bridge::RawTransactionInfo>(
      f.world, [&](auto cb) { rpc->get_raw_transaction(*sent, cb); });
  ASSERT_TRUE(confirmed.has_value());
  EXPECT_EQ(confirmed->block_hash, mined);
  EXPECT_EQ(confirmed->confirmations, 2);
  auto gone = await<bridge::MempoolEntry>(
      f.world, [&](auto cb) { rpc->get_mempool_entry(*sent, cb); });
  EXPECT_EQ(code_of(gone), StatusCode::kNotFound);
  auto again = await<Hash256>(f.world, [&](auto cb) { rpc->send_raw_transaction(tx, cb); });
  EXPECT_EQ(code_of(again), StatusCode::kFailedPrecondition);
  auto missing = await<bridge::RawTransactionInfo>(
      f.world, [&](auto cb) { rpc->get_raw_transaction(Hash256{}, cb); });
  EXPECT_EQ(code_of(missing), StatusCode::kNotFound);

  auto count = await<std::uint64_t>(f.world, [&](auto cb) { rpc->get_block_count(cb); });
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 5u);
  auto fee = await<bridge::FeeRate>(f.world, [&](auto cb) { rpc->estimate_smart_fee(6, cb); });
  ASSERT_TRUE(fee.has_value());
  EXPECT_EQ(fee->sat_per_kvb, 2000);
  auto bad_target =
      await<bridge::FeeRate>(f.world, [&](auto cb) { rpc->estimate_smart_fee(0, cb); });
  EXPECT_FALSE(bad_target.has_value());
}

// --- gettxout / listunspent -----------------------------------------------------------

using TxOutAnswer = std::optional<bridge::TxOutInfo>;
using UnspentList = std::vector<bridge::UnspentOutput>;

// A P2WPKH script no other test code pays.
Bytes watched_script() {
  Bytes s{op::k0, 20};
  s.resize(22, 0x77);
  return s;
}

TEST(SimBitcoinRpc, GetTxOutReadsTheConfirmedUtxoSet) {
  Fixture f(21);
  SimBitcoin& btc = *f.btc;
  auto rpc = btc.client(0);
  btc.mine_now(2);
  const Bytes fed_spk = btc.federation()->script_pubkey();
  auto get = [&](const OutPoint& point) {
    return await<TxOutAnswer>(f.world, [&](auto cb) { rpc->get_tx_out(point, cb); });
  };

  // A peg-in from a user coin with change (output 2 pays the user).
  const OutPoint coin = btc.credit_user_coin(5'000'000);
  auto dep = btc.deposit_from(coin, address_with(0x80, 0x11), 1'000'000, 2'000);
  ASSERT_TRUE(dep.has_value()) << dep.error().to_string();
  // Only in the mempool: not in the UTXO set yet (include_mempool=false). The coin it
  // spends still is (a mempool spend does not hide it).
  auto pending = get(OutPoint{*dep, 0});
  ASSERT_TRUE(pending.has_value()) << pending.error().to_string();
  EXPECT_FALSE(pending->has_value());
  auto spent_in_mempool = get(coin);
  ASSERT_TRUE(spent_in_mempool.has_value());
  ASSERT_TRUE(spent_in_mempool->has_value());
  EXPECT_EQ((*spent_in_mempool)->out.value, 5'000'000);
  // A credited coin counts from height 0.
  EXPECT_EQ((*spent_in_mempool)->confirmations,
            static_cast<std::int64_t>(btc.tip_height()) + 1);

  btc.mine_now(2);  // the deposit is in block 3; the tip is block 4
  auto found = get(OutPoint{*dep, 0});
  ASSERT_TRUE(found.has_value()) << found.error().to_string();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->out.value, 1'000'000);
  EXPECT_TRUE(equal_bytes((*found)->out.script_pubkey, fed_spk));
  EXPECT_EQ((*found)->confirmations, 2);
  EXPECT_EQ((*found)->best_block, btc.tip_hash());
  EXPECT_EQ(**found, (bridge::TxOutInfo{TxOut{1'000'000, fed_spk}, 2, btc.tip_hash()}));
  auto change = get(OutPoint{*dep, 2});
  ASSERT_TRUE(change.has_value());
  ASSERT_TRUE(change->has_value());
  EXPECT_EQ((*change)->out.value, 5'000'000 - 1'000'000 - 2'000);

  // No such output: the OP_RETURN (never in the UTXO set), a vout past the end, a txid
  // nobody has, and the coin the deposit spent. All nullopt, not errors.
  for (const OutPoint& point :
       {OutPoint{*dep, 1}, OutPoint{*dep, 7}, OutPoint{Hash256{}, 0}, coin}) {
    auto r = get(point);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_FALSE(r->has_value()) << point.vout;
  }

  // The change, spent: still there while the spend is only in the mempool, gone once mined.
  const Transaction spend_change = spend({OutPoint{*dep, 2}}, {3'990'000});
  ASSERT_TRUE(btc.submit(spend_change).has_value());
  auto before = get(OutPoint{*dep, 2});
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(before->has_value());
  EXPECT_EQ((*before)->confirmations, 2);
  btc.mine_now(1);
  auto after = get(OutPoint{*dep, 2});
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->has_value());
  auto fresh = get(OutPoint{txid(spend_change), 0});
  ASSERT_TRUE(fresh.has_value());
  ASSERT_TRUE(fresh->has_value());
  EXPECT_EQ((*fresh)->out.value, 3'990'000);
  EXPECT_EQ((*fresh)->confirmations, 1);
  // The peg-in output has one more confirmation, and the answer names the new tip.
  auto again = get(OutPoint{*dep, 0});
  ASSERT_TRUE(again.has_value());
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->confirmations, 3);
  EXPECT_EQ((*again)->best_block, btc.tip_hash());
}

TEST(SimBitcoinRpc, ListUnspentListsConfirmedCoinsOfTheScriptInOutpointOrder) {
  Fixture f(22);
  SimBitcoin& btc = *f.btc;
  auto rpc = btc.client(1);
  const Bytes watched = watched_script();
  auto list = [&](std::uint32_t min_conf) {
    return await<UnspentList>(f.world,
                              [&](auto cb) { rpc->list_unspent(watched, min_conf, cb); });
  };

  // Several transactions paying the watched script, in three blocks and the mempool; also
  // outputs paying other scripts.
  std::vector<Transaction> txs;
  for (int i = 0; i < 3; ++i) {
    txs.push_back(spend({btc.credit_user_coin(1'000'000)}, {300'000 + i, 200'000 + i}, watched));
    txs.back().outputs.push_back(TxOut{100'000, SimBitcoin::user_script_pubkey()});
    ASSERT_TRUE(btc.submit(txs.back()).has_value());
  }
  btc.mine_now(1);  // height 1: txs[0..2]
  for (int i = 3; i < 6; ++i) {
    txs.push_back(spend({btc.credit_user_coin(1'000'000)}, {400'000 + i}, watched));
    ASSERT_TRUE(btc.submit(txs.back()).has_value());
  }
  btc.mine_now(1);  // height 2: txs[3..5]
  btc.mine_now(1);  // height 3
  txs.push_back(spend({btc.credit_user_coin(1'000'000)}, {500'000}, watched));
  ASSERT_TRUE(btc.submit(txs.back()).has_value());  // txs[6]: mempool only

  // The expected answer for a confirmation threshold, built independently and sorted.
  auto expected = [&](std::int64_t min_conf, const std::set<OutPoint>& exclude = {}) {
    UnspentList want;
    for (std::size_t t = 0; t < txs.size(); ++t) {
      const auto conf = btc.confirmations(txid(txs[t]));
      if (!conf || *conf == 0) continue;
      for (std::uint32_t v = 0; v < txs[t].outputs.size(); ++v) {
        if (!equal_bytes(txs[t].outputs[v].script_pubkey, watched)) continue;
        const OutPoint point{txid(txs[t]), v};
        if (static_cast<std::int64_t>(*conf) < min_conf || exclude.count(point) != 0) continue;
        want.push_back({point, txs[t].outputs[v].value, static_cast<std::int64_t>(*conf)});
      }
    }
    std::sort(want.begin(), want.end(),
              [](const auto& a, const auto& b) { return a.outpoint < b.outpoint; });
    return want;
  };

  auto one = list(1);
  ASSERT_TRUE(one.has_value()) << one.error().to_string();
  ASSERT_EQ(one->size(), 9u);  // 3 x 2 at 3 confirmations, 3 x 1 at 2; not the mempool one
  EXPECT_EQ(*one, expected(1));
  EXPECT_TRUE(std::is_sorted(one->begin(), one->end(), [](const auto& a, const auto& b) {
    return a.outpoint < b.outpoint;
  }));
  std::int64_t total = 0;
  for (const auto& u : *one) {
    total += u.value;
    EXPECT_GE(u.confirmations, 2);
  }
  EXPECT_EQ(total, (300'000 * 3 + 3) + (200'000 * 3 + 3) + (400'000 * 3 + 12));
  auto zero = list(0);  // 0 reads as 1: the mempool output is never listed
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(*zero, *one);
  auto two = list(2);
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(*two, *one);
  auto three = list(3);
  ASSERT_TRUE(three.has_value());
  ASSERT_EQ(three->size(), 6u);
  EXPECT_EQ(*three, expected(3));
  for (const auto& u : *three) EXPECT_EQ(u.confirmations, 3);
  auto four = list(4);
  ASSERT_TRUE(four.has_value());
  EXPECT_TRUE(four->empty());
  auto nobody = await<UnspentList>(
      f.world, [&](auto cb) { rpc->list_unspent(Bytes{op::k1}, 1, cb); });
  ASSERT_TRUE(nobody.has_value());
  EXPECT_TRUE(nobody->empty());

  // Spent coins: a spend in the mempool already hides the coin (the wallet saw it), and it
  // stays hidden once mined. The mempool output becomes listable once mined.
  const OutPoint a{txid(txs[0]), 0};
  const OutPoint b{txid(txs[4]), 0};
  ASSERT_TRUE(btc.submit(spend({a, b}, {690'000})).has_value());
  auto pending = list(1);
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->size(), 7u);
  EXPECT_EQ(*pending, expected(1, {a, b}));
  btc.mine_now(1);
  auto mined = list(1);
  ASSERT_TRUE(mined.has_value());
  ASSERT_EQ(mined->size(), 8u);  // 9 - 2 spent + txs[6]
  EXPECT_EQ(*mined, expected(1, {a, b}));
  EXPECT_TRUE(std::none_of(mined->begin(), mined->end(), [&](const auto& u) {
    return u.outpoint == a || u.outpoint == b;
  }));
  EXPECT_TRUE(std::any_of(mined->begin(), mined->end(), [&](const auto& u) {
    return u.outpoint == OutPoint{txid(txs[6]), 0} && u.value == 500'000 &&
           u.confirmations == 1;
  }));
  auto deep = list(2);
  ASSERT_TRUE(deep.has_value());
  EXPECT_EQ(deep->size(), 7u);
  EXPECT_EQ(*deep, expected(2, {a, b}));
}

TEST(SimBitcoinRpc, ListUnspentLeavesOutImmatureCoinbaseOutputs) {
  SimBitcoinConfig config;
  config.coinbase_maturity = 3;
  Fixture f(23, config);
  SimBitcoin& btc = *f.btc;
  auto rpc = btc.client(0);
  btc.mine_now(4);  // coinbases at heights 0..4: 5, 4, 3, 2 and 1 confirmations
  auto r = await<UnspentList>(f.world, [&](auto cb) {
    rpc->list_unspent(SimBitcoin::miner_script_pubkey(), 1, cb);
  });
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  UnspentList want;
  for (std::uint64_t h = 0; h <= 2; ++h) {
    want.push_back({OutPoint{txid(btc.block_at(h)->transactions[0]), 0},
                    config.block_subsidy_sat, static_cast<std::int64_t>(5 - h)});
  }
  std::sort(want.begin(), want.end(),
            [](const auto& a, const auto& b) { return a.outpoint < b.outpoint; });
  EXPECT_EQ(*r, want);
  // gettxout shows an immature coinbase output all the same.
  auto young = await<TxOutAnswer>(f.world, [&](auto cb) {
    rpc->get_tx_out(OutPoint{txid(btc.block_at(4)->transactions[0]), 0}, cb);
  });
  ASSERT_TRUE(young.has_value());
  ASSERT_TRUE(young->has_value());
  EXPECT_EQ((*young)->confirmations, 1);
  EXPECT_EQ((*young)->out.value, config.block_subsidy_sat);
}

TEST(SimBitcoinRpc, GetTxOutAndListUnspentFailUnavailableDuringAnOutage) {
  Fixture f(24);
  SimBitcoin& btc = *f.btc;
  auto rpc0 = btc.client(0);
  auto rpc1 = btc.client(1);
  const Bytes watched = watched_script();
  const Transaction tx = spend({btc.credit_user_coin(1'000'000)}, {900'000}, watched);
  ASSERT_TRUE(btc.submit(tx).has_value());
  btc.mine_now(1);
  const OutPoint out{txid(tx), 0};

  const Instant t0 = f.world.now();
  btc.set_outage(0, t0 + 60s);
  Instant tx_out_at{}, list_at{};
  auto tx_out = await<TxOutAnswer>(f.world, [&](auto cb) {
    rpc0->get_tx_out(out, [&, cb](Result<TxOutAnswer> r) {
      tx_out_at = f.world.now();
      cb(std::move(r));
    });
  });
  auto listed = await<UnspentList>(f.world, [&](auto cb) {
    rpc0->list_unspent(watched, 1, [&, cb](Result<UnspentList> r) {
      list_at = f.world.now();
      cb(std::move(r));
    });
  });
  ASSERT_FALSE(tx_out.has_value());
  EXPECT_EQ(code_of(tx_out), StatusCode::kUnavailable);
  EXPECT_EQ(tx_out_at - t0, btc.config().rpc_timeout);
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(code_of(listed), StatusCode::kUnavailable);
  EXPECT_EQ(list_at - tx_out_at, btc.config().rpc_timeout);  // called when the first failed

  // Node 1's bitcoind answers meanwhile.
  auto other = await<UnspentList>(f.world, [&](auto cb) { rpc1->list_unspent(watched, 1, cb); });
  ASSERT_TRUE(other.has_value());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ(other->at(0), (bridge::UnspentOutput{out, 900'000, 1}));

  // Every node's bitcoind down: the same for node 1.
  btc.set_outage_all(f.world.now() + 30s);
  auto all = await<TxOutAnswer>(f.world, [&](auto cb) { rpc1->get_tx_out(out, cb); });
  EXPECT_EQ(code_of(all), StatusCode::kUnavailable);

  // Back after both outages end.
  f.world.run_until(t0 + 61s);
  f.world.run_for(31s);
  auto back = await<TxOutAnswer>(f.world, [&](auto cb) { rpc0->get_tx_out(out, cb); });
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->out.value, 900'000);
  auto back_list =
      await<UnspentList>(f.world, [&](auto cb) { rpc0->list_unspent(watched, 1, cb); });
  ASSERT_TRUE(back_list.has_value());
  EXPECT_EQ(*back_list, *other);
}

// --- peg-ins ------------------------------------------------------------------------------

TEST(SimBitcoinPegIn, DepositParsesAsPegInForTheAddressAndAmount) {
  Fixture f(12);
  SimBitcoin& btc = *f.btc;
  const Bytes fed_spk = btc.federation()->script_pubkey();
  // Raw 20-byte form, and an address whose bytes are valid UTF-8 (Alys would read the raw
  // form as text and reject it), which deposit() writes as hex text instead.
  const std::vector<EvmAddress> addresses = {address_with(0xfe, 0xc3), address_with(0x00, 0x01)};
  std::int64_t total = 0;
  std::vector<Hash256> ids;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const std::int64_t amount = 1'000'000 * static_cast<std::int64_t>(i + 1);
    auto id = btc.deposit(addresses[i], amount, 1'500);
    ASSERT_TRUE(id.has_value()) << id.error().to_string();
    const Transaction* tx = btc.transaction(*id);
    ASSERT_NE(tx, nullptr);
    EXPECT_TRUE(equal_bytes(tx->outputs[0].script_pubkey, fed_spk));
    auto pegin = parse_pegin(*tx, fed_spk);
    ASSERT_TRUE(pegin.has_value()) << pegin.error().to_string();
    EXPECT_EQ(pegin->evm_address, addresses[i]);
    EXPECT_EQ(pegin->amount_sat, amount);
    EXPECT_EQ(pegin->vout, 0u);
    EXPECT_EQ(pegin->txid, *id);
    EXPECT_EQ(btc.confirmations(*id), 0u);
    total += amount;
    ids.push_back(*id);
  }
  EXPECT_EQ(btc.deposit_op_return(addresses[0]), pegin_op_return_script(addresses[0]));
  EXPECT_NE(btc.deposit_op_return(addresses[1]), pegin_op_return_script(addresses[1]));
  EXPECT_EQ(btc.balance(fed_spk), 0);  // unconfirmed
  btc.mine_now(1);
  EXPECT_EQ(btc.balance(fed_spk), total);
  const auto utxos = btc.utxos_paying(fed_spk);
  ASSERT_EQ(utxos.size(), 2u);
  for (const Hash256& id : ids) {
    EXPECT_EQ(btc.confirmations(id), 1u);
    EXPECT_TRUE(std::any_of(utxos.begin(), utxos.end(), [&](const Utxo& u) {
      return u.outpoint == OutPoint{id, 0} && u.height == 1;
    }));
  }

  // From an existing coin, with change back to the user.
  const OutPoint coin = btc.credit_user_coin(5'000'000);
  auto id = btc.deposit_from(coin, addresses[0], 1'000'000, 2'000);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  const Transaction* tx = btc.transaction(*id);
  ASSERT_EQ(tx->outputs.size(), 3u);
  EXPECT_EQ(tx->outputs[2].value, 5'000'000 - 1'000'000 - 2'000);
  EXPECT_TRUE(equal_bytes(tx->outputs[2].script_pubkey, SimBitcoin::user_script_pubkey()));
  // Errors as values.
  EXPECT_EQ(code_of(btc.deposit(addresses[0], 0, 1'000)), StatusCode::kInvalidArgument);
  EXPECT_FALSE(btc.deposit_from(coin, addresses[0], 1'000, 1'000).has_value());  // spent
  World w(config_with_seed(1));
  SimBitcoin no_fed(w, {}, std::nullopt);
  EXPECT_EQ(code_of(no_fed.deposit(addresses[0], 1'000, 1'000)),
            StatusCode::kFailedPrecondition);
}

// --- validation -----------------------------------------------------------------------------

TEST(SimBitcoinMempool, DoubleSpendsAndBadTransactionsAreRejected) {
  Fixture f(13);
  SimBitcoin& btc = *f.btc;
  const OutPoint coin = btc.credit_user_coin(100'000);
  const Transaction a = spend({coin}, {90'000});
  const Transaction b = spend({coin}, {80'000});
  auto ra = btc.submit(a);
  ASSERT_TRUE(ra.has_value()) << ra.error().to_string();
  auto rb = btc.submit(b);
  ASSERT_FALSE(rb.has_value());
  EXPECT_EQ(code_of(rb), StatusCode::kInvalidArgument);
  EXPECT_EQ(message_of(rb), "txn-mempool-conflict");
  EXPECT_TRUE(btc.submit(a).has_value());  // resubmitting a mempool tx is fine
  EXPECT_EQ(btc.mempool_size(), 1u);
  ASSERT_TRUE(btc.spender(coin).has_value());
  EXPECT_FALSE(btc.spender(coin)->confirmed);
  EXPECT_FALSE(btc.is_spent(coin));

  // A mempool chain: c spends a's output while a is unconfirmed.
  const Transaction c = spend({OutPoint{*ra, 0}}, {80'000});
  ASSERT_TRUE(btc.submit(c).has_value());
  btc.mine_now(1);
  EXPECT_EQ(btc.mempool_size(), 0u);
  EXPECT_EQ(btc.confirmations(txid(a)), 1u);
  EXPECT_EQ(btc.confirmations(txid(c)), 1u);
  EXPECT_TRUE(btc.is_spent(coin));
  ASSERT_TRUE(btc.spender(coin).has_value());
  EXPECT_EQ(btc.spender(coin)->txid, txid(a));
  EXPECT_TRUE(btc.spender(coin)->confirmed);

  rb = btc.submit(b);
  EXPECT_EQ(message_of(rb), "bad-txns-inputs-missingorspent");
  EXPECT_EQ(code_of(btc.submit(a)), StatusCode::kFailedPrecondition);

  const OutPoint coin2 = btc.credit_user_coin(50'000);
  EXPECT_EQ(message_of(btc.submit(spend({coin2}, {50'001}))), "bad-txns-in-belowout");
  EXPECT_EQ(message_of(btc.submit(spend({coin2, coin2}, {1'000}))),
            "bad-txns-inputs-duplicate");
  EXPECT_EQ(message_of(btc.submit(spend({OutPoint{Hash256{}, 7}}, {1}))),
            "bad-txns-inputs-missingorspent");
  EXPECT_NE(message_of(btc.submit(spend({coin2}, {50'000}))).find("min relay fee"),
            std::string::npos);
  EXPECT_EQ(message_of(btc.submit(spend({coin2}, {-1}))), "bad-txns-vout-negative");
  // An OP_RETURN output is not spendable.
  const Transaction with_data = [&] {
    Transaction t = spend({coin2}, {40'000});
    t.outputs.push_back(TxOut{0, Bytes{op::kReturn, 1, 7}});
    return t;
  }();
  ASSERT_TRUE(btc.submit(with_data).has_value());
  EXPECT_EQ(message_of(btc.submit(spend({OutPoint{txid(with_data), 1}}, {0}))),
            "bad-txns-inputs-missingorspent");
  EXPECT_EQ(btc.stats().txs_accepted, 3u);
}

TEST(SimBitcoinMempool, CoinbaseMaturesAfterConfiguredBlocks) {
  SimBitcoinConfig config;
  config.coinbase_maturity = 5;
  Fixture f(14, config);
  SimBitcoin& btc = *f.btc;
  const Hash256 b1 = btc.mine_now(1)[0];
  const OutPoint cb{txid(btc.block_by_hash(b1)->transactions[0]), 0};
  const Transaction tx = spend({cb}, {config.block_subsidy_sat - 10'000});
  btc.mine_now(3);  // the spend would be at height 5: 4 confirmations
  EXPECT_EQ(message_of(btc.submit(tx)), "bad-txns-premature-spend-of-coinbase");
  btc.mine_now(1);
  EXPECT_TRUE(btc.submit(tx).has_value());
}

// Spends federation outpoint `from` (worth `value`) to a user with the given signers' keys.
Transaction federation_spend(const Federation& fed, const OutPoint& from, std::int64_t value,
                             const std::vector<std::pair<std::size_t, SecretKey>>& signers) {
  Transaction tx = spend({from}, {value - 5'000});
  const std::vector<TxOut> spent = {TxOut{value, fed.script_pubkey()}};
  auto msg = fed.sighash(tx, 0, spent);
  EXPECT_TRUE(msg.has_value());
  std::vector<std::optional<SchnorrSignature>> sigs(fed.members().size());
  for (const auto& [slot, key] : signers) sigs[slot] = schnorr_sign(key, msg->view(), Hash256{});
  auto witness = fed.assemble_witness(sigs);
  EXPECT_TRUE(witness.has_value());
  tx.inputs[0].witness = *witness;
  return tx;
}

TEST(SimBitcoinMempool, FederationSpendsNeedValidSignatures) {
  Fixture f(15);
  SimBitcoin& btc = *f.btc;
  const Federation& fed = *btc.federation();
  auto dep = btc.deposit(address_with(0xab, 0xcd), 500'000, 1'000);
  ASSERT_TRUE(dep.has_value());
  btc.mine_now(1);
  const OutPoint from{*dep, 0};

  // A non-member's key in member 2's slot.
  const Transaction forged =
      federation_spend(fed, from, 500'000, {{0, member_key(1)}, {1, member_key(9)}});
  auto r = btc.submit(forged);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(code_of(r), StatusCode::kInvalidArgument);
  EXPECT_NE(message_of(r).find("mandatory-script-verify-flag-failed"), std::string::npos);
  // Valid signatures over a different transaction.
  Transaction tampered =
      federation_spend(fed, from, 500'000, {{0, member_key(1)}, {2, member_key(3)}});
  tampered.outputs[0].value -= 1;
  EXPECT_FALSE(btc.submit(tampered).has_value());
  // No witness at all.
  EXPECT_FALSE(btc.submit(spend({from}, {490'000})).has_value());
  EXPECT_EQ(btc.mempool_size(), 0u);

  // 2 of 3 real members, through the RPC client.
  const Transaction good =
      federation_spend(fed, from, 500'000, {{0, member_key(1)}, {2, member_key(3)}});
  auto rpc = btc.client(0);
  auto sent = await<Hash256>(f.world, [&](auto cb) { rpc->send_raw_transaction(good, cb); });
  ASSERT_TRUE(sent.has_value()) << sent.error().to_string();
  btc.mine_now(1);
  EXPECT_EQ(btc.confirmations(*sent), 1u);
  EXPECT_EQ(btc.balance(fed.script_pubkey()), 0);
  EXPECT_TRUE(btc.is_spent(from));
}

// --- reorgs -------------------------------------------------------------------------------

TEST(SimBitcoinReorg, ReplacesTopBlocksKeepsOrEvictsTransactions) {
  Fixture f(16);
  SimBitcoin& btc = *f.btc;
  btc.mine_now(5);
  auto d1 = btc.deposit(address_with(0xa1, 0xff), 100'000, 1'000);
  const OutPoint coin = btc.credit_user_coin(300'000);
  const Transaction u1 = spend({coin}, {290'000});
  ASSERT_TRUE(btc.submit(u1).has_value());
  btc.mine_now(1);  // height 6: d1, u1
  auto d2 = btc.deposit(address_with(0xa2, 0xff), 200'000, 1'000);
  auto d3 = btc.deposit(address_with(0xa3, 0xff), 300'000, 1'000);
  btc.mine_now(1);  // height 7: d2, d3
  const Transaction u2 = spend({OutPoint{txid(u1), 0}}, {280'000});
  ASSERT_TRUE(btc.submit(u2).has_value());  // in the mempool, child of u1
  const Transaction u3 = spend({btc.credit_user_coin(70'000)}, {60'000});
  ASSERT_TRUE(btc.submit(u3).has_value());  // in the mempool, independent
  ASSERT_TRUE(d1 && d2 && d3);
  const Hash256 old6 = block_hash(btc.block_at(6)->header);
  const Hash256 old7 = block_hash(btc.block_at(7)->header);
  const Hash256 old5 = block_hash(btc.block_at(5)->header);
  ASSERT_EQ(btc.tip_height(), 7u);

  ASSERT_TRUE(btc.reorg(2, {*d2, txid(u1)}).is_ok());
  EXPECT_EQ(btc.tip_height(), 8u);
  EXPECT_EQ(block_hash(btc.block_at(5)->header), old5);
  EXPECT_NE(block_hash(btc.block_at(6)->header), old6);
  EXPECT_NE(block_hash(btc.block_at(7)->header), old7);
  EXPECT_FALSE(btc.on_best_chain(old6));
  EXPECT_FALSE(btc.on_best_chain(old7));
  EXPECT_EQ(btc.block_at(6)->header.prev_block, old5);
  // Kept transactions are re-mined; evicted ones and their descendants are gone.
  EXPECT_EQ(btc.confirmations(*d1), 3u);
  EXPECT_EQ(btc.confirmations(*d3), 3u);
  EXPECT_FALSE(btc.confirmations(*d2).has_value());
  EXPECT_FALSE(btc.confirmations(txid(u1)).has_value());
  EXPECT_FALSE(btc.confirmations(txid(u2)).has_value());
  EXPECT_EQ(btc.confirmations(txid(u3)), 3u);  // the old mempool is mined too
  EXPECT_EQ(btc.mempool_size(), 0u);
  EXPECT_FALSE(btc.spender(coin).has_value());  // the evicted spend's coin is free again
  EXPECT_EQ(btc.balance(btc.federation()->script_pubkey()), 400'000);
  EXPECT_EQ(btc.stats().reorgs, 1u);

  // The abandoned blocks stay queryable, with confirmations -1.
  auto rpc = btc.client(0);
  auto h = await<bridge::BlockHeaderInfo>(
      f.world, [&](auto cb) { rpc->get_block_header(old7, cb); });
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->confirmations, -1);
  EXPECT_EQ(h->height, 7u);
  auto blk = await<Block>(f.world, [&](auto cb) { rpc->get_block(old6, cb); });
  ASSERT_TRUE(blk.has_value());
  EXPECT_EQ(blk->transactions.size(), 3u);
  auto tx = await<bridge::RawTransactionInfo>(
      f.world, [&](auto cb) { rpc->get_raw_transaction(*d2, cb); });
  EXPECT_EQ(code_of(tx), StatusCode::kNotFound);
  auto now_tip = await<bridge::BlockHeaderInfo>(
      f.world, [&](auto cb) { rpc->get_block_header(btc.tip_hash(), cb); });
  ASSERT_TRUE(now_tip.has_value());
  EXPECT_EQ(now_tip->confirmations, 1);

  // The freed coin can be spent again (a double spend across the reorg).
  EXPECT_TRUE(btc.submit(spend({coin}, {250'000})).has_value());
  EXPECT_FALSE(btc.reorg(0).is_ok());
  EXPECT_FALSE(btc.reorg(btc.tip_height() + 1).is_ok());
}

// Replays the best chain from scratch (user coins + blocks) and compares it with the model.
RC_GTEST_PROP(SimBitcoinProperty, UtxoSetMatchesReplayOfBestChainUnderReorgs, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto ops = *rc::gen::container<std::vector<std::pair<int, std::uint32_t>>>(
      rc::gen::pair(rc::gen::resize(100, rc::gen::inRange(0, 5)),  // uniform at any size
                    rc::gen::arbitrary<std::uint32_t>()));
  SimBitcoinConfig config;
  config.max_block_txs = 4;  // leave some transactions behind in the mempool
  config.coinbase_maturity = 2;
  World world(config_with_seed(seed));
  SimBitcoin btc(world, config, std::nullopt);
  const Bytes user = SimBitcoin::user_script_pubkey();
  const Bytes miner = SimBitcoin::miner_script_pubkey();

  std::map<OutPoint, TxOut> credited;
  std::vector<std::pair<OutPoint, std::int64_t>> known;  // outputs we may try to spend
  std::vector<Hash256> abandoned;
  btc.mine_now(3);  // so that reorgs are possible from the first operation
  for (const auto& [kind, param] : ops) {
    switch (kind) {
      case 0: {
        const std::int64_t v = 20'000 + param % 100'000;
        const OutPoint op = btc.credit_user_coin(v);
        credited[op] = TxOut{v, user};
        known.emplace_back(op, v);
        break;
      }
      case 1:
      case 2: {  // spend (or try to double-spend) a known output into two
        if (known.empty()) break;
        const auto [op, v] = known[param % known.size()];
        const std::int64_t half = (v - 1'000) / 2 - static_cast<std::int64_t>(param % 97);
        if (half <= 0) break;
        const Transaction tx = spend({op}, {half, half});
        if (btc.submit(tx).has_value()) {
          known.emplace_back(OutPoint{txid(tx), 0}, half);
          known.emplace_back(OutPoint{txid(tx), 1}, half);
        }
        break;
      }
      case 3:
        btc.mine_now(1 + param % 2);
        break;
      case 4: {
        if (btc.tip_height() == 0) break;
        const std::size_t depth = 1 + param % std::min<std::uint64_t>(3, btc.tip_height());
        std::vector<Hash256> evict;
        const Block& top = *btc.block_at(btc.tip_height());
        if (param % 2 == 1 && top.transactions.size() > 1) {
          evict.push_back(txid(top.transactions[1 + param % (top.transactions.size() - 1)]));
        }
        std::vector<Hash256> old;
        for (std::size_t d = 0; d < depth; ++d) {
          old.push_back(block_hash(btc.block_at(btc.tip_height() - d)->header));
        }
        const std::uint64_t old_tip = btc.tip_height();
        RC_ASSERT(btc.reorg(depth, evict).is_ok());
        RC_ASSERT(btc.tip_height() == old_tip + 1);
        for (const Hash256& e : evict) RC_ASSERT(!btc.confirmations(e).has_value());
        abandoned.insert(abandoned.end(), old.begin(), old.end());
        break;
      }
      default:
        break;
    }
  }

  // Replay the best chain.
  std::map<OutPoint, TxOut> utxos = credited;
  const std::int64_t credited_total = [&] {
    std::int64_t s = 0;
    for (const auto& [op, out] : credited) s += out.value;
    return s;
  }();
  for (std::uint64_t h = 0; h <= btc.tip_height(); ++h) {
    const Block& b = *btc.block_at(h);
    if (h > 0) RC_ASSERT(b.header.prev_block == block_hash(btc.block_at(h - 1)->header));
    for (const Transaction& tx : b.transactions) {
      if (!tx.is_coinbase()) {
        for (const TxIn& in : tx.inputs) RC_ASSERT(utxos.erase(in.prevout) == 1u);
      }
      const Hash256 id = txid(tx);
      for (std::uint32_t v = 0; v < tx.outputs.size(); ++v) {
        const TxOut& out = tx.outputs[v];
        if (!out.script_pubkey.empty() && out.script_pubkey[0] == op::kReturn) continue;
        utxos[OutPoint{id, v}] = out;
      }
    }
  }
  std::map<OutPoint, TxOut> model;
  for (const Bytes* spk : {&user, &miner}) {
    for (const Utxo& u : btc.utxos_paying(*spk)) model[u.outpoint] = u.output;
  }
  RC_ASSERT(model == utxos);
  // Value is conserved: fees move to coinbases, nothing else creates or destroys coins.
  RC_ASSERT(btc.balance(user) + btc.balance(miner) ==
            credited_total + config.block_subsidy_sat *
                                 static_cast<std::int64_t>(btc.tip_height() + 1));
  for (const Hash256& a : abandoned) {
    RC_ASSERT(!btc.on_best_chain(a));
    RC_ASSERT(btc.block_by_hash(a) != nullptr);
  }
  // The mempool is valid on top of the chain: mining it all connects every input.
  while (btc.mempool_size() > 0) btc.mine_now(1);
}

}  // namespace
}  // namespace alys::sim
