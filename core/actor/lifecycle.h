// Lifecycle: the states of an actor (as in the seed) and the only legal moves between them.
//
//   Uninitialized -> Starting -> Running -> Stopping -> Stopped
//   Starting   -> StartFailed                       (pre_start/started returned an error)
//   Running    -> Crashed                           (a handler threw or returned an error)
//   Running    -> Restarting                        (a sibling's crash restarts it: OneForAll)
//   Crashed | StartFailed -> Restarting | Backoff | Failed | Stopping | Stopped
//   Backoff    -> Restarting | Failed | Stopped
//   Restarting -> Running | StartFailed             (post_restart returned an error)
//   Restarting -> Stopped                           (stopped between the restart phases)
//   Uninitialized -> Stopped                        (stopped before it ever started)
//   Stopped    -> Starting                          (its supervisor was restarted: OTP
//                                                    starts the children afresh)
// Failed is final (a temporary child that crashed, a root supervisor that gave up). Any
// other move is a bug and asserts (TigerStyle): lifecycle_transition() is the one place a
// state changes. Messages to a Stopped or Failed actor go to dead letters.
#pragma once

#include <cstdint>
#include <string_view>

namespace alys::actor {

enum class LifecycleState : std::uint8_t {
  kUninitialized,
  kStarting,
  kRunning,
  kStopping,
  kStopped,
  kStartFailed,
  kCrashed,
  kRestarting,
  kBackoff,
  kFailed,
};
constexpr std::size_t kLifecycleStateCount = 10;

std::string_view lifecycle_state_name(LifecycleState s);
bool is_legal_transition(LifecycleState from, LifecycleState to);
bool is_final(LifecycleState s);
// Asserts is_legal_transition(from, to); returns `to`.
LifecycleState lifecycle_transition(LifecycleState from, LifecycleState to);

}  // namespace alys::actor
