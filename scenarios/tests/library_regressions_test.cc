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

}  // namespace
}  // namespace alys::scenarios
