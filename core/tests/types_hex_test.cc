#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/tests/primitives_test_util.h"
#include "core/types/hash256.h"
#include "core/types/hex.h"

namespace alys {
namespace {

TEST(Hex, EncodesLowercase) {
  const Bytes b{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "0001abff");
  EXPECT_EQ(to_hex(Bytes{}), "");
}

TEST(Hex, DecodesBothCases) {
  auto r = from_hex("00aBcDeF");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (Bytes{0x00, 0xab, 0xcd, 0xef}));
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
  auto odd = from_hex("abc");
  ASSERT_FALSE(odd.has_value());
  EXPECT_NE(odd.error().message().find("odd"), std::string::npos);
  auto bad = from_hex("00zz");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("position 2"), std::string::npos);
  EXPECT_FALSE(from_hex("0x00").has_value());
  EXPECT_FALSE(from_hex(" 0").has_value());
}

TEST(Hash256, NaturalAndDisplayOrder) {
  // Bitcoin's genesis block hash as printed by bitcoind (display order).
  const std::string display = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
  auto h = Hash256::from_display_hex(display);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->to_display_hex(), display);
  EXPECT_EQ(h->to_hex(), "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000");
  EXPECT_EQ(h->bytes()[0], 0x6f);
  EXPECT_EQ(h->reversed().reversed(), *h);
}

TEST(Hash256, RejectsWrongLength) {
  EXPECT_FALSE(Hash256::from_hex("00").has_value());
  EXPECT_FALSE(Hash256::from_bytes(Bytes(31, 0)).has_value());
  EXPECT_FALSE(Hash256::from_bytes(Bytes(33, 0)).has_value());
  EXPECT_TRUE(Hash256::from_bytes(Bytes(32, 0)).has_value());
  EXPECT_TRUE(Hash256{}.is_zero());
}

RC_GTEST_PROP(HexProperty, RoundTrips, (const std::vector<std::uint8_t>& bytes)) {
  const std::string hex = to_hex(bytes);
  RC_ASSERT(hex.size() == 2 * bytes.size());
  auto back = from_hex(hex);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == bytes);
}

RC_GTEST_PROP(HexProperty, DecodeIsTotal, (const std::string& text)) {
  // Any string either decodes to half its length or yields an error; never crashes.
  auto r = from_hex(text);
  if (r.has_value()) {
    RC_ASSERT(r->size() * 2 == text.size());
    RC_ASSERT(to_hex(*r).size() == text.size());
  } else {
    RC_ASSERT(!r.error().message().empty());
  }
}

RC_GTEST_PROP(Hash256Property, DisplayRoundTrip, (const std::array<std::uint8_t, 32>& raw)) {
  const Hash256 h(raw);
  auto natural = Hash256::from_hex(h.to_hex());
  auto display = Hash256::from_display_hex(h.to_display_hex());
  RC_ASSERT(natural.has_value());
  RC_ASSERT(display.has_value());
  RC_ASSERT(*natural == h);
  RC_ASSERT(*display == h);
}

}  // namespace
}  // namespace alys
