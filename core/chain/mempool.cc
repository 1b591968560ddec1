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

bool Mempool::live_peer(const Slot& s) const {
  auto it = by_hash_.find(s.hash);
  return it != by_hash_.end() && it->second.seq == s.seq && !it->second.local;
}

void Mempool::push_back(const Hash256& hash, Entry& entry) {
  entry.seq = next_seq_++;
  order_.push_back(Slot{hash, entry.seq});
  if (!entry.local) peer_order_.push_back(Slot{hash, entry.seq});
}

void Mempool::erase(std::unordered_map<Hash256, Entry, Hash256Hasher>::iterator it) {
  if (it->second.local) --local_count_;
  by_hash_.erase(it);
}

void Mempool::drop_dead_front() {
  while (!order_.empty() && !live(order_.front())) order_.pop_front();
  while (!peer_order_.empty() && !live_peer(peer_order_.front())) peer_order_.pop_front();
}

// Dead slots in the middle of a deque (removed by inclusion, moved to the back, or, in
// peer_order_, made local) are skipped lazily; rebuilding once they outnumber the live
// ones keeps memory and the scans within twice the pool, at O(1) amortized per removal.
void Mempool::compact_if_sparse() {
  if (order_.size() > 2 * by_hash_.size() + 64) {
    std::deque<Slot> kept;
    for (const Slot& s : order_) {
      if (live(s)) kept.push_back(s);
    }
    order_.swap(kept);
  }
  if (peer_order_.size() > 2 * (by_hash_.size() - local_count_) + 64) {
    std::deque<Slot> kept;
    for (const Slot& s : peer_order_) {
      if (live_peer(s)) kept.push_back(s);
    }
    peer_order_.swap(kept);
  }
}

bool Mempool::evict_oldest_peer() {
  drop_dead_front();
  if (peer_order_.empty()) return false;
  by_hash_.erase(peer_order_.front().hash);  // a peer's: local_count_ unchanged
  peer_order_.pop_front();
  drop_dead_front();
  return true;
}

Status Mempool::add(const LedgerTx& tx, const Hash256& hash, TxSource source) {
  const bool local = source == TxSource::kLocal;
  if (auto held = by_hash_.find(hash); held != by_hash_.end()) {
    if (local && !held->second.local) {
      held->second.local = true;  // its peer_order_ slot dies (live_peer)
      ++local_count_;
      compact_if_sparse();
    }
    return Status::ok();
  }
  while (by_hash_.size() >= max_txs_) {
    if (!evict_oldest_peer()) return Status::unavailable("mempool full");
  }
  auto [it, inserted] = by_hash_.emplace(hash, Entry{tx, 0, 0, local});
  ALYS_ASSERT(inserted, "mempool: add of a held hash");
  if (local) ++local_count_;
  push_back(hash, it->second);
  return Status::ok();
}

void Mempool::remove(const Hash256& hash) {
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return;
  erase(it);
  drop_dead_front();
  compact_if_sparse();
}

void Mempool::remove_included(std::span<const LedgerTx> txs) {
  if (by_hash_.empty()) return;  // the common case on followers: skip hashing every tx
  for (const LedgerTx& tx : txs) {
    if (auto it = by_hash_.find(ledger_tx_hash(tx)); it != by_hash_.end()) erase(it);
  }
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

std::vector<LedgerTx> Mempool::local_txs(std::size_t max) const {
  std::vector<LedgerTx> out;
  out.reserve(std::min(max, local_count_));
  for (const Slot& s : order_) {
    if (out.size() >= max || out.size() == local_count_) break;
    auto it = by_hash_.find(s.hash);
    if (it != by_hash_.end() && it->second.seq == s.seq && it->second.local) out.push_back(it->second.tx);
  }
  return out;
}

void Mempool::settle_build(std::span<const TxReceipt> skipped) {
  for (const TxReceipt& r : skipped) {
    auto it = by_hash_.find(r.tx_hash);
    if (it == by_hash_.end()) continue;
    Entry& e = it->second;
    const bool early = r.status.code() == StatusCode::kFailedPrecondition;
    if (early && (e.local || e.deferrals < kMaxDeferrals)) {
      if (e.deferrals < kMaxDeferrals) ++e.deferrals;
      push_back(r.tx_hash, e);  // its old slot dies: an early one must not crowd the front
    } else {
      erase(it);
    }
  }
  drop_dead_front();
  compact_if_sparse();
}

}  // namespace alys::chain
