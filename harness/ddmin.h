// Delta debugging (Zeller & Hildebrandt's ddmin): from a set of n elements for which a
// test fails, find a 1-minimal failing subset — removing any single element of it makes
// the test pass. Candidates are tested in batches so a caller can run them in parallel;
// within a batch the first failing candidate in ddmin's own order wins, so the result does
// not depend on which finished first.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace alys::harness {

using Subset = std::vector<std::size_t>;  // indices into the original set, ascending
// Tests each candidate; returns, per candidate, whether it still fails.
using BatchTest = std::function<std::vector<bool>(const std::vector<Subset>& candidates)>;

struct DdminResult {
  Subset minimal;
  std::size_t tests = 0;      // candidates tested
  bool exhausted = false;     // stopped by the budget: `minimal` fails but may not be 1-minimal
};

// REQUIRES: the whole set [0, n) fails. `budget`: at most that many candidate tests.
DdminResult ddmin(std::size_t n, const BatchTest& test, std::size_t budget);

}  // namespace alys::harness
