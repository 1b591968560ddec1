// SimClock: one simulated node's clocks.
//
// now() is the world's virtual time (monotonic, shared by all nodes, unaffected by faults).
// unix_ms() is the node's hardware wall clock: the world's epoch plus a per-node offset,
// running fast or slow by `drift_ppm`, and subject to jump/skew faults. Integer arithmetic
// only. The wall clock belongs to the machine, so it survives a node crash.
#pragma once

#include <cstdint>

#include "core/runtime/clock.h"

namespace alys::sim {

class World;

class SimClock final : public Clock {
 public:
  SimClock(const World& world, std::int64_t initial_unix_ms, std::int64_t drift_ppm);

  Instant now() const override;
  std::int64_t unix_ms() const override;

  // Fault hooks.
  void jump(std::int64_t delta_ms);          // wall clock steps by delta (may go backwards)
  void set_drift_ppm(std::int64_t drift_ppm);  // from now on runs at (1 + ppm/1e6) speed
  std::int64_t drift_ppm() const { return drift_ppm_; }

 private:
  std::int64_t wall_us_at(Instant t) const;
  void rebase();

  const World& world_;
  Instant anchor_time_{};
  std::int64_t anchor_wall_us_;
  std::int64_t drift_ppm_;
};

}  // namespace alys::sim
