// Mempool: bound, arrival order, and what a build's skipped candidates do to it (early
// nonces wait at the back, the rest leave), and that a local (acknowledged) transaction is
// never dropped for room or for waiting; checked against a plain list model.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <list>
#include <vector>

#include "core/chain/mempool.h"

namespace alys::chain {
namespace {

LedgerTx tx_n(std::uint64_t n) {
  LedgerTx tx;
  tx.nonce = n;
  tx.value = Wei::from_u64(n + 1);
  return tx;
}

std::vector<std::uint64_t> nonces(const std::vector<LedgerTx>& txs) {
  std::vector<std::uint64_t> out;
  for (const LedgerTx& tx : txs) out.push_back(tx.nonce);
  return out;
}

TxReceipt early(std::uint64_t n) {
  return TxReceipt{ledger_tx_hash(tx_n(n)), Status::failed_precondition("nonce: ahead")};
}
TxReceipt invalid(std::uint64_t n) {
  return TxReceipt{ledger_tx_hash(tx_n(n)), Status::invalid_argument("nonce: stale")};
}

Status add(Mempool& m, std::uint64_t n, TxSource source = TxSource::kPeer) {
  return m.add(tx_n(n), ledger_tx_hash(tx_n(n)), source);
}

Mempool pool_of(std::size_t max, std::initializer_list<std::uint64_t> ns,
                TxSource source = TxSource::kPeer) {
  Mempool m(max, Hash256Hasher{7});
  for (std::uint64_t n : ns) EXPECT_TRUE(add(m, n, source).is_ok());
  return m;
}

TEST(Mempool, CandidatesComeOldestFirstUpToTheLimit) {
  Mempool m = pool_of(10, {5, 3, 9, 1});
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{5, 3, 9, 1}));
  EXPECT_EQ(nonces(m.candidates(2)), (std::vector<std::uint64_t>{5, 3}));
  ASSERT_TRUE(add(m, 3).is_ok());  // already held: keeps its place
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{5, 3, 9, 1}));
}

TEST(Mempool, AFullPoolDropsItsOldest) {
  Mempool m = pool_of(3, {1, 2, 3, 4});
  EXPECT_EQ(m.size(), 3u);
  EXPECT_FALSE(m.contains(ledger_tx_hash(tx_n(1))));
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{2, 3, 4}));
}

TEST(Mempool, IncludedTransactionsLeaveAndMayComeBackAtTheBackOnce) {
  Mempool m = pool_of(10, {1, 2, 3});
  const std::vector<LedgerTx> block{tx_n(2)};
  m.remove_included(block);
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{1, 3}));
  // Its block abandoned by a reorg, it returns: at the back, listed once.
  ASSERT_TRUE(add(m, 2).is_ok());
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{1, 3, 2}));
}

TEST(Mempool, EarlyNoncesWaitAtTheBackAndOtherSkipsLeave) {
  Mempool m = pool_of(10, {1, 2, 3, 4});
  const std::vector<TxReceipt> skipped{early(1), invalid(2)};
  m.settle_build(skipped);
  EXPECT_FALSE(m.contains(ledger_tx_hash(tx_n(2))));
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{3, 4, 1}));
}

TEST(Mempool, AnEarlyNonceLeavesAfterItsDeferrals) {
  Mempool m = pool_of(10, {1});
  const std::vector<TxReceipt> skipped{early(1)};
  for (std::uint32_t i = 0; i < Mempool::kMaxDeferrals; ++i) {
    m.settle_build(skipped);
    ASSERT_TRUE(m.contains(ledger_tx_hash(tx_n(1)))) << "after deferral " << i + 1;
  }
  m.settle_build(skipped);
  EXPECT_TRUE(m.empty());
}

TEST(Mempool, AFullPoolDropsItsOldestPeerTransactionNeverALocalOne) {
  Mempool m(3, Hash256Hasher{7});
  ASSERT_TRUE(add(m, 1, TxSource::kLocal).is_ok());
  ASSERT_TRUE(add(m, 2).is_ok());
  ASSERT_TRUE(add(m, 3, TxSource::kLocal).is_ok());
  ASSERT_TRUE(add(m, 4).is_ok());  // drops 2, the oldest peer one, not 1
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{1, 3, 4}));
  ASSERT_TRUE(add(m, 5, TxSource::kLocal).is_ok());  // drops 4
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{1, 3, 5}));
  EXPECT_EQ(m.local_count(), 3u);
  // All local now: a local one is refused (its sender hears why), a peer's too.
  const Status full = add(m, 6, TxSource::kLocal);
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_EQ(full.message(), "mempool full");
  EXPECT_EQ(add(m, 7).code(), StatusCode::kUnavailable);
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{1, 3, 5}));
  // Room again once one lands.
  const std::vector<LedgerTx> block{tx_n(3)};
  m.remove_included(block);
  EXPECT_TRUE(add(m, 6, TxSource::kLocal).is_ok());
  EXPECT_EQ(m.local_count(), 3u);
}

TEST(Mempool, APeersTransactionSubmittedLocallyBecomesLocalInPlace) {
  Mempool m = pool_of(2, {1, 2});
  ASSERT_TRUE(add(m, 1, TxSource::kLocal).is_ok());
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{1, 2}));  // kept its place
  ASSERT_TRUE(add(m, 3).is_ok());  // drops 2: 1 is local now
  EXPECT_EQ(nonces(m.candidates(10)), (std::vector<std::uint64_t>{1, 3}));
}

