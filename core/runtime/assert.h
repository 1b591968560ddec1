// Always-on invariant checks (TigerStyle): a failed ALYS_ASSERT is a bug, never an input
// error. It prints the condition, location and message and aborts, in every build type,
// so the simulator stops on the exact event that broke an invariant.
#pragma once

#include <string_view>

namespace alys {

[[noreturn]] void assert_fail(const char* condition, const char* file, int line,
                              std::string_view message) noexcept;

}  // namespace alys

#define ALYS_ASSERT(cond, msg)                                   \
  do {                                                           \
    if (!(cond)) [[unlikely]] {                                  \
      ::alys::assert_fail(#cond, __FILE__, __LINE__, (msg));     \
    }                                                            \
  } while (false)
