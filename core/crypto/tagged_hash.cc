#include "core/crypto/tagged_hash.h"

#include <array>
#include <cstddef>
#include <string>

namespace alys {

namespace {

Sha256 fresh_tagged_hasher(std::string_view tag) {
  const Hash256 tag_hash = sha256(as_bytes(tag));
  Sha256 hasher;
  hasher.update(tag_hash.view());
  hasher.update(tag_hash.view());
  return hasher;
}

// The 64-byte prefix is one SHA-256 block, so the midstate after it depends on the tag
// alone: a few tags are hashed millions of times (tx, approval, block ids), and keeping
// their midstates saves two of the three or four compressions of a short tagged hash.
// A pure memo (same digests), per thread so it needs no lock; a tag not among the first
// kSlots seen is simply hashed afresh.
class MidstateMemo {
 public:
  Sha256 hasher(std::string_view tag) {
    for (std::size_t i = 0; i < used_; ++i) {
      if (slots_[i].tag == tag) return slots_[i].state;
    }
    Sha256 state = fresh_tagged_hasher(tag);
    if (used_ < kSlots) slots_[used_++] = Slot{std::string(tag), state};
    return state;
  }

 private:
  static constexpr std::size_t kSlots = 24;
  struct Slot {
    std::string tag;
    Sha256 state;
  };
  std::array<Slot, kSlots> slots_{};
  std::size_t used_ = 0;
};

}  // namespace

Sha256 tagged_hasher(std::string_view tag) {
  thread_local MidstateMemo memo;
  return memo.hasher(tag);
}

Hash256 tagged_hash(std::string_view tag, ByteView data) {
  return tagged_hasher(tag).update(data).finalize();
}

}  // namespace alys
