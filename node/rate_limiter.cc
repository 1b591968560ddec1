#include "node/rate_limiter.h"

namespace alys::node {

namespace {
Instant instant_of(std::chrono::steady_clock::time_point t) {
  return Instant{std::chrono::duration_cast<Duration>(t.time_since_epoch())};
}
}  // namespace

bool RateLimiter::try_take(const std::string& client, std::uint32_t tokens,
                           std::chrono::steady_clock::time_point now) {
  const Instant at = instant_of(now);
  std::lock_guard lock(mu_);
  if (limit_.burst == 0) return true;
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxClients) {
      auto oldest = buckets_.begin();
      for (auto e = buckets_.begin(); e != buckets_.end(); ++e) {
        if (e->second.last_used < oldest->second.last_used) oldest = e;
      }
      buckets_.erase(oldest);
    }
    it = buckets_.emplace(client, Entry{actor::TokenBucket(limit_, at), 0}).first;
  }
  it->second.last_used = ++use_counter_;
  if (it->second.bucket.try_take(at, tokens)) return true;
  ++refused_;
  return false;
}

void RateLimiter::set_limit(actor::RateLimit limit) {
  std::lock_guard lock(mu_);
  limit_ = limit;
  buckets_.clear();
}

std::uint64_t RateLimiter::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

std::size_t RateLimiter::clients() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace alys::node
