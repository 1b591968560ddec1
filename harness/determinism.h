// Determinism check (DESIGN.md §5): run each seed twice and compare trace hashes.
//
// Between the two runs the checker perturbs the heap (it holds a spread of allocations of
// many sizes during the second run), so code whose behaviour depends on addresses (ordering
// by pointer, hashing pointers, iterating pointer-keyed unordered containers) sees different
// addresses and diverges, instead of being lucky with an allocator that hands back the same
// blocks. Mutable statics diverge because the second run starts from the first run's state.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "harness/seed_range.h"

namespace alys::harness {

struct Divergence {
  std::uint64_t seed = 0;
  std::uint64_t first_hash = 0;
  std::uint64_t second_hash = 0;
};

struct DeterminismReport {
  std::uint64_t seeds = 0;
  std::vector<Divergence> divergences;
  bool ok() const { return divergences.empty(); }
};

// `run(seed)` runs one simulation and returns its trace hash. `progress(done, total)` is
// called after each seed when set.
DeterminismReport check_determinism(
    const SeedRange& seeds, const std::function<std::uint64_t(std::uint64_t seed)>& run,
    const std::function<void(std::uint64_t done, std::uint64_t total)>& progress = {});

}  // namespace alys::harness
