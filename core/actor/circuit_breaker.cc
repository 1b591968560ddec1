#include "core/actor/circuit_breaker.h"

#include "core/runtime/assert.h"

namespace alys::actor {

std::string_view breaker_state_name(BreakerState s) {
  switch (s) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "?";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config) : config_(config) {
  ALYS_ASSERT(config_.failure_threshold > 0, "breaker: failure_threshold must be > 0");
  ALYS_ASSERT(config_.success_threshold > 0, "breaker: success_threshold must be > 0");
}

BreakerState CircuitBreaker::state(Instant now) {
  if (state_ == BreakerState::kOpen && now - opened_at_ >= config_.recovery_timeout) {
    state_ = BreakerState::kHalfOpen;
    successes_ = 0;
  }
  return state_;
}

void CircuitBreaker::on_success(Instant now) {
  switch (state(now)) {
    case BreakerState::kClosed:
      failures_ = 0;
      break;
    case BreakerState::kHalfOpen:
      if (++successes_ >= config_.success_threshold) {
        state_ = BreakerState::kClosed;
        failures_ = 0;
      }
      break;
    case BreakerState::kOpen:
      break;  // cannot happen: nothing is handled while open
  }
}

void CircuitBreaker::on_failure(Instant now) {
  switch (state(now)) {
    case BreakerState::kClosed:
      if (++failures_ < config_.failure_threshold) return;
      break;
    case BreakerState::kHalfOpen:
      break;
    case BreakerState::kOpen:
      return;
  }
  state_ = BreakerState::kOpen;
  opened_at_ = now;
  failures_ = 0;
  successes_ = 0;
  ++times_opened_;
}

}  // namespace alys::actor
