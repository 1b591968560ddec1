#include <gtest/gtest.h>

#include "harness/seed_range.h"

namespace alys::harness {
namespace {

TEST(SeedRange, ParsesSingleAndRange) {
  auto one = parse_seed_range("42");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->first, 42u);
  EXPECT_EQ(one->count(), 1u);
  auto range = parse_seed_range("1..200");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, 1u);
  EXPECT_EQ(range->last, 200u);
  EXPECT_EQ(range->count(), 200u);
}

TEST(SeedRange, RejectsBadInputNamingIt) {
  for (const char* bad : {"", "x", "1..", "..5", "5..3", "1...3", "-1", "1..2x", "0..18446744073709551615"}) {
    auto r = parse_seed_range(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find(std::string("'") + bad + "'"), std::string::npos)
        << r.error().message();
  }
}

}  // namespace
}  // namespace alys::harness
