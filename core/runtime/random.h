// Random: the 64-bit randomness source an actor sees, plus the project's own bounded
// helpers. In the simulator each node's source is a stream derived from the world seed; in
// the real runtime it is OS entropy.
//
// Never use std::*_distribution: their algorithms differ between standard libraries, so a
// seed would replay differently on another machine (DESIGN.md §5). These helpers are exact
// integer algorithms and work on any generator with a `next() -> uint64_t`.
#pragma once

#include <concepts>
#include <cstdint>

#include "core/runtime/assert.h"
#include "core/runtime/time.h"
#include "core/runtime/xoshiro.h"

namespace alys {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next() = 0;
};

template <typename G>
concept BitSource = requires(G& g) {
  { g.next() } -> std::same_as<std::uint64_t>;
};

// Uniform in [0, bound). Lemire's multiply-shift with rejection: unbiased, usually one draw.
// REQUIRES: bound > 0.
template <BitSource G>
std::uint64_t uniform_below(G& g, std::uint64_t bound) {
  ALYS_ASSERT(bound > 0, "uniform_below: bound must be positive");
  __extension__ using u128 = unsigned __int128;
  u128 m = static_cast<u128>(g.next()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<u128>(g.next()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// Uniform in [lo, hi] inclusive. REQUIRES: lo <= hi.
template <BitSource G>
std::int64_t uniform_between(G& g, std::int64_t lo, std::int64_t hi) {
  ALYS_ASSERT(lo <= hi, "uniform_between: lo > hi");
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(g.next());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + uniform_below(g, span + 1));
}

// True with probability numerator/denominator. REQUIRES: 0 < denominator, numerator <= it.
template <BitSource G>
bool bernoulli(G& g, std::uint64_t numerator, std::uint64_t denominator) {
  ALYS_ASSERT(denominator > 0 && numerator <= denominator, "bernoulli: bad ratio");
  if (numerator == 0) return false;
  if (numerator == denominator) return true;
  return uniform_below(g, denominator) < numerator;
}

// Probability in parts per million, the unit every config in this project uses.
constexpr std::uint64_t kPpm = 1'000'000;
template <BitSource G>
bool chance_ppm(G& g, std::uint64_t ppm) {
  return bernoulli(g, ppm > kPpm ? kPpm : ppm, kPpm);
}

// Uniform duration in [lo, hi] (nanosecond resolution). REQUIRES: lo <= hi.
template <BitSource G>
Duration uniform_duration(G& g, Duration lo, Duration hi) {
  return Duration{uniform_between(g, lo.count(), hi.count())};
}

// Exponentially distributed duration with the given mean (memoryless waits: block
// discovery, arrivals), in integer arithmetic only (DESIGN.md §5: no floating point in
// scheduling). Inverse CDF: -ln(u) * mean with u uniform in (0, 1] at 32-bit resolution
// and a Q16 fixed-point log2, so the largest wait is about 22 means.
// REQUIRES: mean >= 0.
template <BitSource G>
Duration exponential_duration(G& g, Duration mean) {
  ALYS_ASSERT(mean.count() >= 0, "exponential_duration: negative mean");
  const std::uint64_t u = (g.next() >> 32) + 1;  // in [1, 2^32]
  // log2(u) in Q16: integer part from the top bit, fraction by repeated squaring.
  int top = 63;
  while (((u >> top) & 1u) == 0) --top;
  std::uint64_t log2_q16 = static_cast<std::uint64_t>(top) << 16;
  std::uint64_t m = (u << (63 - top)) >> 32;  // mantissa in Q31, in [1, 2)
  for (int bit = 15; bit >= 0; --bit) {
    m = (m * m) >> 31;
    if (m >= (std::uint64_t{2} << 31)) {
      m >>= 1;
      log2_q16 |= std::uint64_t{1} << bit;
    }
  }
  const std::uint64_t neg_log2_q16 = (std::uint64_t{32} << 16) - log2_q16;  // -log2(u/2^32)
  constexpr std::uint64_t kLn2Q16 = 45426;                                 // ln 2 * 2^16
  const std::uint64_t neg_ln_q32 = neg_log2_q16 * kLn2Q16;
  __extension__ using u128 = unsigned __int128;
  const u128 ns = static_cast<u128>(static_cast<std::uint64_t>(mean.count())) * neg_ln_q32;
  return Duration{static_cast<std::int64_t>(ns >> 32)};
}

// Adapts a concrete generator to the Random interface.
template <BitSource G>
class RandomAdapter final : public Random {
 public:
  explicit RandomAdapter(G g) : g_(g) {}
  std::uint64_t next() override { return g_.next(); }
  G& generator() { return g_; }

 private:
  G g_;
};

using SeededRandom = RandomAdapter<Xoshiro256ss>;

}  // namespace alys
