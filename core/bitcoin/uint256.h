// Uint256: unsigned 256-bit integer with the operations proof-of-work needs.
//
// Values are exact: shifts drop bits shifted out (a shift by >= 256 gives 0), mul_u64 and
// div_u64 report/forbid what cannot be represented. Conversions:
//  - from_le_bytes / to_le_bytes: a Hash256 read as a little-endian number, the way Bitcoin
//    compares a block hash with its target (arith_uint256 <-> uint256).
//  - to_hex: 64 big-endian hex digits (Core's GetHex of an arith_uint256).
//  - compact "bits" (nBits): see pow.h.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "core/types/hash256.h"

namespace alys {

class Uint256 {
 public:
  constexpr Uint256() = default;
  static constexpr Uint256 from_u64(std::uint64_t v) {
    Uint256 out;
    out.limbs_[0] = v;
    return out;
  }
  static Uint256 max();

  static Uint256 from_le_bytes(const Hash256& h);
  Hash256 to_le_bytes() const;
  std::string to_hex() const;

  bool is_zero() const { return limbs_[0] == 0 && limbs_[1] == 0 && limbs_[2] == 0 && limbs_[3] == 0; }
  // Index of the highest set bit plus one (0 for zero).
  unsigned bits() const;
  std::uint64_t low_u64() const { return limbs_[0]; }

  Uint256 operator<<(unsigned shift) const;
  Uint256 operator>>(unsigned shift) const;

  struct MulResult;
  // *this * m, and whether the true product exceeded 2^256 - 1 (then value is the product
  // mod 2^256).
  MulResult mul_u64(std::uint64_t m) const;
  // min(*this * m, max()).
  Uint256 saturating_mul_u64(std::uint64_t m) const;
  // REQUIRES: d != 0 (asserted). Floor division.
  Uint256 div_u64(std::uint64_t d) const;

  friend bool operator==(const Uint256&, const Uint256&) = default;
  friend std::strong_ordering operator<=>(const Uint256& a, const Uint256& b);

 private:
  std::array<std::uint64_t, 4> limbs_{};  // little-endian limbs
};

struct Uint256::MulResult {
  Uint256 value;
  bool overflow = false;
};

}  // namespace alys
