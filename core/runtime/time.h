// Time as the runtime boundary sees it. All durations are integer nanoseconds; no floating
// point ever enters a scheduling decision (DESIGN.md §5).
//
// `Instant` is a point on a node's monotonic clock: in the simulator it is virtual time
// since the world began; in the real runtime it is the OS monotonic clock. It never goes
// backwards. Wall-clock time is a separate integer (`unix_ms`), which may jump.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace alys {

using Duration = std::chrono::nanoseconds;

// Clock tag for Instant. Deliberately has no now(): only a Clock object can tell the time.
struct MonotonicTag {
  using duration = Duration;
  using rep = Duration::rep;
  using period = Duration::period;
  using time_point = std::chrono::time_point<MonotonicTag, Duration>;
  static constexpr bool is_steady = true;
};
using Instant = MonotonicTag::time_point;

constexpr Instant kTimeZero{};

using namespace std::chrono_literals;

constexpr std::int64_t to_ns(Duration d) { return d.count(); }
constexpr std::int64_t to_ns(Instant t) { return t.time_since_epoch().count(); }
constexpr std::int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Parses "250ms", "10s", "10m", "2h", "1500us", "3ns", decimals like "1.5s", or
// combinations like "1h2m3.004s" (so every format_duration output parses back to the same
// value). A bare number is seconds. Returns nullopt on anything else (negative, overflow,
// junk, or a fraction finer than a nanosecond).
std::optional<Duration> parse_duration(std::string_view text);

// Short human form: "1h2m3.004s", "250ms", "0s". Exact (no rounding beyond ns).
std::string format_duration(Duration d);

}  // namespace alys
