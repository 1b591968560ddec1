// RateLimiter: a token bucket per client (the remote IP of an HTTP request), for the node's
// RPC server. Each bucket holds up to `burst` tokens and refills `per_second` a second
// (actor::TokenBucket); a request takes one token per call it carries.
//
// Bounded: at most kMaxClients buckets. A new client beyond that evicts the bucket used
// least recently (its owner starts again with a full bucket: a spoofing flood can at worst
// reset idle clients' budgets, never grow memory).
// `burst` 0 means no limit (tests, benchmarks).
// Threading: any thread (one mutex; the critical section is a map lookup).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/actor/token_bucket.h"

namespace alys::node {

class RateLimiter {
 public:
  static constexpr std::size_t kMaxClients = 4096;

  explicit RateLimiter(actor::RateLimit limit) : limit_(limit) {}

  // Takes `tokens` tokens (>= 1) of `client`'s bucket if it has that many; else takes
  // none and returns false. `now`: a steady clock reading (a parameter for tests).
  bool try_take(const std::string& client, std::uint32_t tokens,
                std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // Replaces the limit (hot reload); every client starts again with a full bucket.
  void set_limit(actor::RateLimit limit);
  std::uint64_t refused() const;
  std::size_t clients() const;

 private:
  struct Entry {
    actor::TokenBucket bucket;
    std::uint64_t last_used = 0;  // use_counter_ at the last request
  };

  mutable std::mutex mu_;
  actor::RateLimit limit_;  // guarded by mu_, like everything below
  std::map<std::string, Entry> buckets_;
  std::uint64_t use_counter_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace alys::node
