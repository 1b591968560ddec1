#include "chaos/nemesis.h"

#include <algorithm>

#include "core/runtime/random.h"

namespace alys::chaos {

namespace {

enum class Kind { kCrash, kPartition, kClog, kClock };

std::vector<Kind> enabled_kinds(const NemesisConfig& c) {
  std::vector<Kind> kinds;
  if (c.crashes && c.max_down > 0) kinds.push_back(Kind::kCrash);
  if (c.partitions) kinds.push_back(Kind::kPartition);
  if (c.clogs) kinds.push_back(Kind::kClog);
  if (c.clock_faults) kinds.push_back(Kind::kClock);
  return kinds;
}

NodeId pick_node(Xoshiro256ss& rng, std::size_t nodes) {
  return static_cast<NodeId>(uniform_below(rng, nodes));
}

}  // namespace

Schedule random_schedule(std::uint64_t seed, const NemesisConfig& c) {
  Schedule out;
  const auto kinds = enabled_kinds(c);
  if (c.nodes < 2 || kinds.empty()) return out;
  auto rng = Xoshiro256ss::stream(seed, 0x4E454D45534953ull);  // "NEMESIS"
  const Instant end = kTimeZero + c.active_for;
  // Crash windows per node, to respect max_down and never crash a node that is down.
  std::vector<Instant> down_until(c.nodes, kTimeZero);
  Instant t = kTimeZero + uniform_duration(rng, c.mean_gap / 2, c.mean_gap * 3 / 2);
  Instant partition_until = kTimeZero;
  while (t < end) {
    const Duration length = uniform_duration(rng, c.min_fault, c.max_fault);
    const Instant stop = std::min(t + length, end);
    switch (kinds[uniform_below(rng, kinds.size())]) {
      case Kind::kCrash: {
        const auto down_now = static_cast<std::size_t>(
            std::count_if(down_until.begin(), down_until.end(), [&](Instant u) { return u > t; }));
        const NodeId node = pick_node(rng, c.nodes);
        if (down_now >= c.max_down || down_until[node] > t) break;
        down_until[node] = stop;
        const auto durability = static_cast<sim::CrashDurability>(uniform_below(rng, 3));
        out.push_back({t, Crash{node, durability}});
        out.push_back({stop, Restart{node}});
        break;
      }
      case Kind::kPartition: {
        if (partition_until > t) break;
        partition_until = stop;
        // Split into two non-empty sides.
        std::vector<std::vector<NodeId>> groups(2);
        const std::size_t minority = 1 + uniform_below(rng, c.nodes / 2);
        std::vector<NodeId> order(c.nodes);
        for (std::size_t i = 0; i < c.nodes; ++i) order[i] = static_cast<NodeId>(i);
        for (std::size_t i = c.nodes - 1; i > 0; --i) {  // Fisher-Yates with our own draws
          std::swap(order[i], order[uniform_below(rng, i + 1)]);
        }
        for (std::size_t i = 0; i < c.nodes; ++i) groups[i < minority ? 0 : 1].push_back(order[i]);
        for (auto& g : groups) std::sort(g.begin(), g.end());
        out.push_back({t, Partition{groups}});
        out.push_back({stop, Heal{}});
        break;
      }
      case Kind::kClog: {
        const NodeId from = pick_node(rng, c.nodes);
        NodeId to = pick_node(rng, c.nodes - 1);
        if (to >= from) ++to;
        out.push_back({t, Clog{from, to, stop - t}});
        break;
      }
      case Kind::kClock: {
        const NodeId node = pick_node(rng, c.nodes);
        out.push_back({t, ClockJump{node, uniform_between(rng, -2000, 2000)}});
        break;
      }
    }
    t += uniform_duration(rng, c.mean_gap / 2, c.mean_gap * 3 / 2);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TimedFault& a, const TimedFault& b) { return a.at < b.at; });
  return out;
}

}  // namespace alys::chaos
