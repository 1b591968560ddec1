#include "core/runtime/assert.h"

#include <cstdio>
#include <cstdlib>

namespace alys {

void assert_fail(const char* condition, const char* file, int line,
                 std::string_view message) noexcept {
  std::fprintf(stderr, "alys: assertion failed: %s at %s:%d: %.*s\n", condition, file, line,
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace alys
