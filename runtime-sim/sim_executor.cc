#include "runtime-sim/sim_executor.h"

#include "runtime-sim/world.h"

namespace alys::sim {

SimExecutor::~SimExecutor() {
  // Pending events capture `this`: drop them so none runs after we are gone.
  if (drain_scheduled_) world_.cancel(drain_event_);
  for (const auto& [timer, event] : timers_) world_.cancel(event);
}

void SimExecutor::post(Task task) {
  ALYS_ASSERT(task, "Executor::post: empty task");
  ready_.push_back(std::move(task));
  if (!drain_scheduled_) schedule_drain();
}

void SimExecutor::schedule_drain() {
  drain_scheduled_ = true;
  drain_event_ =
      world_.schedule_for(node_, world_.now(), EventKind::kPost, 0, [this] { drain_one(); });
}

void SimExecutor::drain_one() {
  drain_scheduled_ = false;
  Task task = std::move(ready_.front());
  ready_.pop_front();
  if (!ready_.empty()) schedule_drain();
  task();
  // `task` may own the last reference to whatever owns this executor (a strand inside an
  // actor cell): nothing below may touch members.
}

TimerId SimExecutor::after(Duration delay, Task task) {
  ALYS_ASSERT(delay >= Duration::zero(), "Executor::after: negative delay");
  const std::uint64_t timer = ++next_timer_;
  const auto event = world_.schedule_for(
      node_, world_.now() + delay, EventKind::kTimer, static_cast<std::uint64_t>(delay.count()),
      [this, timer, t = std::move(task)]() mutable {
        timers_.erase(timer);
        Task run = std::move(t);
        run();  // may destroy this executor (see drain_one)
      });
  timers_.emplace(timer, event);
  return TimerId{timer};
}

bool SimExecutor::cancel(TimerId id) {
  if (!id) return false;
  const auto it = timers_.find(id.value);
  if (it == timers_.end()) return false;
  const bool pending = world_.cancel(it->second);
  timers_.erase(it);
  return pending;
}

std::unique_ptr<Executor> SimExecutor::make_strand() {
  return std::make_unique<SimExecutor>(world_, node_);
}

}  // namespace alys::sim
