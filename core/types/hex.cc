#include "core/types/hex.h"

#include <fmt/format.h>

namespace alys {

namespace {
constexpr char kDigits[] = "0123456789abcdef";
}  // namespace

std::string to_hex(ByteView bytes) {
  std::string out;
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return Status::invalid_argument(fmt::format("hex: odd number of digits ({})", text.size()));
  }
  Bytes out;
  out.resize(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit_value(text[2 * i]);
    const int lo = hex_digit_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      const std::size_t pos = hi < 0 ? 2 * i : 2 * i + 1;
      return Status::invalid_argument(fmt::format("hex: not a hex digit at position {}", pos));
    }
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

}  // namespace alys
