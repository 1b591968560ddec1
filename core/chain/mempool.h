// Mempool: the ledger transactions a node holds for the blocks it may propose.
//
// Contract:
// - Holds at most `max_txs` transactions, keyed by ledger_tx_hash. Adding to a full pool
//   drops the oldest first: bounded memory beats completeness for gossip.
// - candidates(n) returns up to n held transactions, oldest first (arrival order, with
//   deferred ones moved to the back).
// - settle_build(skipped) takes a build's skipped candidates. One skipped only because its
//   nonce is ahead of the sender's (kFailedPrecondition: an earlier transaction of that
//   sender has not landed on this head yet) stays, moved to the back, up to
//   kMaxDeferrals builds; any other leaves (stale nonce, short balance, bad signature).
//   Why keep the early ones: a wallet resubmits a transaction to one node, and every peer's
//   gossip seen cache drops that resubmission as a duplicate. A proposer that dropped an
//   early transaction therefore never saw it again, and the sender's later nonces stalled
//   behind it forever (chain chaos seed 23 with peg-outs).
// - Keyed by a hash a peer can grind: the table is salted and never iterated; the order of
//   candidates is the order deque's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/execution/ledger_tx.h"
#include "core/execution/ledger_types.h"
#include "core/types/hash256.h"

namespace alys::chain {

class Mempool {
 public:
  // Builds a transaction may sit out for an early nonce before it leaves.
  static constexpr std::uint32_t kMaxDeferrals = 32;

  // REQUIRES: max_txs > 0.
  Mempool(std::size_t max_txs, Hash256Hasher hasher);

  std::size_t size() const { return by_hash_.size(); }
  bool empty() const { return by_hash_.empty(); }
  bool contains(const Hash256& hash) const { return by_hash_.count(hash) != 0; }

  // hash = ledger_tx_hash(tx). A transaction already held keeps its place.
  void add(const LedgerTx& tx, const Hash256& hash);
  void remove(const Hash256& hash);
  // Removes every transaction of a block now on this node's chain.
  void remove_included(std::span<const LedgerTx> txs);

  std::vector<LedgerTx> candidates(std::size_t max) const;
  void settle_build(std::span<const TxReceipt> skipped);

 private:
  struct Entry {
    LedgerTx tx;
    std::uint64_t seq;  // of its live slot in order_
    std::uint32_t deferrals;
  };
  struct Slot {
    Hash256 hash;
    std::uint64_t seq;  // live iff by_hash_[hash].seq == seq
  };

  bool live(const Slot& s) const;
  void push_back(const Hash256& hash, Entry& entry);
  void drop_dead_front();
  void compact_if_sparse();

  std::size_t max_txs_;
  std::unordered_map<Hash256, Entry, Hash256Hasher> by_hash_;
  std::deque<Slot> order_;  // oldest first; slots of removed or moved entries are dead
  std::uint64_t next_seq_ = 0;
};

}  // namespace alys::chain
