// ActorRef<M>: a handle to an actor whose message type is M (a std::variant). Copyable,
// cheap, valid across restarts of the actor (the mailbox survives a restart); sending to a
// stopped or failed actor puts the message in dead letters (kActorStopped).
//
// tell() from outside any actor sends with sender = kNoActor. Inside an actor, use
// Actor::tell, which sets the sender and causal parent (the system sets them, not callers).
// tell() returns an error only when the target's mailbox is full under Overflow::kFail.
// Thread rules: any thread.
#pragma once

#include <memory>
#include <utility>

#include "core/actor/envelope.h"
#include "core/runtime/status.h"

namespace alys::actor {

template <typename M>
class ActorCell;

template <typename M>
class ActorRef {
 public:
  using Message = M;

  ActorRef() = default;
  explicit ActorRef(std::shared_ptr<ActorCell<M>> cell) : cell_(std::move(cell)) {}

  bool valid() const { return cell_ != nullptr; }
  explicit operator bool() const { return valid(); }

  template <typename T>
  Status tell(T&& message, SendOptions options = {}) const;

  // REQUIRES: valid().
  ActorCell<M>& cell() const { return *cell_; }
  const std::shared_ptr<ActorCell<M>>& cell_ptr() const { return cell_; }

  friend bool operator==(const ActorRef& a, const ActorRef& b) { return a.cell_ == b.cell_; }

 private:
  std::shared_ptr<ActorCell<M>> cell_;
};

}  // namespace alys::actor
