#include "core/storage/storage_actor.h"

#include <fmt/format.h>

#include <type_traits>

#include "core/runtime/env.h"
#include "core/runtime/log.h"

namespace alys::storage {

namespace {

// Stages a write message (PersistChain or SaveSnapshot) into `batch`. Reads the message
// without consuming it: after a failed coalesced commit the unhandled messages go back to
// the mailbox intact.
Status stage_write(ChainStore& store, const StorageMsg& m, ChainBatch& batch, bool& sync) {
  if (const auto* p = std::get_if<PersistChain>(&m)) {
    sync = p->sync;
    return store.stage(p->write, batch);
  }
  const auto& snap = std::get<SaveSnapshot>(m);
  sync = snap.sync;
  ChainWrite w;
  w.snapshot.emplace(snap.block, snap.ledger);
  return store.stage(w, batch);
}

bool is_write(const StorageMsg& m) {
  return std::holds_alternative<PersistChain>(m) || std::holds_alternative<SaveSnapshot>(m);
}

}  // namespace

actor::ChildOptions storage_actor_options(std::string name) {
  actor::ChildOptions o;
  o.name = std::move(name);
  o.mailbox.batch_max = kStorageBatchMax;
  return o;
}

Status StorageActor::pre_start() {
  if (fence_) {
    store_.emplace(*fence_);
  } else {
    store_.emplace(env().storage());
  }
  return Status::ok();
}

Result<LoadedChain> StorageActor::repair_and_load(std::uint64_t guard_floor_slot) {
  Result<RepairReport> report = store_->repair(guard_floor_slot);
  if (!report) {
    ALYS_LOG(env().log(), kError, "storage: repair failed: {}", report.error().to_string());
    return report.error();
  }
  ALYS_LOG(env().log(), kWarn,
           "storage: repaired: {} corrupt values dropped, {} chain keys discarded for a resync; "
           "signature guard {} (highest signed slot {})",
           report->dropped_values, report->discarded_keys,
           report->guard_damaged ? "damaged, floor raised" : "intact",
           report->highest_signed_slot ? std::to_string(*report->highest_signed_slot) : "none");
  Result<LoadedChain> loaded = store_->load();
  if (loaded) loaded->repair = *report;
  return loaded;
}

Status StorageActor::write_failed(const Status& error, std::size_t messages) {
  ALYS_LOG(env().log(), kError, "storage: write of {} message(s) failed, crashing: {}", messages,
           error.to_string());
  exit_if_fenced();
  return error;
}

void StorageActor::exit_if_fenced() {
  if (!fence_ || !fence_->closed() || exit_requested_) return;
  exit_requested_ = true;
  ALYS_LOG(env().log(), kError,
           "storage: a write failed; writes are fenced and the process exits to restart from "
           "what is durable");
  env().exit_process(kExitWriteFailed);
}

Status StorageActor::receive(StorageMsg& message) {
  if (!is_write(message)) return handle_request(message);
  ChainBatch batch;
  bool sync = false;
  if (Status s = stage_write(*store_, message, batch, sync); !s.is_ok()) return write_failed(s, 1);
  if (Status s = store_->commit(batch, sync); !s.is_ok()) return write_failed(s, 1);
  return Status::ok();
}

Status StorageActor::receive_batch(std::span<actor::Envelope<StorageMsg>> batch,
                                   std::size_t& handled) {
  handled = 0;
  ChainBatch pending;
  bool pending_sync = false;
  std::size_t group_first = 0;  // index of the first message staged in `pending`
  std::size_t group_size = 0;
  // Commits the staged group; on failure the group's first message is the failing one.
  const auto flush = [&]() -> Status {
    if (group_size == 0) return Status::ok();
    Status s = store_->commit(pending, pending_sync);
    if (!s.is_ok()) {
      handled = group_first;
      return write_failed(s, group_size);
    }
    pending_sync = false;
    group_size = 0;
    return Status::ok();
  };
  for (std::size_t i = 0; i < batch.size(); ++i) {
    StorageMsg& m = batch[i].message;
    if (is_write(m)) {
      bool sync = false;
      if (Status s = stage_write(*store_, m, pending, sync); !s.is_ok()) {
        if (Status f = flush(); !f.is_ok()) return f;
        handled = i;
        return write_failed(s, 1);
      }
      if (group_size == 0) group_first = i;
      ++group_size;
      pending_sync = pending_sync || sync;
      continue;
    }
    if (Status f = flush(); !f.is_ok()) return f;
    handled = i;
    if (Status s = handle_request(m); !s.is_ok()) return s;
  }
  if (Status f = flush(); !f.is_ok()) return f;
  handled = batch.size();
  return Status::ok();
}

Status StorageActor::handle_request(StorageMsg& message) {
  Status s = handle_request_unfenced(message);
  exit_if_fenced();  // a guard or bridge write may have failed
  return s;
}

Status StorageActor::handle_request_unfenced(StorageMsg& message) {
  return std::visit(
      [&](auto& m) -> Status {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, RecordSignature>) {
          // Planted bug (core/runtime/planted.h): ack-before-sync. The guard's record is
          // written like the chain's other writes, without sync, and acknowledged at once:
          // the signature leaves while its record can still be lost, and a crash that
          // drops unsynced writes lets the restarted authority sign the slot again.
          const bool sync = !planted(env(), PlantedBug::kAckBeforeSync);
          Status s = store_->record_signature(m.slot, m.hash, sync);
          if (s.is_ok()) {
            reply(m.reply, Result<bool>(true));
          } else if (s.code() == StatusCode::kFailedPrecondition) {
            ALYS_LOG(env().log(), kWarn, "storage: refused a second signature: {}", s.message());
            reply(m.reply, Result<bool>(false));
          } else {
            ALYS_LOG(env().log(), kError, "storage: recording a signature failed: {}",
                     s.to_string());
            reply(m.reply, Result<bool>(std::move(s)));
          }
        } else if constexpr (std::is_same_v<T, RecordPegOutSigning>) {
          Status s = store_->record_pegout_signing(m.payment_txid, m.coins);
          if (s.is_ok()) {
            reply(m.reply, Result<bool>(true));
          } else if (s.code() == StatusCode::kFailedPrecondition) {
            ALYS_LOG(env().log(), kWarn, "storage: refused a conflicting peg-out signature: {}",
                     s.message());
            reply(m.reply, Result<bool>(false));
          } else {
            ALYS_LOG(env().log(), kError, "storage: recording a peg-out signing failed: {}",
                     s.to_string());
            reply(m.reply, Result<bool>(std::move(s)));
          }
        } else if constexpr (std::is_same_v<T, LoadChainRequest>) {
          reply(m.reply, store_->load());
        } else if constexpr (std::is_same_v<T, RepairChainRequest>) {
          reply(m.reply, repair_and_load(m.guard_floor_slot));
        } else if constexpr (std::is_same_v<T, GetBlocksByRange>) {
          reply(m.reply, store_->blocks_by_range(m.start_height, m.count));
        } else if constexpr (std::is_same_v<T, GetBlock>) {
          reply(m.reply, store_->block(m.hash));
        } else if constexpr (std::is_same_v<T, LoadSnapshot>) {
          reply(m.reply, store_->snapshot(m.block));
        } else if constexpr (std::is_same_v<T, SaveBridgeState>) {
          Status s = store_->put_bridge_state(m.state);
          if (!s.is_ok()) {
            ALYS_LOG(env().log(), kError, "storage: saving the bridge state failed: {}",
                     s.to_string());
            reply(m.reply, Result<bool>(std::move(s)));
          } else {
            reply(m.reply, Result<bool>(true));
          }
        } else if constexpr (std::is_same_v<T, LoadBridgeState>) {
          reply(m.reply, store_->bridge_state());
        } else if constexpr (std::is_same_v<T, CrashForTest>) {
          return Status::failed_precondition("storage: crash requested (test hook)");
        } else {
          static_assert(std::is_same_v<T, PersistChain> || std::is_same_v<T, SaveSnapshot>);
          ALYS_ASSERT(false, "storage: a write reached handle_request");
        }
        return Status::ok();
      },
      message);
}

}  // namespace alys::storage
