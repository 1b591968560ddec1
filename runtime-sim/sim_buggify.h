// SimBuggify: the simulator's Buggify (see core/runtime/buggify.h for the contract).
// Whether a point is on for the run is a pure function of (seed, name); whether an enabled
// point fires on a call draws from that point's own stream (derived from this node's
// stream and the name), so calls to one point never shift when another fires. Counts
// every firing.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/runtime/buggify.h"
#include "core/runtime/xoshiro.h"
#include "runtime-sim/sim_config.h"

namespace alys::sim {

class SimBuggify final : public Buggify {
 public:
  SimBuggify(const BuggifyConfig& config, std::uint64_t seed, Xoshiro256ss stream)
      : config_(config), seed_(seed), stream_key_(stream.next()) {}

  bool fire(std::string_view point) override;
  // Pure: is `point` switched on for runs of `seed` under `config`?
  static bool point_enabled(const BuggifyConfig& config, std::uint64_t seed,
                            std::string_view point);
  const std::map<std::string, std::uint64_t, std::less<>>& fired() const { return fired_; }

 private:
  BuggifyConfig config_;
  std::uint64_t seed_;
  std::uint64_t stream_key_;
  std::map<std::string, Xoshiro256ss, std::less<>> point_rngs_;
  std::map<std::string, std::uint64_t, std::less<>> fired_;
};

}  // namespace alys::sim
