// Asking an actor from a thread outside the actor system (the JSON-RPC server's handler
// threads): the query goes in a message whose callback fulfils a promise; the caller waits
// for it with a deadline. Actor state is never touched from here, only messages.
//
//   auto status = ask_actor<StatusMessage>(node.chain(), [](auto done) {
//     return chain::GetStatus{std::move(done)};
//   }, "chain");
//   ... start more asks ...
//   Result<StatusMessage> s = status.wait(deadline);
//
// Errors of wait(): kUnavailable when the send failed (mailbox full under Overflow::kFail)
// or the actor dropped the message unanswered (it is stopped: its callback was destroyed
// without running); kTimeout when no answer came before the deadline. A late answer is
// harmless: the promise it fulfils is then held by no one.
// Threading: any thread but an actor strand (wait() blocks).
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/actor/actor_ref.h"
#include "core/runtime/status.h"

namespace alys::node {

using Deadline = std::chrono::steady_clock::time_point;

template <typename T>
class PendingAnswer {
 public:
  PendingAnswer(std::string what, std::shared_ptr<std::promise<T>> promise)
      : what_(std::move(what)), future_(promise->get_future()) {}

  // The callback for the query message: fulfils the answer (first call only).
  static std::function<void(T)> callback_for(const std::shared_ptr<std::promise<T>>& promise) {
    return [promise](T value) {
      try {
        promise->set_value(std::move(value));
      } catch (const std::future_error&) {
        // Answered twice: the first answer stands.
      }
    };
  }

  void fail(Status why) { send_error_ = std::move(why); }

  Result<T> wait(Deadline deadline) {
    if (!send_error_.is_ok()) return send_error_;
    if (future_.wait_until(deadline) != std::future_status::ready) {
      return Status::timeout(fmt::format("{}: no answer in time", what_));
    }
    try {
      return future_.get();
    } catch (const std::future_error&) {
      return Status::unavailable(fmt::format("{}: the actor dropped the query (stopped?)", what_));
    }
  }

 private:
  std::string what_;
  std::future<T> future_;
  Status send_error_;
};

// Sends make(callback) to `ref` now; the answer is waited for with wait(). `what` names the
// actor in errors.
template <typename T, typename M, typename Make>
PendingAnswer<T> ask_actor(const actor::ActorRef<M>& ref, Make make, std::string what) {
  auto promise = std::make_shared<std::promise<T>>();
  PendingAnswer<T> pending(what, promise);
  if (Status s = ref.tell(make(PendingAnswer<T>::callback_for(promise))); !s.is_ok()) {
    pending.fail(Status::unavailable(fmt::format("{}: {}", what, s.message())));
  }
  return pending;
}

// An answer that is itself a Result, with both layers of error folded into one.
template <typename T>
Result<T> flatten(Result<Result<T>> r) {
  if (!r) return r.error();
  return std::move(r).value();
}

}  // namespace alys::node
