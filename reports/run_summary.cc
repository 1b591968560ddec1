#include "reports/run_summary.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace alys::reports {

std::string hex64(std::uint64_t value) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string to_json(const RunSummary& run, int indent) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : run.failures) {
    failures.push_back({{"checker", f.checker}, {"at_ns", f.at_ns}, {"evidence", f.evidence}});
  }
  nlohmann::json j = {
      {"scenario", run.scenario},
      {"seed", run.seed},
      {"ok", run.ok},
      {"events", run.events},
      {"virtual_time_ns", run.virtual_time_ns},
      {"wall_time_ms", run.wall_time_ms},
      {"trace_hash", hex64(run.trace_hash)},
      {"failures", failures},
      {"faults", run.faults},
      {"replay", run.replay},
  };
  return j.dump(indent);
}

}  // namespace alys::reports
