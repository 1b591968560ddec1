// LevelDbStorage: the real runtime's Storage (core/runtime/storage.h) on a LevelDB
// directory (DESIGN.md §2), with the same contract the simulator's SimDisk models.
//
// Durability: write(batch, {sync = true}) is LevelDB's sync write (the log is fsynced before
// it returns), so it and every batch before it survive a machine crash; a batch is applied
// atomically (LevelDB's log record). Unsynced batches survive a process crash, not a
// machine crash.
//
// Corruption, in two layers:
//   - every stored value carries an 8-byte checksum of its key and bytes (XXH3-64), so a
//     value that is damaged, truncated or found under another key is reported as
//     kCorruption by get() and by the iterator's status(), value by value, as SimDisk does;
//   - LevelDB's own block checksums are verified on every read. A block that fails them
//     loses every key in it, and LevelDB cannot say which keys those were.
// repair() therefore drops the values that fail their own checksum and returns their keys,
// but refuses (kCorruption, nothing changed) when LevelDB reports a damaged block: a repair
// that cannot list what it lost could silently drop the signature guard and let the node
// sign a slot twice. The store then needs an operator (LevelDB's RepairDB plus a raised
// guard floor), not a silent restart.
//
// Thread rules: like every Storage, call from one thread (the node's storage actor). An
// open directory is locked (LevelDB's LOCK file): a second open of it fails.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/runtime/status.h"
#include "core/runtime/storage.h"
#include "core/types/bytes.h"

namespace leveldb {
class Cache;
class DB;
class FilterPolicy;
}

namespace alys::real {

struct LevelDbOptions {
  bool create_if_missing = true;
  std::size_t block_cache_bytes = 8u << 20;
  std::size_t write_buffer_bytes = 4u << 20;
};

class LevelDbStorage final : public Storage {
 public:
  // Opens (or creates) the store in directory `path`. Errors name the path and LevelDB's
  // reason: kIoError (missing and not created, locked by another process, not a
  // directory), kCorruption (LevelDB's files are damaged).
  static Result<std::unique_ptr<LevelDbStorage>> open(const std::string& path,
                                                      const LevelDbOptions& options = {});
  ~LevelDbStorage() override;
  LevelDbStorage(const LevelDbStorage&) = delete;
  LevelDbStorage& operator=(const LevelDbStorage&) = delete;

  Result<Bytes> get(ByteView key) override;
  Status write(const WriteBatch& batch, WriteOptions options) override;
  std::unique_ptr<StorageIterator> iterate() override;
  Result<std::vector<Bytes>> repair() override;
  using Storage::get;

  const std::string& path() const { return path_; }

  // The stored form of `value` under `key` (checksum, then the bytes). Public for tests
  // that damage a store through LevelDB directly.
  static Bytes seal(ByteView key, ByteView value);

 private:
  struct Parts;  // the DB and what must outlive it (cache, filter policy)
  LevelDbStorage(std::string path, std::unique_ptr<Parts> parts);

  std::string path_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace alys::real
