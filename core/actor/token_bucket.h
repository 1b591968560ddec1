// TokenBucket: a per-sender rate limit. Holds up to `burst` tokens, refills `per_second`
// tokens per second continuously; each message takes one. Integer arithmetic in
// nano-tokens (no floating point: DESIGN.md §5). Time comes in as an argument.
#pragma once

#include <cstdint>

#include "core/runtime/time.h"

namespace alys::actor {

struct RateLimit {
  std::uint32_t burst = 0;       // 0 = unlimited
  std::uint32_t per_second = 0;  // refill rate
};

class TokenBucket {
 public:
  TokenBucket(RateLimit limit, Instant now);
  // Takes one token if there is one at `now`.
  bool try_take(Instant now) { return try_take(now, 1); }
  // Takes `tokens` tokens if there are that many at `now`; else takes none.
  bool try_take(Instant now, std::uint32_t tokens);

 private:
  static constexpr std::int64_t kScale = 1'000'000'000;  // nano-tokens per token
  RateLimit limit_;
  std::int64_t nano_tokens_;
  Instant last_;
};

}  // namespace alys::actor
