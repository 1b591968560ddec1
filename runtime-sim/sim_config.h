// Configuration of a simulated world. Every limit is a named field with its unit in the
// name; every probability is in parts per million (integers only: DESIGN.md §5).
#pragma once

#include <cstdint>

#include "core/runtime/log.h"
#include "core/runtime/planted.h"
#include "core/runtime/time.h"

namespace alys::sim {

// One-way latency of a link: uniform in [min, max]; with probability tail_ppm, uniform in
// [max, tail_max] instead (a slow outlier).
struct LatencyModel {
  Duration min = 1ms;
  Duration max = 20ms;
  std::uint32_t tail_ppm = 0;
  Duration tail_max = 200ms;
};

struct NetworkConfig {
  LatencyModel latency;
  // Per frame: the connection breaks and the frame, with everything after it in flight, is
  // lost (TCP-like: loss shows as a broken connection, never as a gap).
  std::uint32_t loss_ppm = 0;
  // How long each end takes to notice a broken connection (keepalive / RST).
  Duration break_detect_min = 50ms;
  Duration break_detect_max = 1s;
  // Redial delay after a failed attempt or a break, while the node still wants the peer.
  Duration reconnect_min = 100ms;
  Duration reconnect_max = 1s;
};

struct ClockConfig {
  std::int64_t epoch_unix_ms = 1'750'000'000'000;  // wall clock at virtual time 0
  std::int64_t max_initial_offset_ms = 0;          // each node starts within +- this
  std::int64_t max_drift_ppm = 0;                  // each node drifts within +- this
};

struct BuggifyConfig {
  bool enabled = false;
  std::uint32_t point_enabled_ppm = 250'000;  // share of points switched on for a run
  std::uint32_t fire_ppm = 50'000;            // chance an enabled point fires per call
};

struct WorldConfig {
  std::uint64_t seed = 1;
  NetworkConfig network;
  ClockConfig clocks;
  BuggifyConfig buggify;
  LogLevel log_level = LogLevel::kOff;
  // A planted bug every node runs with (core/runtime/planted.h; test builds only).
  PlantedBug planted_bug = PlantedBug::kNone;
  // A node whose process exits (Env::exit_process) is booted again this long after, as a
  // service manager would (systemd's RestartSec=5); negative: it stays down.
  Duration process_restart_delay = 5s;
};

}  // namespace alys::sim
