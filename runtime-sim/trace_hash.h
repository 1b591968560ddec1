// TraceHash: a running 64-bit digest of everything that happened in a run (DESIGN.md §5).
// The World folds every event it runs (time, kind, node, detail: a delivered frame also
// folds its payload; a fault scheduled by chaos folds its description) and every crash and
// restart into it; two runs of one seed must end with equal hashes. Fault hooks called
// directly (not as scheduled events) change the run, and so the hash, only through what
// they cause.
#pragma once

#include <cstdint>

#include "core/types/bytes.h"

namespace alys::sim {

class TraceHash {
 public:
  void fold(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d);
  void fold_bytes(ByteView bytes);
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0x616C79732D647374ull;  // "alys-dst"
};

}  // namespace alys::sim
