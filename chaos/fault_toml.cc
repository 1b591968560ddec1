#include "chaos/fault_toml.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/types/hex.h"

namespace alys::chaos {

namespace {

using config::TomlErrors;
using config::TomlReader;

constexpr std::int64_t kMaxNode = 1023;
constexpr std::int64_t kMaxPpm = 1'000'000;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::optional<NodeId> read_node(TomlReader& r, std::string_view key) {
  if (!r.require(key)) return std::nullopt;
  auto v = r.integer(key, 0, kMaxNode);
  if (!v) return std::nullopt;
  return static_cast<NodeId>(*v);
}

std::optional<std::uint32_t> read_ppm(TomlReader& r, std::string_view key) {
  if (!r.require(key)) return std::nullopt;
  auto v = r.integer(key, 0, kMaxPpm);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

// Reads the kind-specific keys of one fault; nullopt when any is bad (errors recorded).
std::optional<Fault> read_kind(TomlReader& r, std::string_view kind) {
  if (kind == "crash") {
    auto node = read_node(r, "node");
    auto d = r.one_of("durability", {"seeded", "keep-unsynced", "lose-unsynced"});
    if (!node || (r.has("durability") && !d)) return std::nullopt;
    sim::CrashDurability durability = sim::CrashDurability::kSeeded;
    if (d == "keep-unsynced") durability = sim::CrashDurability::kKeepAll;
    if (d == "lose-unsynced") durability = sim::CrashDurability::kLoseAll;
    return Crash{*node, durability};
  }
  if (kind == "restart") {
    auto node = read_node(r, "node");
    if (!node) return std::nullopt;
    return Restart{*node};
  }
  if (kind == "partition") {
    if (!r.require("groups")) return std::nullopt;
    const toml::array* groups = r.array("groups");
    if (groups == nullptr) return std::nullopt;
    Partition p;
    bool ok = true;
    for (std::size_t i = 0; i < groups->size(); ++i) {
      const toml::array* g = groups->get(i)->as_array();
      if (g == nullptr) {
        r.errors().add(groups->get(i), r.path_of_index("groups", i), "expected an array of node indices");
        ok = false;
        continue;
      }
      std::vector<NodeId> members;
      for (std::size_t k = 0; k < g->size(); ++k) {
        const toml::node* e = g->get(k);
        if (!e->is_integer() || e->as_integer()->get() < 0 || e->as_integer()->get() > kMaxNode) {
          r.errors().add(e, fmt::format("{}[{}]", r.path_of_index("groups", i), k),
                         fmt::format("expected a node index in [0, {}]", kMaxNode));
          ok = false;
          continue;
        }
        members.push_back(static_cast<NodeId>(e->as_integer()->get()));
      }
      p.groups.push_back(std::move(members));
    }
    if (!ok) return std::nullopt;
    return p;
  }
  if (kind == "cut" || kind == "clog") {
    auto from = read_node(r, "from");
    auto to = read_node(r, "to");
    if (!from || !to) return std::nullopt;
    if (kind == "cut") return CutLink{*from, *to};
    return Clog{*from, *to};
  }
  if (kind == "heal") return Heal{};
  if (kind == "break") {
    if (!r.require("nodes")) return std::nullopt;
    auto nodes = r.integers("nodes", 0, kMaxNode);
    if (!nodes) return std::nullopt;
    if (nodes->size() != 2) {
      r.error("nodes", "expected exactly two node indices");
      return std::nullopt;
    }
    return BreakConnection{static_cast<NodeId>((*nodes)[0]), static_cast<NodeId>((*nodes)[1])};
  }
  if (kind == "latency") {
    auto from = read_node(r, "from");
    auto to = read_node(r, "to");
    const bool has_min = r.require("min");
    const bool has_max = r.require("max");
    auto min = r.duration("min", Duration::zero(), 1h);
    auto max = r.duration("max", Duration::zero(), 1h);
    if (!from || !to || !has_min || !has_max || !min || !max) return std::nullopt;
    return LatencySpike{*from, *to, *min, *max};
  }
  if (kind == "loss") {
    auto from = read_node(r, "from");
    auto to = read_node(r, "to");
    auto ppm = read_ppm(r, "ppm");
    if (!from || !to || !ppm) return std::nullopt;
    return Loss{*from, *to, *ppm};
  }
  if (kind == "hostile") {
    auto dup = read_ppm(r, "duplicate_ppm");
    auto reorder = read_ppm(r, "reorder_ppm");
    if (!dup || !reorder) return std::nullopt;
    return Hostile{*dup, *reorder};
  }
  if (kind == "clock-jump") {
    auto node = read_node(r, "node");
    const bool has = r.require("delta_ms");
    auto delta = r.integer("delta_ms", -86'400'000, 86'400'000);
    if (!node || !has || !delta) return std::nullopt;
    return ClockJump{*node, *delta};
  }
  if (kind == "clock-drift") {
    auto node = read_node(r, "node");
    const bool has = r.require("ppm");
    auto ppm = r.integer("ppm", -kMaxPpm, kMaxPpm);
    if (!node || !has || !ppm) return std::nullopt;
    return ClockDrift{*node, *ppm};
  }
  if (kind == "corrupt") {
    auto node = read_node(r, "node");
    auto key = r.string("key");
    auto key_hex = r.string("key_hex");
    if (!node || (r.has("key") && !key) || (r.has("key_hex") && !key_hex)) return std::nullopt;
    if (key && key_hex) {
      r.error("key_hex", "give key or key_hex, not both");
      return std::nullopt;
    }
    if (key_hex) {
      auto bytes = from_hex(*key_hex);
      if (!bytes) {
        r.error("key_hex", "not hex");
        return std::nullopt;
      }
      return CorruptKey{*node, std::string(bytes->begin(), bytes->end())};
    }
    return CorruptKey{*node, key.value_or("")};
  }
  if (kind == "disk-full") {
    auto node = read_node(r, "node");
    if (!node) return std::nullopt;
    return DiskFull{*node};
  }
  if (kind == "fail-writes") {
    auto node = read_node(r, "node");
    const bool has = r.require("count");
    auto count = r.integer("count", 1, 1'000'000);
    if (!node || !has || !count) return std::nullopt;
    return FailWrites{*node, static_cast<std::uint32_t>(*count)};
  }
  if (kind == "bitcoin-reorg") {
    const bool has = r.require("depth");
    auto depth = r.integer("depth", 1, 100);
    auto evict = r.boolean("evict_deposit");
    if (!has || !depth || (r.has("evict_deposit") && !evict)) return std::nullopt;
    return BitcoinReorg{static_cast<std::uint32_t>(*depth), evict.value_or(false)};
  }
  if (kind == "bitcoind-outage" || kind == "engine-stall" || kind == "equivocate" || kind == "usurp") {
    auto node = read_node(r, "node");
    if (!node) return std::nullopt;
    if (kind == "bitcoind-outage") return BitcoindOutage{*node};
    if (kind == "engine-stall") return EngineStall{*node};
    if (kind == "usurp") return Usurp{*node};
    return Equivocate{*node};
  }
  if (kind == "actor-panic") {
    auto node = read_node(r, "node");
    const bool has = r.require("actor");
    auto actor = r.one_of("actor", panickable_actors());
    if (!node || !has || !actor) return std::nullopt;
    return ActorPanic{*node, *actor};
  }
  return std::nullopt;  // unreachable: the kind was checked against all_kind_names()
}

std::string quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

std::string node_list(const std::vector<NodeId>& nodes) {
  std::string out = "[";
  for (std::size_t i = 0; i < nodes.size(); ++i) out += fmt::format("{}{}", i ? ", " : "", nodes[i]);
  return out + "]";
}

// The kind-specific lines of one fault ("key = value\n" each).
std::string kind_lines(const Fault& fault) {
  return std::visit(
      Overloaded{
          [](const Crash& f) {
            const char* d = f.durability == sim::CrashDurability::kKeepAll   ? "keep-unsynced"
                            : f.durability == sim::CrashDurability::kLoseAll ? "lose-unsynced"
                                                                             : "seeded";
            return fmt::format("node = {}\ndurability = \"{}\"\n", f.node, d);
          },
          [](const Restart& f) { return fmt::format("node = {}\n", f.node); },
          [](const Partition& f) {
            std::string g = "groups = [";
            for (std::size_t i = 0; i < f.groups.size(); ++i) g += (i ? ", " : "") + node_list(f.groups[i]);
            return g + "]\n";
          },
          [](const CutLink& f) { return fmt::format("from = {}\nto = {}\n", f.from, f.to); },
          [](const Heal&) { return std::string(); },
          [](const Clog& f) { return fmt::format("from = {}\nto = {}\n", f.from, f.to); },
          [](const BreakConnection& f) { return fmt::format("nodes = [{}, {}]\n", f.a, f.b); },
          [](const LatencySpike& f) {
            return fmt::format("from = {}\nto = {}\nmin = {}\nmax = {}\n", f.from, f.to,
                               quoted(format_duration(f.min)), quoted(format_duration(f.max)));
          },
          [](const Loss& f) { return fmt::format("from = {}\nto = {}\nppm = {}\n", f.from, f.to, f.ppm); },
          [](const Hostile& f) {
            return fmt::format("duplicate_ppm = {}\nreorder_ppm = {}\n", f.duplicate_ppm, f.reorder_ppm);
          },
          [](const ClockJump& f) { return fmt::format("node = {}\ndelta_ms = {}\n", f.node, f.delta_ms); },
          [](const ClockDrift& f) { return fmt::format("node = {}\nppm = {}\n", f.node, f.drift_ppm); },
          [](const CorruptKey& f) {
            if (f.key.empty()) return fmt::format("node = {}\n", f.node);
            if (printable(f.key)) return fmt::format("node = {}\nkey = {}\n", f.node, quoted(f.key));
            return fmt::format("node = {}\nkey_hex = \"{}\"\n", f.node, to_hex(as_bytes(f.key)));
          },
          [](const DiskFull& f) { return fmt::format("node = {}\n", f.node); },
          [](const FailWrites& f) { return fmt::format("node = {}\ncount = {}\n", f.node, f.count); },
          [](const BitcoinReorg& f) {
            return fmt::format("depth = {}\nevict_deposit = {}\n", f.depth, f.evict_deposit);
          },
          [](const BitcoindOutage& f) { return fmt::format("node = {}\n", f.node); },
          [](const EngineStall& f) { return fmt::format("node = {}\n", f.node); },
          [](const ActorPanic& f) { return fmt::format("node = {}\nactor = {}\n", f.node, quoted(f.actor)); },
          [](const Equivocate& f) { return fmt::format("node = {}\n", f.node); },
          [](const Usurp& f) { return fmt::format("node = {}\n", f.node); },
      },
      fault);
}

}  // namespace

Schedule read_faults(TomlErrors& errors, const toml::array& faults, const std::string& path) {
  Schedule out;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const std::string here = fmt::format("{}[{}]", path, i);
    const toml::table* t = faults.get(i)->as_table();
    if (t == nullptr) {
      errors.add(faults.get(i), here, "expected a table ([[faults]])");
      continue;
    }
    TomlReader r(errors, *t, here);
    const bool has_at = r.require("at");
    const bool has_kind = r.require("kind");
    auto at = r.duration("at");
    auto kind = r.one_of("kind", all_kind_names());
    auto duration = r.duration("duration");
    std::optional<Fault> fault;
    if (kind) fault = read_kind(r, *kind);
    r.finish();
    if (!has_at || !has_kind || !at || !kind || !fault || (r.has("duration") && !duration)) continue;
    TimedFault timed{kTimeZero + *at, std::move(*fault), duration.value_or(Duration::zero())};
    const DurationUse use = duration_use(timed.fault);
    if (use == DurationUse::kNone && timed.duration != Duration::zero()) {
      r.error("duration", fmt::format("a {} takes no duration", *kind));
      continue;
    }
    if (use == DurationUse::kRequired && timed.duration == Duration::zero()) {
      errors.add(t, here + ".duration", fmt::format("missing: a {} needs a duration", *kind));
      continue;
    }
    out.push_back(std::move(timed));
  }
  return out;
}

std::string faults_to_toml(const Schedule& schedule) {
  std::string out;
  for (const TimedFault& t : schedule) {
    out += fmt::format("[[faults]]\nat = {}\nkind = {}\n", quoted(format_duration(t.at - kTimeZero)),
                       quoted(kind_name(t.fault)));
    out += kind_lines(t.fault);
    if (t.duration > Duration::zero()) out += fmt::format("duration = {}\n", quoted(format_duration(t.duration)));
    out += "\n";
  }
  return out;
}

Result<Schedule> parse_faults_toml(const std::string& text, const std::string& file) {
  auto doc = config::parse_toml(text, file);
  if (!doc) return doc.error();
  TomlErrors errors(file);
  TomlReader root(errors, *doc, "");
  Schedule schedule;
  if (const toml::array* faults = root.array("faults")) schedule = read_faults(errors, *faults, "faults");
  root.finish();
  if (!errors.ok()) return errors.status();
  return schedule;
}

}  // namespace alys::chaos
