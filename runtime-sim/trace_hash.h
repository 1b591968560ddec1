// TraceHash: a running 64-bit digest of everything that happened in a run (DESIGN.md §5).
// The World folds every delivered frame (with its payload), fired timer, posted task and
// applied fault into it; two runs of one seed must end with equal hashes.
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
