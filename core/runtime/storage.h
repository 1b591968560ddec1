// Storage: a node's LevelDB-shaped key-value store (DESIGN.md §2).
//
// Keys and values are byte strings; keys are ordered bytewise (memcmp, shorter first on a
// common prefix), as in LevelDB's default comparator.
//
// write(batch, {sync}) applies every put/delete of the batch atomically: after a crash the
// store holds all of a batch or none of it. Reads see a write as soon as write() returns.
// Durability:
//   - sync = true: when write() returns ok, this batch and every batch written before it
//     survive a crash.
//   - sync = false: the batch may be lost on a crash (machine crash in the real runtime; in
//     the simulator, a crash keeps all, none or a prefix of the unsynced batches, in
//     order). A later sync write makes it durable.
// Errors: write() fails with kIoError (disk full, failed write) and then applies nothing;
// get() returns kNotFound for a missing key and kCorruption for a value that failed its
// checksum; an iterator reports corruption through status().
// Thread rules: call from the node's executor only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

class WriteBatch {
 public:
  struct Op {
    Bytes key;
    std::optional<Bytes> value;  // nullopt = delete
  };

  void put(ByteView key, ByteView value) {
    ops_.push_back({Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
  }
  void put(std::string_view key, std::string_view value) { put(as_bytes(key), as_bytes(value)); }
  void del(ByteView key) { ops_.push_back({Bytes(key.begin(), key.end()), std::nullopt}); }
  void del(std::string_view key) { del(as_bytes(key)); }
  void clear() { ops_.clear(); }

  bool empty() const { return ops_.empty(); }
  std::size_t size() const { return ops_.size(); }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

struct WriteOptions {
  bool sync = false;
};

// Ordered iteration, LevelDB style. Starts unpositioned; call seek() or seek_to_first().
// Tolerates writes to the store while it is open: next() continues from the last key seen.
class StorageIterator {
 public:
  virtual ~StorageIterator() = default;
  virtual void seek_to_first() = 0;
  virtual void seek(ByteView key) = 0;  // first key >= `key`
  virtual bool valid() const = 0;
  virtual void next() = 0;              // REQUIRES: valid()
  virtual ByteView key() const = 0;     // REQUIRES: valid()
  virtual ByteView value() const = 0;   // REQUIRES: valid()
  virtual Status status() const = 0;    // non-ok stops iteration (valid() becomes false)
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual Result<Bytes> get(ByteView key) = 0;
  virtual Status write(const WriteBatch& batch, WriteOptions options) = 0;
  virtual std::unique_ptr<StorageIterator> iterate() = 0;
  // Salvage after corruption (LevelDB's RepairDB): drops every stored value that fails its
  // checksum, keeps the rest, and makes the result durable. Returns the dropped keys in
  // key order (their values are lost; the caller decides what that costs). Errors: the
  // store cannot be rewritten (I/O, a full disk); then nothing changed.
  virtual Result<std::vector<Bytes>> repair() = 0;

  Result<Bytes> get(std::string_view key) { return get(as_bytes(key)); }
};

// Stores nothing: every get is kNotFound, every write succeeds and is forgotten, and
// iterate() returns nullptr. For an Env whose node keeps no state.
class NullStorage final : public Storage {
 public:
  Result<Bytes> get(ByteView) override { return Status::not_found("null storage"); }
  Status write(const WriteBatch&, WriteOptions) override { return Status::ok(); }
  std::unique_ptr<StorageIterator> iterate() override { return nullptr; }
  Result<std::vector<Bytes>> repair() override { return std::vector<Bytes>{}; }
  using Storage::get;
};

}  // namespace alys
