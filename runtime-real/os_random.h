// OsRandom: the production Random. A xoshiro256** generator seeded from OS entropy
// (getrandom) at construction, so draws cost no system call. Not for key generation:
// keys use the OS source directly (os_entropy()).
#pragma once

#include <cstdint>

#include "core/runtime/random.h"
#include "core/runtime/status.h"

namespace alys::real {

// Fills `out` with OS entropy. Fails only if the kernel refuses (very old kernels).
Status os_entropy(void* out, std::size_t size);

class OsRandom final : public Random {
 public:
  OsRandom();
  std::uint64_t next() override { return gen_.next(); }

 private:
  Xoshiro256ss gen_;
};

}  // namespace alys::real
