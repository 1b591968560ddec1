// memoized_tagged_hash (core/crypto/digest_memo.h) must always equal tagged_hash: for the
// same input again, for inputs that share a memo slot, for the same bytes under another
// tag, and for inputs too long to be memoized.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string_view>
#include <vector>

#include "core/crypto/digest_memo.h"

namespace alys {
namespace {

constexpr std::string_view kTagA = "alys/test/memo-a";
constexpr std::string_view kTagB = "alys/test/memo-b";

TEST(DigestMemo, EqualsTaggedHashForRepeatsOtherTagsAndLongInputs) {
  const Bytes input(516, 0x5a);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(memoized_tagged_hash(kTagA, input), tagged_hash(kTagA, input));
    EXPECT_EQ(memoized_tagged_hash(kTagB, input), tagged_hash(kTagB, input));
  }
  EXPECT_NE(memoized_tagged_hash(kTagA, input), memoized_tagged_hash(kTagB, input));
  const Bytes shorter(515, 0x5a);  // a prefix of `input`
  EXPECT_EQ(memoized_tagged_hash(kTagA, shorter), tagged_hash(kTagA, shorter));
  const Bytes empty;
  EXPECT_EQ(memoized_tagged_hash(kTagA, empty), tagged_hash(kTagA, empty));
  const Bytes too_long(kMaxMemoBytes + 1, 0x5a);
  EXPECT_EQ(memoized_tagged_hash(kTagA, too_long), tagged_hash(kTagA, too_long));
}

// Any sequence over a pool of inputs that differ in one byte (so many share slots and
// most lookups compare against a near miss) gives tagged_hash's digests.
RC_GTEST_PROP(DigestMemoProperty, AnySequenceEqualsTaggedHash, ()) {
  const auto distinct = *rc::gen::inRange<std::size_t>(1, 600);  // more than the memo holds
  const auto size = *rc::gen::inRange<std::size_t>(0, kMaxMemoBytes + 1);
  std::vector<Bytes> pool;
  for (std::size_t i = 0; i < distinct; ++i) {
    Bytes b(size, 0x11);
    if (size > 0) b[(i * 7) % size] = static_cast<std::uint8_t>(i);
    if (size > 1) b[(i * 13) % size] ^= static_cast<std::uint8_t>(i >> 8);
    pool.push_back(std::move(b));
  }
  const auto picks =
      *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, distinct));
  for (std::size_t k : picks) {
    const std::string_view tag = (k % 3 == 0) ? kTagB : kTagA;
    RC_ASSERT(memoized_tagged_hash(tag, pool[k]) == tagged_hash(tag, pool[k]));
  }
}

}  // namespace
}  // namespace alys
