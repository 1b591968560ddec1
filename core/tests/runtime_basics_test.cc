// Small pieces of core/runtime: ALYS_ASSERT, NoBuggify, TimerId, Bytes helpers.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "core/runtime/assert.h"
#include "core/runtime/buggify.h"
#include "core/runtime/executor.h"
#include "core/types/bytes.h"

namespace alys {
namespace {

TEST(Assert, PassingConditionDoesNothing) {
  int evaluated = 0;
  ALYS_ASSERT(++evaluated == 1, "never printed");
  EXPECT_EQ(evaluated, 1);  // the condition is evaluated exactly once
}

using AssertDeathTest = ::testing::Test;

TEST_F(AssertDeathTest, FailingConditionAbortsWithConditionAndMessage) {
  EXPECT_DEATH(ALYS_ASSERT(1 + 1 == 3, "arithmetic is broken"),
               "assertion failed: 1 \\+ 1 == 3 at .*runtime_basics_test.cc:[0-9]+: "
               "arithmetic is broken");
}

TEST(NoBuggify, NeverFires) {
  NoBuggify b;
  Buggify& iface = b;
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(iface.fire("any.point"));
}

TEST(TimerId, ZeroMeansNoTimer) {
  EXPECT_FALSE(TimerId{});
  EXPECT_TRUE(TimerId{1});
  EXPECT_EQ(TimerId{5}, TimerId{5});
  EXPECT_FALSE(TimerId{5} == TimerId{6});
}

RC_GTEST_PROP(Bytes, StringConversionsRoundTrip, (std::string text)) {
  const Bytes b = to_bytes(text);
  RC_ASSERT(b.size() == text.size());
  RC_ASSERT(std::string(as_chars(b)) == text);
  RC_ASSERT(std::string(as_chars(as_bytes(text))) == text);
}

}  // namespace
}  // namespace alys
