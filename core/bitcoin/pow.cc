#include "core/bitcoin/pow.h"

#include <fmt/format.h>

#include "core/runtime/assert.h"

namespace alys {

CompactTarget decode_compact(std::uint32_t bits) {
  CompactTarget out;
  const unsigned size = bits >> 24;
  std::uint32_t word = bits & 0x007fffff;
  if (size <= 3) {
    word >>= 8 * (3 - size);
    out.value = Uint256::from_u64(word);
  } else {
    out.value = Uint256::from_u64(word) << (8 * (size - 3));
  }
  out.negative = word != 0 && (bits & 0x00800000) != 0;
  out.overflow = word != 0 && ((size > 34) || (word > 0xff && size > 33) ||
                               (word > 0xffff && size > 32));
  return out;
}

std::uint32_t encode_compact(const Uint256& value, bool negative) {
  unsigned size = (value.bits() + 7) / 8;
  std::uint32_t compact = 0;
  if (size <= 3) {
    compact = static_cast<std::uint32_t>(value.low_u64() << (8 * (3 - size)));
  } else {
    compact = static_cast<std::uint32_t>((value >> (8 * (size - 3))).low_u64());
  }
  // The 0x00800000 bit is the sign: if the mantissa would set it, shift one byte more.
  if (compact & 0x00800000) {
    compact >>= 8;
    ++size;
  }
  ALYS_ASSERT((compact & ~std::uint32_t{0x007fffff}) == 0, "encode_compact: mantissa overflow");
  ALYS_ASSERT(size < 256, "encode_compact: size overflow");
  compact |= size << 24;
  if (negative && (compact & 0x007fffff) != 0) compact |= 0x00800000;
  return compact;
}

Result<Uint256> target_from_bits(std::uint32_t bits, const Uint256& pow_limit) {
  const CompactTarget t = decode_compact(bits);
  if (t.negative) return Status::invalid_argument(fmt::format("bits 0x{:08x}: negative", bits));
  if (t.overflow) return Status::invalid_argument(fmt::format("bits 0x{:08x}: overflow", bits));
  if (t.value.is_zero()) {
    return Status::invalid_argument(fmt::format("bits 0x{:08x}: zero target", bits));
  }
  if (t.value > pow_limit) {
    return Status::invalid_argument(fmt::format("bits 0x{:08x}: above the pow limit", bits));
  }
  return t.value;
}

Status check_proof_of_work(const Hash256& hash, std::uint32_t bits, const Uint256& pow_limit) {
  auto target = target_from_bits(bits, pow_limit);
  if (!target) return target.error();
  if (Uint256::from_le_bytes(hash) > *target) {
    return Status::invalid_argument(
        fmt::format("proof of work: hash {} above target", hash.to_display_hex()));
  }
  return Status::ok();
}

std::uint32_t bitcoin_next_work_required(std::uint32_t last_bits, std::int64_t first_block_time,
                                         std::int64_t last_block_time,
                                         const BitcoinRetargetParams& params) {
  ALYS_ASSERT(params.target_timespan_s > 0, "retarget: target timespan must be positive");
  std::int64_t actual = last_block_time - first_block_time;
  const std::int64_t lo = params.target_timespan_s / 4, hi = params.target_timespan_s * 4;
  if (actual < lo) actual = lo;
  if (actual > hi) actual = hi;

  const Uint256 pow_limit = decode_compact(params.pow_limit_bits).value;
  Uint256 target = decode_compact(last_bits).value;
  target = target.saturating_mul_u64(static_cast<std::uint64_t>(actual));
  target = target.div_u64(static_cast<std::uint64_t>(params.target_timespan_s));
  if (target > pow_limit) target = pow_limit;
  return encode_compact(target);
}

}  // namespace alys