// What a node hands a peer that joins (ChainActor PeerJoined): its local transactions only,
// in candidates' order, at most `max`; one that became local counts, one that left does not.
TEST(Mempool, LocalTransactionsComeOldestFirstWithoutPeersOnes) {
  Mempool m(10, Hash256Hasher{7});
  ASSERT_TRUE(add(m, 1, TxSource::kLocal).is_ok());
  ASSERT_TRUE(add(m, 2).is_ok());
  ASSERT_TRUE(add(m, 3, TxSource::kLocal).is_ok());
  ASSERT_TRUE(add(m, 4).is_ok());
  ASSERT_TRUE(add(m, 5, TxSource::kLocal).is_ok());
  EXPECT_EQ(nonces(m.local_txs(10)), (std::vector<std::uint64_t>{1, 3, 5}));
  EXPECT_EQ(nonces(m.local_txs(2)), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_TRUE(m.is_local(ledger_tx_hash(tx_n(3))));
  EXPECT_FALSE(m.is_local(ledger_tx_hash(tx_n(4))));
  ASSERT_TRUE(add(m, 4, TxSource::kLocal).is_ok());  // a peer's, resubmitted here
  const std::vector<LedgerTx> block{tx_n(1)};
  m.remove_included(block);
  EXPECT_EQ(nonces(m.local_txs(10)), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_FALSE(m.is_local(ledger_tx_hash(tx_n(1))));
}

TEST(Mempool, ALocalEarlyNonceWaitsForItsPredecessorWithoutLimit) {
  Mempool m = pool_of(10, {1}, TxSource::kLocal);
  const std::vector<TxReceipt> skipped{early(1)};
  for (std::uint32_t i = 0; i < 4 * Mempool::kMaxDeferrals; ++i) m.settle_build(skipped);
  EXPECT_TRUE(m.contains(ledger_tx_hash(tx_n(1))));
  const std::vector<TxReceipt> stale{invalid(1)};  // but a stale one leaves
  m.settle_build(stale);
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.local_count(), 0u);
}

// Any sequence of operations leaves the pool exactly as a list model says: the same
// members, the same order, within the bound.
RC_GTEST_PROP(Mempool, MatchesAListModel, ()) {
  const std::size_t max = *rc::gen::inRange<std::size_t>(1, 12);
  Mempool m(max, Hash256Hasher{*rc::gen::arbitrary<std::uint64_t>()});
  struct Item {
    std::uint64_t n;
    std::uint32_t deferrals;
    bool local;
  };
  std::list<Item> model;
  auto find = [&](std::uint64_t n) {
    return std::find_if(model.begin(), model.end(), [n](const Item& i) { return i.n == n; });
  };
  const int steps = *rc::gen::inRange(1, 200);
  for (int step = 0; step < steps; ++step) {
    const std::uint64_t n = *rc::gen::inRange<std::uint64_t>(0, 16);
    switch (*rc::gen::inRange(0, 4)) {
      case 0: {
        const bool local = *rc::gen::arbitrary<bool>();
        const Status added = add(m, n, local ? TxSource::kLocal : TxSource::kPeer);
        bool refused = false;
        if (auto it = find(n); it != model.end()) {
          it->local = it->local || local;
        } else {
          if (model.size() >= max) {
            auto peer = std::find_if(model.begin(), model.end(), [](const Item& i) { return !i.local; });
            if (peer == model.end()) {
              refused = true;
            } else {
              model.erase(peer);
            }
          }
          if (!refused) model.push_back(Item{n, 0, local});
        }
        RC_ASSERT(added.is_ok() == !refused);
        break;
      }
      case 1: {
        const std::vector<LedgerTx> block{tx_n(n)};
        m.remove_included(block);
        if (auto it = find(n); it != model.end()) model.erase(it);
        break;
      }
      case 2: {
        const bool is_early = *rc::gen::arbitrary<bool>();
        const std::vector<TxReceipt> skipped{is_early ? early(n) : invalid(n)};
        m.settle_build(skipped);
        if (auto it = find(n); it != model.end()) {
          Item item = *it;
          model.erase(it);
          if (is_early && (item.local || item.deferrals < Mempool::kMaxDeferrals)) {
            if (item.deferrals < Mempool::kMaxDeferrals) ++item.deferrals;
            model.push_back(item);
          }
        }
        break;
      }
      default: {
        const std::size_t limit = *rc::gen::inRange<std::size_t>(0, 14);
        std::vector<std::uint64_t> want;
        for (const Item& i : model) {
          if (want.size() < limit) want.push_back(i.n);
        }
        RC_ASSERT(nonces(m.candidates(limit)) == want);
      }
    }
    RC_ASSERT(m.size() == model.size());
    RC_ASSERT(m.local_count() ==
              static_cast<std::size_t>(std::count_if(model.begin(), model.end(), [](const Item& i) { return i.local; })));
    RC_ASSERT(m.size() <= max);
  }
  std::vector<std::uint64_t> want;
  for (const Item& i : model) want.push_back(i.n);
  RC_ASSERT(nonces(m.candidates(max)) == want);
}

}  // namespace
}  // namespace alys::chain
