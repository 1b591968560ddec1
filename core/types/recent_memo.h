// RecentMemo: remembered results of a pure function for the keys it saw last, in a fixed
// direct-mapped table (DESIGN.md §5: pure functions may be memoized; it changes cost,
// never behaviour).
//
// get(index, key, compute) returns compute(key), from the slot `index % kSlots` when that
// slot holds a key equal to `key` in full, else computed afresh into that slot. The index
// only picks a slot: any function of the key will do, and keys that share a slot only
// cost each other misses. The table is allocated on the first call. Not thread-safe: the
// callers keep one per thread (thread_local).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace alys {

template <typename Key, typename Value, std::size_t kSlots>
class RecentMemo {
 public:
  template <typename Compute>
  const Value& get(std::uint64_t index, const Key& key, Compute&& compute) {
    if (slots_.empty()) slots_.resize(kSlots);
    Slot& slot = slots_[index % kSlots];
    if (!slot.used || !(slot.key == key)) {
      slot.value = compute(key);
      slot.key = key;
      slot.used = true;
    }
    return slot.value;
  }

 private:
  struct Slot {
    Key key{};
    Value value{};
    bool used = false;
  };
  std::vector<Slot> slots_;
};

// The first eight bytes of `bytes` as a big-endian number: a slot index for keys whose
// leading bytes are (close to) uniformly random, such as signatures and hashes.
template <typename ByteArray>
std::uint64_t leading_u64(const ByteArray& bytes) {
  static_assert(sizeof(bytes) >= 8, "at least eight bytes");
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | bytes[i];
  return v;
}

}  // namespace alys
