// libFuzzer target: decode_compact / target_from_bits (core/bitcoin/pow.h), the "bits"
// decoder. Input: 4 bytes of bits (little-endian; shorter inputs are zero-padded), then
// optionally 32 bytes of a hash for check_proof_of_work.
//
// Checks: for bits that do not overflow, encode_compact(decode_compact(bits)) decodes to
// the same value and sign (the compact form is lossy, so the bits themselves need not
// match, but a decoded value always has <= 3 significant bytes and survives exactly);
// target_from_bits accepts exactly the usable bits (not negative, no overflow, non-zero,
// <= limit) and returns the decoded value; check_proof_of_work agrees with comparing the
// hash, as a little-endian number, with that target.
#include <algorithm>

#include "core/bitcoin/pow.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(4, size); ++i) {
    bits |= static_cast<std::uint32_t>(in[i]) << (8 * i);
  }
  const CompactTarget t = decode_compact(bits);
  if (!t.overflow) {
    const CompactTarget again = decode_compact(encode_compact(t.value, t.negative));
    FUZZ_CHECK(!again.overflow, "compact: re-encoding overflows");
    FUZZ_CHECK(again.value == t.value, "compact: value does not survive a round trip");
    FUZZ_CHECK(again.negative == t.negative, "compact: sign does not survive a round trip");
  }

  const Uint256 pow_limit = decode_compact(0x1d00ffff).value;
  auto target = target_from_bits(bits, pow_limit);
  const bool usable = !t.negative && !t.overflow && !t.value.is_zero() && t.value <= pow_limit;
  FUZZ_CHECK(target.has_value() == usable, "compact: target_from_bits acceptance");
  if (target) FUZZ_CHECK(*target == t.value, "compact: target_from_bits value");

  if (size >= 4 + Hash256::kSize) {
    auto hash = Hash256::from_bytes(in.subspan(4, Hash256::kSize));
    FUZZ_CHECK(hash.has_value(), "compact: 32 bytes are not a hash");
    const bool meets = usable && Uint256::from_le_bytes(*hash) <= t.value;
    FUZZ_CHECK(check_proof_of_work(*hash, bits, pow_limit).is_ok() == meets,
               "compact: check_proof_of_work disagrees with the target comparison");
  }
  return 0;
}
