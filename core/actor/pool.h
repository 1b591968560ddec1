// Pool: N identical workers under one supervisor, and a router in front (Akka routers).
//
//   RoundRobin   worker (k mod N) for the k-th message routed.
//   LeastLoaded  the worker with the fewest messages sent and not yet handled (ActorRef
//                load()); ties go to the lowest index, so the choice is deterministic
//                given the loads.
// Workers are ordinary children: the supervisor's strategy restarts them; a pool worker's
// mailbox survives its restart. route() may be called from any thread; RoundRobin's counter
// is atomic, so concurrent callers still spread evenly.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/actor/supervisor.h"

namespace alys::actor {

enum class Routing : std::uint8_t { kRoundRobin, kLeastLoaded };

template <typename M>
class Pool {
 public:
  Pool(std::vector<ActorRef<M>> workers, Routing routing)
      : workers_(std::move(workers)), routing_(routing) {
    ALYS_ASSERT(!workers_.empty(), "Pool: no workers");
  }

  // Spawns `size` workers of class A named "<options.name>-<i>" under `parent`.
  template <typename A, typename... Args>
  static Pool spawn(SupervisorRef parent, ChildOptions options, std::size_t size, Routing routing,
                    Args... args) {
    std::vector<ActorRef<M>> workers;
    workers.reserve(size);
    for (std::size_t i = 0; i < size; ++i) {
      ChildOptions o = options;
      o.name = fmt::format("{}-{}", options.name, i);
      workers.push_back(parent.spawn<A>(std::move(o), args...));
    }
    return Pool(std::move(workers), routing);
  }

  // The worker the next message goes to.
  const ActorRef<M>& route() {
    if (routing_ == Routing::kRoundRobin) {
      const std::uint64_t k = next_.fetch_add(1, std::memory_order_relaxed);
      return workers_[k % workers_.size()];
    }
    std::size_t best = 0;
    std::uint32_t best_load = workers_[0].cell().load();
    for (std::size_t i = 1; i < workers_.size() && best_load > 0; ++i) {
      const std::uint32_t l = workers_[i].cell().load();
      if (l < best_load) {
        best = i;
        best_load = l;
      }
    }
    return workers_[best];
  }

  template <typename T>
  Status tell(T&& message, SendOptions options = {}) {
    return route().tell(std::forward<T>(message), options);
  }

  const std::vector<ActorRef<M>>& workers() const { return workers_; }

 private:
  std::vector<ActorRef<M>> workers_;
  Routing routing_;
  std::atomic<std::uint64_t> next_{0};
};

}  // namespace alys::actor
