// Helpers shared by the libFuzzer targets in core/fuzz (one target per decoder).
//
// A target decodes its input; a decoder may reject it (that is fine: decoders are total,
// DESIGN.md §4), but it must never crash, read out of bounds, over-allocate or hit UB
// (ASan/UBSan and libFuzzer's -rss_limit_mb/-malloc_limit_mb catch those). When decoding
// succeeds the target re-encodes and checks the round trip with FUZZ_CHECK, which aborts
// through ALYS_ASSERT so libFuzzer reports the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/runtime/assert.h"
#include "core/types/bytes.h"

#define FUZZ_CHECK(cond, msg) ALYS_ASSERT(cond, msg)

namespace alys::fuzz {

inline ByteView input_bytes(const std::uint8_t* data, std::size_t size) { return {data, size}; }

inline std::string_view input_text(const std::uint8_t* data, std::size_t size) {
  return as_chars(input_bytes(data, size));
}

// ASCII lowercase; other bytes unchanged.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace alys::fuzz
