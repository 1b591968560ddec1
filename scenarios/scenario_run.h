// Runs a scenario for one seed and sums the run up as a RunResult (core/results): the
// verdict, the failures of the checkers the scenario keeps, the figures, the fault plan
// and the one command that replays it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/results/run_result.h"
#include "core/runtime/planted.h"
#include "scenarios/scenario.h"

namespace alys::scenarios {

struct RunSettings {
  PlantedBug plant = PlantedBug::kNone;  // test builds only (core/runtime/planted.h)
  LogLevel log_level = LogLevel::kOff;
  sim::LogSink log_sink;
  sim::TraceSink trace_sink;
  std::optional<Duration> stop_at;       // replay --until: stop there, skip the checks
  RunTimeline* timeline = nullptr;       // filled for the run report when set (same run)
  TraceRecording* trace_recording = nullptr;  // filled for the Chrome trace when set (same run)
};

// REQUIRES: the scenario came from the loader (or passed its checks): a schedule that does
// not fit its world is a bug (assert).
RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const RunSettings& settings = {});
// The same run's detailed result too (tests, the shrinker).
RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const RunSettings& settings,
                       ChainResult& detail);

// "alys-sim run FILE --seed S [--plant NAME]" (the scenario's name when it has no file).
std::string replay_command(const Scenario& scenario, std::uint64_t seed, PlantedBug plant);

}  // namespace alys::scenarios
