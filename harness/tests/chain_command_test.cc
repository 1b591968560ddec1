// `alys-sim chain`: exit codes and what it prints.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/chain_command.h"
#include "harness/commands.h"

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

TEST(ChainCommand, ReplayCommandCarriesEveryArgument) {
  ChainArgs args;
  args.seed = 99;
  args.tx_per_sec = 3;
  const std::string cmd = chain_replay_command(args);
  EXPECT_NE(cmd.find("--seed 99"), std::string::npos);
  EXPECT_NE(cmd.find("--tx-rate 3"), std::string::npos);
  EXPECT_NE(cmd.find("--duration 10m"), std::string::npos);
}

}  // namespace
}  // namespace alys::harness
