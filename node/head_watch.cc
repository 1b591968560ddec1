#include "node/head_watch.h"

namespace alys::node {

void HeadWatch::on_head(NodeId node, const Hash256& hash, std::uint64_t height) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    heads_[node] = Point{hash, height, now};
  }
  cv_.notify_all();
}

void HeadWatch::on_finalized(NodeId node, const Hash256& hash, std::uint64_t height) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  finalized_[node] = Point{hash, height, now};
}

std::optional<HeadWatch::Point> HeadWatch::wait_head(NodeId node, std::uint64_t height,
                                                     std::chrono::steady_clock::duration limit) {
  std::unique_lock lock(mu_);
  const bool reached = cv_.wait_for(lock, limit, [&] {
    const auto it = heads_.find(node);
    return it != heads_.end() && it->second.height >= height;
  });
  if (!reached) return std::nullopt;
  return heads_.at(node);
}

std::optional<HeadWatch::Point> HeadWatch::head(NodeId node) const {
  std::lock_guard lock(mu_);
  const auto it = heads_.find(node);
  if (it == heads_.end()) return std::nullopt;
  return it->second;
}

std::optional<HeadWatch::Point> HeadWatch::finalized(NodeId node) const {
  std::lock_guard lock(mu_);
  const auto it = finalized_.find(node);
  if (it == finalized_.end()) return std::nullopt;
  return it->second;
}

void HeadWatch::forget(NodeId node) {
  std::lock_guard lock(mu_);
  heads_.erase(node);
  finalized_.erase(node);
}

}  // namespace alys::node
