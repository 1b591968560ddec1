#include "core/runtime/planted.h"

namespace alys {

const std::vector<PlantedBugInfo>& planted_bugs() {
  static const std::vector<PlantedBugInfo> bugs{
      {PlantedBug::kImportOrphanAtHeightOne, "import-orphan-at-height-one",
       "the chain imports a block at height 1 whose parent it does not have"},
      {PlantedBug::kDoubleMintAfterRestart, "double-mint-after-restart",
       "the bridge loses which peg-ins were minted when it restarts and reports them again"},
      {PlantedBug::kSignConflictingPegouts, "sign-conflicting-pegouts",
       "a federation member signs a second payment spending a coin it already signed for"},
      {PlantedBug::kSyncStallOnDisconnect, "sync-stall-on-disconnect",
       "sync drops a range whose only server disconnected instead of asking again"},
      {PlantedBug::kAcceptWrongProposer, "accept-wrong-proposer",
       "the chain imports a block signed by an authority that does not own its slot"},
      {PlantedBug::kAckBeforeSync, "ack-before-sync",
       "the double-sign guard acknowledges a signature before its record is synced to disk"},
  };
  return bugs;
}

std::optional<PlantedBug> planted_bug_by_name(std::string_view name) {
  for (const auto& b : planted_bugs()) {
    if (b.name == name) return b.bug;
  }
  return std::nullopt;
}

std::string_view planted_bug_name(PlantedBug bug) {
  for (const auto& b : planted_bugs()) {
    if (b.bug == bug) return b.name;
  }
  return "none";
}

}  // namespace alys
