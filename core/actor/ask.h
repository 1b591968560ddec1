// Ask: request/response between actors without re-entrancy (DESIGN.md §3).
//
//   // in the asker, whose message variant includes actor::Reply<Balance>:
//   ask<Balance>(bank, [&](ReplyTo<Balance> to) { return GetBalance{account, to}; }, 2s);
//   ...
//   Status receive(Msg& m) { if (auto* r = std::get_if<Reply<Balance>>(&m)) ... }
//
// The reply, or a kTimeout error when none came within the timeout, or the send's own error,
// arrives exactly once as a Reply<R> message in the asker's mailbox with the request's
// correlation id (ask() returns it). A reply that comes later, or twice, goes to dead
// letters (kLateReply). The replier holds a ReplyTo<R>; replying is a plain send, so an
// actor never waits inside a handler.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "core/actor/envelope.h"
#include "core/runtime/status.h"

namespace alys::actor {

class CellBase;

template <typename R>
struct Reply {
  std::uint64_t correlation_id = 0;
  Result<R> result;
};

template <typename R>
class ReplyTo {
 public:
  using DeliverFn = void (*)(const std::shared_ptr<CellBase>& asker, Result<R> result,
                             EnvelopeMeta meta);

  ReplyTo() = default;
  ReplyTo(std::shared_ptr<CellBase> asker, DeliverFn deliver, std::uint64_t correlation_id,
          Priority priority)
      : asker_(std::move(asker)),
        deliver_(deliver),
        correlation_id_(correlation_id),
        priority_(priority) {}

  bool valid() const { return asker_ != nullptr; }
  std::uint64_t correlation_id() const { return correlation_id_; }

  // Sends the reply (or an error). Any thread. Inside an actor prefer Actor::reply, which
  // fills in the sender and causal parent.
  void send(Result<R> result, ActorId sender = kNoActor, std::uint64_t causal_parent = 0) const {
    if (!asker_) return;
    EnvelopeMeta meta;
    meta.correlation_id = correlation_id_;
    meta.sender = sender;
    meta.priority = priority_;
    meta.causal_parent = causal_parent;
    deliver_(asker_, std::move(result), meta);
  }

 private:
  std::shared_ptr<CellBase> asker_;
  DeliverFn deliver_ = nullptr;
  std::uint64_t correlation_id_ = 0;
  Priority priority_ = Priority::kNormal;
};

}  // namespace alys::actor
