// LivePeers: a node's configured peer list when it may change while the node runs (the
// real node's hot reload). The node assembly owns it and sets it; every instance of the
// network actor reads it at start, so an actor restarted after a reload dials the current
// list, not the one the node started with. (The SetPeers message tells the running
// instance; this holder is what survives its restarts.)
// Threading: any thread. get() and set() are atomic: a reader sees one whole list.
#pragma once

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#include "core/runtime/node_id.h"

namespace alys::net {

class LivePeers {
 public:
  explicit LivePeers(std::vector<NodeId> peers)
      : peers_(std::make_shared<const std::vector<NodeId>>(std::move(peers))) {}
  LivePeers(const LivePeers&) = delete;
  LivePeers& operator=(const LivePeers&) = delete;

  std::vector<NodeId> get() const { return *peers_.load(std::memory_order_acquire); }
  void set(std::vector<NodeId> peers) {
    peers_.store(std::make_shared<const std::vector<NodeId>>(std::move(peers)),
                 std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const std::vector<NodeId>>> peers_;
};

}  // namespace alys::net
