// Delta debugging (Zeller & Hildebrandt's ddmin): from a set of n elements for which a
// test fails, find a 1-minimal failing subset — removing any single element of it makes
// the test pass. Candidates are tested in batches so a caller can run them in parallel;
// within a batch the first failing candidate in ddmin's own order wins, so the result does
// not depend on which finished first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
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

// ddmin where a subset fails if it fails under any of `seeds` consecutive seeds from
// `first_seed`, for failures that are a function of (subset, seed) and chaotic in both: in
// a simulation, removing one fault moves every later random draw, so with the seed fixed
// a fault that only perturbs the run looks as essential as the one that breaks it.
// `test` gets (subset, seed) pairs, `seeds` per subset in seed order, and returns per pair
// whether it fails. The result's `seed` makes `minimal` fail (the lowest that did).
// REQUIRES: the whole set fails under first_seed; seeds >= 1. `budget` counts pairs.
using SeededCandidate = std::pair<Subset, std::uint64_t>;
using SeededBatchTest = std::function<std::vector<bool>(const std::vector<SeededCandidate>& candidates)>;
struct SeededDdminResult {
  DdminResult ddmin;  // tests counts subsets; pairs run = tests * seeds
  std::uint64_t seed = 0;
};
SeededDdminResult ddmin_over_seeds(std::size_t n, std::uint64_t first_seed, std::size_t seeds,
                                   const SeededBatchTest& test, std::size_t budget);

}  // namespace alys::harness
