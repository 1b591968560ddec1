#include "runtime-real/real_clock.h"

#include <chrono>

namespace alys::real {

Instant RealClock::now() const {
  const auto since = std::chrono::steady_clock::now().time_since_epoch();
  return Instant{std::chrono::duration_cast<Duration>(since)};
}

std::int64_t RealClock::unix_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace alys::real
