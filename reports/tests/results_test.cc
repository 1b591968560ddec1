// Results JSON round trips and names its errors; JUnit XML groups by scenario and escapes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reports/junit.h"
#include "reports/results_json.h"

namespace alys::reports {
namespace {

RunResult failing_run() {
  RunResult r;
  r.scenario = "partition-during-pegout";
  r.scenario_file = "scenarios/partition_during_pegout.toml";
  r.seed = 17;
  r.plant = "double-mint-after-restart";
  r.verdict = RunVerdict::kFail;
  r.failures.push_back({"no-double-mint", 61'000'000'000, "txid ab12 minted at h10 and h31 <n2>"});
  r.trace_hash = 0xDEADBEEF;
  r.events = 12345;
  r.virtual_ns = 1'260'000'000'000;
  r.wall_us = 812'000;
  r.faults = 31;
  r.fault_kinds = {"clog", "crash"};
  r.buggify = true;
  r.stats = {{"blocks", 600}, {"finalized", 570}};
  r.replay = "alys-sim run scenarios/partition_during_pegout.toml --seed 17 --plant double-mint-after-restart";
  return r;
}

bool same(const RunResult& a, const RunResult& b) {
  return a.scenario == b.scenario && a.scenario_file == b.scenario_file && a.seed == b.seed &&
         a.plant == b.plant && a.verdict == b.verdict && a.failures.size() == b.failures.size() &&
         a.failures[0].checker == b.failures[0].checker && a.failures[0].at_ns == b.failures[0].at_ns &&
         a.failures[0].evidence == b.failures[0].evidence && a.trace_hash == b.trace_hash &&
         a.events == b.events && a.virtual_ns == b.virtual_ns && a.wall_us == b.wall_us &&
         a.faults == b.faults && a.fault_kinds == b.fault_kinds && a.buggify == b.buggify &&
         a.stats == b.stats && a.replay == b.replay;
}

TEST(ResultsJson, RunRoundTripsWithTheDocumentedFields) {
  const RunResult r = failing_run();
  const std::string text = run_to_json(r);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema"], "alys-sim/run/1");
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["trace_hash"], "0x00000000deadbeef");
  EXPECT_EQ(j["failures"][0]["checker"], "no-double-mint");
  auto back = run_from_json(text);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_TRUE(same(*back, r));
}

TEST(ResultsJson, SweepRoundTripsAndErrorsNameThePath) {
  SweepResults s;
  s.command = "alys-sim sweep scenarios/ --seeds 1..2";
  s.shard = "0/4";
  s.runs = {failing_run(), failing_run()};
  s.runs[1].seed = 18;
  auto back = sweep_from_json(sweep_to_json(s));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(back->command, s.command);
  EXPECT_EQ(back->shard, "0/4");
  ASSERT_EQ(back->runs.size(), 2u);
  EXPECT_TRUE(same(back->runs[1], s.runs[1]));

  auto j = nlohmann::json::parse(sweep_to_json(s));
  j["runs"][1]["seed"] = "eighteen";
  auto bad = sweep_from_json(j.dump());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "runs[1].seed: expected an unsigned integer");
  j = nlohmann::json::parse(sweep_to_json(s));
  j["runs"][0]["verdict"] = "maybe";
  EXPECT_EQ(sweep_from_json(j.dump()).error().message(),
            "runs[0].verdict: 'maybe' is not pass, fail or crashed");
  j["schema"] = "other/9";
  EXPECT_EQ(sweep_from_json(j.dump()).error().message(), "schema: 'other/9' is not alys-sim/sweep/1");
  EXPECT_EQ(sweep_from_json("{ nope").error().message(), "not valid JSON");
}

TEST(Junit, OneSuitePerScenarioOneCasePerSeedWithFailuresAndErrors) {
  SweepResults s;
  RunResult pass = failing_run();
  pass.verdict = RunVerdict::kPass;
  pass.failures.clear();
  pass.plant.clear();
  pass.scenario = "a&b";
  RunResult crashed = failing_run();
  crashed.verdict = RunVerdict::kCrashed;
  crashed.crash = "signal 6 (SIGABRT): assertion <x> failed";
  s.runs = {pass, failing_run(), crashed};
  const std::string xml = junit_xml(s);
  EXPECT_NE(xml.find("<testsuites name=\"alys-sim\" tests=\"3\" failures=\"1\" errors=\"1\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"a&amp;b\" tests=\"1\" failures=\"0\" errors=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"partition-during-pegout\" tests=\"2\" failures=\"1\" errors=\"1\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"a&amp;b\" name=\"seed 17\""), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"no-double-mint\""), std::string::npos);
  EXPECT_NE(xml.find("minted at h10 and h31 &lt;n2&gt;"), std::string::npos);
  EXPECT_NE(xml.find("replay: alys-sim run scenarios/partition_during_pegout.toml --seed 17"),
            std::string::npos);
  EXPECT_NE(xml.find("<error message=\"signal 6 (SIGABRT): assertion &lt;x&gt; failed\">"),
            std::string::npos);
}

TEST(Junit, EscapesAndDropsControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"'\x01z\n"), "a&lt;b&gt;&amp;&quot;&apos;z\n");
}

}  // namespace
}  // namespace alys::reports
