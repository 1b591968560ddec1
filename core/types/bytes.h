// Byte strings: `Bytes` owns, `ByteView` borrows. Every frame, key and value that crosses
// the runtime boundary is one of these.
//
// Hex text in and out lives in core/types/hex.h; fixed 32-byte hashes in core/types/hash256.h.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace alys {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes to_bytes(std::string_view s) {
  auto v = as_bytes(s);
  return Bytes(v.begin(), v.end());
}

// Appends `tail` to `out`.
inline void append(Bytes& out, ByteView tail) { out.insert(out.end(), tail.begin(), tail.end()); }

// A new byte string holding `a` then `b`.
inline Bytes concat(ByteView a, ByteView b) {
  Bytes out;
  out.reserve(a.size() + b.size());
  append(out, a);
  append(out, b);
  return out;
}

// Byte-wise equality of two views (std::span has no operator==).
inline bool equal_bytes(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace alys
