// ChainStore: the node's persistent chain (blocks, canonical index, head, finalized point,
// the double-sign guard, ledger snapshots) over a Storage (DESIGN.md §2). Synchronous; used
// by the StorageActor (its only caller in a node) and by tests.
//
// Key layout (bytewise-ordered keys; integers big-endian, so iterating a prefix visits
// heights and slots in numeric order; builders and decoders in chain_keys.h):
//   "b" + hash(32)        -> encode_signed_block: the block with its approvals
//   "h" + be64(height)    -> hash(32) of the canonical block at that height
//   "m/head"              -> hash(32) + be64(height)
//   "m/final"             -> hash(32) + be64(height): the finalized point
//   "m/signed_max"        -> be64(slot): the highest slot with an "s" entry, written in the
//                            same batch as that entry so startup needs no scan
//   "s" + be64(slot)      -> hash(32): the block this node SIGNED for that slot (as proposer
//                            or approver): the double-sign guard
//   "x/" + hash(32)       -> opaque ledger snapshot bytes at that block (engine checkpoints)
//   "m/bridge"            -> opaque bridge state (core/bridge/pegin_watcher.h's encoding)
// The families differ in their first byte, so a scan of one stops at the first key whose
// first byte differs.
//
// Atomicity and durability come from Storage: every mutating call is ONE WriteBatch, so
// after a crash the store holds all of it or none of it; a sync write makes it and every
// earlier write durable. A caller that writes a head together with the blocks and index
// entries it names (one ChainWrite) therefore always finds a consistent chain on restart,
// whichever unsynced writes a crash dropped.
//
// Errors (values, never exceptions, never a crash on bad bytes):
//   - a Storage error is passed on with its code, its message prefixed with the key;
//   - a stored value that fails to decode, or disagrees with its key (a block stored under
//     a hash it does not hash to), is kCorruption naming the key ("b/<hex>", "h/12", ...);
//   - load() reports a broken chain (a missing or mismatching block, a gap, a bad parent
//     link, a head or finalized pointer off the index) as kCorruption naming the height.
// A missing key is not an error for the getters: they return nullopt.
//
// Thread rules: as Storage (the node's executor only); in a node, only the StorageActor.
#pragma once

#include <cstdint>
#include <span>
#include <optional>
#include <set>
#include <vector>

#include "core/runtime/status.h"
#include "core/runtime/storage.h"
#include "core/storage/chain_types.h"

namespace alys::storage {

// Writes staged for one atomic commit (several ChainWrites coalesced, in order).
class ChainBatch {
 public:
  bool empty() const { return batch_.empty(); }
  std::size_t op_count() const { return batch_.size(); }
  const WriteBatch& write_batch() const { return batch_; }
  void clear() {
    batch_.clear();
    canonical_puts_.clear();
  }

 private:
  friend class ChainStore;
  WriteBatch batch_;
  // Canonical heights put by this batch and not deleted since: a later truncation in the
  // same batch must delete them too, and the store cannot see them yet.
  std::set<std::uint64_t> canonical_puts_;
};

class ChainStore {
 public:
  explicit ChainStore(Storage& storage) : storage_(storage) {}

  // --- writes ---------------------------------------------------------------------------
  // Applies `write` (see ChainWrite for the order inside the batch) as one WriteBatch.
  // Errors: the Storage error (nothing applied), or one from reading the index for a
  // truncation (nothing written).
  Status write(const ChainWrite& write, bool sync);
  // Appends `write` to `batch` after what is already staged there; reads the store only to
  // find the index entries a truncation deletes. On error `batch` is unchanged.
  Status stage(const ChainWrite& write, ChainBatch& batch);
  // Writes `batch` as one WriteBatch; clears it on success. An empty batch is written only
  // when `sync` (then it just makes earlier unsynced writes durable).
  Status commit(ChainBatch& batch, bool sync);

  // The double-sign guard: records, with a sync write, that this node signs `hash` for
  // `slot`. Call it BEFORE releasing the signature. Ok if `hash` (or the same hash again)
  // is now durably recorded; kFailedPrecondition, writing nothing, if a DIFFERENT hash is
  // already recorded for that slot (the caller must not sign); otherwise a Storage error.
  // `sync` is always true but for the planted bug ack-before-sync (core/runtime/planted.h).
  Status record_signature(std::uint64_t slot, const Hash256& hash, bool sync = true);

  // The peg-out double-sign guard: records, with one sync write, that this federation
  // member signs payment `payment_txid`, which spends `coins`. Call it BEFORE releasing the
  // signatures. Ok if every coin is now durably recorded for `payment_txid` (again is
  // fine); kFailedPrecondition, writing nothing, if any coin is already recorded for a
  // DIFFERENT payment (a conflicting spend: the caller must not sign); else a Storage error.
  Status record_pegout_signing(const Hash256& payment_txid, std::span<const OutPoint> coins);

  // The bridge's state, replaced whole with a sync write (it decides what it has reported,
  // so it must be durable before the bridge acts on it).
  Status put_bridge_state(ByteView state);

  // --- reads ----------------------------------------------------------------------------
  Result<std::optional<Hash256>> signed_for_slot(std::uint64_t slot);
  Result<std::optional<std::uint64_t>> highest_signed_slot();
  // The block stored under `hash`, checked to hash to it.
  Result<std::optional<SignedBlock>> block(const Hash256& hash);
  Result<std::optional<Hash256>> canonical_hash(std::uint64_t height);
  Result<std::optional<ChainPointer>> head();
  Result<std::optional<ChainPointer>> finalized();
  Result<std::optional<Bytes>> snapshot(const Hash256& hash);
  Result<std::optional<Bytes>> bridge_state();

  // Canonical blocks from `start_height`, at most min(count, limits::kMaxBlocksPerRange),
  // never above the head; stops at the first height without an index entry. An index entry
  // whose block is missing is kCorruption naming the height.
  Result<std::vector<SignedBlock>> blocks_by_range(std::uint64_t start_height,
                                                   std::uint32_t count);

  // Startup: head, finalized, the highest signed slot and the canonical chain from its
  // first height (0 or 1) up to head, each block checked against its index entry, its
  // height and its parent link; head and finalized must lie on it. Index entries above
  // head are ignored. An empty store loads as an empty chain.
  Result<LoadedChain> load();

  // Recovery from a store load() found corrupt (the chain can be fetched again from peers;
  // what this node signed cannot): Storage::repair drops the corrupt values, then every
  // chain key (blocks, canonical index, head, finalized, snapshots) is deleted and the
  // safety records are kept: the signature guard, the peg-out spend guard, the bridge
  // state. The guard's maximum is rebuilt from its slot records and never lowered; if a
  // guard value was dropped it is raised to at least `guard_floor_slot` (the caller's
  // current slot: it will not sign at or below it). One sync write. Errors: Storage's.
  Result<RepairReport> repair(std::uint64_t guard_floor_slot);

 private:
  // Reads `key`: nullopt when absent; other errors prefixed with the key's name.
  Result<std::optional<Bytes>> get_optional(ByteView key);
  Result<std::optional<ChainPointer>> pointer(std::string_view key);
  // The canonical chain up to `head` into out.blocks and out.hashes (load's main part).
  Status load_canonical(const ChainPointer& head, LoadedChain& out);

  Storage& storage_;
};

}  // namespace alys::storage
