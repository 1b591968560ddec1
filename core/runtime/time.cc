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
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) return std::nullopt;
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + i, value);
    if (ec != std::errc{} || ptr != text.data() + i) return std::nullopt;
    std::size_t unit_start = i;
    while (i < text.size() && !is_digit(text[i])) ++i;
    auto mult = unit_ns(text.substr(unit_start, i - unit_start));
    if (!mult) return std::nullopt;
    if (value > (std::numeric_limits<std::int64_t>::max() - total) / *mult) return std::nullopt;
    total += value * *mult;
  }
  return Duration{total};
}

std::string format_duration(Duration d) {
  std::int64_t ns = d.count();
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  if (ns == 0) return "0s";
  if (ns < 1'000'000'000) {
    if (ns % 1'000'000 == 0) return out + std::to_string(ns / 1'000'000) + "ms";
    if (ns % 1'000 == 0) return out + std::to_string(ns / 1'000) + "us";
    return out + std::to_string(ns) + "ns";
  }
  std::int64_t hours = ns / 3'600'000'000'000;
  ns %= 3'600'000'000'000;
  std::int64_t minutes = ns / 60'000'000'000;
  ns %= 60'000'000'000;
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += std::to_string(minutes) + "m";
  if (ns) {
    out += std::to_string(ns / 1'000'000'000);
    std::int64_t frac = ns % 1'000'000'000;
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
