#include "scenarios/scenario.h"

#include <algorithm>

#include "scenarios/checkers/checker.h"

namespace alys::scenarios {

const std::vector<CheckerInfo>& checker_catalog() {
  static const std::vector<CheckerInfo> catalog = [] {
    std::vector<CheckerInfo> out;
    for (const auto& c : chain_checkers()) {
      out.push_back({std::string(c->name()), c->safety(), std::string(c->guarantees())});
    }
    return out;
  }();
  return catalog;
}

bool is_checker(std::string_view name) {
  const auto& c = checker_catalog();
  return std::any_of(c.begin(), c.end(), [&](const CheckerInfo& i) { return i.name == name; });
}

}  // namespace alys::scenarios
