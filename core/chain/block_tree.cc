#include "core/chain/block_tree.h"

#include <algorithm>
#include <tuple>

#include "core/runtime/assert.h"

namespace alys {

BlockTree::BlockTree(SignedBlock genesis, std::size_t authority_count)
    : authority_count_(authority_count) {
  ALYS_ASSERT(authority_count > 0, "BlockTree: no authorities");
  const Hash256 hash = block_hash(genesis.block);
  Entry entry{std::move(genesis), hash, next_order_++, {}};
  auto [it, inserted] = entries_.emplace(hash, std::move(entry));
  ALYS_ASSERT(inserted, "BlockTree: genesis twice");
  head_ = genesis_ = &it->second;
  canonical_.push_back(hash);
  finalized_ = ChainPoint{hash, 0};
}

const BlockTree::Entry* BlockTree::get(const Hash256& hash) const {
  auto it = entries_.find(hash);
  return it == entries_.end() ? nullptr : &it->second;
}

HeadChange BlockTree::insert(SignedBlock block, const Hash256& hash) {
  ALYS_ASSERT(!contains(hash), "BlockTree::insert: block already present");
  ALYS_ASSERT(contains(block.block.parent_hash), "BlockTree::insert: parent missing");
  Entry entry{std::move(block), hash, next_order_++, {}};
  for (const Approval& a : entry.block.approvals) entry.approvers.insert(a.authority_index);
  auto [it, inserted] = entries_.emplace(hash, std::move(entry));
  children_[it->second.block.block.parent_hash].push_back(hash);
  return consider_head(it->second);
}

HeadChange BlockTree::consider_head(const Entry& e) {
  HeadChange change;
  change.old_height = head_height();
  // Longest approved chain. Between approved blocks of equal height the lower (slot, hash)
  // wins, so every node that has seen both picks the same one (see the header).
  if (e.approvers.size() < approval_quorum(authority_count_) || &e == head_) return change;
  const std::uint64_t height = e.block.block.height;
  const bool higher = height > head_height();
  const bool wins_tie =
      height == head_height() &&
      std::tie(e.block.block.slot, e.hash) < std::tie(head_->block.block.slot, head_->hash);
  if ((higher || wins_tie) && extends_finalized(e.hash)) rebuild_canonical_from(e, change);
  return change;
}

void BlockTree::rebuild_canonical_from(const Entry& new_head, HeadChange& change) {
  const std::uint64_t new_height = new_head.block.block.height;
  std::vector<Hash256> branch;  // new blocks not on the old canonical chain, top down
  const Entry* e = &new_head;
  while (true) {
    const std::uint64_t h = e->block.block.height;
    if (h < canonical_.size() && canonical_[h] == e->hash) break;
    branch.push_back(e->hash);
    e = get(e->block.block.parent_hash);
    ALYS_ASSERT(e != nullptr, "BlockTree: broken ancestry");
  }
  change.changed = true;
  change.fork_height = e->block.block.height;
  change.abandoned.assign(canonical_.begin() + static_cast<std::ptrdiff_t>(change.fork_height + 1),
                          canonical_.end());
  canonical_.resize(change.fork_height + 1);
  for (auto it = branch.rbegin(); it != branch.rend(); ++it) canonical_.push_back(*it);
  ALYS_ASSERT(canonical_.size() == new_height + 1, "BlockTree: canonical index size");
  head_ = &new_head;
}

ApprovalAdded BlockTree::add_approval(const Hash256& hash, const Approval& approval) {
  ApprovalAdded out;
  auto it = entries_.find(hash);
  if (it == entries_.end()) return out;
  Entry& e = it->second;
  if (!e.approvers.insert(approval.authority_index).second) return out;
  e.block.approvals.push_back(approval);
  out.added = true;
  out.change = consider_head(e);
  return out;
}

const std::vector<Hash256>& BlockTree::children(const Hash256& hash) const {
  static const std::vector<Hash256> kNone;
  auto it = children_.find(hash);
  return it == children_.end() ? kNone : it->second;
}

bool BlockTree::approved(const Hash256& hash) const {
  const Entry* e = get(hash);
  if (e == nullptr) return false;
  return e == genesis_ || e->approvers.size() >= approval_quorum(authority_count_);
}

std::optional<Hash256> BlockTree::canonical_at(std::uint64_t height) const {
  if (height >= canonical_.size()) return std::nullopt;
  return canonical_[height];
}

bool BlockTree::extends_finalized(const Hash256& hash) const {
  const Entry* e = get(hash);
  while (e != nullptr && e->block.block.height > finalized_.height) {
    // The canonical chain is one line of ancestry through the finalized block (finality
    // is set on it and the head never moves off it), so a block of it at or above the
    // finalized height descends from it: the walk would end there. Without this, every
    // import walked back the whole unfinalized range.
    const std::uint64_t h = e->block.block.height;
    if (h < canonical_.size() && canonical_[h] == e->hash) return true;
    e = get(e->block.block.parent_hash);
  }
  return e != nullptr && e->hash == finalized_.hash;
}

void BlockTree::set_finalized(const ChainPoint& point) {
  ALYS_ASSERT(point.height >= finalized_.height, "BlockTree: finality moves backwards");
  ALYS_ASSERT(canonical_at(point.height) == point.hash, "BlockTree: finalizing off the head chain");
  finalized_ = point;
}

BlockTree::PowView BlockTree::pow_view(const Hash256& tip) const {
  // Finality as the tip's own ancestry defines it: the newest AuxPoW header on it finalizes
  // up to its range_end (genesis when there is none). Never the node's local finalized
  // point: a header that finalized on a branch since abandoned is not part of this chain,
  // and validity must be a function of the chain, or nodes with different histories split.
  PowView view;
  const Entry* e = get(tip);
  ALYS_ASSERT(e != nullptr, "BlockTree::pow_view: unknown tip");
  std::optional<Hash256> branch_final;
  while (e->block.block.height > 0) {
    if (branch_final && e->hash == *branch_final) break;
    view.unfinalized.push_back(e->hash);
    if (!branch_final && e->block.block.auxpow_header) {
      view.last_pow_height = e->block.block.height;
      view.last_pow_bits = e->block.block.auxpow_header->bits;
      branch_final = e->block.block.auxpow_header->range_end;
    }
    e = get(e->block.block.parent_hash);
    ALYS_ASSERT(e != nullptr, "BlockTree::pow_view: broken ancestry");
  }
  view.first_height = e->block.block.height + 1;
  std::reverse(view.unfinalized.begin(), view.unfinalized.end());
  return view;
}

}  // namespace alys
