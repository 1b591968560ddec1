// Envelope: what travels with every actor message (DESIGN.md §3).
//
//   message_id      unique within one ActorSystem, never 0.
//   correlation_id  ask: the id tying a reply (or its timeout) to the request; 0 otherwise.
//   sender          the sending actor, set by the system (never by the caller); kNoActor for
//                   messages from outside any actor (tests, transport callbacks).
//   priority        critical > high > normal > low; a mailbox hands out the highest
//                   priority first, FIFO within one priority.
//   deadline        a message still queued at its deadline is not handled: it goes to dead
//                   letters (kExpired). kNoDeadline = never expires.
//   causal_parent   the message_id of the message whose handler sent this one (0 = none):
//                   the edge a timeline draws.
//   enqueued_at     the target's monotonic time when the message entered its mailbox.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "core/runtime/time.h"

namespace alys::actor {

struct ActorId {
  std::uint64_t value = 0;  // 0 = no actor
  explicit operator bool() const { return value != 0; }
  friend auto operator<=>(ActorId, ActorId) = default;
};
constexpr ActorId kNoActor{};

enum class Priority : std::uint8_t { kCritical = 0, kHigh = 1, kNormal = 2, kLow = 3 };
constexpr std::size_t kPriorityCount = 4;
std::string_view priority_name(Priority p);

constexpr Instant kNoDeadline{Duration{std::numeric_limits<Duration::rep>::max()}};

struct EnvelopeMeta {
  std::uint64_t message_id = 0;
  std::uint64_t correlation_id = 0;
  ActorId sender;
  Priority priority = Priority::kNormal;
  Instant deadline = kNoDeadline;
  std::uint64_t causal_parent = 0;
  Instant enqueued_at{};
};

template <typename M>
struct Envelope {
  M message;
  EnvelopeMeta meta;
};

// What a caller may choose about a send; the rest of the envelope is the system's.
struct SendOptions {
  Priority priority = Priority::kNormal;
  Duration ttl = Duration::zero();  // > 0: deadline = now + ttl at send time
};

}  // namespace alys::actor
