#include "core/types/hash256.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/types/hex.h"

namespace alys {

Result<Hash256> Hash256::from_bytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::invalid_argument(
        fmt::format("hash256: expected {} bytes, got {}", kSize, bytes.size()));
  }
  Hash256 h;
  std::copy(bytes.begin(), bytes.end(), h.bytes_.begin());
  return h;
}

Result<Hash256> Hash256::from_hex(std::string_view hex) {
  if (hex.size() != 2 * kSize) {
    return Status::invalid_argument(
        fmt::format("hash256: expected {} hex digits, got {}", 2 * kSize, hex.size()));
  }
  auto bytes = alys::from_hex(hex);
  if (!bytes) return bytes.error();
  return from_bytes(*bytes);
}

Result<Hash256> Hash256::from_display_hex(std::string_view hex) {
  auto h = from_hex(hex);
  if (!h) return h;
  return h->reversed();
}

std::string Hash256::to_hex() const { return alys::to_hex(view()); }

std::string Hash256::to_display_hex() const { return reversed().to_hex(); }

Hash256 Hash256::reversed() const {
  Hash256 r = *this;
  std::reverse(r.bytes_.begin(), r.bytes_.end());
  return r;
}

bool Hash256::is_zero() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace alys
