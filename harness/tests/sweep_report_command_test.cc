// `alys-sim sweep|merge --report DIR`: the four report files, the two lines it prints, and
// an unwritable folder as exit 2 after the sweep's own results.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/commands.h"
#include "harness/sweep.h"
#include "harness/tests/scenario_library_fixture.h"
#include "reports/results_json.h"

namespace alys::harness {
namespace {

namespace fs = std::filesystem;

class SweepReportCommand : public ScenarioLibraryTest {
 protected:
  SweepReportCommand() : ScenarioLibraryTest("alys_sweep_report_test_") {}
  SweepArgs sweep_of(const std::string& what) const {
    SweepArgs a;
    a.paths = {path(what)};
    a.seeds = {1, 2};
    a.jobs = 2;
    a.progress = false;
    return a;
  }
};

TEST_F(SweepReportCommand, SweepWritesTheFourFilesAndSaysWhere) {
  SweepArgs args = sweep_of("lib");
  args.report_dir = path("out/report");  // parents created as needed
  args.json_path = path("out.json");     // --json keeps working beside --report
  std::ostringstream out, progress;
  EXPECT_EQ(run_sweep_command(args, out, progress), kExitCheckFailed) << out.str();
  EXPECT_NE(out.str().find("FAILED heads-converge in 2 run(s)"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\nreport: " + path("out/report/index.html") + "\n"), std::string::npos) << out.str();
  EXPECT_NE(progress.str().find("reports: 4 files, "), std::string::npos) << progress.str();
  EXPECT_NE(progress.str().find(" ms\n"), std::string::npos);

  const std::string html = read(path("out/report/index.html"));
  EXPECT_NE(html.find("2 of 4 run(s) did not pass"), std::string::npos);
  EXPECT_NE(html.find(">heads-converge</span> failed in 2 run(s)"), std::string::npos);
  EXPECT_NE(html.find("alys-sim run " + path("lib/b_broken.toml") + " --seed 2"), std::string::npos);
  const std::string json = read(path("out/report/results.json"));
  EXPECT_EQ(json, read(path("out.json")));
  auto results = reports::sweep_from_json(json);
  ASSERT_TRUE(results.has_value()) << results.error().message();
  ASSERT_EQ(results->runs.size(), 4u);
  EXPECT_EQ(results->runs[2].scenario, "b_broken");
  EXPECT_NE(read(path("out/report/junit.xml")).find("<testsuite name=\"b_broken\" tests=\"2\" failures=\"2\""),
            std::string::npos);
  const std::string md = read(path("out/report/summary.md"));
  EXPECT_EQ(md.rfind("## ❌ alys-sim sweep: 2 of 4 runs did not pass", 0), 0u) << md;
  EXPECT_FALSE(fs::exists(path("out/report/index.html.tmp")));
}

TEST_F(SweepReportCommand, AnUnwritableFolderIsExitTwoAfterTheResultsAndNamesThePath) {
  SweepArgs args = sweep_of("lib/a_quiet.toml");
  args.report_dir = path("lib/a_quiet.toml") + "/report";  // under a file: cannot be made
  std::ostringstream out, progress;
  EXPECT_EQ(run_sweep_command(args, out, progress), kExitBadInput);
  const std::string text = out.str();
  const auto table = text.find("a_quiet");
  const auto error = text.find("alys-sim sweep: --report: report folder " + args.report_dir + ": ");
  ASSERT_NE(table, std::string::npos) << text;
  ASSERT_NE(error, std::string::npos) << text;
  EXPECT_LT(table, error);  // the sweep's own results first
  EXPECT_EQ(text.find("\nreport: "), std::string::npos) << text;
  EXPECT_EQ(progress.str().find("reports: "), std::string::npos);
}

TEST_F(SweepReportCommand, MergeWritesTheReportOfTheJoinedShards) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < 2; ++i) {
    SweepArgs shard = sweep_of("lib/a_quiet.toml");
    shard.shard = Shard{i, 2};
    shard.json_path = path("shard" + std::to_string(i) + ".json");
    std::ostringstream o, p;
    ASSERT_EQ(run_sweep_command(shard, o, p), kExitPass) << o.str();
    parts.push_back(shard.json_path);
  }
  MergeArgs merge{parts, "", ""};
  merge.report_dir = path("merged");
  std::ostringstream out, progress;
  EXPECT_EQ(run_merge_command(merge, out, progress), kExitPass) << out.str();
  EXPECT_NE(out.str().find("report: " + path("merged/index.html")), std::string::npos) << out.str();
  EXPECT_NE(progress.str().find("reports: 4 files, "), std::string::npos);
  EXPECT_NE(read(path("merged/index.html")).find("all 2 run(s) passed"), std::string::npos);
  auto results = reports::sweep_from_json(read(path("merged/results.json")));
  ASSERT_TRUE(results.has_value());
  ASSERT_EQ(results->runs.size(), 2u);
  EXPECT_EQ(results->runs[0].seed, 1u);
  EXPECT_EQ(results->runs[1].seed, 2u);
}

}  // namespace
}  // namespace alys::harness
