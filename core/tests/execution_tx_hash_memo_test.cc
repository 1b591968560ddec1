// ledger_tx_hash and account_address keep per-thread memos of recent results
// (core/execution/ledger_tx.cc). A memo must never change a result: transactions (keys)
// that share a memo slot, because their signatures (keys) start with the same bytes, must
// each get their own hash (address), whatever order they come in.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "core/chain/codec.h"
#include "core/crypto/tagged_hash.h"
#include "core/execution/ledger_tx.h"

namespace alys {
namespace {

// The definitions, computed here without any memo.
Hash256 fresh_tx_hash(const LedgerTx& tx) {
  ByteWriter w;
  write_ledger_tx(w, tx);
  return tagged_hash("alys/tx", w.data());
}
EvmAddress fresh_address(const KeyBytes& key) {
  const Hash256 h = tagged_hash("alys/account", ByteView(key));
  EvmAddress out{};
  std::copy(h.bytes().end() - static_cast<std::ptrdiff_t>(out.size()), h.bytes().end(),
            out.begin());
  return out;
}

LedgerTx base_tx() {
  LedgerTx tx;
  tx.sender_key.fill(0x11);
  tx.nonce = 7;
  tx.to.fill(0x22);
  tx.value = Wei::from_u64(1000);
  tx.fee = Wei::from_u64(10);
  tx.signature.fill(0x33);
  return tx;
}

TEST(TxHashMemo, TransactionsSharingASlotEachGetTheirOwnHash) {
  // Same signature, so the same slot; each differs from the others in one field.
  std::vector<LedgerTx> txs(6, base_tx());
  txs[1].nonce = 8;
  txs[2].value = Wei::from_u64(1001);
  txs[3].signature[63] = 0x34;
  txs[4].kind = LedgerTxKind::kPegOut;
  txs[4].to = EvmAddress{};
  txs[4].bitcoin_address = "bcrt1qexampleaddressthatislongerthanasmallstring";
  txs[5].sender_key[31] = 0x12;
  for (int round = 0; round < 3; ++round) {
    for (const LedgerTx& tx : txs) EXPECT_EQ(ledger_tx_hash(tx), fresh_tx_hash(tx));
    for (auto it = txs.rbegin(); it != txs.rend(); ++it) {
      EXPECT_EQ(ledger_tx_hash(*it), fresh_tx_hash(*it));
    }
  }
  EXPECT_NE(ledger_tx_hash(txs[0]), ledger_tx_hash(txs[3]));
}

TEST(AddressMemo, KeysSharingASlotEachGetTheirOwnAddress) {
  KeyBytes a{};
  a.fill(0x44);
  KeyBytes b = a;
  b[31] = 0x45;  // same first bytes: same slot
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(account_address(a), fresh_address(a));
    EXPECT_EQ(account_address(b), fresh_address(b));
  }
  EXPECT_NE(account_address(a), account_address(b));
}

// Any sequence of transactions drawn from a few that collide in the memo hashes exactly as
// the definition does.
RC_GTEST_PROP(TxHashMemoProperty, AnySequenceHashesAsTheDefinition, ()) {
  const auto distinct = *rc::gen::inRange<std::size_t>(1, 12);
  std::vector<LedgerTx> pool;
  for (std::size_t i = 0; i < distinct; ++i) {
    LedgerTx tx = base_tx();
    tx.signature[0] = *rc::gen::inRange<std::uint8_t>(0, 2);  // few slots: many collisions
    tx.signature[40] = *rc::gen::arbitrary<std::uint8_t>();
    tx.nonce = *rc::gen::inRange<std::uint64_t>(0, 4);
    tx.fee = Wei::from_u64(*rc::gen::inRange<std::uint64_t>(0, 3));
    pool.push_back(tx);
  }
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, distinct));
  for (std::size_t k : picks) RC_ASSERT(ledger_tx_hash(pool[k]) == fresh_tx_hash(pool[k]));
}

}  // namespace
}  // namespace alys
