#include "runtime-sim/sim_executor.h"

#include "runtime-sim/world.h"

namespace alys::sim {

SimExecutor::SimExecutor(World& world, NodeId node, std::shared_ptr<std::uint64_t> counter,
                         std::uint64_t strand_id)
    : world_(world), node_(node), strand_id_(strand_id), strand_counter_(std::move(counter)),
      owner_(world.register_owner()) {}

SimExecutor::~SimExecutor() {
  // Pending events capture `this`: retiring the owner drops them all, so none runs after we
  // are gone.
  world_.retire_owner(owner_);
}

void SimExecutor::post(Task task) {
  ALYS_ASSERT(task, "Executor::post: empty task");
  ready_.push_back(std::move(task));
  if (!drain_scheduled_) schedule_drain();
}

void SimExecutor::schedule_drain() {
  drain_scheduled_ = true;
  world_.schedule_for(node_, world_.now(), EventKind::kPost, strand_id_, [this] { drain_one(); },
                      owner_);
}

void SimExecutor::drain_one() {
  drain_scheduled_ = false;
  Task task = ready_.pop_front();
  if (!ready_.empty()) schedule_drain();
  task();
  // `task` may own the last reference to whatever owns this executor (a strand inside an
  // actor cell): nothing below may touch members.
}

TimerId SimExecutor::after(Duration delay, Task task) {
  ALYS_ASSERT(delay >= Duration::zero(), "Executor::after: negative delay");
  // The task runs as the world event itself (no wrapper, no allocation); it may destroy
  // this executor (see drain_one).
  return TimerId{world_.schedule_for(node_, world_.now() + delay, EventKind::kTimer,
                                     static_cast<std::uint64_t>(delay.count()), std::move(task),
                                     owner_)};
}

bool SimExecutor::cancel(TimerId id) { return id && world_.cancel(id.value); }

std::unique_ptr<Executor> SimExecutor::make_strand() {
  // The numbering constructor is private, so make_unique cannot reach it.
  const std::uint64_t strand_id = ++*strand_counter_;
  return std::unique_ptr<Executor>(new SimExecutor(world_, node_, strand_counter_, strand_id));
}

}  // namespace alys::sim
