#include "scenarios/scenario.h"

#include <algorithm>

namespace alys::scenarios {

const std::vector<CheckerInfo>& checker_catalog() {
  static const std::vector<CheckerInfo> catalog{
      {"heads-converge", false, "after the quiet tail every node is on the same head"},
      {"valid-blocks", true, "no node rejected a block another node imported"},
      {"proposer-per-slot", true, "every imported block is signed first by authorities[slot mod n]"},
      {"no-double-sign", true, "no honest authority signed two different blocks for one slot"},
      {"finality", true,
       "no two nodes finalized different blocks at one height, and AuxPoW finality advanced"},
      {"transfers", true,
       "every submitted transfer is applied exactly once on the final chain and an independent "
       "replay gives every account the balance the workload expects"},
      {"pegins", false, "every settled deposit is minted exactly once, to its address, for its amount"},
      {"no-double-mint", true, "no Bitcoin deposit is minted twice"},
      {"pegin-backing", true,
       "every mint is a deposit Bitcoin still holds, or one the bridges flagged after a reorg"},
      {"pegin-value", true, "the federation's Bitcoin equals its deposits less confirmed peg-out payments"},
      {"pegouts", false, "every due burn is paid exactly once on Bitcoin by the payment naming it"},
      {"pegout-authorized", true, "nothing but finalized payments spends federation coins"},
      {"pegout-conservation", true,
       "at every finalized block: federation Bitcoin = sidechain supply + unpaid burns"},
      {"pegout-signatures", true, "no federation member signed two payments spending one coin"},
  };
  return catalog;
}

bool is_checker(std::string_view name) {
  const auto& c = checker_catalog();
  return std::any_of(c.begin(), c.end(), [&](const CheckerInfo& i) { return i.name == name; });
}

}  // namespace alys::scenarios
