#include "runtime-sim/sim_clock.h"

#include "runtime-sim/world.h"

namespace alys::sim {

SimClock::SimClock(const World& world, std::int64_t initial_unix_ms, std::int64_t drift_ppm)
    : world_(world), anchor_time_(world.now()), anchor_wall_us_(initial_unix_ms * 1000),
      drift_ppm_(drift_ppm) {}

Instant SimClock::now() const { return world_.now(); }

std::int64_t SimClock::wall_us_at(Instant t) const {
  const std::int64_t elapsed_us = (to_ns(t) - to_ns(anchor_time_)) / 1000;
  // elapsed * ppm / 1e6 without overflow for any run shorter than ~290 years.
  const std::int64_t drift_us =
      (elapsed_us / 1'000'000) * drift_ppm_ + (elapsed_us % 1'000'000) * drift_ppm_ / 1'000'000;
  return anchor_wall_us_ + elapsed_us + drift_us;
}

std::int64_t SimClock::unix_ms() const {
  const std::int64_t us = wall_us_at(world_.now());
  return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

void SimClock::rebase() {
  const Instant t = world_.now();
  anchor_wall_us_ = wall_us_at(t);
  // Advance the anchor by the whole microseconds wall_us_at() counted, not to `t`: moving
  // it to `t` dropped the sub-microsecond remainder of the elapsed time, so every jump or
  // drift change set the wall clock back by up to 1us for good (jump(d) then shifted later
  // readings by d - 1ms at some instants instead of exactly d).
  anchor_time_ += (t - anchor_time_) / 1000ns * 1us;
}

void SimClock::jump(std::int64_t delta_ms) {
  rebase();
  anchor_wall_us_ += delta_ms * 1000;
}

void SimClock::set_drift_ppm(std::int64_t drift_ppm) {
  rebase();
  drift_ppm_ = drift_ppm;
}

}  // namespace alys::sim
