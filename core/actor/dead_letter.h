// Dead letters: every message that was sent but will never be handled, with the reason
// (Akka's DeadLetters, widened with a reason). The system keeps the most recent
// kDeadLetterQueueMax records and counts every reason forever.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/actor/envelope.h"

namespace alys::actor {

enum class DeadLetterReason : std::uint8_t {
  kActorStopped,      // target stopped, failed or never started
  kMailboxFull,       // Fail strategy: refused, the sender got an error
  kDroppedNewest,     // DropNewest strategy: the new message was dropped
  kDroppedOldest,     // DropOldest strategy: an older queued message was evicted
  kRetriesExhausted,  // ExponentialBackoff strategy: gave up re-delivering
  kDeadlock,          // Block strategy: blocking would close a cycle of blocked senders
  kHandlerFailed,     // the message whose handler threw or returned an error
  kCircuitOpen,       // the target's circuit breaker is open: fail fast
  kExpired,           // its deadline passed while queued
  kLateReply,         // an ask reply that came after the timeout (or twice)
  kAclDenied,         // the bus ACL refused the sender
  kRateLimited,       // the sender exceeded its token bucket
  kNoSubscriber,      // a bus topic nobody subscribes to
};
constexpr std::size_t kDeadLetterReasonCount = 13;
std::string_view dead_letter_reason_name(DeadLetterReason reason);

struct DeadLetter {
  DeadLetterReason reason = DeadLetterReason::kActorStopped;
  EnvelopeMeta meta;
  ActorId target;
  std::string target_name;
  std::string detail;  // e.g. the handler's error, the topic
};

using ReasonCounts = std::array<std::uint64_t, kDeadLetterReasonCount>;

}  // namespace alys::actor
