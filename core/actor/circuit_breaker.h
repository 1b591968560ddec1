// CircuitBreaker: guards one child (DESIGN.md §3; the classic closed/open/half-open breaker).
//
//   Closed    messages flow. failure_threshold consecutive failures (crashes) -> Open.
//             A success resets the count.
//   Open      messages fail fast to dead letters (kCircuitOpen). recovery_timeout after
//             opening, the next question (allow/state) finds it HalfOpen.
//   HalfOpen  messages flow again. success_threshold successes (messages handled) -> Closed;
//             one failure -> Open again, with a fresh recovery timeout.
// A pure state machine: time comes in as arguments, so it is the same on both runtimes.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/runtime/time.h"

namespace alys::actor {

struct CircuitBreakerConfig {
  std::uint32_t failure_threshold = 5;  // > 0
  Duration recovery_timeout = 30s;
  std::uint32_t success_threshold = 1;  // > 0
};

enum class BreakerState : std::uint8_t { kClosed, kOpen, kHalfOpen };
std::string_view breaker_state_name(BreakerState s);

class CircuitBreaker {
 public:
  explicit CircuitBreaker(CircuitBreakerConfig config);

  // The state at `now` (Open turns HalfOpen once the recovery timeout has passed).
  BreakerState state(Instant now);
  // True unless Open at `now`.
  bool allow(Instant now) { return state(now) != BreakerState::kOpen; }
  void on_success(Instant now);
  void on_failure(Instant now);

  std::uint64_t times_opened() const { return times_opened_; }
  const CircuitBreakerConfig& config() const { return config_; }

 private:
  CircuitBreakerConfig config_;
  BreakerState state_ = BreakerState::kClosed;
  std::uint32_t failures_ = 0;
  std::uint32_t successes_ = 0;
  Instant opened_at_{};
  std::uint64_t times_opened_ = 0;
};

}  // namespace alys::actor
