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

// Whether a loader's error message (config::TomlErrors: one error a line, "file:L:C: path:
// why" or "file: path: why") names `file` and a place in each error: a line (and column)
// or a key path. Every line must be an error: a quoted newline is escaped (TomlErrors).
inline bool errors_name_place(std::string_view message, std::string_view file) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  // A key path: keys, dots and [index] (a quoted key with other characters has a line).
  const auto is_path_char = [&](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' ||
           c == '.' || c == '[' || c == ']';
  };
  while (true) {
    const std::size_t end = message.find('\n');
    std::string_view line = message.substr(0, end);
    if (!line.starts_with(file)) return false;
    line.remove_prefix(file.size());
    if (line.size() >= 2 && line[0] == ':' && is_digit(line[1])) {
      // ":L:C: "
    } else if (line.starts_with(": ")) {
      line.remove_prefix(2);
      std::size_t n = 0;
      while (n < line.size() && is_path_char(line[n])) ++n;
      if (n == 0 || line.substr(n, 2) != ": ") return false;
    } else {
      return false;
    }
    if (end == std::string_view::npos) return true;
    message.remove_prefix(end + 1);
  }
}

}  // namespace alys::fuzz
