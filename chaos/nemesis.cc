#include "chaos/nemesis.h"

#include <algorithm>

#include "core/runtime/assert.h"
#include "core/runtime/random.h"

namespace alys::chaos {

namespace {

constexpr std::uint64_t kNemesisStream = 0x4E454D45534953ull;  // "NEMESIS"

// Windows during which a node is impaired (crashed, engine stalled, equivocating), to hold
// the max_down and max_faulty_authorities limits.
struct Impairments {
  struct Window {
    NodeId node;
    Instant from;
    Instant until;
    bool crash;
  };
  std::vector<Window> windows;

  std::size_t count(Instant from, Instant until, bool crashes_only, std::size_t authorities,
                    bool authorities_only) const {
    std::set<NodeId> nodes;
    for (const Window& w : windows) {
      if (w.until <= from || w.from >= until) continue;
      if (crashes_only && !w.crash) continue;
      if (authorities_only && w.node >= authorities) continue;
      nodes.insert(w.node);
    }
    return nodes.size();
  }
  bool busy(NodeId node, Instant from, Instant until) const {
    return std::any_of(windows.begin(), windows.end(), [&](const Window& w) {
      return w.node == node && w.until > from && w.from < until;
    });
  }
};

class Generator {
 public:
  Generator(std::uint64_t seed, const NemesisConfig& c) : c_(c), rng_(Xoshiro256ss::stream(seed, kNemesisStream)) {}

  NemesisPlan run() {
    NemesisPlan plan;
    std::vector<std::string> kinds;
    for (const std::string& k : nemesis_kinds()) {
      if (c_.kinds.count(k) == 0) continue;
      if (!c_.bitcoin && (k == "bitcoin-reorg" || k == "bitcoind-outage")) continue;
      if (k == "bitcoin-reorg" && c_.max_reorg_depth == 0) continue;
      if ((k == "equivocate" || k == "usurp" || k == "engine-stall") && c_.max_faulty_authorities == 0) continue;
      if (k == "crash" && c_.max_down == 0) continue;
      kinds.push_back(k);
    }
    // Draws in a fixed order whatever is enabled: swarm choice, then Buggify, then faults.
    if (c_.swarm && !kinds.empty()) {
      std::vector<std::string> subset;
      while (subset.empty()) {
        for (const std::string& k : kinds) {
          if (uniform_below(rng_, 2) == 1) subset.push_back(k);
        }
      }
      kinds = std::move(subset);
    }
    plan.buggify = c_.buggify_seed_ppm > 0 && chance_ppm(rng_, c_.buggify_seed_ppm);
    plan.kinds = kinds;
    std::sort(plan.kinds.begin(), plan.kinds.end());
    if (c_.nodes < 2 || kinds.empty()) return plan;
    std::vector<std::string> node_kinds;
    std::vector<std::string> bitcoin_kinds;
    for (const std::string& k : kinds) {
      (k == "bitcoin-reorg" || k == "bitcoind-outage" ? bitcoin_kinds : node_kinds).push_back(k);
    }
    loop(node_kinds, c_.mean_gap, plan.schedule);
    loop(bitcoin_kinds, c_.bitcoin_mean_gap, plan.schedule);
    sort_schedule(plan.schedule);
    return plan;
  }

 private:
  void loop(const std::vector<std::string>& kinds, Duration mean_gap, Schedule& out) {
    if (kinds.empty() || mean_gap <= Duration::zero()) return;
    const Instant end = kTimeZero + c_.active_for;
    Instant t = kTimeZero + c_.active_from + uniform_duration(rng_, mean_gap / 2, mean_gap * 3 / 2);
    while (t < end) {
      const Duration length = uniform_duration(rng_, c_.min_fault, c_.max_fault);
      generate(kinds[uniform_below(rng_, kinds.size())], t, std::min(length, end - t), out);
      t += uniform_duration(rng_, mean_gap / 2, mean_gap * 3 / 2);
    }
  }

  NodeId node() { return static_cast<NodeId>(uniform_below(rng_, c_.nodes)); }
  std::pair<NodeId, NodeId> link() {
    const NodeId from = node();
    auto to = static_cast<NodeId>(uniform_below(rng_, c_.nodes - 1));
    if (to >= from) ++to;
    return {from, to};
  }

  // May `n` be impaired over [from, from + d)? Holds both limits.
  bool may_impair(NodeId n, Instant from, Duration d, bool crash) const {
    const Instant until = from + d;
    if (impaired_.busy(n, from, until)) return false;
    if (crash && impaired_.count(from, until, true, c_.authorities, false) + 1 > c_.max_down) return false;
    if (n < c_.authorities &&
        impaired_.count(from, until, false, c_.authorities, true) + 1 > c_.max_faulty_authorities) {
      return false;
    }
    return true;
  }

