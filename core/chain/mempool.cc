#include "core/chain/mempool.h"

#include <algorithm>

#include "core/runtime/assert.h"

namespace alys::chain {

Mempool::Mempool(std::size_t max_txs, Hash256Hasher hasher)
    : max_txs_(max_txs), by_hash_(0, hasher) {
  ALYS_ASSERT(max_txs_ > 0, "mempool: max_txs must be positive");
}

bool Mempool::live(const Slot& s) const {
  auto it = by_hash_.find(s.hash);
  return it != by_hash_.end() && it->second.seq == s.seq;
}

void Mempool::push_back(const Hash256& hash, Entry& entry) {
  entry.seq = next_seq_++;
  order_.push_back(Slot{hash, entry.seq});
}

void Mempool::drop_dead_front() {
  while (!order_.empty() && !live(order_.front())) order_.pop_front();
}

// Dead slots in the middle of the deque (removed by inclusion, or moved to the back) are
// skipped lazily; rebuilding once they outnumber the live ones keeps memory and the scan
// of candidates() within twice the pool, at O(1) amortized per removal.
void Mempool::compact_if_sparse() {
  if (order_.size() <= 2 * by_hash_.size() + 64) return;
  std::deque<Slot> kept;
  for (const Slot& s : order_) {
    if (live(s)) kept.push_back(s);
  }
  order_.swap(kept);
}

void Mempool::add(const LedgerTx& tx, const Hash256& hash) {
  if (by_hash_.count(hash) != 0) return;
  while (by_hash_.size() >= max_txs_) {
    drop_dead_front();
    ALYS_ASSERT(!order_.empty(), "mempool: a full pool has a live oldest slot");
    by_hash_.erase(order_.front().hash);
    order_.pop_front();
  }
  auto [it, inserted] = by_hash_.emplace(hash, Entry{tx, 0, 0});
  ALYS_ASSERT(inserted, "mempool: add of a held hash");
  push_back(hash, it->second);
}

void Mempool::remove(const Hash256& hash) {
  if (by_hash_.erase(hash) == 0) return;
  drop_dead_front();
  compact_if_sparse();
}

void Mempool::remove_included(std::span<const LedgerTx> txs) {
  if (by_hash_.empty()) return;  // the common case on followers: skip hashing every tx
  for (const LedgerTx& tx : txs) by_hash_.erase(ledger_tx_hash(tx));
  drop_dead_front();
  compact_if_sparse();
}

std::vector<LedgerTx> Mempool::candidates(std::size_t max) const {
  std::vector<LedgerTx> out;
  out.reserve(std::min(max, by_hash_.size()));
  for (const Slot& s : order_) {
    if (out.size() >= max) break;
    auto it = by_hash_.find(s.hash);
    if (it != by_hash_.end() && it->second.seq == s.seq) out.push_back(it->second.tx);
  }
  return out;
}

void Mempool::settle_build(std::span<const TxReceipt> skipped) {
  for (const TxReceipt& r : skipped) {
    auto it = by_hash_.find(r.tx_hash);
    if (it == by_hash_.end()) continue;
    Entry& e = it->second;
    const bool early = r.status.code() == StatusCode::kFailedPrecondition;
    if (early && e.deferrals < kMaxDeferrals) {
      ++e.deferrals;
      push_back(r.tx_hash, e);  // its old slot dies: an early one must not crowd the front
    } else {
      by_hash_.erase(it);
    }
  }
  drop_dead_front();
  compact_if_sparse();
}

}  // namespace alys::chain
