#include "node/node_files.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "core/bitcoin/federation.h"
#include "core/bitcoin/pow.h"
#include "core/config/toml_reader.h"
#include "core/types/hex.h"

namespace alys::node {

namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& file, const std::string& relative) {
  const fs::path p(relative);
  if (p.is_absolute()) return relative;
  return (fs::path(file).parent_path() / p).lexically_normal().string();
}

std::optional<BitcoinNetwork> network_named(std::string_view name) {
  if (name == "mainnet") return BitcoinNetwork::kMainnet;
  if (name == "testnet") return BitcoinNetwork::kTestnet;
  if (name == "signet") return BitcoinNetwork::kSignet;
  if (name == "regtest") return BitcoinNetwork::kRegtest;
  return std::nullopt;
}
std::string_view network_name(BitcoinNetwork n) {
  switch (n) {
    case BitcoinNetwork::kMainnet: return "mainnet";
    case BitcoinNetwork::kTestnet: return "testnet";
    case BitcoinNetwork::kSignet: return "signet";
    case BitcoinNetwork::kRegtest: return "regtest";
  }
  return "regtest";
}

std::optional<Wei> parse_wei(std::string_view text) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  using u128 = Wei::u128;
  u128 v = 0;
  const u128 max = ~static_cast<u128>(0);
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<unsigned>(c - '0');
    if (v > (max - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return Wei::from_parts(static_cast<std::uint64_t>(v >> 64), static_cast<std::uint64_t>(v));
}

std::optional<EvmAddress> parse_address(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  auto bytes = from_hex(text);
  if (!bytes || bytes->size() != 20) return std::nullopt;
  EvmAddress a{};
  std::copy(bytes->begin(), bytes->end(), a.begin());
  return a;
}

// `text` as a TOML basic string: between double quotes, with quotes, backslashes and control
// characters escaped (paths and hosts come from operators and may hold any of them); plain
// text reads as it always did, "spec.toml".
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string host_port(const real::TcpPeerAddress& a) { return fmt::format("{}:{}", a.host, a.port); }

// Calls visit(reader, index) for each table of the array `key` of `r` (an element that is
// not a table is an error at its index); each table's unknown keys are reported after.
template <typename Visit>
void for_each_table(config::TomlReader& r, std::string_view key, std::string_view shape, Visit visit) {
  const toml::array* array = r.array(key);
  if (array == nullptr) return;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::table* t = array->get(i)->as_table();
    if (t == nullptr) {
      r.error_at_index(key, i, fmt::format("expected a table {}", shape));
      continue;
    }
    config::TomlReader sub(r.errors(), *t, r.path_of_index(key, i));
    visit(sub, i);
    sub.finish();
  }
}

// [limits]: any key of config::limit_keys(), each in its range.
void read_limits(config::TomlReader&& r, NodeFile& n) {
  for (const config::LimitKey& k : config::limit_keys()) {
    if (auto v = r.integer(k.name, k.min, k.max)) n.limits[std::string(k.name)] = *v;
  }
  r.finish();
}

// rpc_listen, rpc_token, rpc_rate_per_sec, rpc_burst (top level).
void read_rpc(config::TomlReader& r, NodeFile& n) {
  if (auto v = r.string("rpc_listen")) {
    auto hp = parse_host_port(*v, /*allow_any_port=*/true);
    if (hp) {
      n.rpc_listen = *hp;
    } else {
      r.error("rpc_listen", hp.error().message());
    }
  }
  if (auto v = r.string("rpc_token")) {
    // It travels in an HTTP header and is written back into node files unquoted.
    const bool plain = std::all_of(v->begin(), v->end(),
                                   [](char c) { return c > ' ' && c < 127 && c != '"' && c != '\\'; });
    if (v->empty() || !plain) {
      r.error("rpc_token", "expected printable characters without spaces, quotes or backslashes "
                           "(leave the key out to refuse admin methods)");
    } else {
      n.rpc_token = *v;
    }
  }
  if (auto v = r.integer("rpc_rate_per_sec", 1, kMaxRpcRate)) n.rpc_rate_per_sec = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("rpc_burst", 1, kMaxRpcRate)) n.rpc_burst = static_cast<std::uint32_t>(*v);
}

