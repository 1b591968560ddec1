// core/runtime/status.h: Status codes and messages, Result<T>, and the assertions that guard
// misuse (a Result built from ok, value() on an error, error() on a value).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "core/runtime/status.h"

namespace alys {
namespace {

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.is_ok());
  EXPECT_TRUE(static_cast<bool>(s));
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.to_string(), "ok");
  EXPECT_TRUE(Status::ok().is_ok());
}

TEST(Status, EveryFactoryCarriesItsCodeAndMessage) {
  struct Case {
    Status status;
    StatusCode code;
    const char* text;
  };
  const Case cases[] = {
      {Status::not_found("m"), StatusCode::kNotFound, "not found: m"},
      {Status::corruption("m"), StatusCode::kCorruption, "corruption: m"},
      {Status::io_error("m"), StatusCode::kIoError, "io error: m"},
      {Status::invalid_argument("m"), StatusCode::kInvalidArgument, "invalid argument: m"},
      {Status::unavailable("m"), StatusCode::kUnavailable, "unavailable: m"},
      {Status::timeout("m"), StatusCode::kTimeout, "timeout: m"},
      {Status::failed_precondition("m"), StatusCode::kFailedPrecondition,
       "failed precondition: m"},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(c.status.is_ok());
    EXPECT_FALSE(static_cast<bool>(c.status));
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.message(), "m");
    EXPECT_EQ(c.status.to_string(), c.text);
  }
}

TEST(Status, EmptyMessageHasNoColon) {
  EXPECT_EQ(Status::timeout("").to_string(), "timeout");
}

TEST(Status, CodeNamesAreDistinct) {
  const StatusCode all[] = {StatusCode::kOk,          StatusCode::kNotFound,
                            StatusCode::kCorruption,  StatusCode::kIoError,
                            StatusCode::kInvalidArgument, StatusCode::kUnavailable,
                            StatusCode::kTimeout,     StatusCode::kFailedPrecondition};
  for (auto a : all) {
    EXPECT_NE(status_code_name(a), "unknown");
    for (auto b : all) {
      if (a != b) {
        EXPECT_NE(status_code_name(a), status_code_name(b));
      }
    }
  }
}

TEST(Status, CopiesAndMovesKeepCodeAndMessage) {
  Status a = Status::corruption("storage: key 'x'");
  Status b = a;
  Status c = std::move(a);
  EXPECT_EQ(b.to_string(), "corruption: storage: key 'x'");
  EXPECT_EQ(c.to_string(), "corruption: storage: key 'x'");
}

TEST(Result, HoldsAValue) {
  Result<std::string> r = std::string("hello");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), "hello");
  EXPECT_EQ(*r, "hello");
  EXPECT_EQ(r->size(), 5u);
  r.value() += "!";
  EXPECT_EQ(*r, "hello!");
  const Result<std::string>& cr = r;
  EXPECT_EQ(cr.value(), "hello!");
  EXPECT_EQ(cr->size(), 6u);
}

TEST(Result, HoldsAnError) {
  Result<int> r = Status::not_found("key 'k'");
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.error().message(), "key 'k'");
}

TEST(Result, MoveOnlyValuesMoveOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

RC_GTEST_PROP(Result, ValueRoundTrips, (std::string text)) {
  Result<std::string> r = text;
  RC_ASSERT(r.has_value());
  RC_ASSERT(*r == text);
}

using ResultDeathTest = ::testing::Test;

TEST_F(ResultDeathTest, BuildingFromAnOkStatusAsserts) {
  EXPECT_DEATH({ Result<int> r = Status::ok(); (void)r; }, "Result built from an ok Status");
}

TEST_F(ResultDeathTest, ValueOnAnErrorAsserts) {
  EXPECT_DEATH(
      {
        Result<int> r = Status::timeout("t");
        (void)r.value();
      },
      "Result::value\\(\\) on an error");
}

TEST_F(ResultDeathTest, ErrorOnAValueAsserts) {
  EXPECT_DEATH(
      {
        Result<int> r = 1;
        (void)r.error();
      },
      "Result::error\\(\\) on a value");
}

}  // namespace
}  // namespace alys
