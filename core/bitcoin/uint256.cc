#include "core/bitcoin/uint256.h"

#include "core/runtime/assert.h"
#include "core/types/hex.h"

namespace alys {

namespace {
__extension__ typedef unsigned __int128 u128;  // GCC/Clang extension, exact 64x64 products
}  // namespace

Uint256 Uint256::max() {
  Uint256 out;
  for (auto& l : out.limbs_) l = ~std::uint64_t{0};
  return out;
}

Uint256 Uint256::from_le_bytes(const Hash256& h) {
  Uint256 out;
  for (int i = 0; i < 32; ++i) {
    out.limbs_[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint64_t>(h.data()[i])
                                                   << (8 * (i % 8));
  }
  return out;
}

Hash256 Uint256::to_le_bytes() const {
  Hash256 out;
  for (int i = 0; i < 32; ++i) {
    out.data()[i] = static_cast<std::uint8_t>(limbs_[static_cast<std::size_t>(i / 8)] >> (8 * (i % 8)));
  }
  return out;
}

std::string Uint256::to_hex() const { return to_le_bytes().to_display_hex(); }

unsigned Uint256::bits() const {
  for (int i = 3; i >= 0; --i) {
    const std::uint64_t l = limbs_[static_cast<std::size_t>(i)];
    if (l != 0) {
      unsigned n = 0;
      while (n < 64 && (l >> n) != 0) ++n;
      return static_cast<unsigned>(i) * 64 + n;
    }
  }
  return 0;
}

Uint256 Uint256::operator<<(unsigned shift) const {
  Uint256 out;
  if (shift >= 256) return out;
  const unsigned limb_shift = shift / 64, bit_shift = shift % 64;
  for (unsigned i = 3 + 1; i-- > limb_shift;) {
    std::uint64_t v = limbs_[i - limb_shift] << bit_shift;
    if (bit_shift != 0 && i - limb_shift >= 1) v |= limbs_[i - limb_shift - 1] >> (64 - bit_shift);
    out.limbs_[i] = v;
  }
  return out;
}

Uint256 Uint256::operator>>(unsigned shift) const {
  Uint256 out;
  if (shift >= 256) return out;
  const unsigned limb_shift = shift / 64, bit_shift = shift % 64;
  for (unsigned i = 0; i + limb_shift < 4; ++i) {
    std::uint64_t v = limbs_[i + limb_shift] >> bit_shift;
    if (bit_shift != 0 && i + limb_shift + 1 < 4) v |= limbs_[i + limb_shift + 1] << (64 - bit_shift);
    out.limbs_[i] = v;
  }
  return out;
}

Uint256::MulResult Uint256::mul_u64(std::uint64_t m) const {
  MulResult r;
  u128 carry = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const u128 p = static_cast<u128>(limbs_[i]) * m + carry;
    r.value.limbs_[i] = static_cast<std::uint64_t>(p);
    carry = p >> 64;
  }
  r.overflow = carry != 0;
  return r;
}

Uint256 Uint256::saturating_mul_u64(std::uint64_t m) const {
  MulResult r = mul_u64(m);
  return r.overflow ? max() : r.value;
}

Uint256 Uint256::div_u64(std::uint64_t d) const {
  ALYS_ASSERT(d != 0, "Uint256::div_u64 by zero");
  Uint256 out;
  u128 rem = 0;
  for (std::size_t i = 4; i-- > 0;) {
    const u128 cur = (rem << 64) | limbs_[i];
    out.limbs_[i] = static_cast<std::uint64_t>(cur / d);
    rem = cur % d;
  }
  return out;
}

std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) {
  for (std::size_t i = 4; i-- > 0;) {
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
  }
  return std::strong_ordering::equal;
}

}  // namespace alys
