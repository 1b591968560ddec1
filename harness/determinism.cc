#include "harness/determinism.h"

#include <memory>

namespace alys::harness {

namespace {

// Holds allocations of sizes 8..4096 bytes (several per size class) so the allocator's free
// lists and arenas are in a different state during the second run.
class HeapShift {
 public:
  explicit HeapShift(std::uint64_t seed) {
    const std::size_t per_class = 1 + seed % 3;
    for (std::size_t size = 8; size <= 4096; size += size < 256 ? 8 : 64) {
      for (std::size_t i = 0; i < per_class; ++i) {
        blocks_.push_back(std::make_unique<unsigned char[]>(size));
        blocks_.back()[0] = static_cast<unsigned char>(size);  // touch, so it is really used
      }
    }
  }

 private:
  std::vector<std::unique_ptr<unsigned char[]>> blocks_;
};

}  // namespace

DeterminismReport check_determinism(
    const SeedRange& seeds, const std::function<std::uint64_t(std::uint64_t)>& run,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  DeterminismReport report;
  const std::uint64_t total = seeds.count();
  for (std::uint64_t i = 0; i < total; ++i) {
    const std::uint64_t seed = seeds.first + i;
    const std::uint64_t first = run(seed);
    std::uint64_t second;
    {
      HeapShift shift(seed);
      second = run(seed);
    }
    if (first != second) report.divergences.push_back({seed, first, second});
    ++report.seeds;
    if (progress) progress(i + 1, total);
  }
  return report;
}

}  // namespace alys::harness
