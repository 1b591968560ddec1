// Proof of work: compact "bits" <-> 256-bit target, the PoW check, and Bitcoin's
// difficulty retargeting (CalculateNextWorkRequired), all in exact integer arithmetic.
//
// decode_compact follows Bitcoin Core's arith_uint256::SetCompact: it reports `negative`
// (sign bit set with a non-zero mantissa) and `overflow` (the value does not fit in 256
// bits) rather than failing. encode_compact is GetCompact (lossy: keeps 3 significant
// bytes). check_proof_of_work returns ok or an error naming the reason, like Core's
// CheckProofOfWork.
#pragma once

#include <cstdint>

#include "core/bitcoin/uint256.h"
#include "core/runtime/status.h"
#include "core/types/hash256.h"

namespace alys {

struct CompactTarget {
  Uint256 value;
  bool negative = false;
  bool overflow = false;
};

CompactTarget decode_compact(std::uint32_t bits);
std::uint32_t encode_compact(const Uint256& value, bool negative = false);

// The target `bits` encodes, if it is a usable target: not negative, not zero, no
// overflow, and not above `pow_limit`. Otherwise an error naming which.
Result<Uint256> target_from_bits(std::uint32_t bits, const Uint256& pow_limit);

// Ok iff `bits` is a usable target (see target_from_bits) and the hash, read as a
// little-endian number, is <= the target.
Status check_proof_of_work(const Hash256& hash, std::uint32_t bits, const Uint256& pow_limit);

struct BitcoinRetargetParams {
  std::uint32_t pow_limit_bits = 0x1d00ffff;
  std::int64_t target_timespan_s = 14 * 24 * 60 * 60;  // two weeks
  std::int64_t target_spacing_s = 10 * 60;             // ten minutes

  std::int64_t adjustment_interval() const { return target_timespan_s / target_spacing_s; }
  static BitcoinRetargetParams mainnet() { return {}; }
};

// Bitcoin Core's CalculateNextWorkRequired: the new bits after a retarget period whose
// first block has time `first_block_time` and whose last block has `last_block_time` and
// `last_bits`. The actual timespan is clamped to [timespan/4, timespan*4] and the result
// to the pow limit. (Core multiplies modulo 2^256; this saturates instead, which differs
// only where Core would overflow, impossible for Bitcoin's own parameters.)
std::uint32_t bitcoin_next_work_required(std::uint32_t last_bits, std::int64_t first_block_time,
                                         std::int64_t last_block_time,
                                         const BitcoinRetargetParams& params);

}  // namespace alys
