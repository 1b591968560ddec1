#include "core/crypto/digest_memo.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace alys {
namespace {

// A 64-bit fold of the input, to pick a slot (not part of any result).
std::uint64_t slot_hash(std::string_view tag, ByteView data) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ tag.size() ^ (data.size() << 32);
  std::size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data.data() + i, sizeof(word));
    h = (h ^ word) * 0x100000001B3ull;
  }
  for (; i < data.size(); ++i) h = (h ^ data[i]) * 0x100000001B3ull;
  h ^= h >> 29;
  return h;
}

class DigestMemo {
 public:
  Hash256 get(std::string_view tag, ByteView data) {
    if (slots_.empty()) slots_.resize(kSlots);
    Slot& slot = slots_[slot_hash(tag, data) % kSlots];
    // std::equal / std::copy, not memcmp / memcpy: an empty input may have a null data().
    if (slot.size == data.size() && slot.tag == tag &&
        std::equal(data.begin(), data.end(), slot.bytes.begin())) {
      return slot.digest;
    }
    slot.digest = tagged_hash(tag, data);
    slot.tag = tag;
    slot.size = data.size();
    std::copy(data.begin(), data.end(), slot.bytes.begin());
    return slot.digest;
  }

 private:
  static constexpr std::size_t kSlots = 256;
  struct Slot {
    std::string_view tag;
    std::size_t size = SIZE_MAX;  // no input has this size: an unused slot never matches
    Hash256 digest;
    std::array<std::uint8_t, kMaxMemoBytes> bytes;
  };
  std::vector<Slot> slots_;
};

}  // namespace

Hash256 memoized_tagged_hash(std::string_view tag, ByteView data) {
  if (data.size() > kMaxMemoBytes) return tagged_hash(tag, data);
  thread_local DigestMemo memo;
  return memo.get(tag, data);
}

}  // namespace alys
