// core/runtime/time.h: parse_duration / format_duration and the integer unit helpers.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/runtime/time.h"

namespace alys {
namespace {

constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();

TEST(ParseDuration, AcceptsEveryDocumentedUnit) {
  EXPECT_EQ(parse_duration("250ms"), Duration(250ms));
  EXPECT_EQ(parse_duration("10s"), Duration(10s));
  EXPECT_EQ(parse_duration("10m"), Duration(10min));
  EXPECT_EQ(parse_duration("10min"), Duration(10min));
  EXPECT_EQ(parse_duration("2h"), Duration(2h));
  EXPECT_EQ(parse_duration("1500us"), Duration(1500us));
  EXPECT_EQ(parse_duration("3ns"), Duration(3ns));
}

TEST(ParseDuration, BareNumberIsSeconds) {
  EXPECT_EQ(parse_duration("5"), Duration(5s));
  EXPECT_EQ(parse_duration("0"), Duration::zero());
}

TEST(ParseDuration, CombinationsAdd) {
  EXPECT_EQ(parse_duration("1h30m"), Duration(90min));
  EXPECT_EQ(parse_duration("1m30s"), Duration(90s));
  EXPECT_EQ(parse_duration("1s500ms"), Duration(1500ms));
  EXPECT_EQ(parse_duration("2h3m4s5ms6us7ns"), Duration(2h + 3min + 4s + 5ms + 6us + 7ns));
}

TEST(ParseDuration, RejectsJunk) {
  for (const char* bad : {"", "s", "ms", "-1s", "-5", "+5s", "1.s", ".5s", "1.5.5s", "1.0000000001s", "10x", "10 s", " 10s",
                          "10s ", "1h-30m", "h1", "10sec", "1e3ms", "0x10s", "10S", "∞"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << "input: '" << bad << "'";
  }
}

TEST(ParseDuration, DetectsOverflow) {
  EXPECT_EQ(parse_duration("9223372036854775807ns"), Duration(kMaxNs));
  EXPECT_EQ(parse_duration("9223372036854775808ns"), std::nullopt);  // from_chars overflow
  EXPECT_EQ(parse_duration("9223372036854775807s"), std::nullopt);   // multiplication
  EXPECT_EQ(parse_duration("2562047h"), Duration(2562047h));
  EXPECT_EQ(parse_duration("2562048h"), std::nullopt);
  // The sum of two parts that each fit.
  EXPECT_EQ(parse_duration("2562047h48m"), std::nullopt);
  EXPECT_EQ(parse_duration("9223372036854775806ns1ns"), Duration(kMaxNs));
  EXPECT_EQ(parse_duration("9223372036854775807ns1ns"), std::nullopt);
}

TEST(FormatDuration, DocumentedExamples) {
  EXPECT_EQ(format_duration(1h + 2min + 3s + 4ms), "1h2m3.004s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(Duration::zero()), "0s");
}

TEST(FormatDuration, PicksTheLargestExactSubSecondUnit) {
  EXPECT_EQ(format_duration(1ms), "1ms");
  EXPECT_EQ(format_duration(1500us), "1500us");
  EXPECT_EQ(format_duration(999999999ns), "999999999ns");
  EXPECT_EQ(format_duration(3ns), "3ns");
}

TEST(FormatDuration, SecondsAndAbove) {
  EXPECT_EQ(format_duration(1s), "1s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(60s), "1m");
  EXPECT_EQ(format_duration(1h), "1h");
  EXPECT_EQ(format_duration(1h + 500ms), "1h0.5s");
  EXPECT_EQ(format_duration(1h + 1ns), "1h0.000000001s");
  EXPECT_EQ(format_duration(49h), "49h");
}

TEST(FormatDuration, Negative) {
  EXPECT_EQ(format_duration(-250ms), "-250ms");
  EXPECT_EQ(format_duration(-(1h + 30min)), "-1h30m");
  EXPECT_EQ(format_duration(-1ns), "-1ns");
}

TEST(FormatDuration, ExtremesAreExact) {
  // 9223372036854775807 ns = 2562047h 47m 16.854775807s.
  EXPECT_EQ(format_duration(Duration::max()), "2562047h47m16.854775807s");
  // The minimum has no positive counterpart: negating it must not overflow (UB).
  EXPECT_EQ(format_duration(Duration::min()), "-2562047h47m16.854775808s");
}

TEST(ParseDuration, AcceptsExactDecimals) {
  EXPECT_EQ(parse_duration("1.5s"), Duration(1500ms));
  EXPECT_EQ(parse_duration("0.25ms"), Duration(250us));
  EXPECT_EQ(parse_duration("1h2m3.004s"), Duration(1h + 2min + 3s + 4ms));
  EXPECT_EQ(parse_duration("1.000000001s"), Duration(1'000'000'001ns));
  EXPECT_EQ(parse_duration("0.5m"), Duration(30s));
  EXPECT_EQ(parse_duration("1.5ns"), std::nullopt);  // finer than a nanosecond
  EXPECT_EQ(parse_duration("2562047h47m16.854775807s"), Duration(kMaxNs));
  EXPECT_EQ(parse_duration("2562047h47m16.854775808s"), std::nullopt);
}

// Every non-negative duration survives format then parse (format writes decimals for
// fractional seconds, which parse accepts).
RC_GTEST_PROP(DurationText, ParseInvertsFormat, (std::uint64_t raw, std::uint8_t shape)) {
  std::int64_t ns = static_cast<std::int64_t>(raw % static_cast<std::uint64_t>(kMaxNs));
  if (shape % 3 == 0) ns -= ns % 1'000'000'000;  // whole seconds
  if (shape % 3 == 1) ns %= 1'000'000'000;       // sub-second
  const Duration d(ns);
  const std::string text = format_duration(d);
  const auto back = parse_duration(text);
  RC_ASSERT(back.has_value());
  RC_ASSERT(back->count() == ns);
}

RC_GTEST_PROP(DurationText, FormatIsExactToTheNanosecond, (std::uint64_t raw)) {
  // Reassemble the value from format's fields by hand: h, m, and "s.fraction".
  const std::int64_t ns = static_cast<std::int64_t>(raw % static_cast<std::uint64_t>(kMaxNs));
  const std::string text = format_duration(Duration(ns));
  if (ns < 1'000'000'000) {
    RC_ASSERT(parse_duration(text) == Duration(ns));
    return;
  }
  std::int64_t total = 0;
  std::int64_t part = 0;
  std::int64_t frac = 0;
  int frac_digits = -1;  // -1: not in a fraction
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (frac_digits >= 0) {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      } else {
        part = part * 10 + (c - '0');
      }
    } else if (c == '.') {
      frac_digits = 0;
    } else {
      const std::int64_t unit = c == 'h' ? 3'600'000'000'000 : c == 'm' ? 60'000'000'000
                                                                         : 1'000'000'000;
      total += part * unit;
      if (frac_digits > 0) {
        RC_ASSERT(frac_digits <= 9);
        for (int i = frac_digits; i < 9; ++i) frac *= 10;
        total += frac;
      }
      part = 0;
      frac = 0;
      frac_digits = -1;
    }
  }
  RC_ASSERT(total == ns);
}

TEST(TimeHelpers, IntegerConversions) {
  EXPECT_EQ(to_ns(Duration(1500ms)), 1'500'000'000);
  EXPECT_EQ(to_ns(kTimeZero + 3ms), 3'000'000);
  EXPECT_EQ(to_ms(Duration(1999us)), 1);  // truncates
  EXPECT_EQ(to_ms(Duration(-1999us)), -1);
  static_assert(MonotonicTag::is_steady);
  static_assert(to_ns(kTimeZero) == 0);
}

}  // namespace
}  // namespace alys
