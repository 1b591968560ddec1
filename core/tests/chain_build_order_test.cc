// in_nonce_order (core/chain/build_order.h): each sender's transactions in nonce order, in
// the places that sender held; other senders untouched. Examples, then a property.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/chain/build_order.h"

namespace alys::chain {
namespace {

LedgerTx tx_of(std::uint8_t sender, std::uint64_t nonce, std::uint64_t value = 1) {
  LedgerTx tx;
  tx.sender_key[0] = sender;
  tx.nonce = nonce;
  tx.value = Wei::from_u64(value);
  return tx;
}

using SenderNonce = std::pair<int, std::uint64_t>;

std::vector<SenderNonce> shape(const std::vector<LedgerTx>& txs) {
  std::vector<SenderNonce> out;
  for (const LedgerTx& tx : txs) out.emplace_back(tx.sender_key[0], tx.nonce);
  return out;
}

TEST(BuildOrder, EachSendersNoncesAscendInThePlacesItHeld) {
  // A: 5 3 4 at places 0 2 4; B: 2 1 at places 1 5; C: 7 at place 3.
  const std::vector<LedgerTx> in{tx_of('A', 5), tx_of('B', 2), tx_of('A', 3),
                                 tx_of('C', 7), tx_of('A', 4), tx_of('B', 1)};
  EXPECT_EQ(shape(in_nonce_order(in)),
            (std::vector<SenderNonce>{{'A', 3}, {'B', 1}, {'A', 4}, {'C', 7}, {'A', 5}, {'B', 2}}));
}

TEST(BuildOrder, EqualNoncesKeepTheirOrderAndShortListsPassThrough) {
  const std::vector<LedgerTx> in{tx_of('A', 2, 10), tx_of('A', 1), tx_of('A', 2, 20)};
  const std::vector<LedgerTx> out = in_nonce_order(in);
  ASSERT_EQ(shape(out), (std::vector<SenderNonce>{{'A', 1}, {'A', 2}, {'A', 2}}));
  EXPECT_EQ(out[1].value, Wei::from_u64(10));
  EXPECT_EQ(out[2].value, Wei::from_u64(20));
  EXPECT_TRUE(in_nonce_order({}).empty());
  EXPECT_EQ(shape(in_nonce_order({tx_of('A', 9)})), (std::vector<SenderNonce>{{'A', 9}}));
}

// For any list: the same transactions; each place keeps its sender; each sender's nonces
// ascend; and a sender's equal nonces keep their order (told apart by value).
RC_GTEST_PROP(BuildOrder, PermutesWithinSendersOnlyIntoNonceOrder, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(0, 60);
  std::vector<LedgerTx> in;
  for (std::size_t i = 0; i < n; ++i) {
    in.push_back(tx_of(static_cast<std::uint8_t>(*rc::gen::inRange(0, 4)),
                       *rc::gen::inRange<std::uint64_t>(0, 12), i));
  }
  const std::vector<LedgerTx> out = in_nonce_order(in);
  RC_ASSERT(out.size() == in.size());
  std::map<int, std::vector<const LedgerTx*>> in_by_sender;
  std::map<int, std::vector<const LedgerTx*>> out_by_sender;
  for (std::size_t i = 0; i < n; ++i) {
    RC_ASSERT(out[i].sender_key == in[i].sender_key);
    in_by_sender[in[i].sender_key[0]].push_back(&in[i]);
    out_by_sender[out[i].sender_key[0]].push_back(&out[i]);
  }
  for (auto& [sender, txs] : in_by_sender) {
    std::stable_sort(txs.begin(), txs.end(), [](const LedgerTx* a, const LedgerTx* b) { return a->nonce < b->nonce; });
    const std::vector<const LedgerTx*>& got = out_by_sender[sender];
    RC_ASSERT(got.size() == txs.size());
    for (std::size_t k = 0; k < txs.size(); ++k) RC_ASSERT(*got[k] == *txs[k]);
  }
}

}  // namespace
}  // namespace alys::chain
