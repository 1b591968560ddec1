// SimExecutor: a node's Executor on the world's event queue.
//
// Posts go to a per-node FIFO; one "drain" event at a time is queued on the world with a
// fresh seeded tie-break and runs exactly one post, so posts of one node stay FIFO while
// interleaving with other nodes' events in a seed-dependent order. Timers are world events
// tagged with the node's incarnation, so a crash drops them without running.
//
// make_strand() returns another SimExecutor on the same node (so the same incarnation: a
// crash drops its work too) with its own FIFO and drain event: strands of one node
// interleave in a seed-dependent order, as Asio strands on a pool would. Destroying a
// SimExecutor drops its pending posts and timers (they never run).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>

#include "core/runtime/executor.h"
#include "core/runtime/node_id.h"

namespace alys::sim {

class World;

class SimExecutor final : public Executor {
 public:
  SimExecutor(World& world, NodeId node) : world_(world), node_(node) {}
  ~SimExecutor() override;
  SimExecutor(const SimExecutor&) = delete;
  SimExecutor& operator=(const SimExecutor&) = delete;

  void post(Task task) override;
  TimerId after(Duration delay, Task task) override;
  bool cancel(TimerId id) override;
  std::unique_ptr<Executor> make_strand() override;

  std::size_t queued_posts() const { return ready_.size(); }

 private:
  void schedule_drain();
  void drain_one();

  World& world_;
  NodeId node_;
  std::deque<Task> ready_;
  bool drain_scheduled_ = false;
  std::uint64_t drain_event_ = 0;
  // Pending timers: TimerId value -> world event id, so the destructor can drop them; a
  // fired timer removes its entry. TimerIds are this executor's own sequence.
  std::map<std::uint64_t, std::uint64_t> timers_;
  std::uint64_t next_timer_ = 0;
};

}  // namespace alys::sim
