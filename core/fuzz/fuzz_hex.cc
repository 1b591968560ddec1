// libFuzzer target: from_hex (core/types/hex.h) on arbitrary text.
//
// Checks: from_hex fails exactly when the text has odd length or a character that
// hex_digit_value rejects; on success it yields size/2 bytes, to_hex gives back the input
// lowercased (the only non-canonical freedom is digit case), and decoding that again gives
// the same bytes.
#include "core/fuzz/fuzz_util.h"
#include "core/types/hex.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const std::string_view text = fuzz::input_text(data, size);
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && hex_digit_value(c) >= 0;
  const bool should_decode = text.size() % 2 == 0 && all_digits;

  auto bytes = from_hex(text);
  FUZZ_CHECK(bytes.has_value() == should_decode, "hex: acceptance disagrees with the spec");
  if (!bytes) {
    FUZZ_CHECK(!bytes.error().message().empty(), "hex: error without a message");
    return 0;
  }
  FUZZ_CHECK(bytes->size() * 2 == text.size(), "hex: wrong decoded size");
  const std::string again = to_hex(*bytes);
  FUZZ_CHECK(again == fuzz::ascii_lower(text), "hex: re-encoding differs from the input");
  auto twice = from_hex(again);
  FUZZ_CHECK(twice.has_value() && *twice == *bytes, "hex: decode(encode(x)) != x");
  return 0;
}
