// libFuzzer target: bech32_decode and convert_bits (core/bitcoin/bech32.h).
//
// Checks: a decoded string has a non-empty lowercase HRP and 5-bit values, and bech32_encode
// with the reported encoding gives back the input lowercased (case is the only freedom:
// mixed case is rejected); re-decoding that gives the same result. If the values regroup
// 5->8 without padding, regrouping the bytes 8->5 with padding restores the values.
#include "core/bitcoin/bech32.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const std::string_view text = fuzz::input_text(data, size);
  auto decoded = bech32_decode(text);
  if (!decoded) {
    FUZZ_CHECK(decoded.error().message().starts_with("bech32: "), "bech32: error names nothing");
    return 0;
  }
  FUZZ_CHECK(size <= kBech32MaxLength, "bech32: accepted an over-long string");
  FUZZ_CHECK(!decoded->hrp.empty(), "bech32: empty HRP accepted");
  FUZZ_CHECK(decoded->hrp == fuzz::ascii_lower(decoded->hrp), "bech32: HRP not lowercased");
  for (std::uint8_t v : decoded->values) FUZZ_CHECK(v < 32, "bech32: value is not 5 bits");

  auto encoded = bech32_encode(decoded->encoding, decoded->hrp, decoded->values);
  FUZZ_CHECK(encoded.has_value(), "bech32: a decoded string does not re-encode");
  FUZZ_CHECK(*encoded == fuzz::ascii_lower(text), "bech32: re-encoding differs from the input");
  auto again = bech32_decode(*encoded);
  FUZZ_CHECK(again.has_value() && again->encoding == decoded->encoding &&
                 again->hrp == decoded->hrp && again->values == decoded->values,
             "bech32: decode(encode(x)) != x");

  auto bytes = convert_bits(decoded->values, 5, 8, false);
  if (bytes) {
    auto five = convert_bits(*bytes, 8, 5, true);
    FUZZ_CHECK(five.has_value() && *five == decoded->values,
               "bech32: convert_bits 5->8->5 does not restore the values");
  }
  return 0;
}
