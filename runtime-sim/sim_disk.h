// SimDisk: a simulated node's disk, implementing Storage with a durability model.
//
// Reads see every successful write at once. Each unsynced batch keeps an undo record (the
// before-image of its keys), so a crash can roll the store back to "synced data plus a
// prefix of the unsynced batches" without keeping a second copy of the data. A sync write
// makes itself and all earlier batches durable (as LevelDB's log does).
//
// Fault hooks: corrupt(key) makes reads of that stored value fail with kCorruption until it
// is overwritten (the checksum LevelDB keeps would catch it); set_full / fail_next_writes
// make writes fail with kIoError and apply nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "core/runtime/storage.h"

namespace alys::sim {

// How much of the unsynced tail a crash keeps.
enum class CrashDurability : std::uint8_t {
  kSeeded,   // the world's seed picks: none, all, or a random prefix
  kKeepAll,  // the OS had flushed everything (process crash, machine fine)
  kLoseAll,  // power loss right after the last sync
};

class SimDisk final : public Storage {
 public:
  Result<Bytes> get(ByteView key) override;
  Status write(const WriteBatch& batch, WriteOptions options) override;
  std::unique_ptr<StorageIterator> iterate() override;
  // Drops the corrupted values; everything left counts as synced. Fails like a write on a
  // full disk (a repair rewrites the store).
  Result<std::vector<Bytes>> repair() override;
  using Storage::get;

  // Crash recovery: keeps the first `keep` unsynced batches (clamped to their count) and
  // rolls back the rest, newest first. Afterwards every batch counts as synced.
  void crash(std::size_t keep);
  std::size_t unsynced_batches() const { return undo_.size(); }

  // Fault hooks.
  bool corrupt(ByteView key);  // false if the key is not stored
  void set_full(bool full) { full_ = full; }
  void fail_next_writes(std::uint32_t count) { fail_next_ = count; }

  // Observability for checkers and tests (not part of Storage).
  const std::map<Bytes, Bytes>& contents() const { return data_; }
  std::uint64_t version() const { return version_; }
  std::uint64_t writes_ok() const { return writes_ok_; }
  std::uint64_t writes_failed() const { return writes_failed_; }
  std::size_t corrupted_values() const { return corrupted_.size(); }

 private:
  friend class SimDiskIterator;
  struct Before {
    Bytes key;
    std::optional<Bytes> value;  // nullopt = the key was absent
    // The before-image was a corrupted stored value. Rolling back restores the corruption
    // too: the bytes on the medium are still bad, only the overwrite was lost.
    bool corrupted = false;
  };
  struct Undo {
    std::vector<Before> before;  // in application order
  };
  void set_or_erase(const Bytes& key, const std::optional<Bytes>& value);

  std::map<Bytes, Bytes> data_;
  std::set<Bytes> corrupted_;
  std::vector<Undo> undo_;  // one per unsynced batch, oldest first
  bool full_ = false;
  std::uint32_t fail_next_ = 0;
  std::uint64_t version_ = 0;  // bumped by every change, for iterators
  std::uint64_t writes_ok_ = 0;
  std::uint64_t writes_failed_ = 0;
};

}  // namespace alys::sim
