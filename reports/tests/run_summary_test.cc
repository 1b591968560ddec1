#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reports/run_summary.h"

namespace alys::reports {
namespace {

TEST(RunSummary, JsonCarriesEveryField) {
  RunSummary run;
  run.scenario = "demo";
  run.seed = 42;
  run.ok = false;
  run.events = 1234;
  run.virtual_time_ns = 5'000'000'000;
  run.trace_hash = 0xDEADBEEF;
  run.failures.push_back({"convergence", 7, "n1 holds 3"});
  run.faults = {"at 1s: crash n2 (seeded)"};
  run.replay = "alys-sim demo --seed 42";
  const auto j = nlohmann::json::parse(to_json(run));
  EXPECT_EQ(j["scenario"], "demo");
  EXPECT_EQ(j["seed"], 42u);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["events"], 1234u);
  EXPECT_EQ(j["virtual_time_ns"], 5'000'000'000);
  EXPECT_EQ(j["trace_hash"], "0x00000000deadbeef");
  ASSERT_EQ(j["failures"].size(), 1u);
  EXPECT_EQ(j["failures"][0]["checker"], "convergence");
  EXPECT_EQ(j["failures"][0]["at_ns"], 7);
  EXPECT_EQ(j["faults"][0], "at 1s: crash n2 (seeded)");
  EXPECT_EQ(j["replay"], "alys-sim demo --seed 42");
}

TEST(RunSummary, Hex64IsFixedWidth) {
  EXPECT_EQ(hex64(0), "0x0000000000000000");
  EXPECT_EQ(hex64(UINT64_MAX), "0xffffffffffffffff");
}

}  // namespace
}  // namespace alys::reports
