// RunSummary: the result model of one simulated run, as every report format sees it.
// JSON schema (stable; fields are only ever added):
//   { "scenario": str, "seed": u64, "ok": bool, "events": u64,
//     "virtual_time_ns": i64, "wall_time_ms": f64, "trace_hash": "0x%016x",
//     "failures": [ { "checker": str, "at_ns": i64, "evidence": str } ],
//     "faults": [ str ], "replay": str }
// wall_time_ms is the one measured (non-deterministic) field: it is for people, never for
// comparing runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace alys::reports {

struct FailureSummary {
  std::string checker;
  std::int64_t at_ns = 0;
  std::string evidence;
};

struct RunSummary {
  std::string scenario;
  std::uint64_t seed = 0;
  bool ok = true;
  std::uint64_t events = 0;
  std::int64_t virtual_time_ns = 0;
  double wall_time_ms = 0;
  std::uint64_t trace_hash = 0;
  std::vector<FailureSummary> failures;
  std::vector<std::string> faults;
  std::string replay;  // the one command that replays this run
};

std::string to_json(const RunSummary& run, int indent = 2);
std::string hex64(std::uint64_t value);  // "0x0123456789abcdef"

}  // namespace alys::reports
