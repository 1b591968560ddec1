// HeadWatch: a ChainObserver that records every node's head and finalized point as its
// chain actor reports them (with the steady-clock time of the report), so that another
// thread can wait for a height with a deadline instead of sleeping. For tests and
// benchmarks of in-process nodes (node/in_process_node.h); one watch may serve many nodes.
//
// Thread rules: the observer methods run on the nodes' chain strands; the other methods
// from any thread. Nothing here calls back into a node. A head report wakes waiters only
// when it reaches a height one of them waits for: a syncing node reports thousands of
// heads a second, and waking the benchmark's thread for each would take a core's share
// from the node it measures.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include "core/chain/chain_observer.h"

namespace alys::node {

class HeadWatch final : public ChainObserver {
 public:
  struct Point {
    Hash256 hash;
    std::uint64_t height = 0;
    std::chrono::steady_clock::time_point at;  // when the node reported it
  };

  void on_head(NodeId node, const Hash256& hash, std::uint64_t height) override;
  void on_finalized(NodeId node, const Hash256& hash, std::uint64_t height) override;

  // The node's head once it is at least `height` high; nullopt if that did not happen
  // within `limit`.
  std::optional<Point> wait_head(NodeId node, std::uint64_t height,
                                 std::chrono::steady_clock::duration limit);
  std::optional<Point> head(NodeId node) const;
  std::optional<Point> finalized(NodeId node) const;
  // Drops what the node reported (before it restarts on the same id).
  void forget(NodeId node);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<NodeId, Point> heads_;
  std::map<NodeId, Point> finalized_;
  // What each wait_head in progress waits for (several waits on one node may overlap).
  std::multimap<NodeId, std::uint64_t> waits_;
};

}  // namespace alys::node
