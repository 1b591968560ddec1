// Planted bugs: deliberate defects of real Alys failure classes, each behind a named
// switch, to measure that the chaos sweep finds what it should (DESIGN.md §6). They exist
// only in builds configured with ALYS_PLANTED_BUGS (the test builds: scripts/build.sh
// release|asan); in any other build `planted()` is a constant false and every planted
// branch compiles away, so a production node never carries them.
//
// A run switches on at most one, by name (alys-sim run/sweep --plant NAME); the simulator
// hands it to every node's Env. Actor code asks at the point of the defect:
//   if (planted(env(), PlantedBug::kDoubleMintAfterRestart)) { ...the defect... }
// Each defect is marked "Planted bug (core/runtime/planted.h)" where it lives; the scenario
// that finds it, and a seed, are in scenarios/tests/planted_bugs_test.cc:
//   import-orphan-at-height-one  core/chain/chain_actor.cc (pump)
//   double-mint-after-restart    core/bridge/bridge_actor.cc (on_loaded) and
//                                core/execution/ledger.cc (Ledger::mint's dedupe)
//   sign-conflicting-pegouts     core/chain/pegout_book.cc (spent) and
//                                core/bridge/federation_actor.cc (the member's guard)
//   sync-stall-on-disconnect     core/sync/sync_actor.cc (request)
//   ack-before-sync              core/storage/storage_actor.cc (RecordSignature)
//   accept-wrong-proposer        core/chain/chain_actor.cc (validate: no proposer check);
//                                found with a usurping authority (chaos::Usurp)
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace alys {

enum class PlantedBug : unsigned char {
  kNone = 0,
  kImportOrphanAtHeightOne,   // import a block whose parent is missing (at height 1)
  kDoubleMintAfterRestart,    // the bridge forgets minted peg-ins across a restart
  kSignConflictingPegouts,    // a member signs a second payment spending the same coin
  kSyncStallOnDisconnect,     // a range whose server disconnects is dropped, never re-asked
  kAcceptWrongProposer,       // a block signed by the wrong authority for its slot is imported
  kAckBeforeSync,             // the double-sign guard acknowledges before its write is synced
};

struct PlantedBugInfo {
  PlantedBug bug;
  std::string_view name;  // the switch: alys-sim --plant NAME
  std::string_view what;
};
const std::vector<PlantedBugInfo>& planted_bugs();
std::optional<PlantedBug> planted_bug_by_name(std::string_view name);
std::string_view planted_bug_name(PlantedBug bug);

#if defined(ALYS_PLANTED_BUGS) && ALYS_PLANTED_BUGS
inline constexpr bool kPlantedBugsBuilt = true;
#else
inline constexpr bool kPlantedBugsBuilt = false;
#endif

}  // namespace alys
