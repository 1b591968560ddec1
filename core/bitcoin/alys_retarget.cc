#include "core/bitcoin/alys_retarget.h"

#include "core/bitcoin/pow.h"
#include "core/bitcoin/uint256.h"
#include "core/runtime/assert.h"

namespace alys {

namespace {

// Alys's uint256_target_from_compact (differs from Core's SetCompact on negative bits).
Uint256 alys_target_from_compact(std::uint32_t bits) {
  const std::uint32_t exponent = bits >> 24;
  std::uint32_t mantissa = bits & 0x00ffffff;
  unsigned shift = 0;
  if (exponent <= 3) {
    mantissa >>= 8 * (3 - exponent);
  } else {
    shift = 8 * (exponent - 3);
  }
  if (mantissa > 0x007fffff) return Uint256{};
  return Uint256::from_u64(mantissa) << shift;
}

// round(numerator / denominator) with ties to even, as rust_decimal's round_dp does.
std::uint64_t div_round_half_even(std::uint64_t numerator, std::uint64_t denominator) {
  const std::uint64_t q = numerator / denominator, r = numerator % denominator;
  const std::uint64_t twice_r = 2 * r;
  if (twice_r > denominator) return q + 1;
  if (twice_r < denominator) return q;
  return (q % 2 == 0) ? q : q + 1;
}

}  // namespace

std::uint32_t alys_calculate_next_work_required(std::uint32_t height_difference,
                                                std::uint32_t last_bits,
                                                const AlysRetargetParams& params) {
  ALYS_ASSERT(params.pow_target_spacing > 0, "alys retarget: spacing must be positive");
  ALYS_ASSERT(params.max_pow_adjustment_pct <= 155, "alys retarget: max adjustment > 155%");
  const std::uint64_t blocks = height_difference == 0 ? 1 : height_difference;
  std::uint64_t pct = div_round_half_even(blocks * 100, params.pow_target_spacing);
  if (pct < 100) {
    if (pct > params.max_pow_adjustment_pct) pct = params.max_pow_adjustment_pct;
  } else if (pct > 100) {
    if (pct > 100 + params.max_pow_adjustment_pct) pct = 100 + params.max_pow_adjustment_pct;
  }
  const Uint256 target = alys_target_from_compact(last_bits);
  const Uint256 adjusted = target.div_u64(100).saturating_mul_u64(pct);
  return encode_compact(adjusted);
}

bool alys_is_retarget_height(std::uint64_t chain_head_height, std::uint32_t height_difference,
                             const AlysRetargetParams& params) {
  const std::uint64_t interval = params.adjustment_interval();
  ALYS_ASSERT(interval > 0, "alys retarget: adjustment interval must be positive");
  return chain_head_height % interval == 0 || height_difference > interval;
}

std::uint32_t alys_next_work_required(std::uint64_t last_auxpow_height,
                                      std::uint32_t last_auxpow_bits,
                                      std::uint64_t chain_head_height,
                                      const AlysRetargetParams& params) {
  ALYS_ASSERT(last_auxpow_height <= chain_head_height + 1,
              "alys retarget: last AuxPoW block is above the head");
  const std::uint64_t diff64 = chain_head_height + 1 - last_auxpow_height;
  // Alys casts to u32; heights never get near 2^32 blocks apart.
  const auto height_difference = static_cast<std::uint32_t>(diff64);
  if (params.pow_no_retargeting ||
      !alys_is_retarget_height(chain_head_height, height_difference, params)) {
    return last_auxpow_bits;
  }
  return alys_calculate_next_work_required(height_difference, last_auxpow_bits, params);
}

}  // namespace alys
