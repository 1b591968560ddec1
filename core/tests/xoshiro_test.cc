// Xoshiro256** and SplitMix64: the project's only PRNG. A seed must replay the same on every
// compiler and CPU, so these tests pin golden outputs computed by an independent
// implementation (a few lines of Python following Vigna's reference C code). If one of them
// changes, every recorded failing seed stops replaying: that is never a refactoring.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <set>

#include "core/runtime/xoshiro.h"

namespace alys {
namespace {

TEST(SplitMix64, MatchesReferenceOutputs) {
  // Reference outputs of splitmix64.c for the state 1234567.
  std::uint64_t state = 1234567;
  EXPECT_EQ(splitmix64(state), 6457827717110365317ull);
  EXPECT_EQ(splitmix64(state), 3203168211198807973ull);
  EXPECT_EQ(splitmix64(state), 9817491932198370423ull);
  EXPECT_EQ(splitmix64(state), 4593380528125082431ull);
  EXPECT_EQ(splitmix64(state), 16408922859458223821ull);
}

TEST(Xoshiro256ss, MatchesReferenceOutputsSeededThroughSplitMix) {
  Xoshiro256ss zero(0);
  EXPECT_EQ(zero.next(), 11091344671253066420ull);
  EXPECT_EQ(zero.next(), 13793997310169335082ull);
  EXPECT_EQ(zero.next(), 1900383378846508768ull);
  EXPECT_EQ(zero.next(), 7684712102626143532ull);

  Xoshiro256ss g(42);
  EXPECT_EQ(g.next(), 1546998764402558742ull);
  EXPECT_EQ(g.next(), 6990951692964543102ull);
  EXPECT_EQ(g.next(), 12544586762248559009ull);
  EXPECT_EQ(g.next(), 17057574109182124193ull);
}

TEST(Xoshiro256ss, Mix64AndStreamMatchReference) {
  EXPECT_EQ(mix64(7, 3), 1505231282862050854ull);
  Xoshiro256ss s = Xoshiro256ss::stream(99, 5);
  EXPECT_EQ(s.next(), 4338677517595597212ull);
  EXPECT_EQ(s.next(), 17318968417149305952ull);
  EXPECT_EQ(s.next(), 292547465062287333ull);
}

// The generator is usable at compile time (constexpr), which the header promises.
constexpr std::uint64_t first_of(std::uint64_t seed) {
  Xoshiro256ss g(seed);
  return g.next();
}
static_assert(first_of(42) == 1546998764402558742ull);
static_assert(mix64(7, 3) == 1505231282862050854ull);

TEST(Xoshiro256ss, StreamIsAPureFunctionOfSeedAndId) {
  Xoshiro256ss a = Xoshiro256ss::stream(5, 17);
  Xoshiro256ss b = Xoshiro256ss::stream(5, 17);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next(), b.next());
}

TEST(Xoshiro256ss, DistinctStreamsOfOneSeedDiffer) {
  // First outputs of 1000 streams of one seed, and of one stream id under 1000 seeds: no two
  // equal (a collision would mean two nodes share randomness).
  std::set<std::uint64_t> by_id;
  std::set<std::uint64_t> by_seed;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    by_id.insert(Xoshiro256ss::stream(1, i).next());
    by_seed.insert(Xoshiro256ss::stream(i, 1).next());
  }
  EXPECT_EQ(by_id.size(), 1000u);
  EXPECT_EQ(by_seed.size(), 1000u);
}

RC_GTEST_PROP(Xoshiro256ss, CopiesReplayTheSameSequence, (std::uint64_t seed, std::uint8_t skip)) {
  Xoshiro256ss g(seed);
  for (int i = 0; i < skip; ++i) g.next();
  Xoshiro256ss copy = g;
  for (int i = 0; i < 64; ++i) RC_ASSERT(g.next() == copy.next());
}

RC_GTEST_PROP(Xoshiro256ss, NeighbouringSeedsGiveDifferentSequences, (std::uint64_t seed)) {
  Xoshiro256ss a(seed);
  Xoshiro256ss b(seed + 1);
  bool differ = false;
  for (int i = 0; i < 4; ++i) differ |= a.next() != b.next();
  RC_ASSERT(differ);
}

}  // namespace
}  // namespace alys