void read_bitcoin(config::TomlReader&& r, NodeFile& n) {
  r.require("rpc");
  NodeFile::Bitcoin b;
  bool ok = true;
  if (auto v = r.string("rpc")) {
    auto hp = parse_host_port(*v, /*allow_any_port=*/false);
    if (hp) {
      b.rpc = *hp;
    } else {
      r.error("rpc", hp.error().message());
      ok = false;
    }
  } else {
    ok = false;
  }
  if (auto v = r.string("user")) b.user = *v;
  if (auto v = r.string("password")) b.password = *v;
  if (auto v = r.string("wallet")) b.wallet = *v;
  r.finish();
  if (ok) n.bitcoin = b;
}

void read_bridge(config::TomlReader&& r, NodeFile& n) {
  if (auto v = r.integer("start_height", 0, INT64_MAX)) n.bridge.start_height = static_cast<std::uint64_t>(*v);
  if (auto v = r.integer("required_confirmations", 1, 1000)) {
    n.bridge.required_confirmations = static_cast<std::uint32_t>(*v);
  }
  if (auto v = r.integer("poll_interval_ms", 100, 3'600'000)) {
    n.bridge.poll_interval_ms = static_cast<std::uint64_t>(*v);
  }
  if (auto v = r.integer("fee_conf_target", 1, 1008)) n.bridge.fee_conf_target = static_cast<std::uint32_t>(*v);
  r.finish();
}

}  // namespace

config::NodeLimits limits_of(const NodeFile& node) {
  return config::resolve_limits(node.profile, node.limits);
}

Result<real::TcpPeerAddress> parse_host_port(std::string_view text, bool allow_any_port) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::invalid_argument(fmt::format("'{}': expected host:port", text));
  }
  const std::string_view port_text = text.substr(colon + 1);
  std::uint32_t port = 0;
  if (port_text.empty() || port_text.size() > 5) {
    return Status::invalid_argument(fmt::format("'{}': bad port", text));
  }
  for (char c : port_text) {
    if (c < '0' || c > '9') return Status::invalid_argument(fmt::format("'{}': bad port", text));
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535 || (port == 0 && !allow_any_port)) {
    return Status::invalid_argument(fmt::format("'{}': port must be in 1..65535", text));
  }
  return real::TcpPeerAddress{std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

namespace {

// The chain spec in `doc`, the parsed text of `path`.
Result<ChainSpec> chain_spec_of(const toml::table& doc, const std::string& path) {
  config::TomlErrors errors(path);
  config::TomlReader r(errors, doc, "");
  ChainSpec spec;
  r.require("chain_id");
  r.require("slot_ms");
  r.require("authorities");
  if (auto v = r.integer("chain_id", 0, UINT32_MAX)) spec.chain_id = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("slot_ms", 10, 3'600'000)) spec.slot_duration_ms = static_cast<std::uint64_t>(*v);
  if (auto v = r.integer("max_blocks_without_pow", 1, INT64_MAX)) {
    spec.max_blocks_without_pow = static_cast<std::uint64_t>(*v);
  }
  if (auto v = r.integer("max_txs_per_block", 1, 1'000'000)) {
    spec.max_txs_per_block = static_cast<std::uint64_t>(*v);
  }
  if (auto v = r.one_of("bitcoin_network", {"mainnet", "testnet", "signet", "regtest"})) {
    spec.bitcoin_network = *network_named(*v);
  }
  if (auto v = r.integer("pow_initial_bits", 1, UINT32_MAX)) {
    spec.retarget.initial_bits = static_cast<std::uint32_t>(*v);
    // The first AuxPoW is checked against this target: one no hash can meet (negative,
    // zero, overflowing, above the limit) would leave every block unfinalized.
    auto target = target_from_bits(spec.retarget.initial_bits, decode_compact(spec.retarget.pow_limit_bits).value);
    if (!target) r.error("pow_initial_bits", "not a usable target: " + target.error().message());
  }
  if (auto v = r.boolean("pow_no_retargeting")) spec.retarget.pow_no_retargeting = *v;
  if (auto keys = r.strings("authorities")) {
    // The chain makes its federation of these keys (federation_of, which the chain actor
    // asserts): refuse here, naming the key, what would stop a node at start.
    if (keys->empty()) r.error("authorities", "at least one authority is required");
    if (keys->size() > kFederationMembersMax) {
      r.error("authorities", fmt::format("{} authorities: a federation has at most {}", keys->size(),
                                         kFederationMembersMax));
    }
    std::map<KeyBytes, std::size_t> first_index;
    for (std::size_t i = 0; i < keys->size(); ++i) {
      auto key = XOnlyPublicKey::from_hex((*keys)[i]);
      if (!key) {
        r.error_at_index("authorities", i, "not an x-only public key: " + key.error().message());
        continue;
      }
      if (const auto [first, fresh] = first_index.emplace(key->bytes(), i); !fresh) {
        r.error_at_index("authorities", i, fmt::format("the same key as authorities[{}]", first->second));
        continue;
      }
      spec.authorities.push_back(key->bytes());
    }
  }
  for_each_table(r, "allocations", "{address, wei}", [&](config::TomlReader& a, std::size_t) {
    a.require("address");
    a.require("wei");
    const auto address_text = a.string("address");
    const auto wei_text = a.string("wei");
    const auto address = address_text ? parse_address(*address_text) : std::nullopt;
    const auto wei = wei_text ? parse_wei(*wei_text) : std::nullopt;
    if (address_text && !address) a.error("address", "expected 20 bytes of hex (0x...)");
    if (wei_text && !wei) a.error("wei", "expected a decimal amount below 2^128");
    if (address && wei) spec.allocations.push_back({*address, *wei});
  });
  r.finish();
  if (!errors.ok()) return errors.status();
  return spec;
}

}  // namespace

