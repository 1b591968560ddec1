#include "scenarios/checkers/checker.h"

namespace alys::scenarios {

const std::vector<std::unique_ptr<Checker>>& chain_checkers() {
  static const std::vector<std::unique_ptr<Checker>> all = [] {
    std::vector<std::unique_ptr<Checker>> out;
    for (auto& c : consensus_checkers()) out.push_back(std::move(c));
    out.push_back(stored_chains_checker());
    out.push_back(transfers_checker());
    for (auto& c : peg_checkers()) out.push_back(std::move(c));
    for (auto& c : liveness_checkers()) out.push_back(std::move(c));
    return out;
  }();
  return all;
}

}  // namespace alys::scenarios
