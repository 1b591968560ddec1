// Planted bugs (core/runtime/planted.h): for each one, a library scenario and a seed where
// the planted run fails with the checker that should catch it, and the same seed passes
// without the plant. So a change that hides a planted bug from its checker (or makes the
// library scenario fail on its own) shows up here, not only in a sweep.
#include <gtest/gtest.h>

#include <string>

#include "core/runtime/planted.h"
#include "scenarios/scenario_loader.h"
#include "scenarios/scenario_run.h"

namespace alys::scenarios {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

Scenario library_scenario(const std::string& file) {
  auto s = load_scenario_file(std::string(ALYS_SCENARIO_DIR) + "/" + file);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
  return s ? std::move(*s) : Scenario{};
}

bool failed_with(const RunResult& r, const std::string& checker) {
  for (const RunFailure& f : r.failures) {
    if (f.checker == checker) return true;
  }
  return false;
}

std::string describe(const RunResult& r) {
  std::string out = r.replay + "\n";
  for (const RunFailure& f : r.failures) out += "  " + f.checker + ": " + f.evidence + "\n";
  return out;
}

// The planted run of `seed` fails with `checker`; the unplanted run passes.
void expect_caught(const std::string& file, std::uint64_t seed, PlantedBug bug,
                   const std::string& checker) {
  const Scenario scenario = library_scenario(file);
  RunSettings planted;
  planted.plant = bug;
  const RunResult with_bug = run_scenario(scenario, seed, planted);
  EXPECT_FALSE(with_bug.passed()) << describe(with_bug);
  EXPECT_TRUE(failed_with(with_bug, checker))
      << checker << " missed " << planted_bug_name(bug) << "\n" << describe(with_bug);
  const RunResult without = run_scenario(scenario, seed);
  EXPECT_TRUE(without.passed()) << describe(without);
}

// AN-280: a node syncing from scratch never imports height 1 (its genesis parent is
// "missing"); it stays at genesis while the others go on.
TEST(PlantedBugs, ImportOrphanAtHeightOneLeavesTheLateNodeBehind) {
  if (!kPlantedBugsBuilt) GTEST_SKIP() << "built without ALYS_PLANTED_BUGS";
  if (kSanitized) GTEST_SKIP() << "the stalled sync retries for minutes: release builds only";
  expect_caught("sync_from_scratch_under_loss.toml", 1, PlantedBug::kImportOrphanAtHeightOne,
                "heads-converge");
}

// A restarted authority's bridge rescans Bitcoin and offers deposits minted long ago; the
// ledger no longer remembers them and the chain mints them again.
TEST(PlantedBugs, DoubleMintAfterRestartMintsADepositTwice) {
  if (!kPlantedBugsBuilt) GTEST_SKIP() << "built without ALYS_PLANTED_BUGS";
  if (kSanitized) GTEST_SKIP() << "two 29-minute runs: release builds only";
  expect_caught("member_crash_mid_signing.toml", 1, PlantedBug::kDoubleMintAfterRestart,
                "no-double-mint");
}

// A proposal's coins are not booked as spent while it waits for signatures, so the next
// proposal reuses one, and members without their guard sign both.
TEST(PlantedBugs, SignConflictingPegoutsSignsTwoSpendsOfOneCoin) {
  if (!kPlantedBugsBuilt) GTEST_SKIP() << "built without ALYS_PLANTED_BUGS";
  if (kSanitized) GTEST_SKIP() << "two 28-minute runs: release builds only";
  expect_caught("partition_during_pegout.toml", 2, PlantedBug::kSignConflictingPegouts,
                "pegout-signatures");
}

// The late node's only server breaks its connection with two ranges in flight; dropped,
// they are never asked again and its import waits at height 1 for good.
TEST(PlantedBugs, SyncStallOnDisconnectLeavesTheLateNodeBehind) {
  if (!kPlantedBugsBuilt) GTEST_SKIP() << "built without ALYS_PLANTED_BUGS";
  expect_caught("sync_only_server_leaves.toml", 1, PlantedBug::kSyncStallOnDisconnect,
                "heads-converge");
}

// The guard's record of a slot is lost in a crash; the restarted authority, its clock
// stepped back into that slot, signs a second block for it.
TEST(PlantedBugs, AckBeforeSyncLetsARestartedAuthoritySignASlotTwice) {
  if (!kPlantedBugsBuilt) GTEST_SKIP() << "built without ALYS_PLANTED_BUGS";
  if (kSanitized) GTEST_SKIP() << "two 12-minute runs with crashes: release builds only";
  expect_caught("proposer_restart_clock_step.toml", 3, PlantedBug::kAckBeforeSync,
                "no-double-sign");
}

// A Byzantine authority signs blocks in slots it does not own; without the proposer check
// honest nodes import them.
TEST(PlantedBugs, AcceptWrongProposerImportsAUsurpersBlock) {
  if (!kPlantedBugsBuilt) GTEST_SKIP() << "built without ALYS_PLANTED_BUGS";
  if (kSanitized) GTEST_SKIP() << "two 11-minute runs: release builds only";
  expect_caught("byzantine_authority.toml", 1, PlantedBug::kAcceptWrongProposer, "proposer-per-slot");
}

}  // namespace
}  // namespace alys::scenarios