Result<ChainSpec> load_chain_spec(const std::string& path) {
  auto doc = config::parse_toml_file(path);
  if (!doc) return doc.error();
  return chain_spec_of(*doc, path);
}

Result<ChainSpec> parse_chain_spec(std::string_view text, const std::string& file_name) {
  auto doc = config::parse_toml(text, file_name);
  if (!doc) return doc.error();
  return chain_spec_of(*doc, file_name);
}

std::string chain_spec_toml(const ChainSpec& spec) {
  std::string out = fmt::format(
      "# Alys chain spec: every node of this network loads the same file.\n"
      "chain_id = {}\nslot_ms = {}\nmax_blocks_without_pow = {}\nmax_txs_per_block = {}\n"
      "bitcoin_network = \"{}\"\npow_initial_bits = {}\npow_no_retargeting = {}\n"
      "authorities = [\n",
      spec.chain_id, spec.slot_duration_ms, spec.max_blocks_without_pow, spec.max_txs_per_block,
      network_name(spec.bitcoin_network), spec.retarget.initial_bits,
      spec.retarget.pow_no_retargeting);
  for (const auto& k : spec.authorities) {
    out += fmt::format("  \"{}\",\n", to_hex(ByteView(k.data(), k.size())));
  }
  out += "]\n";
  for (const auto& g : spec.allocations) {
    out += fmt::format("\n[[allocations]]\naddress = \"0x{}\"\nwei = \"{}\"\n",
                       to_hex(ByteView(g.address.data(), g.address.size())), g.balance.to_string());
  }
  return out;
}