  void generate(const std::string& kind, Instant t, Duration d, Schedule& out) {
    if (d <= Duration::zero()) return;
    if (kind == "crash") {
      const NodeId n = node();
      const auto durability = static_cast<sim::CrashDurability>(uniform_below(rng_, 3));
      if (!may_impair(n, t, d, true)) return;
      impaired_.windows.push_back({n, t, t + d, true});
      out.push_back({t, Crash{n, durability}, d});
    } else if (kind == "engine-stall" || kind == "equivocate" || kind == "usurp") {
      const NodeId n = c_.authorities > 0 ? static_cast<NodeId>(uniform_below(rng_, c_.authorities)) : node();
      if (!may_impair(n, t, d, false)) return;
      impaired_.windows.push_back({n, t, t + d, false});
      if (kind == "engine-stall") {
        out.push_back({t, EngineStall{n}, d});
      } else if (kind == "usurp") {
        out.push_back({t, Usurp{n}, d});
      } else {
        out.push_back({t, Equivocate{n}, d});
      }
    } else if (kind == "partition") {
      const std::size_t minority = 1 + uniform_below(rng_, c_.nodes / 2);
      std::vector<NodeId> order(c_.nodes);
      for (std::size_t i = 0; i < c_.nodes; ++i) order[i] = static_cast<NodeId>(i);
      for (std::size_t i = c_.nodes - 1; i > 0; --i) {  // Fisher-Yates with our own draws
        std::swap(order[i], order[uniform_below(rng_, i + 1)]);
      }
      if (partition_until_ > t) return;
      partition_until_ = t + d;
      std::vector<std::vector<NodeId>> groups(2);
      for (std::size_t i = 0; i < c_.nodes; ++i) groups[i < minority ? 0 : 1].push_back(order[i]);
      for (auto& g : groups) std::sort(g.begin(), g.end());
      out.push_back({t, Partition{groups}, d});
    } else if (kind == "cut") {
      const auto [from, to] = link();
      out.push_back({t, CutLink{from, to}, d});
    } else if (kind == "clog") {
      const auto [from, to] = link();
      out.push_back({t, Clog{from, to}, d});
    } else if (kind == "break") {
      const auto [a, b] = link();
      out.push_back({t, BreakConnection{a, b}, Duration::zero()});
    } else if (kind == "latency") {
      const auto [from, to] = link();
      const Duration lo = uniform_duration(rng_, 50ms, 500ms);
      const Duration hi = lo + uniform_duration(rng_, 0ms, 2s);
      out.push_back({t, LatencySpike{from, to, lo, hi}, d});
    } else if (kind == "loss") {
      const auto [from, to] = link();
      out.push_back({t, Loss{from, to, static_cast<std::uint32_t>(uniform_between(rng_, 1'000, 200'000))}, d});
    } else if (kind == "hostile") {
      const auto dup = static_cast<std::uint32_t>(uniform_between(rng_, 0, 50'000));
      const auto reorder = static_cast<std::uint32_t>(uniform_between(rng_, 0, 50'000));
      out.push_back({t, Hostile{dup, reorder}, d});
    } else if (kind == "clock-jump") {
      out.push_back({t, ClockJump{node(), uniform_between(rng_, -c_.max_clock_jump_ms, c_.max_clock_jump_ms)},
                     Duration::zero()});
    } else if (kind == "clock-drift") {
      out.push_back({t, ClockDrift{node(), uniform_between(rng_, -2'000, 2'000)}, d});
    } else if (kind == "corrupt") {
      out.push_back({t, CorruptKey{node(), std::string()}, Duration::zero()});
    } else if (kind == "disk-full") {
      out.push_back({t, DiskFull{node()}, d});
    } else if (kind == "fail-writes") {
      out.push_back({t, FailWrites{node(), static_cast<std::uint32_t>(1 + uniform_below(rng_, 3))},
                     Duration::zero()});
    } else if (kind == "bitcoin-reorg") {
      const auto depth = static_cast<std::uint32_t>(1 + uniform_below(rng_, c_.max_reorg_depth));
      out.push_back({t, BitcoinReorg{depth, uniform_below(rng_, 3) == 0}, Duration::zero()});
    } else if (kind == "bitcoind-outage") {
      // Outages run longer than other faults (up to ten minutes, as bitcoind restarts do).
      const Duration outage = std::min<Duration>(uniform_duration(rng_, 1s, 10min), (kTimeZero + c_.active_for) - t);
      out.push_back({t, BitcoindOutage{node()}, outage});
    } else if (kind == "actor-panic") {
      const auto& actors = panickable_actors();
      out.push_back({t, ActorPanic{node(), actors[uniform_below(rng_, actors.size())]}, Duration::zero()});
    } else {
      ALYS_ASSERT(false, "nemesis: unknown kind");
    }
  }

  const NemesisConfig& c_;
  Xoshiro256ss rng_;
  Impairments impaired_;
  Instant partition_until_ = kTimeZero;
};

}  // namespace

std::set<std::string> NemesisConfig::default_kinds() {
  return {"crash", "partition", "clog", "clock-jump"};
}

const std::vector<std::string>& nemesis_kinds() {
  static const std::vector<std::string> kinds{
      "crash",       "partition",   "cut",     "clog",      "break",       "latency",
      "loss",        "hostile",     "clock-jump", "clock-drift", "corrupt",  "disk-full",
      "fail-writes", "bitcoin-reorg", "bitcoind-outage", "engine-stall", "actor-panic",
      "equivocate",  "usurp"};
  return kinds;
}

NemesisPlan random_plan(std::uint64_t seed, const NemesisConfig& config) {
  for (const std::string& k : config.kinds) {
    ALYS_ASSERT(std::find(nemesis_kinds().begin(), nemesis_kinds().end(), k) != nemesis_kinds().end(),
                "nemesis: a kind it cannot generate");
  }
  return Generator(seed, config).run();
}

}  // namespace alys::chaos
