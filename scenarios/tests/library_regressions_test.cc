// Library seeds that once failed, kept as regressions (each found by a sweep; the comment
// says what broke).
#include <gtest/gtest.h>

#include <string>

#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace alys::scenarios {
namespace {

std::string failures(const RunResult& r) {
  std::string out;
  for (const RunFailure& f : r.failures) out += f.checker + ": " + f.evidence + "\n";
  return out;
}

// chaos-swarm seed 58: n3's sync actor panicked (an actor-panic fault) near the end. Its
// supervisor restarted it alone, the network actor kept its connections, and the new sync
// instance never heard a PeerReady again: with no peers it could not sync, and n3 ended
// 100 blocks behind. A block arriving from a peer now reintroduces that peer to sync.
TEST(LibraryRegressions, ARestartedSyncActorFindsItsPeersAgain) {
  auto s = load_scenario_file(std::string(ALYS_SCENARIO_DIR) + "/chaos_swarm.toml");
  ASSERT_TRUE(s.has_value()) << s.error().message();
  const RunResult r = run_scenario(*s, 58);
  EXPECT_TRUE(r.passed()) << failures(r);
}

// byzantine-authority seed 74: n2 usurped n0's slot as n0 proposed in it, so the honest
// authorities banned n2 just before its approval of n0's block arrived, and dropped it.
// Only the lagging n1 got that approval (by sync). From then on n1 and n2 held n0's block
// as head and the others a later block of the same height, each group approving only
// children of its own head and short of a quorum: the chain stopped for the last five
// minutes and 433 transfers were never applied. A head that has not moved for a few slots
// is now announced again with its approvals, which completes the quorum everywhere.
TEST(LibraryRegressions, AuthoritiesSplitBetweenTwoHeadsByALostApprovalConverge) {
  auto s = load_scenario_file(std::string(ALYS_SCENARIO_DIR) + "/byzantine_authority.toml");
  ASSERT_TRUE(s.has_value()) << s.error().message();
  const RunResult r = run_scenario(*s, 74);
  EXPECT_TRUE(r.passed()) << failures(r);
}

}  // namespace
}  // namespace alys::scenarios
