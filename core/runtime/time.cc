#include "core/runtime/time.h"

#include <charconv>
#include <limits>

namespace alys {
namespace {

std::optional<std::int64_t> unit_ns(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s" || unit.empty()) return 1'000'000'000;
  if (unit == "m" || unit == "min") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // <digits>[.<digits>]<unit>; the fraction must come out as whole nanoseconds.
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) return std::nullopt;
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + i, value);
    if (ec != std::errc{} || ptr != text.data() + i) return std::nullopt;
    std::string_view fraction;
    if (i < text.size() && text[i] == '.') {
      const std::size_t frac_start = ++i;
      while (i < text.size() && is_digit(text[i])) ++i;
      fraction = text.substr(frac_start, i - frac_start);
      if (fraction.empty() || fraction.size() > 18) return std::nullopt;
    }
    const std::size_t unit_start = i;
    while (i < text.size() && !is_digit(text[i]) && text[i] != '.') ++i;
    auto mult = unit_ns(text.substr(unit_start, i - unit_start));
    if (!mult) return std::nullopt;
    if (value > (kMax - total) / *mult) return std::nullopt;
    total += value * *mult;
    if (!fraction.empty()) {
      std::int64_t digits = 0, scale = 1;
      for (char c : fraction) {
        digits = digits * 10 + (c - '0');
        scale *= 10;
      }
      // digits/scale of a unit of `mult` ns, exactly: reject sub-nanosecond remainders.
      __extension__ using i128 = __int128;
      const i128 ns = static_cast<i128>(digits) * *mult;
      if (ns % scale != 0) return std::nullopt;
      const auto add = static_cast<std::int64_t>(ns / scale);
      if (add > kMax - total) return std::nullopt;
      total += add;
    }
  }
  return Duration{total};
}

std::string format_duration(Duration d) {
  // Work on the magnitude as unsigned: -Duration::min() does not fit in int64 (negating it
  // was undefined behaviour), but its magnitude fits in uint64.
  const std::int64_t signed_ns = d.count();
  std::uint64_t ns = static_cast<std::uint64_t>(signed_ns);
  std::string out;
  if (signed_ns < 0) {
    out = "-";
    ns = 0 - ns;
  }
  if (ns == 0) return "0s";
  if (ns < 1'000'000'000) {
    if (ns % 1'000'000 == 0) return out + std::to_string(ns / 1'000'000) + "ms";
    if (ns % 1'000 == 0) return out + std::to_string(ns / 1'000) + "us";
    return out + std::to_string(ns) + "ns";
  }
  std::uint64_t hours = ns / 3'600'000'000'000;
  ns %= 3'600'000'000'000;
  std::uint64_t minutes = ns / 60'000'000'000;
  ns %= 60'000'000'000;
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += std::to_string(minutes) + "m";
  if (ns) {
    out += std::to_string(ns / 1'000'000'000);
    std::uint64_t frac = ns % 1'000'000'000;
    if (frac) {
      std::string digits = std::to_string(frac);
      digits.insert(0, 9 - digits.size(), '0');
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    out += "s";
  }
  return out;
}

}  // namespace alys
