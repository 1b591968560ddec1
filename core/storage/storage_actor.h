// StorageActor: the one owner of a node's ChainStore (DESIGN.md §3, StorageSupervisor).
// Other actors persist and read the chain only through its messages.
//
// Messages (handled in mailbox order: FIFO within a priority; a read sent at the same
// priority as earlier writes sees them):
//   PersistChain      tell. One ChainWrite, atomic. A write error is logged, then returned
//                     as the handler's error: the actor crashes and its supervisor
//                     restarts it (the failing message goes to dead letters). With a
//                     WriteFence (write_fence.h) every later write fails too and the
//                     process is asked to exit: a node never writes past a hole.
//   SaveSnapshot      tell. Stores opaque ledger bytes at a block; a ChainWrite with only
//                     `snapshot` set, so it coalesces and fails like PersistChain.
//   RecordSignature   ask -> bool. The double-sign guard (ChainStore::record_signature):
//                     true once the signature is recorded with a sync write; false when a
//                     DIFFERENT hash is recorded for the slot (the caller must not sign);
//                     an error Status on I/O or corruption (the caller must not sign
//                     either). Never crashes the actor.
//   RecordPegOutSigning ask -> bool. The peg-out double-sign guard
//                     (ChainStore::record_pegout_signing), answered like RecordSignature:
//                     false when a coin is already recorded for a different payment.
//   LoadChainRequest  ask -> LoadedChain (ChainStore::load); errors are replied.
//   RepairChainRequest ask -> LoadedChain: ChainStore::repair (drop corrupt values, discard
//                     the chain, keep the safety records), then load; `repair` is set in
//                     the reply. For a chain whose load failed with kCorruption.
//   GetBlocksByRange  ask -> canonical blocks from start_height, at most
//                     min(count, limits::kMaxBlocksPerRange), stopping at the first gap.
//   GetBlock          ask -> the block with that hash, if stored.
//   LoadSnapshot      ask -> the snapshot bytes stored at that block, if any.
//   SaveBridgeState   ask -> true once the bridge's state is written with a sync write; an
//                     error Status on I/O (the bridge must not act on what it saved then).
//                     Never crashes the actor.
//   LoadBridgeState   ask -> the bridge's stored state, if any.
//   CrashForTest      the handler returns an error (issue 5's "crash each actor kind").
//
// Coalescing: with ChildOptions::mailbox.batch_max > 1 (storage_actor_options() sets it),
// consecutive PersistChain / SaveSnapshot messages of one mailbox batch are staged into ONE
// WriteBatch, in order; the batch is synced if any of them asked for sync. Any other
// message first commits what is staged, so replies always reflect every earlier write.
// When a coalesced commit fails, the first message of the group is the failing one (dead
// letters) and the rest go back to the mailbox for the restarted instance: the same
// outcome as handling them one by one with the first write failing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/actor/actor.h"
#include "core/storage/chain_store.h"
#include "core/storage/write_fence.h"

namespace alys::storage {

struct PersistChain {
  ChainWrite write;
  bool sync = false;
};
struct SaveSnapshot {
  Hash256 block;
  Bytes ledger;
  bool sync = false;
};
struct RecordSignature {
  std::uint64_t slot = 0;
  Hash256 hash;
  actor::ReplyTo<bool> reply;
};
struct RecordPegOutSigning {
  Hash256 payment_txid;
  std::vector<OutPoint> coins;
  actor::ReplyTo<bool> reply;
};
struct LoadChainRequest {
  actor::ReplyTo<LoadedChain> reply;
};
struct RepairChainRequest {
  std::uint64_t guard_floor_slot = 0;
  actor::ReplyTo<LoadedChain> reply;
};
struct GetBlocksByRange {
  std::uint64_t start_height = 0;
  std::uint32_t count = 0;
  actor::ReplyTo<std::vector<SignedBlock>> reply;
};
struct GetBlock {
  Hash256 hash;
  actor::ReplyTo<std::optional<SignedBlock>> reply;
};
struct LoadSnapshot {
  Hash256 block;
  actor::ReplyTo<std::optional<Bytes>> reply;
};
struct SaveBridgeState {
  Bytes state;
  actor::ReplyTo<bool> reply;
};
struct LoadBridgeState {
  actor::ReplyTo<std::optional<Bytes>> reply;
};
struct CrashForTest {};

using StorageMsg = std::variant<PersistChain, SaveSnapshot, RecordSignature, RecordPegOutSigning,
                                LoadChainRequest, RepairChainRequest,
                                GetBlocksByRange, GetBlock, LoadSnapshot, SaveBridgeState,
                                LoadBridgeState, CrashForTest>;

// Messages one mailbox batch may coalesce (a bound on one WriteBatch's message count).
inline constexpr std::uint32_t kStorageBatchMax = 64;

// The StorageActor's child options: `name`, batching on (kStorageBatchMax).
actor::ChildOptions storage_actor_options(std::string name = "storage");

class StorageActor final : public actor::Actor<StorageMsg> {
 public:
  StorageActor() = default;
  // With a fence (a node's process): the store is written through it, and the first
  // failed write asks the process to exit (Env::exit_process(kExitWriteFailed)). Without
  // (tests of the actor alone), a failed write only crashes the actor.
  explicit StorageActor(std::shared_ptr<FencedStorage> fence) : fence_(std::move(fence)) {}
  static constexpr int kExitWriteFailed = 74;  // sysexits' EX_IOERR

  // Builds the ChainStore over env().storage().
  Status pre_start() override;
  Status receive(StorageMsg& message) override;
  Status receive_batch(std::span<actor::Envelope<StorageMsg>> batch,
                       std::size_t& handled) override;

 private:
  // Handles a message that is not a write (replies, or the test crash).
  Status handle_request(StorageMsg& message);
  Status handle_request_unfenced(StorageMsg& message);
  // ChainStore::repair then load, logged.
  Result<LoadedChain> repair_and_load(std::uint64_t guard_floor_slot);
  // With a closed fence: asks the process to exit (once per incarnation).
  void exit_if_fenced();
  // Logs a failed write and returns it (the handler's error).
  Status write_failed(const Status& error, std::size_t messages);

  std::shared_ptr<FencedStorage> fence_;
  bool exit_requested_ = false;
  std::optional<ChainStore> store_;
};

}  // namespace alys::storage
