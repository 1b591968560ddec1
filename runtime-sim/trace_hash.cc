#include "runtime-sim/trace_hash.h"

#include <xxhash.h>

namespace alys::sim {

void TraceHash::fold(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  const std::uint64_t record[4] = {a, b, c, d};
  h_ = XXH3_64bits_withSeed(record, sizeof record, h_);
}

void TraceHash::fold_bytes(ByteView bytes) {
  h_ = XXH3_64bits_withSeed(bytes.data(), bytes.size(), h_);
}

}  // namespace alys::sim
