#include "scenarios/scenario_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chaos/fault_toml.h"
#include "core/config/toml_reader.h"

namespace alys::scenarios {

namespace {

using config::TomlErrors;
using config::TomlReader;

constexpr std::int64_t kMaxNodes = 64;

template <class T, class V>
void set_if(std::optional<V> v, T& field) {
  if (v) field = static_cast<T>(*v);
}

void read_nodes(TomlReader r, ChainOptions& o) {
  set_if(r.integer("authorities", 1, kMaxNodes), o.authorities);
  set_if(r.integer("full_nodes", 0, kMaxNodes), o.full_nodes);
  if (auto slot = r.duration("slot", 100ms, 1min)) o.slot_ms = static_cast<std::uint64_t>(to_ms(*slot));
  if (auto late = r.integers("late", 0, kMaxNodes - 1)) {
    o.late_nodes.clear();
    for (auto n : *late) o.late_nodes.push_back(static_cast<NodeId>(n));
  }
  set_if(r.duration("late_start"), o.late_start);
  r.finish();
}

void read_network(TomlReader r, ChainOptions& o) {
  sim::NetworkConfig& n = o.network;
  set_if(r.duration("latency_min", Duration::zero(), 1min), n.latency.min);
  set_if(r.duration("latency_max", Duration::zero(), 1min), n.latency.max);
  set_if(r.integer("tail_ppm", 0, 1'000'000), n.latency.tail_ppm);
  set_if(r.duration("tail_max", Duration::zero(), 10min), n.latency.tail_max);
  set_if(r.integer("loss_ppm", 0, 1'000'000), n.loss_ppm);
  if (n.latency.min > n.latency.max) r.error("latency_min", "is above latency_max");
  if (n.latency.max > n.latency.tail_max) r.error("tail_max", "is below latency_max");
  r.finish();
}

void read_workload(TomlReader r, ChainOptions& o) {
  set_if(r.integer("tx_rate", 0, 10'000), o.tx_per_sec);
  set_if(r.integer("accounts", 2, 100'000), o.accounts);
  set_if(r.duration("miner_mean", 1s), o.miner_mean);
  set_if(r.integer("max_blocks_without_pow", 1, 10'000'000), o.max_blocks_without_pow);
  r.finish();
}

void read_bitcoin(TomlReader r, ChainOptions& o) {
  o.bitcoin = true;
  set_if(r.duration("block_mean", 1s, 1h), o.bitcoin_block_mean);
  set_if(r.integer("confirmations", 1, 100), o.pegin_confirmations);
  set_if(r.integer("pegins", 0, 100'000), o.pegins);
  set_if(r.integer("pegouts", 0, 100'000), o.pegouts);
  set_if(r.integer("pegout_users", 1, 10'000), o.pegout_users);
  set_if(r.duration("pegout_due_after"), o.pegout_due_after);
  if (auto w = r.duration("pegin_window", 1s)) o.pegin_window = *w;
  if (auto w = r.duration("pegout_window_start")) o.pegout_window_start = *w;
  if (auto w = r.duration("pegout_window_end", 1s)) o.pegout_window_end = *w;
  if (o.pegouts > 0 && o.pegins == 0) r.error("pegouts", "peg-outs need peg-ins to fund their users");
  r.finish();
}

void read_chaos(TomlReader r, ChainOptions& o) {
  o.chaos = r.boolean("enabled").value_or(true);
  o.nemesis_exact = true;
  chaos::NemesisConfig& n = o.nemesis;
  if (auto kinds = r.strings("kinds")) {
    n.kinds.clear();
    const auto& known = chaos::nemesis_kinds();
    for (std::size_t i = 0; i < kinds->size(); ++i) {
      const std::string& k = (*kinds)[i];
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string list;
        for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
        r.error_at_index("kinds", i, fmt::format("'{}' is not a nemesis kind: {}", k, list));
        continue;
      }
      n.kinds.insert(k);
    }
  }
  set_if(r.boolean("swarm"), n.swarm);
  if (auto b = r.boolean("buggify")) o.buggify = *b;
  set_if(r.integer("buggify_seed_ppm", 0, 1'000'000), n.buggify_seed_ppm);
  set_if(r.integer("max_down", 0, kMaxNodes), n.max_down);
  set_if(r.integer("max_faulty_authorities", 0, kMaxNodes), n.max_faulty_authorities);
  set_if(r.duration("start"), n.active_from);
  set_if(r.duration("mean_gap", 100ms), n.mean_gap);
  set_if(r.duration("min_fault", 1ms), n.min_fault);
  set_if(r.duration("max_fault", 1ms), n.max_fault);
  set_if(r.duration("bitcoin_mean_gap", 1s), n.bitcoin_mean_gap);
  // Reorgs stay below the confirmation depth unless the scenario says otherwise (a deeper
  // one reorgs out minted peg-ins: the flagged path).
  n.max_reorg_depth = o.bitcoin && o.pegin_confirmations > 1 ? o.pegin_confirmations - 1 : 0;
  set_if(r.integer("max_reorg_depth", 0, 100), n.max_reorg_depth);
  set_if(r.integer("max_clock_jump_ms", 0, 86'400'000), n.max_clock_jump_ms);
  if (n.min_fault > n.max_fault) r.error("min_fault", "is above max_fault");
  r.finish();
}

void read_checks(TomlReader r, Scenario& s) {
  if (auto skip = r.strings("skip")) {
    for (std::size_t i = 0; i < skip->size(); ++i) {
      if (!is_checker((*skip)[i])) {
        r.error_at_index("skip", i,
                         fmt::format("'{}' is not a checker (alys-sim checkers lists them)", (*skip)[i]));
        continue;
      }
      s.skip_checks.insert((*skip)[i]);
    }
  }
  r.finish();
}

// Cross-field checks, reported at the key that has to change.
void check_whole(TomlErrors& errors, const toml::array* faults, const Scenario& s) {
  const ChainOptions& o = s.options;
  const std::size_t nodes = o.authorities + o.full_nodes;
  for (NodeId late : o.late_nodes) {
    if (late >= nodes) errors.add(nullptr, "nodes.late", fmt::format("n{} does not exist ({} nodes)", late, nodes));
  }
  if (o.chaos && !o.bitcoin) {
    for (const char* k : {"bitcoin-reorg", "bitcoind-outage"}) {
      if (o.nemesis.kinds.count(k) != 0) {
        errors.add(nullptr, "chaos.kinds", fmt::format("'{}' needs a [bitcoin] table", k));
      }
    }
  }
  if (faults == nullptr) return;
  for (std::size_t i = 0; i < o.faults.size() && i < faults->size(); ++i) {
    const chaos::Schedule one{o.faults[i]};
    if (Status st = chaos::validate_schedule(one, nodes); !st) {
      // "fault 0 (...): why" -> keep the why, locate it at the fault's table.
      const std::string& m = st.message();
      const auto colon = m.find("): ");
      errors.add(faults->get(i), fmt::format("faults[{}]", i),
                 colon == std::string::npos ? m : m.substr(colon + 3));
    }
    if (o.faults[i].at > kTimeZero + o.duration + o.settle) {
      errors.add(faults->get(i), fmt::format("faults[{}].at", i), "after the end of the run (duration + settle)");
    }
  }
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& text, const std::string& file) {
  auto doc = config::parse_toml(text, file);
  if (!doc) return doc.error();
  TomlErrors errors(file);
  TomlReader root(errors, *doc, "");
  Scenario s;
  s.file = file;
  s.name = std::filesystem::path(file).stem().string();
  s.options.duration = 10min;
  s.options.settle = 60s;
  if (auto name = root.string("name")) s.name = *name;
  set_if(root.string("description"), s.description);
  set_if(root.duration("duration", 1s, 1000h), s.options.duration);
  set_if(root.duration("settle", Duration::zero(), 100h), s.options.settle);
  if (const toml::table* t = root.table("nodes")) read_nodes(TomlReader(errors, *t, "nodes"), s.options);
  if (const toml::table* t = root.table("network")) read_network(TomlReader(errors, *t, "network"), s.options);
  if (const toml::table* t = root.table("workload")) read_workload(TomlReader(errors, *t, "workload"), s.options);
  if (const toml::table* t = root.table("bitcoin")) read_bitcoin(TomlReader(errors, *t, "bitcoin"), s.options);
  if (const toml::table* t = root.table("chaos")) read_chaos(TomlReader(errors, *t, "chaos"), s.options);
  if (const toml::table* t = root.table("checks")) read_checks(TomlReader(errors, *t, "checks"), s);
  const toml::array* faults = root.array("faults");
  if (faults != nullptr) s.options.faults = chaos::read_faults(errors, *faults, "faults");
  root.finish();
  if (errors.ok()) check_whole(errors, faults, s);
  if (!errors.ok()) return errors.status();
  return s;
}

Result<Scenario> load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument(path + ": cannot open the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::invalid_argument(path + ": cannot read the scenario file");
  return parse_scenario(text.str(), path);
}

std::string scenario_to_toml(const Scenario& s) {
  const ChainOptions& o = s.options;
  // A TOML basic string: quotes and backslashes escaped, and control characters too (TOML
  // allows none but tab unescaped; a name or description may hold any).
  auto q = [](std::string_view v) {
    std::string out = "\"";
    for (char c : v) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      if ((u < 0x20 && c != '\t') || u == 0x7f) {
        out += fmt::format("\\u{:04x}", u);
        continue;
      }
      out += c;
    }
    return out + "\"";
  };
  auto d = [&](Duration v) { return q(format_duration(v)); };
  auto list = [&](const auto& items, auto fmt_item) {
    std::string out = "[";
    bool first = true;
    for (const auto& i : items) {
      out += (first ? "" : ", ") + fmt_item(i);
      first = false;
    }
    return out + "]";
  };
  std::string out;
  out += fmt::format("name = {}\n", q(s.name));
  if (!s.description.empty()) out += fmt::format("description = {}\n", q(s.description));
  out += fmt::format("duration = {}\nsettle = {}\n\n", d(o.duration), d(o.settle));
  out += fmt::format("[nodes]\nauthorities = {}\nfull_nodes = {}\nslot = {}\n", o.authorities,
                     o.full_nodes, d(Duration(static_cast<std::int64_t>(o.slot_ms) * 1'000'000)));
  if (!o.late_nodes.empty()) {
    out += fmt::format("late = {}\nlate_start = {}\n",
                       list(o.late_nodes, [](NodeId n) { return std::to_string(n); }), d(o.late_start));
  }
  const sim::NetworkConfig& n = o.network;
  out += fmt::format("\n[network]\nlatency_min = {}\nlatency_max = {}\ntail_ppm = {}\ntail_max = {}\nloss_ppm = {}\n",
                     d(n.latency.min), d(n.latency.max), n.latency.tail_ppm, d(n.latency.tail_max), n.loss_ppm);
  out += fmt::format("\n[workload]\ntx_rate = {}\naccounts = {}\nminer_mean = {}\nmax_blocks_without_pow = {}\n",
                     o.tx_per_sec, o.accounts, d(o.miner_mean), o.max_blocks_without_pow);
  if (o.bitcoin) {
    out += fmt::format(
        "\n[bitcoin]\nblock_mean = {}\nconfirmations = {}\npegins = {}\npegouts = {}\npegout_users = {}\n"
        "pegout_due_after = {}\n",
        d(o.bitcoin_block_mean), o.pegin_confirmations, o.pegins, o.pegouts, o.pegout_users,
        d(o.pegout_due_after));
    if (o.pegin_window) out += fmt::format("pegin_window = {}\n", d(*o.pegin_window));
    if (o.pegout_window_start) out += fmt::format("pegout_window_start = {}\n", d(*o.pegout_window_start));
    if (o.pegout_window_end) out += fmt::format("pegout_window_end = {}\n", d(*o.pegout_window_end));
  }
  const chaos::NemesisConfig& c = o.nemesis;
  out += fmt::format(
      "\n[chaos]\nenabled = {}\nkinds = {}\nswarm = {}\nbuggify_seed_ppm = {}\nstart = {}\nmax_down = {}\n"
      "max_faulty_authorities = {}\nmean_gap = {}\nmin_fault = {}\nmax_fault = {}\n"
      "bitcoin_mean_gap = {}\nmax_reorg_depth = {}\nmax_clock_jump_ms = {}\n",
      o.chaos, list(c.kinds, q), c.swarm, c.buggify_seed_ppm, d(c.active_from), c.max_down,
      c.max_faulty_authorities,
      d(c.mean_gap), d(c.min_fault), d(c.max_fault), d(c.bitcoin_mean_gap), c.max_reorg_depth,
      c.max_clock_jump_ms);
  if (o.buggify) out += fmt::format("buggify = {}\n", *o.buggify);
  if (!s.skip_checks.empty()) out += fmt::format("\n[checks]\nskip = {}\n", list(s.skip_checks, q));
  if (!o.faults.empty()) out += "\n" + chaos::faults_to_toml(o.faults);
  return out;
}

}  // namespace alys::scenarios
