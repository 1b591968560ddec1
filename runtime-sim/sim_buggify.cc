#include "runtime-sim/sim_buggify.h"

#include <xxhash.h>

#include "core/runtime/random.h"

namespace alys::sim {

bool SimBuggify::point_enabled(const BuggifyConfig& config, std::uint64_t seed,
                               std::string_view point) {
  if (!config.enabled) return false;
  const std::uint64_t h = XXH3_64bits_withSeed(point.data(), point.size(), seed);
  return h % kPpm < config.point_enabled_ppm;
}

bool SimBuggify::fire(std::string_view point) {
  if (!point_enabled(config_, seed_, point)) return false;
  auto rng = point_rngs_.find(point);
  if (rng == point_rngs_.end()) {
    const std::uint64_t id = XXH3_64bits(point.data(), point.size());
    rng = point_rngs_.emplace(std::string(point), Xoshiro256ss::stream(stream_key_, id)).first;
  }
  if (!chance_ppm(rng->second, config_.fire_ppm)) return false;
  auto it = fired_.find(point);
  if (it == fired_.end()) it = fired_.emplace(std::string(point), 0).first;
  ++it->second;
  return true;
}

}  // namespace alys::sim
