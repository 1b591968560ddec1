// SimExecutor: a node's Executor on the world's event queue.
//
// Posts go to a per-node FIFO; one "drain" event at a time is queued on the world with a
// fresh seeded tie-break and runs exactly one post, so posts of one node stay FIFO while
// interleaving with other nodes' events in a seed-dependent order. Timers are world events
// tagged with the node's incarnation, so a crash drops them without running.
//
// make_strand() returns another SimExecutor on the same node (so the same incarnation: a
// crash drops its work too) with its own FIFO and drain event: strands of one node
// interleave in a seed-dependent order, as Asio strands on a pool would. Each strand has a
// number (the node's executor is 0, strands 1, 2, ... in creation order) that its post
// events carry as the trace detail, so the trace hash tells interleavings apart.
// Destroying a SimExecutor drops its pending posts and timers (they never run): every
// event it schedules carries its owner token, which the destructor retires, so the drop
// costs O(1) and a timer costs no bookkeeping beyond its world event.
#pragma once

#include <cstdint>
#include <memory>

#include "core/actor/ring_queue.h"
#include "core/runtime/executor.h"
#include "core/runtime/node_id.h"
#include "runtime-sim/event_queue.h"

namespace alys::sim {

class World;

class SimExecutor final : public Executor {
 public:
  SimExecutor(World& world, NodeId node)
      : SimExecutor(world, node, std::make_shared<std::uint64_t>(0), 0) {}
  ~SimExecutor() override;
  SimExecutor(const SimExecutor&) = delete;
  SimExecutor& operator=(const SimExecutor&) = delete;

  void post(Task task) override;
  TimerId after(Duration delay, Task task) override;
  bool cancel(TimerId id) override;
  std::unique_ptr<Executor> make_strand() override;

  std::size_t queued_posts() const { return ready_.size(); }
  std::uint64_t strand_id() const { return strand_id_; }

 private:
  SimExecutor(World& world, NodeId node, std::shared_ptr<std::uint64_t> counter,
              std::uint64_t strand_id);

  void schedule_drain();
  void drain_one();

  World& world_;
  NodeId node_;
  std::uint64_t strand_id_ = 0;
  std::shared_ptr<std::uint64_t> strand_counter_;  // shared by the node's executor and strands
  // A RingQueue, not a std::deque: it allocates nothing until the first post, which keeps an
  // idle actor's strand small (libstdc++'s deque allocates ~576 bytes up front).
  actor::RingQueue<Task> ready_;
  bool drain_scheduled_ = false;
  OwnerToken owner_;
};

}  // namespace alys::sim
