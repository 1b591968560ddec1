// Executor: where a node's work runs.
//
// post(task)         runs `task` soon, after every task this node posted before it (FIFO
//                    among posts of one node). Never runs it inline.
// after(d, task)     runs `task` once, no earlier than `d` after now() on the node's
//                    monotonic clock. Timers with the same deadline fire in an unspecified
//                    order (the simulator picks one per seed); relative to posts, also
//                    unspecified. Returns an id for cancel().
// cancel(id)         prevents a pending timer from running; returns true if it was pending.
//                    Cancelling a fired, cancelled or unknown id is a no-op returning false.
// Thread rules: one node's tasks never run concurrently with each other (real runtime: a
// strand; simulator: one thread). Tasks must not block. On a node crash every pending task
// and timer vanishes without running.
//
// make_strand()      a new executor for one actor (added for core/actor). Tasks posted to
//                    one strand run FIFO and never concurrently with each other, and never
//                    inline in post(); post/after/cancel keep the contracts above, with
//                    "this node" read as "this strand". Tasks of different strands of one
//                    node MAY run in parallel (real runtime: one Asio strand each on a thread
//                    pool); the simulator runs them all on its one thread, interleaved in a
//                    seed-dependent order. So with strands the thread rule above holds per
//                    strand. post() on a strand may be called from any thread. Destroying a
//                    strand: the simulator drops its pending posts and timers; the real
//                    runtime still runs what was already handed to the pool. Either way a
//                    task must own (or share) what it touches. A node crash drops every
//                    strand's work like the node's own. REQUIRES: the strand does not
//                    outlive this executor's runtime. The default forwards to this
//                    executor, which is right for executors that are already serial.
#pragma once

#include <cstdint>
#include <memory>

#include "core/runtime/task.h"
#include "core/runtime/time.h"

namespace alys {

struct TimerId {
  std::uint64_t value = 0;  // 0 = no timer
  explicit operator bool() const { return value != 0; }
  friend bool operator==(TimerId, TimerId) = default;
};

class Executor {
 public:
  virtual ~Executor() = default;
  virtual void post(Task task) = 0;
  virtual TimerId after(Duration delay, Task task) = 0;
  virtual bool cancel(TimerId id) = 0;
  virtual std::unique_ptr<Executor> make_strand();
};

// The default strand: every call goes to the parent executor, which must outlive it.
class ForwardingExecutor final : public Executor {
 public:
  explicit ForwardingExecutor(Executor& parent) : parent_(parent) {}
  void post(Task task) override { parent_.post(std::move(task)); }
  TimerId after(Duration delay, Task task) override {
    return parent_.after(delay, std::move(task));
  }
  bool cancel(TimerId id) override { return parent_.cancel(id); }
  std::unique_ptr<Executor> make_strand() override { return parent_.make_strand(); }

 private:
  Executor& parent_;
};

inline std::unique_ptr<Executor> Executor::make_strand() {
  return std::make_unique<ForwardingExecutor>(*this);
}

}  // namespace alys
