// WriteFence: fail-stop after a failed write. Once one write to the node's store has
// failed, the store may hold a hole where it belonged (LevelDB's log can keep a later
// record after losing an earlier append), and nothing written after it would follow it in
// order. So the first failure closes the fence: every later write fails at once, and the
// StorageActor asks the process to exit, so that a fresh process reloads what is durable
// (PostgreSQL's answer to a failed fsync since 2018, and ours).
//
// FencedStorage wraps the node's Storage with the fence; one per node process (AlysNode
// owns it), shared by every incarnation of its StorageActor. Reads pass through.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/runtime/storage.h"

namespace alys::storage {

class FencedStorage final : public Storage {
 public:
  explicit FencedStorage(Storage& inner) : inner_(inner) {}

  Result<Bytes> get(ByteView key) override { return inner_.get(key); }
  std::unique_ptr<StorageIterator> iterate() override { return inner_.iterate(); }
  Status write(const WriteBatch& batch, WriteOptions options) override;
  Result<std::vector<Bytes>> repair() override;
  using Storage::get;

  // True once a write failed; stays so for the process's life.
  bool closed() const { return closed_.load(std::memory_order_acquire); }

 private:
  Status fenced() const;

  Storage& inner_;
  std::atomic<bool> closed_{false};
};

}  // namespace alys::storage
