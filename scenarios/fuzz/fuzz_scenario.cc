// libFuzzer target: parse_scenario (scenarios/scenario_loader.h), the loader of scenario
// files (scenarios/*.toml) and of the [[faults]] tables in them (chaos/fault_toml.h), over
// the text of a file named "fuzz.toml". Loading only: nothing is run.
//
// Checks:
// - a rejection names the file and, for each error, a line or a key
//   (fuzz::errors_name_place);
// - an accepted scenario's fault schedule passes chaos::validate_schedule for its node
//   count (authorities + full nodes), every fault starts before the end of the run, and
//   every late node exists;
// - scenario_to_toml of it (what `alys-sim shrink` writes) loads back, and writes the same
//   text again (the written file is self-contained and means the same scenario).
#include <cstddef>
#include <cstdint>
#include <string>

#include "chaos/fault.h"
#include "core/fuzz/fuzz_util.h"
#include "scenarios/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  constexpr const char* kFile = "fuzz.toml";
  auto scenario = scenarios::parse_scenario(std::string(fuzz::input_text(data, size)), kFile);
  if (!scenario) {
    FUZZ_CHECK(fuzz::errors_name_place(scenario.error().message(), kFile),
               "scenario: an error names no line or key: " + scenario.error().message());
    return 0;
  }
  const scenarios::ChainOptions& o = scenario->options;
  const std::size_t nodes = o.authorities + o.full_nodes;
  const Status valid = chaos::validate_schedule(o.faults, nodes);
  FUZZ_CHECK(valid.is_ok(), "scenario: accepted a schedule validate_schedule refuses: " + valid.message());
  for (const chaos::TimedFault& f : o.faults) {
    FUZZ_CHECK(f.at <= kTimeZero + o.duration + o.settle, "scenario: a fault after the end of the run");
  }
  for (NodeId late : o.late_nodes) FUZZ_CHECK(late < nodes, "scenario: a late node that does not exist");

  const std::string written = scenarios::scenario_to_toml(*scenario);
  auto again = scenarios::parse_scenario(written, kFile);
  FUZZ_CHECK(again.has_value(), "scenario: scenario_to_toml's output does not load: " +
                                    (again ? std::string() : again.error().message()) + "\n" + written);
  FUZZ_CHECK(scenarios::scenario_to_toml(*again) == written,
             "scenario: scenario_to_toml's output loads as another scenario:\n" + written);
  return 0;
}
