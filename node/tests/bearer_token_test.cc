// The admin token check (node/bearer_token.h). Whether the comparison's time depends on
// where the strings differ cannot be asserted without timing; these check the answers,
// and that every byte position takes part (a differing byte anywhere refuses).
#include "node/bearer_token.h"

#include <gtest/gtest.h>

#include <string>

namespace alys::node {
namespace {

TEST(BearerToken, OnlyTheExactHeaderMatches) {
  const std::string token = "s3cret-token";
  EXPECT_TRUE(bearer_matches("Bearer s3cret-token", token));
  EXPECT_FALSE(bearer_matches("", token));
  EXPECT_FALSE(bearer_matches("Bearer ", token));
  EXPECT_FALSE(bearer_matches("Bearer s3cret-toke", token));    // a prefix
  EXPECT_FALSE(bearer_matches("Bearer s3cret-tokenX", token));  // longer
  EXPECT_FALSE(bearer_matches("bearer s3cret-token", token));   // the scheme is exact
  EXPECT_FALSE(bearer_matches("Bearer  s3cret-token", token));
  EXPECT_FALSE(bearer_matches("s3cret-token", token));
}

TEST(BearerToken, AnEmptyTokenMatchesNothing) {
  EXPECT_FALSE(bearer_matches("Bearer ", ""));
  EXPECT_FALSE(bearer_matches("", ""));
}

TEST(BearerToken, ADifferenceAtAnyPositionRefuses) {
  const std::string a = "Bearer 0123456789abcdef0123456789abcdef";
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      std::string b = a;
      b[i] = static_cast<char>(static_cast<unsigned char>(b[i]) ^ flip);
      EXPECT_FALSE(constant_time_equal(a, b)) << "byte " << i << " flip " << int{flip};
    }
  }
  EXPECT_TRUE(constant_time_equal(a, a));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  // Bytes with the high bit set and NULs compare as bytes.
  EXPECT_TRUE(constant_time_equal(std::string("\0\xff", 2), std::string("\0\xff", 2)));
  EXPECT_FALSE(constant_time_equal(std::string("\0\xff", 2), std::string("\0\xfe", 2)));
}

}  // namespace
}  // namespace alys::node
