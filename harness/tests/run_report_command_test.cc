// `alys-sim run --report DIR` on a failing planted-bug run: the report names the checker that
// failed, the seed and the replay command, draws one swimlane per node, the summary and the
// trace are there, and recording leaves the run itself unchanged (same trace hash as
// without --report).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "core/runtime/planted.h"
#include "harness/commands.h"
#include "harness/run_command.h"
#include "harness/run_report_files.h"
#include "reports/html_page.h"
#include "reports/results_json.h"

namespace alys::harness {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

class RunReportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("alys-run-report-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(RunReportCommand, AFailingPlantedRunsReportNamesTheCheckerSeedReplayAndEveryNode) {
  if (!kPlantedBugsBuilt) GTEST_SKIP() << "built without ALYS_PLANTED_BUGS";
  RunArgs args;
  args.scenario_path = std::string(ALYS_SCENARIO_DIR) + "/member_crash_mid_signing.toml";
  args.seed = 1;
  args.plant = "double-mint-after-restart";
  args.report_dir = (dir_ / "report").string();
  std::ostringstream out;
  ASSERT_EQ(run_scenario_command(args, out), kExitCheckFailed) << out.str();
  EXPECT_NE(out.str().find("report: " + args.report_dir + "/report.html"), std::string::npos) << out.str();

  const auto result = reports::run_from_json(read(dir_ / "report" / "result.json"));
  ASSERT_TRUE(result.has_value()) << result.error().message();
  ASSERT_FALSE(result->failures.empty());
  EXPECT_EQ(result->seed, 1u);

  const std::string html = read(dir_ / "report" / "report.html");
  EXPECT_NE(html.find("data-checker=\"no-double-mint\""), std::string::npos);
  EXPECT_NE(html.find("seed 1"), std::string::npos);
  EXPECT_NE(html.find(reports::html_escape(result->replay)), std::string::npos) << result->replay;
  EXPECT_NE(html.find("--plant double-mint-after-restart"), std::string::npos);
  EXPECT_NE(html.find(reports::hex64(result->trace_hash)), std::string::npos);
  // One lane per node of the scenario, each named once.
  const std::regex lane("<g class=\"lane\" data-node=\"n([0-9]+)\">");
  std::set<std::string> lanes;
  std::size_t lane_count = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), lane); it != std::sregex_iterator(); ++it) {
    lanes.insert((*it)[1]);
    ++lane_count;
  }
  EXPECT_EQ(lane_count, lanes.size());
  EXPECT_EQ(lanes, (std::set<std::string>{"0", "1", "2", "3", "4", "5"}));
  // The member the scenario crashes mid-signing is shaded down on its lane.
  EXPECT_GE(count(html, "class=\"span down\""), 1u);
  // Heights and peg operations were recorded: this scenario mints peg-ins.
  EXPECT_EQ(count(html, "class=\"head\""), 6u);
  EXPECT_NE(html.find("Peg-ins ("), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);

  EXPECT_NE(read(dir_ / "report" / "junit.xml").find("no-double-mint"), std::string::npos);
  const std::string summary = read(dir_ / "report" / "summary.md");
  EXPECT_NE(summary.find("no-double-mint"), std::string::npos) << summary;
  EXPECT_NE(summary.find(result->replay), std::string::npos) << summary;
  // The trace: one process per node, named, and handler slices.
  const auto trace = nlohmann::json::parse(read(dir_ / "report" / "trace.json"));
  std::set<std::string> processes;
  std::size_t slices = 0;
  for (const auto& e : trace.at("traceEvents")) {
    if (e.at("ph") == "M" && e.at("name") == "process_name") processes.insert(e.at("args").at("name").get<std::string>());
    if (e.at("ph") == "X") ++slices;
  }
  EXPECT_EQ(processes, (std::set<std::string>{"n0", "n1", "n2", "n3", "n4", "n5"}));
  EXPECT_GT(slices, 1000u);
  EXPECT_LE(slices, kReportTraceSlices);

  // The same seed without --report is the same run.
  RunArgs plain = args;
  plain.report_dir.clear();
  plain.json_path = (dir_ / "plain.json").string();
  std::ostringstream out2;
  ASSERT_EQ(run_scenario_command(plain, out2), kExitCheckFailed);
  const auto again = reports::run_from_json(read(dir_ / "plain.json"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->trace_hash, result->trace_hash);
  EXPECT_EQ(again->events, result->events);
}

TEST_F(RunReportCommand, AnUnwritableReportFolderIsBadInputNamingThePath) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  RunArgs args;
  args.scenario_path = std::string(ALYS_SCENARIO_DIR) + "/proposer_crash_in_slot.toml";
  args.seed = 1;
  args.report_dir = (dir_ / "file" / "sub").string();  // under a regular file
  std::ostringstream out;
  EXPECT_EQ(run_scenario_command(args, out), kExitBadInput);
  EXPECT_NE(out.str().find(args.report_dir), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("trace hash:"), std::string::npos) << "the run's own result is still printed";
}

}  // namespace
}  // namespace alys::harness
