// Wei: an amount of the sidechain's native currency, in wei (10^-18 BTC), as Alys's EVM
// counts it. One satoshi is 10^10 wei (alys-domain.md), so 21 M BTC is 2.1e25 wei: more
// than 64 bits hold, hence 128. Arithmetic is checked: add/sub report overflow instead of
// wrapping, because a ledger that wraps silently creates money.
// Wire form: 16 bytes little-endian (core/chain/codec.h).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

namespace alys {

class Wei {
 public:
  __extension__ using u128 = unsigned __int128;
  static constexpr std::uint64_t kPerSat = 10'000'000'000ULL;

  constexpr Wei() = default;
  static constexpr Wei from_parts(std::uint64_t hi, std::uint64_t lo) {
    return Wei((static_cast<u128>(hi) << 64) | lo);
  }
  static constexpr Wei from_u64(std::uint64_t v) { return Wei(v); }
  static constexpr Wei from_sat(std::uint64_t sat) { return Wei(static_cast<u128>(sat) * kPerSat); }

  constexpr std::uint64_t hi() const { return static_cast<std::uint64_t>(v_ >> 64); }
  constexpr std::uint64_t lo() const { return static_cast<std::uint64_t>(v_); }
  constexpr bool is_zero() const { return v_ == 0; }
  // Whole satoshis, rounding down (Alys: fractional satoshis of a peg-out round down).
  // nullopt when the amount does not fit 63 bits of satoshis.
  std::optional<std::int64_t> to_sat_floor() const;

  std::optional<Wei> checked_add(Wei other) const;
  std::optional<Wei> checked_sub(Wei other) const;
  std::optional<Wei> checked_mul(std::uint64_t k) const;

  // Decimal digits.
  std::string to_string() const;

  friend constexpr bool operator==(Wei, Wei) = default;
  friend constexpr auto operator<=>(Wei a, Wei b) { return a.v_ <=> b.v_; }

 private:
  constexpr explicit Wei(u128 v) : v_(v) {}
  u128 v_ = 0;
};

}  // namespace alys