namespace {

// The node file in `doc`, the parsed text of `path` (relative paths resolve against its folder).
Result<NodeFile> node_file_of(const toml::table& doc, const std::string& path) {
  config::TomlErrors errors(path);
  config::TomlReader r(errors, doc, "");
  NodeFile n;
  for (const char* key : {"id", "key", "spec", "data_dir", "listen"}) r.require(key);
  if (auto v = r.integer("id", 0, kNoNode - 1)) n.id = static_cast<NodeId>(*v);
  if (auto v = r.string("key")) {
    auto key = SecretKey::from_hex(*v);
    if (key) {
      n.key = *key;
    } else {
      r.error("key", "not a secret key: " + key.error().message());
    }
  }
  if (auto v = r.string("spec")) n.spec_path = resolve(path, *v);
  if (auto v = r.string("data_dir")) n.data_dir = resolve(path, *v);
  if (auto v = r.string("listen")) {
    auto hp = parse_host_port(*v, /*allow_any_port=*/true);
    if (hp) {
      n.listen = *hp;
    } else {
      r.error("listen", hp.error().message());
    }
  }
  if (auto v = r.one_of("log_level", {"trace", "debug", "info", "warn", "error", "off"})) {
    parse_log_level(*v, n.log_level);
  }
  read_rpc(r, n);
  if (auto v = r.string("assume_valid")) {
    auto av = sync::parse_assume_valid(*v);
    if (av) {
      n.assume_valid = *av;
    } else {
      r.error("assume_valid", av.error().message());
    }
  }
  if (auto v = r.string("profile")) {
    n.profile = config::profile_named(*v);
    if (!n.profile) r.error("profile", fmt::format("'{}' is not one of: {}", *v, config::profile_names()));
  }
  if (const toml::table* t = r.table("limits")) read_limits(config::TomlReader(errors, *t, "limits"), n);
  if (const toml::table* t = r.table("bitcoin")) read_bitcoin(config::TomlReader(errors, *t, "bitcoin"), n);
  if (const toml::table* t = r.table("bridge")) {
    if (!n.bitcoin && !r.has("bitcoin")) r.error("bridge", "needs a [bitcoin] section (the bridge's bitcoind)");
    read_bridge(config::TomlReader(errors, *t, "bridge"), n);
  }
  for_each_table(r, "peers", "{id, address}", [&](config::TomlReader& p, std::size_t) {
    p.require("id");
    p.require("address");
    const auto id = p.integer("id", 0, kNoNode - 1);
    std::optional<real::TcpPeerAddress> address;
    if (auto v = p.string("address")) {
      auto hp = parse_host_port(*v, /*allow_any_port=*/false);
      if (hp) {
        address = *hp;
      } else {
        p.error("address", hp.error().message());
      }
    }
    if (!id || !address) return;
    if (static_cast<NodeId>(*id) == n.id) {
      p.error("id", "a node is not its own peer");
    } else if (!n.peers.emplace(static_cast<NodeId>(*id), *address).second) {
      p.error("id", fmt::format("peer {} is listed twice", *id));
    }
  });
  r.finish();
  if (!errors.ok()) return errors.status();
  return n;
}

}  // namespace

Result<NodeFile> load_node_file(const std::string& path) {
  auto doc = config::parse_toml_file(path);
  if (!doc) return doc.error();
  return node_file_of(*doc, path);
}

Result<NodeFile> parse_node_file(std::string_view text, const std::string& file_name) {
  auto doc = config::parse_toml(text, file_name);
  if (!doc) return doc.error();
  return node_file_of(*doc, file_name);
}

std::string node_file_toml(const NodeFile& n) {
  std::string out = fmt::format(
      "# Alys node {}: keep this file private (it holds the node's secret key).\n"
      "id = {}\nkey = \"{}\"\nspec = {}\ndata_dir = {}\nlisten = {}\n"
      "log_level = \"{}\"\n",
      n.id, n.id, to_hex(n.key->view()), toml_string(n.spec_path), toml_string(n.data_dir),
      toml_string(host_port(n.listen)), log_level_name(n.log_level));
  if (n.profile) out += fmt::format("profile = \"{}\"\n", config::profile_name(*n.profile));
  if (n.rpc_listen) {
    out += fmt::format("rpc_listen = {}\nrpc_rate_per_sec = {}\nrpc_burst = {}\n",
                       toml_string(host_port(*n.rpc_listen)), n.rpc_rate_per_sec, n.rpc_burst);
  }
  if (!n.rpc_token.empty()) out += fmt::format("rpc_token = \"{}\"\n", n.rpc_token);
  if (n.assume_valid) {
    out += fmt::format("assume_valid = \"{}:{}\"\n", n.assume_valid->height,
                       n.assume_valid->hash.to_hex());
  }
  for (const auto& [id, a] : n.peers) {
    out += fmt::format("\n[[peers]]\nid = {}\naddress = {}\n", id, toml_string(host_port(a)));
  }
  if (!n.limits.empty()) {
    out += "\n[limits]\n";
    for (const auto& [key, value] : n.limits) out += fmt::format("{} = {}\n", key, value);
  }
  if (n.bitcoin) {
    // Strings go through toml++'s own quoting: a password may hold any character.
    toml::table b{{"rpc", fmt::format("{}:{}", n.bitcoin->rpc.host, n.bitcoin->rpc.port)},
                  {"user", n.bitcoin->user},
                  {"password", n.bitcoin->password}};
    if (!n.bitcoin->wallet.empty()) b.insert("wallet", n.bitcoin->wallet);
    std::ostringstream text;
    text << toml::table{{"bitcoin", std::move(b)}};
    out += "\n" + text.str() + "\n";
    out += fmt::format(
        "\n[bridge]\nstart_height = {}\nrequired_confirmations = {}\npoll_interval_ms = {}\n"
        "fee_conf_target = {}\n",
        n.bridge.start_height, n.bridge.required_confirmations, n.bridge.poll_interval_ms,
        n.bridge.fee_conf_target);
  }
  return out;
}

