#include "node/head_watch.h"

#include <algorithm>

namespace alys::node {

void HeadWatch::on_head(NodeId node, const Hash256& hash, std::uint64_t height) {
  const auto now = std::chrono::steady_clock::now();
  bool reached = false;
  {
    std::lock_guard lock(mu_);
    heads_[node] = Point{hash, height, now};
    const auto [first, last] = waits_.equal_range(node);
    reached = std::any_of(first, last, [&](const auto& w) { return height >= w.second; });
  }
  if (reached) cv_.notify_all();
}

void HeadWatch::on_finalized(NodeId node, const Hash256& hash, std::uint64_t height) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  finalized_[node] = Point{hash, height, now};
}

std::optional<HeadWatch::Point> HeadWatch::wait_head(NodeId node, std::uint64_t height,
                                                     std::chrono::steady_clock::duration limit) {
  std::unique_lock lock(mu_);
  const auto wait = waits_.emplace(node, height);
  const bool reached = cv_.wait_for(lock, limit, [&] {
    const auto it = heads_.find(node);
    return it != heads_.end() && it->second.height >= height;
  });
  waits_.erase(wait);
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
