#include "core/actor/token_bucket.h"

namespace alys::actor {

TokenBucket::TokenBucket(RateLimit limit, Instant now)
    : limit_(limit), nano_tokens_(std::int64_t{limit.burst} * kScale), last_(now) {}

bool TokenBucket::try_take(Instant now, std::uint32_t tokens) {
  if (limit_.burst == 0) return true;
  const std::int64_t cap = std::int64_t{limit_.burst} * kScale;
  if (now > last_) {
    const std::int64_t elapsed_ns = (now - last_).count();
    // Refill = elapsed_ns * per_second nano-tokens; clamp before multiplying (overflow).
    const std::int64_t need = cap - nano_tokens_;
    const std::int64_t rate = limit_.per_second;
    if (rate > 0 && need > 0) {
      nano_tokens_ = elapsed_ns >= need / rate + 1 ? cap : nano_tokens_ + elapsed_ns * rate;
      if (nano_tokens_ > cap) nano_tokens_ = cap;
    }
    last_ = now;
  }
  const std::int64_t take = std::int64_t{tokens} * kScale;
  if (nano_tokens_ < take) return false;
  nano_tokens_ -= take;
  return true;
}

}  // namespace alys::actor
