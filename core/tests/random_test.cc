// The bounded-random helpers of core/runtime/random.h: exact integer algorithms that replace
// std::*_distribution. Range, exactness at the edges, the rejection step, rough uniformity
// (over a fixed seed, so deterministic) and the number of draws consumed.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "core/runtime/random.h"

namespace alys {
namespace {

// Plays back fixed outputs, then fails the test if asked for more. Counts draws.
class Scripted {
 public:
  explicit Scripted(std::vector<std::uint64_t> outputs) : outputs_(std::move(outputs)) {}
  std::uint64_t next() {
    EXPECT_LT(pos_, outputs_.size()) << "generator drawn more often than scripted";
    if (pos_ >= outputs_.size()) return 0;
    return outputs_[pos_++];
  }
  std::size_t draws() const { return pos_; }

 private:
  std::vector<std::uint64_t> outputs_;
  std::size_t pos_ = 0;
};

// Counts draws of a real generator.
class Counting {
 public:
  explicit Counting(std::uint64_t seed) : g_(seed) {}
  std::uint64_t next() {
    ++draws_;
    return g_.next();
  }
  std::uint64_t draws() const { return draws_; }

 private:
  Xoshiro256ss g_;
  std::uint64_t draws_ = 0;
};

static_assert(BitSource<Xoshiro256ss>);
static_assert(BitSource<Scripted>);
static_assert(!BitSource<int>);

TEST(UniformBelow, BoundOneIsAlwaysZero) {
  Xoshiro256ss g(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(uniform_below(g, 1), 0u);
}

TEST(UniformBelow, IsTheHighWordOfTheProduct) {
  // Lemire: result = (x * bound) >> 64 when the low word is not in the rejection zone.
  Scripted g({(std::uint64_t{1} << 63) + 1, UINT64_MAX, 0x4000'0000'0000'0000ull});
  EXPECT_EQ(uniform_below(g, 10), 5u);          // (2^63 + 1) * 10 >> 64
  EXPECT_EQ(uniform_below(g, 10), 9u);          // the largest draw maps to bound - 1
  EXPECT_EQ(uniform_below(g, UINT64_MAX), 0x3FFF'FFFF'FFFF'FFFFull);
  EXPECT_EQ(g.draws(), 3u);
}

TEST(UniformBelow, RejectsDrawsInTheBiasZone) {
  // bound 3: 2^64 mod 3 == 1, so exactly the draws whose product has low word 0 are rejected
  // (x = 0 is one). The helper must draw again instead of returning 0.
  Scripted g({0, std::uint64_t{1} << 63});
  EXPECT_EQ(uniform_below(g, 3), 1u);  // from the second draw: (2^63 * 3) >> 64 == 1
  EXPECT_EQ(g.draws(), 2u);
}

TEST(UniformBelow, LowWordBelowBoundButAboveThresholdIsAccepted) {
  // bound 3, x = 1: product 3, low word 3 is not < bound -> accepted with no rejection test.
  // x = 0x5555555555555556: product 2^64 + 2 -> low word 2 < bound 3 but >= threshold 1.
  Scripted g({0x5555'5555'5555'5556ull});
  EXPECT_EQ(uniform_below(g, 3), 1u);
  EXPECT_EQ(g.draws(), 1u);
}

TEST(UniformBelow, IsRoughlyUniformForAFixedSeed) {
  constexpr std::uint64_t kBound = 6;
  constexpr int kDraws = 600'000;
  std::array<int, kBound> counts{};
  Xoshiro256ss g(2024);
  for (int i = 0; i < kDraws; ++i) ++counts[uniform_below(g, kBound)];
  for (int c : counts) {
    EXPECT_GT(c, 99'000);
    EXPECT_LT(c, 101'000);
  }
}

RC_GTEST_PROP(UniformBelow, StaysBelowTheBound, (std::uint64_t seed, std::uint64_t bound)) {
  RC_PRE(bound > 0u);
  Xoshiro256ss g(seed);
  for (int i = 0; i < 32; ++i) RC_ASSERT(uniform_below(g, bound) < bound);
}

TEST(UniformBetween, HitsBothEndsOfASmallRange) {
  Xoshiro256ss g(7);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::int64_t v = uniform_between(g, -2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    seen.insert(v);
  }
  EXPECT_EQ(seen, (std::set<std::int64_t>{-2, -1, 0, 1, 2}));
}

TEST(UniformBetween, SinglePointRange) {
  Xoshiro256ss g(7);
  EXPECT_EQ(uniform_between(g, 42, 42), 42);
  EXPECT_EQ(uniform_between(g, std::numeric_limits<std::int64_t>::min(),
                            std::numeric_limits<std::int64_t>::min()),
            std::numeric_limits<std::int64_t>::min());
}

TEST(UniformBetween, FullRangeUsesTheRawDraw) {
  Scripted g({0x8000'0000'0000'0000ull, 5});
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(uniform_between(g, kMin, kMax), kMin);
  EXPECT_EQ(uniform_between(g, kMin, kMax), 5);
  EXPECT_EQ(g.draws(), 2u);
}

RC_GTEST_PROP(UniformBetween, StaysInsideTheInclusiveRange,
              (std::uint64_t seed, std::int64_t a, std::int64_t b)) {
  const std::int64_t lo = a < b ? a : b;
  const std::int64_t hi = a < b ? b : a;
  Xoshiro256ss g(seed);
  for (int i = 0; i < 32; ++i) {
    const std::int64_t v = uniform_between(g, lo, hi);
    RC_ASSERT(v >= lo);
    RC_ASSERT(v <= hi);
  }
}

TEST(Bernoulli, CertainOutcomesConsumeNoDraws) {
  Counting g(3);
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(bernoulli(g, 0, 7));
    EXPECT_TRUE(bernoulli(g, 7, 7));
    EXPECT_FALSE(chance_ppm(g, 0));
    EXPECT_TRUE(chance_ppm(g, kPpm));
  }
  EXPECT_EQ(g.draws(), 0u);
}

TEST(Bernoulli, RateMatchesTheRatio) {
  Xoshiro256ss g(11);
  int hits = 0;
  for (int i = 0; i < 400'000; ++i) hits += bernoulli(g, 1, 4) ? 1 : 0;
  EXPECT_GT(hits, 99'000);
  EXPECT_LT(hits, 101'000);
}

TEST(ChancePpm, ClampsAboveOneMillion) {
  Counting g(5);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(chance_ppm(g, 5 * kPpm));
  EXPECT_EQ(g.draws(), 0u);
}

TEST(ChancePpm, RateMatchesPartsPerMillion) {
  Xoshiro256ss g(12);
  int hits = 0;
  for (int i = 0; i < 1'000'000; ++i) hits += chance_ppm(g, 50'000) ? 1 : 0;
  EXPECT_GT(hits, 49'000);
  EXPECT_LT(hits, 51'000);
}

RC_GTEST_PROP(UniformDuration, StaysInsideTheInclusiveRange,
              (std::uint64_t seed, std::uint32_t lo_us, std::uint32_t span_ns)) {
  const Duration lo = std::chrono::microseconds(lo_us);
  const Duration hi = lo + Duration(span_ns);
  Xoshiro256ss g(seed);
  for (int i = 0; i < 16; ++i) {
    const Duration d = uniform_duration(g, lo, hi);
    RC_ASSERT(d >= lo);
    RC_ASSERT(d <= hi);
  }
}

TEST(UniformDuration, ExactWhenTheRangeIsOnePoint) {
  Xoshiro256ss g(1);
  EXPECT_EQ(uniform_duration(g, 250ms, 250ms), 250ms);
}

TEST(RandomAdapter, ForwardsTheGeneratorSequence) {
  SeededRandom r(Xoshiro256ss(9));
  Xoshiro256ss reference(9);
  Random& as_interface = r;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(as_interface.next(), reference.next());
  // generator() exposes the same state, so helpers can run on it directly.
  EXPECT_EQ(r.generator().next(), reference.next());
}

TEST(RandomAdapter, HelpersWorkThroughTheInterface) {
  // Random itself is a BitSource, so actors can call the helpers on env.random().
  static_assert(BitSource<Random>);
  SeededRandom r(Xoshiro256ss(1));
  Random& rnd = r;
  for (int i = 0; i < 100; ++i) EXPECT_LT(uniform_below(rnd, 10), 10u);
}

}  // namespace
}  // namespace alys
