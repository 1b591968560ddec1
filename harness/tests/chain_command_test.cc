// `alys-sim chain`: exit codes and what it prints.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/chain_command.h"
#include "harness/commands.h"
#include "harness/determinism.h"
#include "scenarios/chain_scenario.h"

namespace alys::harness {
namespace {

TEST(ChainCommand, ShortRunPassesAndPrintsTheTraceHash) {
  ChainArgs args;
  args.seed = 4;
  args.duration = 2min;
  args.tx_per_sec = 2;
  std::ostringstream out;
  EXPECT_EQ(run_chain_command(args, out), kExitPass) << out.str();
  EXPECT_NE(out.str().find("result: PASS"), std::string::npos);
  EXPECT_NE(out.str().find("trace hash: 0x"), std::string::npos);
}

TEST(ChainCommand, BadInputIsExitTwoNamingTheFlag) {
  ChainArgs args;
  args.authorities = 0;
  std::ostringstream out;
  EXPECT_EQ(run_chain_command(args, out), kExitBadInput);
  EXPECT_NE(out.str().find("--authorities"), std::string::npos);
  args.authorities = 5;
  args.miner_mean = Duration::zero();
  std::ostringstream out2;
  EXPECT_EQ(run_chain_command(args, out2), kExitBadInput);
  EXPECT_NE(out2.str().find("--miner-mean"), std::string::npos);
}

TEST(ChainCommand, ChaosRunPassesAndCountsFaults) {
  ChainArgs args;
  args.seed = 6;
  args.duration = 3min;
  args.tx_per_sec = 2;
  args.chaos = true;
  args.clock_faults = true;
  std::ostringstream out;
  EXPECT_EQ(run_chain_command(args, out), kExitPass) << out.str();
  EXPECT_NE(out.str().find("faults: "), std::string::npos);
  EXPECT_NE(chain_replay_command(args).find("--chaos --clock-faults"), std::string::npos);
  args.chaos = false;
  std::ostringstream bad;
  EXPECT_EQ(run_chain_command(args, bad), kExitBadInput);
  EXPECT_NE(bad.str().find("--clock-faults"), std::string::npos);
}

TEST(ChainCommand, ReplayCommandCarriesEveryArgument) {
  ChainArgs args;
  args.seed = 99;
  args.tx_per_sec = 3;
  const std::string cmd = chain_replay_command(args);
  EXPECT_NE(cmd.find("--seed 99"), std::string::npos);
  EXPECT_NE(cmd.find("--tx-rate 3"), std::string::npos);
  EXPECT_NE(cmd.find("--duration 10m"), std::string::npos);
}

// The chain scenario under the heap-perturbing determinism check: node trees, actors,
// ledger and codecs must not depend on addresses.
TEST(ChainCommand, ChainRunsAreDeterministicUnderHeapPerturbation) {
  const DeterminismReport report = check_determinism(SeedRange{1, 3}, [](std::uint64_t seed) {
    scenarios::ChainOptions o;
    o.seed = seed;
    o.duration = 2min;
    o.tx_per_sec = 3;
    return scenarios::run_chain(o).stats.trace_hash;
  });
  EXPECT_EQ(report.seeds, 3u);
  EXPECT_TRUE(report.ok());
}

}  // namespace
}  // namespace alys::harness
