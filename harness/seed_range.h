// SeedRange: "A..B" (inclusive) or a single seed "S", as every alys-sim command takes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/runtime/status.h"

namespace alys::harness {

struct SeedRange {
  std::uint64_t first = 1;
  std::uint64_t last = 1;  // inclusive
  std::uint64_t count() const { return last - first + 1; }
};

// Errors name the text and what is wrong with it ("seeds '9..3': end before start").
Result<SeedRange> parse_seed_range(std::string_view text);

}  // namespace alys::harness
