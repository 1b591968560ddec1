// Alys's AuxPoW difficulty retargeting (app/src/auxpow_miner.rs, calculate_next_work_required
// and get_next_work_required), in integer arithmetic only.
//
// Alys retargets on the number of sidechain blocks since the last block that carried an
// AuxPoW (`height_difference`), not on time:
//   ratio% = round_half_even(100 * max(height_difference, 1) / pow_target_spacing)
//   if ratio% < 100: ratio% = min(ratio%, max_pow_adjustment)
//   if ratio% > 100: ratio% = min(ratio%, 100 + max_pow_adjustment)
//   new_target = (old_target / 100) * ratio%       (saturating), re-encoded lossily
// Alys computes the ratio with a decimal type rounded to 2 places (banker's rounding);
// the integer form here is exactly that. Faithful quirks, kept on purpose:
//  - the truncating division by 100 shrinks the target a little even at ratio 1.00
//    (0x1d00ffff -> 0x1d00fffe),
//  - below 100% the clamp is min(), not max(): any ratio under 1 becomes at most
//    max_pow_adjustment% (a 5x harder target with the default 20), and
//  - the result is not clamped to pow_limit.
// old_target is decoded like Alys's uint256_target_from_compact: a mantissa above
// 0x7fffff (sign bit) yields 0, and a shift past 256 bits yields 0.
#pragma once

#include <cstdint>

namespace alys {

struct AlysRetargetParams {
  std::uint32_t pow_limit_bits = 553713663;        // 0x2100ffff, chain.json powLimit
  std::uint32_t pow_lower_limit_bits = 439495319;  // chain.json powLowerLimit (unused by Alys's formula)
  std::uint32_t max_pow_adjustment_pct = 20;       // chain.json maxPowAdjustment
  std::uint64_t pow_target_timespan = 60;          // chain.json powTargetTimespan
  std::uint64_t pow_target_spacing = 5;            // chain.json powTargetSpacing
  bool pow_no_retargeting = false;
  std::uint32_t initial_bits = 486604799;          // chain.json bits (0x1d00ffff)

  // Blocks between forced retargets: timespan / spacing (12 by default).
  std::uint64_t adjustment_interval() const { return pow_target_timespan / pow_target_spacing; }
};

// REQUIRES: params.pow_target_spacing > 0 and params.max_pow_adjustment_pct <= 155 (so the
// clamped percentage fits Alys's u8), both asserted.
std::uint32_t alys_calculate_next_work_required(std::uint32_t height_difference,
                                                std::uint32_t last_bits,
                                                const AlysRetargetParams& params);

// Alys's is_retarget_height: the head height is a multiple of the adjustment interval, or
// more than an interval of blocks have passed since the last AuxPoW.
bool alys_is_retarget_height(std::uint64_t chain_head_height, std::uint32_t height_difference,
                             const AlysRetargetParams& params);

// Alys's get_next_work_required without the RPC-level target override: the bits the next
// AuxPoW must meet, given the last AuxPoW block's height and bits and the head height.
// REQUIRES: last_auxpow_height <= chain_head_height + 1 (asserted).
std::uint32_t alys_next_work_required(std::uint64_t last_auxpow_height,
                                      std::uint32_t last_auxpow_bits,
                                      std::uint64_t chain_head_height,
                                      const AlysRetargetParams& params);

}  // namespace alys
