// BlockTree: the blocks a node has validated and executed, fork choice and finality
// (Alys: longest chain of federation-signed blocks; members keep the block they saw first).
//
//   insert()      adds a valid, executed block whose parent is present. REQUIRES: parent
//                 present, hash not present (asserted).
//   head          the highest APPROVED block (a quorum of authorities signed it, as Alys
//                 imports a block once its aggregate approval holds); among approved
//                 blocks of equal height the one with the lower (slot, hash). **Ours**:
//                 Alys keeps the block it saw first, but two blocks of one height in
//                 different slots can both reach a quorum (an authority whose head was
//                 still their parent approves each), and nodes that saw them in different
//                 orders then stay split forever: authorities approve only blocks that
//                 extend their own head, so no child reaches a quorum. A rule every node
//                 computes alike lets them converge once they have seen both. Genesis
//                 counts as approved. A block enters the tree when valid and executed; it
//                 can become head only once approved, which insert() or add_approval()
//                 may decide.
//   canonical     the head's ancestry by height, kept as an index; a head change reports
//                 the fork point (reorg) through the returned HeadChange.
//   finalized     set by an imported block's AuxPoW header (range_end). Blocks that do not
//                 descend from the finalized block are refused by `extends_finalized`, and
//                 the head can never move off it.
//   approvals     per block, distinct authority indices; `approved` once the quorum holds.
// Memory: all blocks are kept (a later issue prunes below finalized for the real node).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "core/chain/block.h"

namespace alys {

struct ChainPoint {
  Hash256 hash;
  std::uint64_t height = 0;
  friend bool operator==(const ChainPoint&, const ChainPoint&) = default;
};

struct HeadChange {
  bool changed = false;
  // Height of the last block the old and new canonical chains share (a reorg when it is
  // below the old head's height).
  std::uint64_t fork_height = 0;
  std::uint64_t old_height = 0;
  // The old canonical blocks above fork_height (a reorg abandoned them), in height order.
  std::vector<Hash256> abandoned;
};

struct ApprovalAdded {
  bool added = false;  // a new authority for that block
  HeadChange change;   // the block became approved and the new head
};

class BlockTree {
 public:
  struct Entry {
    SignedBlock block;
    Hash256 hash;
    std::uint64_t order = 0;  // insertion order, for first-seen tie-breaks
    std::set<std::uint32_t> approvers;
  };

  BlockTree(SignedBlock genesis, std::size_t authority_count);

  bool contains(const Hash256& hash) const { return entries_.count(hash) != 0; }
  const Entry* get(const Hash256& hash) const;
  const Entry& head() const { return *head_; }
  const Entry& genesis() const { return *genesis_; }
  ChainPoint finalized() const { return finalized_; }
  std::size_t size() const { return entries_.size(); }

  HeadChange insert(SignedBlock block, const Hash256& hash);
  // Adds an approval (already signature-checked) to a block of the tree, kept in the
  // block's approvals list too (so it is stored and served with the block).
  ApprovalAdded add_approval(const Hash256& hash, const Approval& approval);
  bool approved(const Hash256& hash) const;
  // Blocks of the tree whose parent is `hash`, in insertion order.
  const std::vector<Hash256>& children(const Hash256& hash) const;

  // Canonical chain access (the head's ancestry).
  std::optional<Hash256> canonical_at(std::uint64_t height) const;
  std::uint64_t head_height() const { return head_->block.block.height; }

  // True iff `hash` is the finalized block or descends from it.
  bool extends_finalized(const Hash256& hash) const;
  // Moves finality to `point` (REQUIRES: on the canonical chain at or above the current
  // finalized height; asserted).
  void set_finalized(const ChainPoint& point);

  // What an AuxPoW on top of `tip` must cover, by tip's ancestry alone: the blocks after
  // the range_end of the newest AuxPoW header on that ancestry (genesis if none) up to
  // tip, in height order, and that header's block height and bits (0 / none if none).
  // The node's own finalized point plays no part: validity must depend on the chain only.
  struct PowView {
    std::vector<Hash256> unfinalized;
    std::uint64_t first_height = 0;
    std::uint64_t last_pow_height = 0;
    std::optional<std::uint32_t> last_pow_bits;
  };
  PowView pow_view(const Hash256& tip) const;

 private:
  void rebuild_canonical_from(const Entry& new_head, HeadChange& change);
  // Moves the head to `e` if it is approved, higher than the head and on finality.
  HeadChange consider_head(const Entry& e);

  std::size_t authority_count_;
  // Hash-keyed and never iterated: lookups only (block hashes are not chosen by peers
  // freely, since every block carries an authority's signature). Nodes keep their
  // addresses, so Entry pointers stay valid as the maps grow.
  std::unordered_map<Hash256, Entry, Hash256Hasher> entries_;
  std::unordered_map<Hash256, std::vector<Hash256>, Hash256Hasher> children_;
  const Entry* head_ = nullptr;
  const Entry* genesis_ = nullptr;
  std::vector<Hash256> canonical_;  // index = height
  ChainPoint finalized_;
  std::uint64_t next_order_ = 0;
};

}  // namespace alys
