#include "core/actor/backoff.h"

#include <limits>

#include "core/runtime/assert.h"

namespace alys::actor {

Duration backoff_delay(const BackoffConfig& config, std::uint32_t attempt) {
  ALYS_ASSERT(config.multiplier_percent >= 100, "backoff: multiplier below 1");
  ALYS_ASSERT(config.initial >= Duration::zero() && config.max >= config.initial,
              "backoff: need 0 <= initial <= max");
  const std::int64_t cap = config.max.count();
  std::int64_t d = config.initial.count();
  for (std::uint32_t i = 0; i < attempt && d < cap; ++i) {
    const auto m = static_cast<std::int64_t>(config.multiplier_percent);
    if (d > std::numeric_limits<std::int64_t>::max() / m) return config.max;  // d * m overflows
    d = d * m / 100;
  }
  return Duration{d < cap ? d : cap};
}

Duration backoff_delay(const BackoffConfig& config, std::uint32_t attempt, Random& random) {
  const Duration base = backoff_delay(config, attempt);
  if (config.jitter_ppm == 0 || base == Duration::zero()) return base;
  __extension__ using u128 = unsigned __int128;
  const auto spread =
      static_cast<std::uint64_t>(static_cast<u128>(base.count()) * config.jitter_ppm / kPpm);
  const auto extra = static_cast<std::int64_t>(uniform_below(random, spread + 1));
  const std::int64_t total = base.count() + extra;
  return Duration{total < config.max.count() ? total : config.max.count()};
}

}  // namespace alys::actor
