#include "core/types/wei.h"

#include <algorithm>
#include <limits>

namespace alys {

std::optional<std::int64_t> Wei::to_sat_floor() const {
  const u128 sat = v_ / kPerSat;
  if (sat > static_cast<u128>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return static_cast<std::int64_t>(sat);
}

std::optional<Wei> Wei::checked_add(Wei other) const {
  const u128 sum = v_ + other.v_;
  if (sum < v_) return std::nullopt;
  return Wei(sum);
}

std::optional<Wei> Wei::checked_sub(Wei other) const {
  if (other.v_ > v_) return std::nullopt;
  return Wei(v_ - other.v_);
}

std::optional<Wei> Wei::checked_mul(std::uint64_t k) const {
  if (k != 0 && v_ > std::numeric_limits<u128>::max() / k) return std::nullopt;
  return Wei(v_ * k);
}

std::string Wei::to_string() const {
  if (v_ == 0) return "0";
  std::string out;
  for (u128 v = v_; v != 0; v /= 10) out.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace alys
