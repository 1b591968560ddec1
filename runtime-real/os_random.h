// OsRandom: the production Random. SplitMix64 over an atomic counter seeded from OS entropy
// (getrandom) at construction, so draws cost no system call and any thread may draw: a
// node's actors run on parallel strands and share the Env's one Random, so the state must
// not be a plain generator (TSan caught xoshiro's state raced). Each fetch_add hands every
// caller its own counter value, and the SplitMix64 finaliser makes that value look random.
// Not for key generation: keys use the OS source directly (os_entropy()).
#pragma once

#include <atomic>
#include <cstdint>

#include "core/runtime/random.h"
#include "core/runtime/status.h"

namespace alys::real {

// Fills `out` with OS entropy. Fails only if the kernel refuses (very old kernels).
Status os_entropy(void* out, std::size_t size);

class OsRandom final : public Random {
 public:
  OsRandom();
  std::uint64_t next() override {
    std::uint64_t state = counter_.fetch_add(kGamma, std::memory_order_relaxed);
    return splitmix64(state);
  }

 private:
  static constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;
  std::atomic<std::uint64_t> counter_;
};

}  // namespace alys::real
