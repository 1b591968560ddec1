// Value types of the chain store, shared by ChainStore, the StorageActor's messages and
// their callers (chain, sync, engine actors).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/chain/block.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys::storage {

// A block named by hash and height: the head, the finalized point.
struct ChainPointer {
  Hash256 hash;
  std::uint64_t height = 0;
  friend bool operator==(const ChainPointer&, const ChainPointer&) = default;
};

// A block as stored: the key's hash and the value's bytes. The writer makes both (the
// chain actor has the hash at hand and the block in its tree), so a write carries no copy
// of the block and the store does not hash it again.
struct StoredBlock {
  Hash256 hash;  // block_hash(block.block)
  Bytes bytes;   // encode_signed_block(block)
};

// Everything one import / reorg / finalization changes, written as ONE atomic batch.
// Applied in this order inside the batch (later entries win on the same key):
//   1. `blocks` are stored under their hashes;
//   2. canonical index entries above `truncate_canonical_above` are deleted (a reorg to a
//      shorter chain, or before re-pointing heights);
//   3. `canonical` entries (height -> hash) are set;
//   4. `head`, `finalized` and `snapshot` are set.
// The store does not check that the pointers and index agree: the caller writes them
// together, and load() verifies them.
struct ChainWrite {
  std::vector<StoredBlock> blocks;
  std::vector<std::pair<std::uint64_t, Hash256>> canonical;
  std::optional<std::uint64_t> truncate_canonical_above;
  std::optional<ChainPointer> head;
  std::optional<ChainPointer> finalized;
  std::optional<std::pair<Hash256, Bytes>> snapshot;  // (block hash, opaque ledger bytes)

  bool empty() const {
    return blocks.empty() && canonical.empty() && !truncate_canonical_above && !head &&
           !finalized && !snapshot;
  }
  // Adds `block`, encoded, under `hash`. REQUIRES: hash == block_hash(block.block).
  void add_block(const SignedBlock& block, const Hash256& hash);
  // Adds `block`, encoded, under its hash (computed here).
  void add_block(const SignedBlock& block);
};

// What a node finds on its disk at startup (ChainStore::load).
// What ChainStore::repair did to a corrupt store.
struct RepairReport {
  std::size_t dropped_values = 0;  // values the storage dropped as corrupt
  std::size_t discarded_keys = 0;  // chain keys deleted: blocks, index, head, final, snapshots
  // A value of the signature guard (a slot record or its maximum) was dropped: what this
  // node signed is no longer known, so the guard's floor was raised to the caller's floor.
  bool guard_damaged = false;
  std::optional<std::uint64_t> highest_signed_slot;  // the guard's maximum afterwards
};

struct LoadedChain {
  std::optional<ChainPointer> head;       // absent: nothing stored yet
  std::optional<ChainPointer> finalized;  // absent: nothing finalized yet
  // The canonical chain from its first stored height (0, or 1 when genesis is implied) up
  // to head, in height order; verified against the index, heights and parent links.
  std::vector<SignedBlock> blocks;
  // hashes[i] is blocks[i]'s hash, checked against the block when it was read (so a reader
  // need not hash the block again).
  std::vector<Hash256> hashes;
  // The highest slot this node recorded a signature for (it must never sign at or below a
  // slot it signed for a different block).
  std::optional<std::uint64_t> highest_signed_slot;

  // Set when this load followed ChainStore::repair: what the repair did.
  std::optional<RepairReport> repair;

  // Height of blocks.front() (meaningful only when !blocks.empty()).
  std::uint64_t first_height() const { return blocks.empty() ? 0 : blocks.front().block.height; }
};

}  // namespace alys::storage
