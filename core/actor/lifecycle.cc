#include "core/actor/lifecycle.h"

#include <fmt/format.h>

#include "core/runtime/assert.h"

namespace alys::actor {

std::string_view lifecycle_state_name(LifecycleState s) {
  switch (s) {
    case LifecycleState::kUninitialized:
      return "uninitialized";
    case LifecycleState::kStarting:
      return "starting";
    case LifecycleState::kRunning:
      return "running";
    case LifecycleState::kStopping:
      return "stopping";
    case LifecycleState::kStopped:
      return "stopped";
    case LifecycleState::kStartFailed:
      return "start_failed";
    case LifecycleState::kCrashed:
      return "crashed";
    case LifecycleState::kRestarting:
      return "restarting";
    case LifecycleState::kBackoff:
      return "backoff";
    case LifecycleState::kFailed:
      return "failed";
  }
  return "?";
}

bool is_final(LifecycleState s) { return s == LifecycleState::kFailed; }

bool is_legal_transition(LifecycleState from, LifecycleState to) {
  using S = LifecycleState;
  switch (from) {
    case S::kUninitialized:
    case S::kStopped:
      return to == S::kStarting || to == S::kStopped;
    case S::kStarting:
      return to == S::kRunning || to == S::kStartFailed;
    case S::kRunning:
      return to == S::kStopping || to == S::kCrashed || to == S::kRestarting;
    case S::kStopping:
      return to == S::kStopped;
    case S::kCrashed:
    case S::kStartFailed:
      return to == S::kRestarting || to == S::kBackoff || to == S::kFailed || to == S::kStopping ||
             to == S::kStopped;
    case S::kBackoff:
      return to == S::kRestarting || to == S::kFailed || to == S::kStopped;
    case S::kRestarting:
      return to == S::kRunning || to == S::kStartFailed || to == S::kStopped;
    case S::kFailed:
      return false;
  }
  return false;
}

LifecycleState lifecycle_transition(LifecycleState from, LifecycleState to) {
  if (!is_legal_transition(from, to)) [[unlikely]] {
    assert_fail("is_legal_transition(from, to)", __FILE__, __LINE__,
                fmt::format("illegal lifecycle transition {} -> {}", lifecycle_state_name(from),
                            lifecycle_state_name(to)));
  }
  return to;
}

}  // namespace alys::actor