NodeOverrides overrides_from_env(const std::function<const char*(const char*)>& getenv) {
  NodeOverrides o;
  if (const char* v = getenv("ALYS_DATA_DIR")) o.data_dir = v;
  if (const char* v = getenv("ALYS_LISTEN")) o.listen = v;
  if (const char* v = getenv("ALYS_LOG_LEVEL")) o.log_level = v;
  if (const char* v = getenv("ALYS_RPC_LISTEN")) o.rpc_listen = v;
  if (const char* v = getenv("ALYS_PROFILE")) o.profile = v;
  if (const char* v = getenv("ALYS_ASSUME_VALID")) o.assume_valid = v;
  if (const char* v = getenv("ALYS_LIMITS")) o.limits.emplace_back(v);
  if (const char* v = getenv("ALYS_BITCOIN_RPC")) o.bitcoin_rpc = v;
  if (const char* v = getenv("ALYS_BITCOIN_USER")) o.bitcoin_user = v;
  if (const char* v = getenv("ALYS_BITCOIN_PASSWORD")) o.bitcoin_password = v;
  return o;
}

Status apply_overrides(NodeFile& node, const NodeOverrides& o, std::string_view source) {
  if (o.data_dir) {
    if (o.data_dir->empty()) return Status::invalid_argument(fmt::format("{}: data_dir: empty", source));
    node.data_dir = *o.data_dir;
  }
  if (o.listen) {
    auto hp = parse_host_port(*o.listen, /*allow_any_port=*/true);
    if (!hp) return Status::invalid_argument(fmt::format("{}: listen: {}", source, hp.error().message()));
    node.listen = *hp;
  }
  if (o.rpc_listen) {
    auto hp = parse_host_port(*o.rpc_listen, /*allow_any_port=*/true);
    if (!hp) return Status::invalid_argument(fmt::format("{}: rpc_listen: {}", source, hp.error().message()));
    node.rpc_listen = *hp;
  }
  if (o.log_level && !parse_log_level(*o.log_level, node.log_level)) {
    return Status::invalid_argument(fmt::format(
        "{}: log_level: '{}' (trace|debug|info|warn|error|off)", source, *o.log_level));
  }
  if (o.assume_valid) {
    auto av = sync::parse_assume_valid(*o.assume_valid);
    if (!av) {
      return Status::invalid_argument(
          fmt::format("{}: assume_valid: {}", source, av.error().message()));
    }
    node.assume_valid = *av;
  }
  if (o.profile) {
    node.profile = config::profile_named(*o.profile);
    if (!node.profile) {
      return Status::invalid_argument(fmt::format("{}: profile: '{}' is not one of: {}", source,
                                                  *o.profile, config::profile_names()));
    }
  }
  for (const std::string& text : o.limits) {
    if (Status s = config::parse_limit_settings(text, node.limits); !s.is_ok()) {
      return Status::invalid_argument(fmt::format("{}: {}", source, s.message()));
    }
  }
  if (o.bitcoin_rpc) {
    auto hp = parse_host_port(*o.bitcoin_rpc, /*allow_any_port=*/false);
    if (!hp) {
      return Status::invalid_argument(fmt::format("{}: bitcoin.rpc: {}", source, hp.error().message()));
    }
    if (!node.bitcoin) node.bitcoin.emplace();
    node.bitcoin->rpc = *hp;
  }
  for (const auto& [value, key, field] :
       {std::tuple{&o.bitcoin_user, "user", &NodeFile::Bitcoin::user},
        std::tuple{&o.bitcoin_password, "password", &NodeFile::Bitcoin::password}}) {
    if (!*value) continue;
    if (!node.bitcoin) {
      return Status::invalid_argument(fmt::format(
          "{}: bitcoin.{}: no bitcoind to use it for (set [bitcoin] rpc, ALYS_BITCOIN_RPC or "
          "--bitcoin-rpc)",
          source, key));
    }
    (*node.bitcoin).*field = **value;
  }
  return Status::ok();
}

}  // namespace alys::node
