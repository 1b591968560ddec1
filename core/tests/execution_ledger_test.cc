// Ledger (core/execution/ledger.h) and execute_block (core/execution/block_execution.h):
// transition rules, errors naming their field, conservation, state root, snapshots.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/execution/block_execution.h"
#include "core/execution/ledger.h"
#include "core/types/hex.h"

namespace alys {
namespace {

SecretKey test_key(std::uint8_t i) {
  Bytes raw(32, 0x5A);
  raw[31] = i;
  return *SecretKey::from_bytes(raw);
}

EvmAddress address_of(const SecretKey& key) { return account_address(key.xonly_public_key()); }

EvmAddress plain_address(std::uint8_t i) {
  EvmAddress a{};
  a[19] = i;
  return a;
}

Wei sat(std::uint64_t n) { return Wei::from_sat(n); }

LedgerTx transfer(const SecretKey& key, std::uint64_t nonce, const EvmAddress& to, Wei value,
                  Wei fee) {
  return signed_transfer(key, nonce, to, value, fee);
}

LedgerTx pegout(const SecretKey& key, std::uint64_t nonce, std::string btc, Wei value, Wei fee) {
  LedgerTx tx;
  tx.kind = LedgerTxKind::kPegOut;
  tx.nonce = nonce;
  tx.value = value;
  tx.fee = fee;
  tx.bitcoin_address = std::move(btc);
  sign_ledger_tx(tx, key, Hash256{});
  return tx;
}

Hash256 txid(std::uint8_t i) {
  std::array<std::uint8_t, 32> b{};
  b[0] = i;
  b[31] = 0xEE;
  return Hash256(b);
}

const std::string kBtcAddress = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";

// A ledger where test_key(1) holds 1000 sat.
Ledger funded() {
  const std::vector<GenesisAllocation> alloc = {{address_of(test_key(1)), sat(1000)}};
  return *Ledger::from_genesis(alloc);
}

// Expects `r` to be an invalid_argument error whose message contains every `parts`.
template <typename T>
void expect_error(const Result<T>& r, std::initializer_list<std::string_view> parts) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  for (auto p : parts) {
    EXPECT_NE(r.error().message().find(p), std::string::npos)
        << "message '" << r.error().message() << "' lacks '" << p << "'";
  }
}
void expect_error(const Status& s, std::initializer_list<std::string_view> parts) {
  ASSERT_FALSE(s.is_ok());
  for (auto p : parts) {
    EXPECT_NE(s.message().find(p), std::string::npos)
        << "message '" << s.message() << "' lacks '" << p << "'";
  }
}

TEST(LedgerTest, TransferMovesValueAndFee) {
  Ledger l = funded();
  const SecretKey a = test_key(1);
  const EvmAddress b = plain_address(2);
  auto effect = l.apply_transaction(transfer(a, 0, b, sat(100), sat(1)));
  ASSERT_TRUE(effect.has_value()) << effect.error().to_string();
  EXPECT_EQ(effect->sender, address_of(a));
  EXPECT_EQ(effect->fee, sat(1));
  EXPECT_FALSE(effect->pegout.has_value());
  EXPECT_EQ(l.account(address_of(a)), (Account{sat(899), 1}));
  EXPECT_EQ(l.account(b), (Account{sat(100), 0}));
  EXPECT_EQ(l.fee_pot(), sat(1));
  EXPECT_TRUE(l.check_conservation().is_ok());

  auto paid = l.pay_fees(plain_address(9));
  ASSERT_TRUE(paid.has_value());
  EXPECT_EQ(*paid, sat(1));
  EXPECT_EQ(l.account(plain_address(9)).balance, sat(1));
  EXPECT_TRUE(l.fee_pot().is_zero());
  EXPECT_EQ(l.total_supply(), sat(1000));
  EXPECT_TRUE(l.check_conservation().is_ok());
}

TEST(LedgerTest, SelfTransferPaysOnlyTheFee) {
  Ledger l = funded();
  const SecretKey a = test_key(1);
  ASSERT_TRUE(l.apply_transaction(transfer(a, 0, address_of(a), sat(500), sat(3))).has_value());
  EXPECT_EQ(l.account(address_of(a)), (Account{sat(997), 1}));
  EXPECT_TRUE(l.check_conservation().is_ok());
}

TEST(LedgerTest, BadSignatureRejectedAndStateUnchanged) {
  Ledger l = funded();
  const Hash256 before = l.state_root();
  LedgerTx tx = transfer(test_key(1), 0, plain_address(2), sat(1), sat(1));
  tx.signature[5] ^= 0x01;
  expect_error(l.apply_transaction(tx), {"tx 0x", "signature: invalid"});
  // Signed by a different key than sender_key claims.
  LedgerTx forged = transfer(test_key(3), 0, plain_address(2), sat(1), sat(1));
  forged.sender_key = test_key(1).xonly_public_key().bytes();
  expect_error(l.apply_transaction(forged), {"signature"});
  EXPECT_EQ(l.state_root(), before);
}

TEST(LedgerTest, SignatureCheckHookIsUsed) {
  Ledger l = funded();
  LedgerTx tx = transfer(test_key(1), 0, plain_address(2), sat(1), sat(1));
  int calls = 0;
  SignatureCheck reject = [&](const LedgerTx& t, const Hash256& h) {
    ++calls;
    EXPECT_EQ(h, ledger_tx_hash(t));
    return false;
  };
  expect_error(l.apply_transaction(tx, reject), {"signature"});
  EXPECT_EQ(calls, 1);
}

TEST(LedgerTest, WrongNonceRejected) {
  Ledger l = funded();
  const LedgerTx tx = transfer(test_key(1), 5, plain_address(2), sat(1), sat(1));
  const std::string hash_prefix = "tx 0x" + to_hex(ledger_tx_hash(tx).view().first(4));
  // Ahead of the sender's nonce: early rather than wrong, a code of its own (mempools keep it).
  auto early = l.apply_transaction(tx);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(early.error().message().rfind(hash_prefix, 0), 0u) << early.error().message();
  EXPECT_NE(early.error().message().find("nonce: expected 0, got 5 (ahead)"),
            std::string::npos)
      << early.error().message();
  ASSERT_TRUE(l.apply_transaction(transfer(test_key(1), 0, plain_address(2), sat(1), sat(1)))
                  .has_value());
  // Replaying nonce 0 now fails too.
  expect_error(l.apply_transaction(transfer(test_key(1), 0, plain_address(2), sat(1), sat(1))),
               {"nonce: expected 1, got 0"});
}

TEST(LedgerTest, InsufficientBalanceRejected) {
  Ledger l = funded();
  const Hash256 before = l.state_root();
  expect_error(l.apply_transaction(transfer(test_key(1), 0, plain_address(2), sat(1000), sat(1))),
               {"balance: insufficient", "fee"});
  // An unfunded sender.
  expect_error(l.apply_transaction(transfer(test_key(4), 0, plain_address(2), Wei{}, sat(1))),
               {"balance: insufficient"});
  EXPECT_EQ(l.state_root(), before);
}

TEST(LedgerTest, ValuePlusFeeOverflowRejected) {
  Ledger l = funded();
  const Wei max = Wei::from_parts(UINT64_MAX, UINT64_MAX);
  expect_error(l.apply_transaction(transfer(test_key(1), 0, plain_address(2), max, Wei::from_u64(1))),
               {"value + fee: overflows"});
}

TEST(LedgerTest, ShapeErrorsNameTheField) {
  Ledger l = funded();
  const SecretKey a = test_key(1);
  LedgerTx t = transfer(a, 0, plain_address(2), sat(1), sat(1));
  t.bitcoin_address = "x";
  sign_ledger_tx(t, a, Hash256{});
  expect_error(l.apply_transaction(t), {"bitcoin_address: must be empty for a transfer"});

  LedgerTx p = pegout(a, 0, kBtcAddress, sat(10), sat(1));
  p.to = plain_address(7);
  sign_ledger_tx(p, a, Hash256{});
  expect_error(l.apply_transaction(p), {"to: must be zero for a peg-out"});

  expect_error(l.apply_transaction(pegout(a, 0, "", sat(10), sat(1))), {"bitcoin_address: empty"});
  expect_error(l.apply_transaction(pegout(a, 0, std::string(91, 'q'), sat(10), sat(1))),
               {"bitcoin_address: 91 chars, max 90"});
  EXPECT_TRUE(l.apply_transaction(pegout(a, 0, std::string(90, 'q'), sat(10), sat(1))).has_value());
  expect_error(l.apply_transaction(pegout(a, 1, kBtcAddress, Wei::from_u64(9'999'999'999), sat(1))),
               {"value: 9999999999 wei is below 1 sat"});

  LedgerTx k = transfer(a, 1, plain_address(2), sat(1), sat(1));
  k.kind = static_cast<LedgerTxKind>(9);
  expect_error(l.apply_transaction(k), {"kind: unknown 9"});
}

TEST(LedgerTest, PegOutBurnsAndRoundsSatsDown) {
  Ledger l = funded();
  const SecretKey a = test_key(1);
  const Wei value = *sat(250).checked_add(Wei::from_u64(9'999'999'999));  // 250.9999999999 sat
  const LedgerTx tx = pegout(a, 0, kBtcAddress, value, sat(2));
  auto effect = l.apply_transaction(tx);
  ASSERT_TRUE(effect.has_value()) << effect.error().to_string();
  ASSERT_TRUE(effect->pegout.has_value());
  const PegOutRequest& req = *effect->pegout;
  EXPECT_EQ(req.tx_hash, ledger_tx_hash(tx));
  EXPECT_EQ(req.sender, address_of(a));
  EXPECT_EQ(req.bitcoin_address, kBtcAddress);
  EXPECT_EQ(req.value, value);
  EXPECT_EQ(req.sats, 250);
  EXPECT_EQ(l.burned_wei(), value);  // the full amount, fractions included
  EXPECT_EQ(l.total_supply(), *sat(1000).checked_sub(value));
  EXPECT_TRUE(l.check_conservation().is_ok());
}

TEST(LedgerTest, PegInMintedExactlyOnce) {
  Ledger l;
  const PegInMint m{txid(1), plain_address(3), 5000};
  ASSERT_TRUE(l.mint(m).is_ok());
  EXPECT_EQ(l.account(plain_address(3)).balance, sat(5000));
  EXPECT_EQ(l.minted_wei(), sat(5000));
  ASSERT_TRUE(l.minted(txid(1)).has_value());
  EXPECT_EQ(l.minted(txid(1))->amount_sat, 5000);
  const Hash256 before = l.state_root();
  expect_error(l.mint(m), {"peg-in", txid(1).to_display_hex(), "already minted"});
  expect_error(l.mint(PegInMint{txid(1), plain_address(4), 1}), {"already minted"});
  expect_error(l.mint(PegInMint{txid(2), plain_address(4), 0}), {"amount_sat: must be positive"});
  expect_error(l.mint(PegInMint{txid(2), plain_address(4), -7}), {"got -7"});
  EXPECT_EQ(l.state_root(), before);
  EXPECT_TRUE(l.check_conservation().is_ok());
}

TEST(LedgerTest, GenesisRejectsDuplicates) {
  const std::vector<GenesisAllocation> dup = {{plain_address(1), sat(1)}, {plain_address(1), sat(2)}};
  auto r = Ledger::from_genesis(dup);
  expect_error(r, {"genesis: allocation 1", "listed twice"});
  const std::vector<GenesisAllocation> zero = {{plain_address(1), Wei{}}};
  auto z = Ledger::from_genesis(zero);
  ASSERT_TRUE(z.has_value());
  EXPECT_EQ(z->account_count(), 0u);  // zero accounts are never stored
}

TEST(LedgerTest, StateRootDeterministicAndOrderIndependent) {
  std::vector<GenesisAllocation> alloc;
  for (std::uint8_t i = 1; i <= 50; ++i) alloc.push_back({plain_address(i), sat(i)});
  std::vector<GenesisAllocation> reversed(alloc.rbegin(), alloc.rend());
  const Ledger a = *Ledger::from_genesis(alloc);
  const Ledger b = *Ledger::from_genesis(reversed);
  EXPECT_EQ(a.state_root(), b.state_root());
  EXPECT_EQ(a.state_root(), Ledger(*Ledger::from_genesis(alloc)).state_root());

  // Mints in either order: same state.
  Ledger m1 = a, m2 = a;
  ASSERT_TRUE(m1.mint({txid(1), plain_address(60), 1}).is_ok());
  ASSERT_TRUE(m1.mint({txid(2), plain_address(61), 2}).is_ok());
  ASSERT_TRUE(m2.mint({txid(2), plain_address(61), 2}).is_ok());
  ASSERT_TRUE(m2.mint({txid(1), plain_address(60), 1}).is_ok());
  EXPECT_EQ(m1.state_root(), m2.state_root());
  EXPECT_NE(m1.state_root(), a.state_root());

  // Each kind of difference changes the root: a balance, a nonce-only change via a
  // different recipient, the mint record, the fee pot.
  Ledger c = a;
  ASSERT_TRUE(c.mint({txid(1), plain_address(60), 2}).is_ok());
  EXPECT_NE(c.state_root(), m1.state_root());  // different mint set and balances
  Ledger d = a;
  ASSERT_TRUE(d.mint({txid(3), plain_address(60), 1}).is_ok());
  ASSERT_TRUE(d.mint({txid(2), plain_address(61), 2}).is_ok());
  EXPECT_NE(d.state_root(), m1.state_root());  // same balances, different txids
  // Copies are independent: mutating the copy leaves the original's root alone.
  const Hash256 root_a = a.state_root();
  Ledger e = a;
  ASSERT_TRUE(e.mint({txid(9), plain_address(1), 1}).is_ok());
  EXPECT_EQ(a.state_root(), root_a);
  EXPECT_EQ(a.account(plain_address(1)).balance, sat(1));
  EXPECT_EQ(e.account(plain_address(1)).balance, sat(2));
}

Ledger busy_ledger() {
  Ledger l = funded();
  const SecretKey a = test_key(1);
  EXPECT_TRUE(l.mint({txid(1), address_of(test_key(2)), 300}).is_ok());
  EXPECT_TRUE(l.apply_transaction(transfer(a, 0, plain_address(5), sat(10), sat(1))).has_value());
  EXPECT_TRUE(l.apply_transaction(pegout(a, 1, kBtcAddress, sat(20), sat(2))).has_value());
  EXPECT_TRUE(l.apply_transaction(transfer(test_key(2), 0, plain_address(6), sat(7), sat(3)))
                  .has_value());
  return l;
}

TEST(LedgerTest, SnapshotRoundTrip) {
  const Ledger l = busy_ledger();
  const Bytes bytes = l.encode_snapshot();
  auto back = Ledger::decode_snapshot(bytes);
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(back->state_root(), l.state_root());
  EXPECT_EQ(back->account(plain_address(5)), l.account(plain_address(5)));
  EXPECT_EQ(back->fee_pot(), l.fee_pot());
  EXPECT_EQ(back->burned_wei(), l.burned_wei());
  EXPECT_EQ(back->encode_snapshot(), bytes);
  // The empty ledger round-trips too.
  auto empty = Ledger::decode_snapshot(Ledger().encode_snapshot());
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->state_root(), Ledger().state_root());
}

TEST(LedgerTest, TruncatedOrCorruptSnapshotsFail) {
  const Bytes bytes = busy_ledger().encode_snapshot();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = Ledger::decode_snapshot(ByteView{bytes.data(), n});
    ASSERT_FALSE(r.has_value()) << "prefix of " << n << " bytes decoded";
    EXPECT_NE(r.error().message().find("snapshot"), std::string::npos) << r.error().message();
  }
  Bytes trailing = bytes;
  trailing.push_back(0);
  expect_error(Ledger::decode_snapshot(trailing), {"snapshot", "trailing"});
  Bytes version = bytes;
  version[0] = 7;
  expect_error(Ledger::decode_snapshot(version), {"snapshot: version: unsupported 7"});
  // A balance byte changed: conservation no longer holds. Account 0 starts at offset 2
  // (version, count); its balance at offset 2 + 20.
  Bytes balance = bytes;
  balance[2 + 20] ^= 0x01;
  expect_error(Ledger::decode_snapshot(balance), {"conservation"});
  // Two accounts swapped: unsorted.
  Bytes swapped = bytes;
  std::swap_ranges(swapped.begin() + 2, swapped.begin() + 2 + 44, swapped.begin() + 2 + 44);
  expect_error(Ledger::decode_snapshot(swapped), {"snapshot: account 1: address: not after"});
}

TEST(BlockExecutionTest, VerifyFailsWholeBlockAndLeavesParentUnchanged) {
  const Ledger parent = funded();
  const Hash256 before = parent.state_root();
  const SecretKey a = test_key(1);
  const std::vector<LedgerTx> txs = {transfer(a, 0, plain_address(2), sat(1), sat(1)),
                                     transfer(a, 7, plain_address(2), sat(1), sat(1))};
  auto r = execute_block(parent, BlockContext{4, std::nullopt, {}}, txs, ExecutionMode::kVerify);
  expect_error(r, {"block 4: tx 1: ", "nonce: expected 1, got 7"});
  EXPECT_EQ(parent.state_root(), before);
  EXPECT_EQ(parent.account(address_of(a)), (Account{sat(1000), 0}));

  const BlockContext dup{4, std::nullopt, {{txid(1), plain_address(1), 1}, {txid(1), plain_address(1), 1}}};
  expect_error(execute_block(parent, dup, {}, ExecutionMode::kVerify),
               {"block 4: mint 1: ", "already minted"});
}

TEST(BlockExecutionTest, BuildSkipsInvalidAndStopsAtMax) {
  const Ledger parent = funded();
  const SecretKey a = test_key(1);
  const std::vector<LedgerTx> candidates = {
      transfer(a, 0, plain_address(2), sat(1), sat(1)),
      transfer(a, 5, plain_address(2), sat(1), sat(1)),  // bad nonce: skipped
      transfer(a, 1, plain_address(3), sat(1), sat(1)),
      transfer(a, 2, plain_address(4), sat(1), sat(1)),  // beyond max_txs: not considered
  };
  const BlockContext ctx{1, std::nullopt, {{txid(1), plain_address(8), 10}, {txid(1), plain_address(8), 10}}};
  auto r = execute_block(parent, ctx, candidates, ExecutionMode::kBuild, ExecutionOptions{2, {}});
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->included.size(), 2u);
  EXPECT_EQ(r->included[1], candidates[2]);
  ASSERT_EQ(r->skipped_txs.size(), 1u);
  EXPECT_EQ(r->skipped_txs[0].tx_hash, ledger_tx_hash(candidates[1]));
  EXPECT_NE(r->skipped_txs[0].status.message().find("nonce"), std::string::npos);
  ASSERT_EQ(r->mints.size(), 1u);
  ASSERT_EQ(r->skipped_mints.size(), 1u);
  EXPECT_EQ(r->fees, sat(2));
  EXPECT_EQ(r->state_root, r->state.state_root());

  // Verifying what was built gives the same root.
  auto v = execute_block(parent, BlockContext{1, std::nullopt, r->mints}, r->included,
                         ExecutionMode::kVerify);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(v->state_root, r->state_root);
}

TEST(BlockExecutionTest, FeesWaitInThePotForARecipient) {
  const SecretKey a = test_key(1);
  const EvmAddress miner = plain_address(200);
  auto b1 = execute_block(funded(), BlockContext{1, std::nullopt, {}},
                          std::vector<LedgerTx>{transfer(a, 0, plain_address(2), sat(1), sat(3))},
                          ExecutionMode::kVerify);
  ASSERT_TRUE(b1.has_value());
  EXPECT_EQ(b1->fees, sat(3));
  EXPECT_TRUE(b1->fees_paid.is_zero());
  EXPECT_EQ(b1->state.fee_pot(), sat(3));
  auto b2 = execute_block(b1->state, BlockContext{2, miner, {}},
                          std::vector<LedgerTx>{transfer(a, 1, plain_address(2), sat(1), sat(4))},
                          ExecutionMode::kVerify);
  ASSERT_TRUE(b2.has_value());
  EXPECT_EQ(b2->fees, sat(4));
  EXPECT_EQ(b2->fees_paid, sat(7));
  EXPECT_EQ(b2->state.account(miner).balance, sat(7));
  EXPECT_TRUE(b2->state.fee_pot().is_zero());
  EXPECT_TRUE(b2->state.check_conservation().is_ok());
}

TEST(BlockExecutionTest, LimitsEnforced) {
  BlockContext ctx{1, std::nullopt, {}};
  ctx.mints.resize(limits::kMaxPegInsPerBlock + 1);
  expect_error(execute_block(Ledger(), ctx, {}, ExecutionMode::kBuild), {"mints: 1025, max 1024"});
  expect_error(execute_block(Ledger(), BlockContext{}, {}, ExecutionMode::kBuild,
                             ExecutionOptions{limits::kMaxTxsPerBlock + 1, {}}),
               {"max_txs"});
}

// ---- property: random operation sequences against a reference model.

struct Model {
  std::map<EvmAddress, Wei> balance;
  std::map<EvmAddress, std::uint64_t> nonce;
  std::map<Hash256, bool> minted;
  Wei pot, minted_wei, burned_wei;
};

RC_GTEST_PROP(LedgerProperty, RandomOpsConserveValueAndMatchModel, ()) {
  constexpr std::uint8_t kKeys = 4;
  std::vector<SecretKey> keys;
  for (std::uint8_t i = 0; i < kKeys; ++i) keys.push_back(test_key(static_cast<std::uint8_t>(10 + i)));
  Ledger l;
  Model m;
  const auto n_ops = *rc::gen::inRange(1, 40);
  for (int op = 0; op < n_ops; ++op) {
    const Hash256 root_before = l.state_root();
    const int kind = *rc::gen::inRange(0, 4);
    bool ok = false;
    if (kind == 0) {  // mint (txids from a small set: duplicates happen)
      const PegInMint mint{txid(*rc::gen::inRange<std::uint8_t>(0, 6)),
                           address_of(keys[*rc::gen::inRange<std::size_t>(0, kKeys)]),
                           *rc::gen::inRange<std::int64_t>(-1, 2000)};
      const bool expect_ok = mint.amount_sat > 0 && !m.minted[mint.txid];
      ok = l.mint(mint).is_ok();
      RC_ASSERT(ok == expect_ok);
      if (ok) {
        m.minted[mint.txid] = true;
        m.balance[mint.to] = *m.balance[mint.to].checked_add(sat(static_cast<std::uint64_t>(mint.amount_sat)));
        m.minted_wei = *m.minted_wei.checked_add(sat(static_cast<std::uint64_t>(mint.amount_sat)));
      }
    } else if (kind == 1 || kind == 2) {  // transfer or peg-out
      const SecretKey& from = keys[*rc::gen::inRange<std::size_t>(0, kKeys)];
      const EvmAddress sender = address_of(from);
      const EvmAddress to = address_of(keys[*rc::gen::inRange<std::size_t>(0, kKeys)]);
      const std::uint64_t nonce = m.nonce[sender] + (*rc::gen::inRange(0, 5) == 0 ? 1 : 0);
      const Wei value = Wei::from_u64(*rc::gen::inRange<std::uint64_t>(0, 3000) * 5'000'000'000ull);
      const Wei fee = Wei::from_u64(*rc::gen::inRange<std::uint64_t>(0, 50) * 1'000'000'000ull);
      const bool bad_sig = *rc::gen::inRange(0, 8) == 0;
      LedgerTx tx = kind == 1 ? transfer(from, nonce, to, value, fee)
                              : pegout(from, nonce, kBtcAddress, value, fee);
      if (bad_sig) tx.signature[0] ^= 0x80;
      const Wei cost = *value.checked_add(fee);
      const bool expect_ok = nonce == m.nonce[sender] && m.balance[sender] >= cost && !bad_sig &&
                             (kind == 1 || *value.to_sat_floor() >= 1);
      auto effect = l.apply_transaction(tx);
      ok = effect.has_value();
      RC_ASSERT(ok == expect_ok);
      if (ok) {
        m.balance[sender] = *m.balance[sender].checked_sub(cost);
        m.nonce[sender] += 1;
        m.pot = *m.pot.checked_add(fee);
        if (kind == 1) {
          m.balance[to] = *m.balance[to].checked_add(value);
        } else {
          m.burned_wei = *m.burned_wei.checked_add(value);
          RC_ASSERT(effect->pegout.has_value());
          RC_ASSERT(effect->pegout->sats == *value.to_sat_floor());
        }
      }
    } else {  // pay the pot
      const EvmAddress to = address_of(keys[*rc::gen::inRange<std::size_t>(0, kKeys)]);
      auto paid = l.pay_fees(to);
      RC_ASSERT(paid.has_value());
      RC_ASSERT(*paid == m.pot);
      m.balance[to] = *m.balance[to].checked_add(m.pot);
      m.pot = Wei{};
      ok = true;
    }
    if (!ok) RC_ASSERT(l.state_root() == root_before);  // failed ops change nothing
    RC_ASSERT(l.check_conservation().is_ok());
    RC_ASSERT(*l.total_supply().checked_add(l.burned_wei()) == l.minted_wei());
  }
  for (const auto& [address, balance] : m.balance) RC_ASSERT(l.account(address).balance == balance);
  for (const auto& [address, nonce] : m.nonce) RC_ASSERT(l.account(address).nonce == nonce);
  RC_ASSERT(l.fee_pot() == m.pot);
  RC_ASSERT(l.burned_wei() == m.burned_wei);
  // The incrementally maintained root equals that of a freshly built copy of the state.
  auto fresh = Ledger::decode_snapshot(l.encode_snapshot());
  RC_ASSERT(fresh.has_value());
  RC_ASSERT(fresh->state_root() == l.state_root());
}

RC_GTEST_PROP(LedgerProperty, SnapshotDecodeIsTotal, (const std::vector<std::uint8_t>& noise)) {
  // Random bytes, and a valid snapshot with random bytes overwritten: never a crash.
  (void)Ledger::decode_snapshot(noise);
  Bytes bytes = busy_ledger().encode_snapshot();
  for (std::size_t i = 0; i < noise.size() && i < bytes.size(); ++i) {
    bytes[(i * 7919) % bytes.size()] ^= noise[i];
  }
  auto r = Ledger::decode_snapshot(bytes);
  if (r.has_value()) RC_ASSERT(r->check_conservation().is_ok());
}

}  // namespace
}  // namespace alys
