// Mempool: the ledger transactions a node holds for the blocks it may propose.
//
// Contract:
// - Holds at most `max_txs` transactions, keyed by ledger_tx_hash. Each is a peer's
//   (gossip, a reorg's abandoned block) or local (submitted to this node: an RPC client or
//   workload it answered "held"). Adding to a full pool drops its oldest peer transaction:
//   bounded memory beats completeness for gossip. A local one is never dropped to make
//   room: a node that acknowledged a transfer and then dropped it for newer gossip lost an
//   acknowledged transfer (the load test at 3,000 req/s lost 51,455 that way). When no
//   peer transaction is left to drop, add() refuses: a local one with kUnavailable
//   "mempool full" (its sender retries), a peer's silently.
// - candidates(n) returns up to n held transactions, oldest first (arrival order, with
//   deferred ones moved to the back).
//   A build takes them through in_nonce_order (build_order.h): arrival order
//   scrambles one sender's nonces, and a build tries each candidate once.
// - settle_build(skipped) takes a build's skipped candidates. One skipped only because its
//   nonce is ahead of the sender's (kFailedPrecondition: an earlier transaction of that
//   sender has not landed on this head yet) stays, moved to the back, up to
//   kMaxDeferrals builds (a local one for as long as it stays early: see below); any
//   other leaves (stale nonce, short balance, bad signature).
//   Why keep the early ones: a wallet resubmits a transaction to one node, and every peer's
//   gossip seen cache drops that resubmission as a duplicate. A proposer that dropped an
//   early transaction therefore never saw it again, and the sender's later nonces stalled
//   behind it forever (chain chaos seed 23 with peg-outs). A local early one is never
//   dropped for its deferrals: its predecessor may sit in a crashed node's journal for as
//   long as that node takes to come back, and dropping the acknowledged successor lost it
//   (the crash test, an authority killed ten times under load).
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
#include "core/runtime/status.h"
#include "core/types/hash256.h"

namespace alys::chain {

enum class TxSource : std::uint8_t { kPeer, kLocal };

class Mempool {
 public:
  // Builds a transaction may sit out for an early nonce before it leaves.
  static constexpr std::uint32_t kMaxDeferrals = 32;

  // REQUIRES: max_txs > 0.
  Mempool(std::size_t max_txs, Hash256Hasher hasher);

  std::size_t size() const { return by_hash_.size(); }
  std::size_t local_count() const { return local_count_; }
  bool empty() const { return by_hash_.empty(); }
  bool contains(const Hash256& hash) const { return by_hash_.count(hash) != 0; }
  bool is_local(const Hash256& hash) const {
    auto it = by_hash_.find(hash);
    return it != by_hash_.end() && it->second.local;
  }

  // hash = ledger_tx_hash(tx). A transaction already held keeps its place (and becomes
  // local if submitted locally now). Errors: kUnavailable "mempool full" (see above).
  Status add(const LedgerTx& tx, const Hash256& hash, TxSource source = TxSource::kPeer);
  void remove(const Hash256& hash);
  // Removes every transaction of a block now on this node's chain.
  void remove_included(std::span<const LedgerTx> txs);

  std::vector<LedgerTx> candidates(std::size_t max) const;
  // Up to `max` local transactions, oldest first (in candidates' order).
  std::vector<LedgerTx> local_txs(std::size_t max) const;
  void settle_build(std::span<const TxReceipt> skipped);

 private:
  struct Entry {
    LedgerTx tx;
    std::uint64_t seq;  // of its live slot in order_
    std::uint32_t deferrals;
    bool local;
  };
  struct Slot {
    Hash256 hash;
    std::uint64_t seq;  // live iff by_hash_[hash].seq == seq
  };

  bool live(const Slot& s) const;
  bool live_peer(const Slot& s) const;
  void push_back(const Hash256& hash, Entry& entry);
  void erase(std::unordered_map<Hash256, Entry, Hash256Hasher>::iterator it);
  bool evict_oldest_peer();
  void drop_dead_front();
  void compact_if_sparse();

  std::size_t max_txs_;
  std::unordered_map<Hash256, Entry, Hash256Hasher> by_hash_;
  std::deque<Slot> order_;  // oldest first; slots of removed or moved entries are dead
  // The same slots for peer transactions only: who a full pool drops, oldest first,
  // without walking past every local one (a slot whose entry became local is dead here).
  std::deque<Slot> peer_order_;
  std::size_t local_count_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace alys::chain
