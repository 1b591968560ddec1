// Hash256 ordering is byte-lexicographic (maps keyed by hashes, canonical sort orders and
// the determinism of everything iterating them depend on it).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "core/types/hash256.h"

namespace alys {
namespace {

Hash256 from_array(const std::array<std::uint8_t, 32>& a) { return Hash256(a); }

RC_GTEST_PROP(Hash256Order, MatchesLexicographicBytes, ()) {
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  for (auto& x : a) x = *rc::gen::arbitrary<std::uint8_t>();
  b = a;
  // Share a random-length prefix, then differ (or not) at one random position.
  const auto at = *rc::gen::inRange<std::size_t>(0, 33);
  if (at < 32) b[at] = *rc::gen::arbitrary<std::uint8_t>();
  const bool less = std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  const bool greater = std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end());
  RC_ASSERT((from_array(a) < from_array(b)) == less);
  RC_ASSERT((from_array(a) > from_array(b)) == greater);
  RC_ASSERT((from_array(a) == from_array(b)) == (!less && !greater));
}

TEST(Hash256Order, HighByteDecidesFirst) {
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  a[0] = 1;
  b[31] = 0xff;
  EXPECT_GT(Hash256(a), Hash256(b));
  a[0] = 0;
  a[8] = 1;
  EXPECT_GT(Hash256(a), Hash256(b));
}

}  // namespace
}  // namespace alys
