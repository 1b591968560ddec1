// Errors as values at module edges (LevelDB's Status, widened with a Result<T>).
//
// A Status is Ok or a code plus a message that names what was wrong ("storage: key 'x':
// corrupted"). Result<T> holds a T or a non-ok Status. Neither throws.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/runtime/assert.h"

namespace alys {

enum class StatusCode : unsigned char {
  kOk = 0,
  kNotFound,
  kCorruption,
  kIoError,          // e.g. disk full, failed write
  kInvalidArgument,  // bad input; the message names the field
  kUnavailable,      // peer/service down, not connected
  kTimeout,
  kFailedPrecondition,
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status not_found(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status io_error(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status invalid_argument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status timeout(std::string msg) { return {StatusCode::kTimeout, std::move(msg)}; }
  static Status failed_precondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "corruption: storage: key 'x'..." or "ok".
  std::string to_string() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit, like outcome::result
  Result(Status error) : v_(std::move(error)) {  // NOLINT
    ALYS_ASSERT(!std::get<Status>(v_).is_ok(), "Result built from an ok Status");
  }

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value().
  T& value() & {
    ALYS_ASSERT(has_value(), "Result::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    ALYS_ASSERT(has_value(), "Result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    ALYS_ASSERT(has_value(), "Result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !has_value().
  const Status& error() const {
    ALYS_ASSERT(!has_value(), "Result::error() on a value");
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace alys
