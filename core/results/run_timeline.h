// RunTimeline: what one simulated run looked like over virtual time, as plain values, for
// the run report (reports/run_report.h): who was down, cut off or clogged when; each node's
// head and finalized height as they moved; every peg operation's state changes. No
// behaviour here; scenarios/ fills it (scenarios::RunSettings::timeline) by observing the
// run, never by acting on it, so a run with a timeline is the same run (same trace hash).
//
// Bounds: at most kMaxHeightSamples height samples and kMaxPegOps peg operations are kept;
// past them later ones are counted in `dropped` and the report says so. A day-long run of
// 7 nodes at 2 s slots makes ~600k head changes, so the cap is what keeps a report small.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace alys {

struct RunTimeline {
  static constexpr std::size_t kMaxHeightSamples = 200'000;
  static constexpr std::size_t kMaxPegOps = 20'000;

  // A fault with extent: "down" (crashed until restarted), "partition", "cut", "clog",
  // "latency", "loss", "hostile", "bitcoind-outage", "engine-stall", "clock-drift",
  // "equivocate", "usurp", "disk-full". `nodes` are the lanes it shades (every node for
  // network-wide faults).
  struct Span {
    std::string kind;
    std::vector<std::uint32_t> nodes;
    std::int64_t from_ns = 0;
    std::int64_t to_ns = 0;
    std::string label;  // the fault's one-line description
  };
  // A fault without extent: "restart", "clock-jump", "corrupt", "fail-writes", "break",
  // "bitcoin-reorg", "actor-panic", "heal". `nodes` empty: the whole network.
  struct Mark {
    std::string kind;
    std::vector<std::uint32_t> nodes;
    std::int64_t at_ns = 0;
    std::string label;
  };
  // A node's head or finalized height changed.
  struct HeightSample {
    std::int64_t at_ns = 0;
    std::uint32_t node = 0;
    std::uint64_t height = 0;
    bool finalized = false;  // false: head height
  };
  // One peg operation and when it entered each state, in order. Peg-ins: "deposited",
  // "minted", "final"; peg-outs: "requested", "burned", "final", "proposed".
  struct PegOp {
    std::string kind;  // "pegin" or "pegout"
    std::string id;    // its Bitcoin txid or burn tx hash, short hex
    std::vector<std::pair<std::string, std::int64_t>> states;
  };

  std::vector<std::string> node_names;  // "n0 authority", "n5 full node"; one per node
  std::int64_t end_ns = 0;              // virtual time the run ended
  std::int64_t load_end_ns = 0;         // when the faults and workload stopped (settle tail)
  std::vector<Span> spans;
  std::vector<Mark> marks;
  std::vector<HeightSample> heights;  // in time order
  std::vector<PegOp> peg_ops;
  std::size_t dropped = 0;  // samples and peg operations past the caps

  void add_height(std::int64_t at_ns, std::uint32_t node, std::uint64_t height, bool finalized) {
    if (heights.size() >= kMaxHeightSamples) {
      ++dropped;
      return;
    }
    heights.push_back({at_ns, node, height, finalized});
  }
};

}  // namespace alys
