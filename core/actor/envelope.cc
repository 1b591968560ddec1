#include "core/actor/envelope.h"

#include "core/actor/dead_letter.h"
#include "core/actor/mailbox.h"

namespace alys::actor {

std::string_view priority_name(Priority p) {
  switch (p) {
    case Priority::kCritical:
      return "critical";
    case Priority::kHigh:
      return "high";
    case Priority::kNormal:
      return "normal";
    case Priority::kLow:
      return "low";
  }
  return "?";
}

std::string_view overflow_name(Overflow o) {
  switch (o) {
    case Overflow::kDropOldest:
      return "drop_oldest";
    case Overflow::kDropNewest:
      return "drop_newest";
    case Overflow::kBlock:
      return "block";
    case Overflow::kFail:
      return "fail";
    case Overflow::kBackoff:
      return "backoff";
  }
  return "?";
}

std::string_view dead_letter_reason_name(DeadLetterReason reason) {
  switch (reason) {
    case DeadLetterReason::kActorStopped:
      return "actor_stopped";
    case DeadLetterReason::kMailboxFull:
      return "mailbox_full";
    case DeadLetterReason::kDroppedNewest:
      return "dropped_newest";
    case DeadLetterReason::kDroppedOldest:
      return "dropped_oldest";
    case DeadLetterReason::kRetriesExhausted:
      return "retries_exhausted";
    case DeadLetterReason::kDeadlock:
      return "deadlock";
    case DeadLetterReason::kHandlerFailed:
      return "handler_failed";
    case DeadLetterReason::kCircuitOpen:
      return "circuit_open";
    case DeadLetterReason::kExpired:
      return "expired";
    case DeadLetterReason::kLateReply:
      return "late_reply";
    case DeadLetterReason::kAclDenied:
      return "acl_denied";
    case DeadLetterReason::kRateLimited:
      return "rate_limited";
    case DeadLetterReason::kNoSubscriber:
      return "no_subscriber";
  }
  return "?";
}

}  // namespace alys::actor
