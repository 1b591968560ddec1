// shrink: a failing seed is cut down to the faults that matter, written as a scenario that
// loads and replays to the same checker failure; a passing seed has nothing to shrink.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/commands.h"
#include "harness/scenario_determinism.h"
#include "harness/shrink.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace alys::harness {
namespace {

namespace fs = std::filesystem;

class ShrinkFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("alys_shrink_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // Noise (clogs, a short crash that restarts) around the one fault that breaks a
    // liveness check: node 3 crashed for good.
    std::ofstream(dir_ / "noisy.toml") << R"(description = "noise around a fatal crash"
duration = "1m"
settle = "20s"
[nodes]
authorities = 3
full_nodes = 1
[workload]
tx_rate = 1
[chaos]
kinds = ["clog", "clock-jump"]
mean_gap = "5s"
max_clock_jump_ms = 300
[[faults]]
at = "20s"
kind = "crash"
node = 3
[[faults]]
at = "5s"
kind = "crash"
node = 1
duration = "2s"
)";
    std::ofstream(dir_ / "quiet.toml") << "description = \"fine\"\nduration = \"40s\"\nsettle = \"10s\"\n"
                                          "[nodes]\nauthorities = 3\nfull_nodes = 0\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(ShrinkFiles, CutsTheNoiseAndTheResultReplaysTheSameFailure) {
  ShrinkArgs args;
  args.scenario_path = path("noisy.toml");
  args.seed = 4;
  args.out_path = path("min.toml");
  args.jobs = 2;
  std::ostringstream out;
  ASSERT_EQ(run_shrink_command(args, out), kExitPass) << out.str();
  EXPECT_NE(out.str().find("fails heads-converge"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("shrunk to 1 fault(s)"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("crash n3"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("replay: alys-sim run " + path("min.toml") + " --seed 4"), std::string::npos);

  auto min = scenarios::load_scenario_file(path("min.toml"));
  ASSERT_TRUE(min.has_value()) << min.error().message();
  EXPECT_FALSE(min->options.chaos);
  ASSERT_EQ(min->options.faults.size(), 1u);
  EXPECT_EQ(min->options.faults[0].fault, (chaos::Fault{chaos::Crash{3, sim::CrashDurability::kSeeded}}));
  EXPECT_EQ(min->options.tx_per_sec, 0u);
  const RunResult r = scenarios::run_scenario(*min, 4);
  ASSERT_FALSE(r.passed());
  EXPECT_EQ(r.failures[0].checker, "heads-converge");
}

TEST_F(ShrinkFiles, APassingSeedHasNothingToShrinkAndBadInputIsNamed) {
  ShrinkArgs args;
  args.scenario_path = path("quiet.toml");
  args.out_path = path("none.toml");
  std::ostringstream out;
  EXPECT_EQ(run_shrink_command(args, out), kExitCheckFailed);
  EXPECT_NE(out.str().find("does not fail: nothing to shrink"), std::string::npos) << out.str();
  EXPECT_FALSE(fs::exists(path("none.toml")));
  args.checker = "no-such-checker";
  EXPECT_EQ(run_shrink_command(args, out), kExitBadInput);
  args.checker.clear();
  args.plant = "no-such-bug";
  EXPECT_EQ(run_shrink_command(args, out), kExitBadInput);
}

TEST_F(ShrinkFiles, ScenarioDeterminismPassesAndReportsPerScenario) {
  ScenarioDeterminismArgs args;
  args.paths = {path("quiet.toml"), path("noisy.toml")};
  args.seeds = {1, 2};
  args.jobs = 2;
  args.progress = false;
  std::ostringstream out;
  EXPECT_EQ(run_scenario_determinism_command(args, out), kExitPass) << out.str();
  EXPECT_NE(out.str().find("quiet: 2 seeds, 0 diverged, 0 failed a check"), std::string::npos) << out.str();
  // The noisy scenario leaves node 3 down for good: repeatable, and reported as a failed
  // check with its replay line, without failing the determinism check itself.
  EXPECT_NE(out.str().find("noisy: 2 seeds, 0 diverged, 2 failed a check"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("FAILED heads-converge noisy seed 1\n  replay: alys-sim run " + path("noisy.toml") +
                           " --seed 1"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("check-determinism: 4 runs, 0 diverged, 2 failed a check"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace alys::harness
