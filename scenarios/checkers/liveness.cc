// Liveness, judged at the end of the quiet tail (no workload, no faults, clocks
// resynchronised): heads-converge, progress.
#include <fmt/format.h>

#include "core/chain/limits.h"

#include "scenarios/checkers/checker.h"

namespace alys::scenarios {
namespace {

class HeadsConverge final : public Checker {
 public:
  std::string_view name() const override { return "heads-converge"; }
  std::string_view guarantees() const override {
    return "after the quiet tail every node is on the same head";
  }
  bool safety() const override { return false; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    for (std::size_t i = 1; i < e.nodes.size(); ++i) {
      if (e.nodes[i].head == e.nodes[0].head) continue;
      fail(e, out,
           fmt::format("n{} head h{} {} but n0 head h{} {}{}", i, e.nodes[i].head_height,
                       short_hex(e.nodes[i].head), e.nodes[0].head_height, short_hex(e.nodes[0].head),
                       e.nodes[i].up ? "" : fmt::format(" (n{} is down)", i)));
      return;
    }
  }
};

// The chain grows once the faults are over: a quarter of the tail's slots at least (a node
// rebooting at the end may miss its own slots, but a stalled network misses them all).
// Production stopped for want of AuxPoW (chain::production_halt_depth) is the spec, not a
// stall.
class Progress final : public Checker {
 public:
  static constexpr std::uint64_t kMinTailSlots = 8;

  std::string_view name() const override { return "progress"; }
  std::string_view guarantees() const override {
    return "in the quiet tail the chain grows by at least a quarter of its slots";
  }
  bool safety() const override { return false; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    const auto slot = std::chrono::milliseconds(e.options.slot_ms);
    const auto tail_slots = static_cast<std::uint64_t>(e.options.settle / slot);
    if (tail_slots < kMinTailSlots) return;  // too short to judge
    const ChainPoint end = e.recorder.highest_head();
    for (const NodeSummary& n : e.nodes) {
      // (A node still re-importing after a restart has its head below its old finality.)
      if (n.head_height >= n.finalized_height &&
          n.head_height - n.finalized_height >=
              std::min<std::uint64_t>(e.options.max_blocks_without_pow, limits::kMaxUnfinalizedBlocks)) {
        return;
      }
    }
    const std::uint64_t start = e.tail_start_height;
    const std::uint64_t grown = end.height > start ? end.height - start : 0;
    if (grown * 4 >= tail_slots) return;
    fail(e, out,
         fmt::format("the highest head grew {} blocks (h{} -> h{}) in a quiet tail of {} slots",
                     grown, start, end.height, tail_slots));
  }
};

}  // namespace

std::vector<std::unique_ptr<Checker>> liveness_checkers() {
  std::vector<std::unique_ptr<Checker>> out;
  out.push_back(std::make_unique<HeadsConverge>());
  out.push_back(std::make_unique<Progress>());
  return out;
}

}  // namespace alys::scenarios
