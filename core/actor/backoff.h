// ExponentialBackoff: the delay before the n-th consecutive restart of a child (Akka's
// BackoffSupervisor). Integer arithmetic only (DESIGN.md §5): the multiplier is in percent.
//
//   delay(n) = min(initial * (multiplier_percent/100)^n, max)            n = 0, 1, 2, ...
//   with jitter_ppm > 0: + uniform[0, delay(n) * jitter_ppm / 1e6], drawn from the Env's
//   Random, and clamped to max again.
// After max_retries consecutive restarts the child is given up (Failed); 0 = no limit.
// The count of consecutive restarts resets once the child has run for reset_after.
#pragma once

#include <cstdint>

#include "core/runtime/random.h"
#include "core/runtime/time.h"

namespace alys::actor {

struct BackoffConfig {
  Duration initial = 100ms;
  Duration max = 10s;
  std::uint32_t multiplier_percent = 200;  // >= 100
  std::uint32_t max_retries = 0;           // 0 = unlimited
  std::uint32_t jitter_ppm = 0;            // 0 = deterministic delays
  Duration reset_after = 30s;
};

// The un-jittered delay before restart number `attempt` (0-based).
Duration backoff_delay(const BackoffConfig& config, std::uint32_t attempt);
// The delay with jitter drawn from `random` (no draw when jitter_ppm == 0).
Duration backoff_delay(const BackoffConfig& config, std::uint32_t attempt, Random& random);

}  // namespace alys::actor
