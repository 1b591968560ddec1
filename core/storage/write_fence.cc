#include "core/storage/write_fence.h"

namespace alys::storage {

Status FencedStorage::fenced() const {
  return Status::io_error("storage: writes stopped after an earlier write failed (process restarting)");
}

Status FencedStorage::write(const WriteBatch& batch, WriteOptions options) {
  if (closed()) return fenced();
  Status s = inner_.write(batch, options);
  if (!s.is_ok()) closed_.store(true, std::memory_order_release);
  return s;
}

Result<std::vector<Bytes>> FencedStorage::repair() {
  if (closed()) return fenced();
  Result<std::vector<Bytes>> r = inner_.repair();
  if (!r) closed_.store(true, std::memory_order_release);
  return r;
}

}  // namespace alys::storage
