#include "harness/ddmin.h"

#include <algorithm>
#include <map>

#include "core/runtime/assert.h"

namespace alys::harness {

namespace {

std::vector<Subset> split(const Subset& c, std::size_t n) {
  std::vector<Subset> parts;
  const std::size_t size = c.size();
  std::size_t start = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t end = start + (size - start) / (n - i);
    parts.emplace_back(c.begin() + static_cast<std::ptrdiff_t>(start), c.begin() + static_cast<std::ptrdiff_t>(end));
    start = end;
  }
  return parts;
}

Subset complement(const Subset& c, const Subset& part) {
  Subset out;
  std::set_difference(c.begin(), c.end(), part.begin(), part.end(), std::back_inserter(out));
  return out;
}

}  // namespace

DdminResult ddmin(std::size_t count, const BatchTest& test, std::size_t budget) {
  DdminResult r;
  for (std::size_t i = 0; i < count; ++i) r.minimal.push_back(i);
  // First, does nothing at all fail? (A failure that needs no element at all.)
  if (count > 0 && budget > 0) {
    r.tests += 1;
    if (test({Subset{}})[0]) {
      r.minimal.clear();
      return r;
    }
  }
  std::size_t n = 2;
  while (r.minimal.size() >= 2) {
    n = std::min(n, r.minimal.size());
    const std::vector<Subset> parts = split(r.minimal, n);
    // Subsets first, then complements (for n == 2 they are the same sets).
    std::vector<Subset> candidates = parts;
    if (n > 2) {
      for (const Subset& p : parts) candidates.push_back(complement(r.minimal, p));
    }
    if (r.tests + candidates.size() > budget) {
      r.exhausted = true;
      return r;
    }
    const std::vector<bool> fails = test(candidates);
    r.tests += candidates.size();
    std::size_t chosen = candidates.size();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (fails[i]) {
        chosen = i;
        break;
      }
    }
    if (chosen < parts.size()) {
      r.minimal = candidates[chosen];
      n = 2;
    } else if (chosen < candidates.size()) {
      r.minimal = candidates[chosen];
      n = std::max<std::size_t>(n - 1, 2);
    } else if (n >= r.minimal.size()) {
      break;  // every single-element removal passes: 1-minimal
    } else {
      n = std::min(2 * n, r.minimal.size());
    }
  }
  return r;
}

SeededDdminResult ddmin_over_seeds(std::size_t n, std::uint64_t first_seed, std::size_t seeds,
                                   const SeededBatchTest& test, std::size_t budget) {
  ALYS_ASSERT(seeds >= 1, "ddmin_over_seeds: no seed to try");
  std::map<Subset, std::uint64_t> failing_seed;
  const BatchTest any_seed = [&](const std::vector<Subset>& subsets) {
    std::vector<SeededCandidate> pairs;
    pairs.reserve(subsets.size() * seeds);
    for (const Subset& sub : subsets) {
      for (std::size_t k = 0; k < seeds; ++k) pairs.emplace_back(sub, first_seed + k);
    }
    const std::vector<bool> fails = test(pairs);
    std::vector<bool> out(subsets.size(), false);
    for (std::size_t i = 0; i < subsets.size(); ++i) {
      for (std::size_t k = 0; k < seeds && !out[i]; ++k) {
        if (fails[i * seeds + k]) {
          out[i] = true;
          failing_seed.emplace(subsets[i], first_seed + k);
        }
      }
    }
    return out;
  };
  SeededDdminResult r;
  r.ddmin = ddmin(n, any_seed, budget / seeds);
  auto it = failing_seed.find(r.ddmin.minimal);
  r.seed = it == failing_seed.end() ? first_seed : it->second;  // the whole set: first_seed
  return r;
}

}  // namespace alys::harness
