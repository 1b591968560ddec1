// The CLI's exit codes and output are what CI and researchers script against.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/commands.h"

namespace alys::harness {
namespace {

TEST(Commands, DemoPassesAndPrintsTheFigures) {
  DemoArgs a;
  a.seed = 3;
  a.nodes = 3;
  a.duration = 1min;
  std::ostringstream out;
  EXPECT_EQ(run_demo_command(a, out), kExitPass);
  const std::string text = out.str();
  for (const char* needle : {"events: ", "virtual time: 1m30s", "wall time: ", "trace hash: 0x",
                             "result: PASS"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle << "\n" << text;
  }
}

TEST(Commands, DemoIsReproducibleFromItsOutput) {
  DemoArgs a;
  a.seed = 11;
  a.duration = 2min;
  std::ostringstream first, second;
  ASSERT_EQ(run_demo_command(a, first), kExitPass);
  ASSERT_EQ(run_demo_command(a, second), kExitPass);
  auto hash_line = [](const std::string& s) {
    auto at = s.find("trace hash: ");
    return s.substr(at, s.find('\n', at) - at);
  };
  EXPECT_EQ(hash_line(first.str()), hash_line(second.str()));
}

TEST(Commands, BadNodeCountIsBadInput) {
  DemoArgs a;
  a.nodes = 0;
  std::ostringstream out;
  EXPECT_EQ(run_demo_command(a, out), kExitBadInput);
  EXPECT_NE(out.str().find("--nodes"), std::string::npos);
}

TEST(Commands, CheckDeterminismPasses) {
  CheckDeterminismArgs a;
  a.seeds = {1, 5};
  a.duration = 1min;
  a.progress = false;
  std::ostringstream out;
  EXPECT_EQ(run_check_determinism_command(a, out), kExitPass);
  EXPECT_NE(out.str().find("5 seeds, 0 diverged"), std::string::npos) << out.str();
}

TEST(Commands, ReplayCommandRoundTrips) {
  DemoArgs a;
  a.seed = 77;
  a.nodes = 9;
  a.duration = 90s;
  a.chaos = false;
  EXPECT_EQ(demo_replay_command(a), "alys-sim demo --seed 77 --nodes 9 --duration 1m30s --no-chaos");
}

}  // namespace
}  // namespace alys::harness
