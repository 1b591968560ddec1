// RealClock: the production Clock. now() is std::chrono::steady_clock; unix_ms() is
// std::chrono::system_clock (which may jump when the OS clock is set).
#pragma once

#include "core/runtime/clock.h"

namespace alys::real {

class RealClock final : public Clock {
 public:
  Instant now() const override;
  std::int64_t unix_ms() const override;
};

}  // namespace alys::real
