#include "node/devnet_bitcoin_rpc.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bitcoin/block.h"
#include "core/bitcoin/script.h"
#include "core/bitcoin/transaction.h"
#include "core/types/evm_address.h"
#include "core/types/hex.h"
#include "runtime-sim/sim_bitcoin.h"

namespace alys::node {

namespace {

using json = nlohmann::json;
using sim::SimBitcoin;

// bitcoind's RPC error codes (src/rpc/protocol.h).
constexpr int kRpcMiscError = -1;
constexpr int kRpcTypeError = -3;
constexpr int kRpcInvalidAddressOrKey = -5;
constexpr int kRpcInvalidParameter = -8;
constexpr int kRpcDeserializationError = -22;
constexpr int kRpcVerifyError = -25;
constexpr int kRpcVerifyRejected = -26;
constexpr int kRpcVerifyAlreadyInChain = -27;
constexpr int kRpcInvalidRequest = -32600;
constexpr int kRpcMethodNotFound = -32601;
constexpr int kRpcParseError = -32700;

constexpr std::uint64_t kListUnspentMaxConf = 9'999'999;  // listunspent's default maxconf
constexpr std::int64_t kMaxMoneySat = 21'000'000LL * 100'000'000LL;
// How much of a bad parameter an error message repeats.
constexpr std::size_t kEchoChars = 80;

// A failed call. Thrown by the parameter readers and the methods, caught once per request
// by answer_one: it keeps every method a straight line; nothing leaves this file as an
// exception.
struct RpcError {
  int code;
  std::string message;
};

[[noreturn]] void fail(int code, std::string message) { throw RpcError{code, std::move(message)}; }

std::string echo(std::string_view s) {
  return s.size() <= kEchoChars ? std::string(s) : std::string(s.substr(0, kEchoChars)) + "...";
}

// BTC as bitcoind prints amounts: a JSON number (sat / 10^8 is exact enough for any amount
// below 21M BTC to round back to the same satoshis).
json btc(std::int64_t sat) { return static_cast<double>(sat) / 1e8; }

const char* json_type(const json& j) { return j.type_name(); }

// Positional parameters of one call; index i is bitcoind's "parameter i+1".
class Params {
 public:
  Params(std::string method, const json& params) : method_(std::move(method)), p_(params) {}

  const std::string& method() const { return method_; }
  // The parameter, or nullptr if absent or null (bitcoind reads null as "not given").
  const json* get(std::size_t i) const {
    return i < p_.size() && !p_[i].is_null() ? &p_[i] : nullptr;
  }
  const json& required(std::size_t i, const char* name) const {
    const json* j = get(i);
    if (j == nullptr) {
      fail(kRpcMiscError, fmt::format("{}: missing parameter {} ({})", method_, i + 1, name));
    }
    return *j;
  }
  std::string string(std::size_t i, const char* name) const {
    const json& j = required(i, name);
    if (!j.is_string()) type_error(name, j, "string");
    return j.get<std::string>();
  }
  Hash256 hash(std::size_t i, const char* name) const {
    const std::string s = string(i, name);
    if (s.size() != 2 * Hash256::kSize) {
      fail(kRpcInvalidParameter,
           fmt::format("{} must be of length 64 (not {}, for '{}')", name, s.size(), echo(s)));
    }
    auto h = Hash256::from_display_hex(s);
    if (!h)
      fail(kRpcInvalidParameter,
           fmt::format("{} must be hexadecimal string (not '{}')", name, echo(s)));
    return *h;
  }
  std::int64_t integer(std::size_t i, const char* name,
                       std::optional<std::int64_t> fallback) const {
    const json* j = get(i);
    if (j == nullptr) {
      if (!fallback) required(i, name);
      return *fallback;
    }
    if (!j->is_number_integer()) type_error(name, *j, "integer");
    if (j->is_number_unsigned() &&
        j->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      fail(kRpcInvalidParameter, fmt::format("{}: {} out of range", name, j->dump()));
    }
    return j->get<std::int64_t>();
  }
  std::uint64_t uinteger(std::size_t i, const char* name, std::optional<std::uint64_t> fallback,
                         std::uint64_t max) const {
    const json* j = get(i);
    if (j == nullptr) {
      if (!fallback) required(i, name);
      return *fallback;
    }
    if (!j->is_number_integer()) type_error(name, *j, "integer");
    if (!j->is_number_unsigned() || j->get<std::uint64_t>() > max) {
      fail(kRpcInvalidParameter, fmt::format("{}: {} not in [0, {}]", name, j->dump(), max));
    }
    return j->get<std::uint64_t>();
  }
  // A verbose flag: bitcoind takes a boolean or a number (nonzero: true).
  std::int64_t verbosity(std::size_t i, const char* name, std::int64_t fallback) const {
    const json* j = get(i);
    if (j == nullptr) return fallback;
    if (j->is_boolean()) return j->get<bool>() ? 1 : 0;
    if (!j->is_number_integer()) type_error(name, *j, "boolean or integer");
    return j->get<std::int64_t>();
  }
  bool flag(std::size_t i, const char* name, bool fallback) const {
    const json* j = get(i);
    if (j == nullptr) return fallback;
    if (!j->is_boolean()) type_error(name, *j, "boolean");
    return j->get<bool>();
  }

 private:
  [[noreturn]] void type_error(const char* name, const json& j, const char* expected) const {
    fail(kRpcTypeError, fmt::format("{}: {}: JSON value of type {} is not of expected type {}",
                                    method_, name, json_type(j), expected));
  }

  std::string method_;
  const json& p_;
};

// A SimBitcoin refusal of a transaction, as bitcoind's sendrawtransaction reports it:
// missing inputs are a transaction error (-25), other mempool rejections -26.
[[noreturn]] void fail_submit(const Status& s) {
  switch (s.code()) {
    case StatusCode::kFailedPrecondition:
      fail(kRpcVerifyAlreadyInChain, s.message());
    case StatusCode::kInvalidArgument:
      fail(s.message().starts_with("bad-txns-inputs-missingorspent") ? kRpcVerifyError
                                                                     : kRpcVerifyRejected,
           s.message());
    default:
      fail(kRpcMiscError, s.message());
  }
}

WitnessProgram decode_address(const std::string& address) {
  auto wp = decode_segwit_address(kDevnetBitcoinNetwork, address);
  if (!wp) {
    fail(kRpcInvalidAddressOrKey,
         fmt::format("Invalid Bitcoin address: {} ({})", echo(address), wp.error().message()));
  }
  return *wp;
}

// scriptPubKey as bitcoind describes one: hex, type and (for witness programs) address.
json script_json(const Bytes& spk) {
  json j = {{"hex", to_hex(spk)}};
  if (!spk.empty() && spk[0] == op::kReturn) {
    j["type"] = "nulldata";
    return j;
  }
  auto wp = parse_witness_program_script(spk);
  if (!wp) {
    j["type"] = "nonstandard";
    return j;
  }
  if (wp->version == 0) {
    j["type"] = wp->program.size() == 20 ? "witness_v0_keyhash" : "witness_v0_scripthash";
  } else if (wp->version == 1 && wp->program.size() == 32) {
    j["type"] = "witness_v1_taproot";
  } else {
    j["type"] = "witness_unknown";
  }
  if (auto a = encode_segwit_address(kDevnetBitcoinNetwork, *wp)) j["address"] = *a;
  return j;
}

std::string bits_hex(std::uint32_t bits) { return fmt::format("{:08x}", bits); }

json header_json(const SimBitcoin& m, const Hash256& hash) {
  auto info = m.get_block_header(hash);
  if (!info) fail(kRpcInvalidAddressOrKey, info.error().message());
  const BlockHeader& h = info->header;
  json j = {{"hash", hash.to_display_hex()},
            {"confirmations", info->confirmations},
            {"height", info->height},
            {"version", h.version},
            {"versionHex", fmt::format("{:08x}", static_cast<std::uint32_t>(h.version))},
            {"merkleroot", h.merkle_root.to_display_hex()},
            {"time", h.time},
            {"nonce", h.nonce},
            {"bits", bits_hex(h.bits)},
            {"nTx", m.block_by_hash(hash)->transactions.size()}};
  if (info->height > 0) j["previousblockhash"] = h.prev_block.to_display_hex();
  if (info->confirmations > 0) {
    if (const Block* next = m.block_at(info->height + 1)) {
      j["nextblockhash"] = block_hash(next->header).to_display_hex();
    }
  }
  return j;
}

json tx_json(const Transaction& tx) {
  const std::size_t weight = transaction_weight(tx);
  const Bytes raw = serialize_transaction(tx);
  return {{"txid", txid(tx).to_display_hex()},
          {"hash", wtxid(tx).to_display_hex()},
          {"version", tx.version},
          {"size", raw.size()},
          {"vsize", (weight + 3) / 4},
          {"weight", weight},
          {"locktime", tx.lock_time},
          {"hex", to_hex(raw)}};
}

// --- bitcoind's methods --------------------------------------------------------------------

json getblockcount(SimBitcoin& m, const Params&) { return m.tip_height(); }

json getbestblockhash(SimBitcoin& m, const Params&) { return m.tip_hash().to_display_hex(); }

json getblockchaininfo(SimBitcoin& m, const Params&) {
  return {{"chain", "regtest"},
          {"blocks", m.tip_height()},
          {"headers", m.tip_height()},
          {"bestblockhash", m.tip_hash().to_display_hex()},
          {"initialblockdownload", false},
          {"warnings", ""}};
}

json getblockhash(SimBitcoin& m, const Params& p) {
  const std::int64_t height = p.integer(0, "height", std::nullopt);
  if (height < 0) fail(kRpcInvalidParameter, "Block height out of range");
  auto h = m.get_block_hash(static_cast<std::uint64_t>(height));
  if (!h) fail(kRpcInvalidParameter, h.error().message());
  return h->to_display_hex();
}

json getblockheader(SimBitcoin& m, const Params& p) {
  const Hash256 hash = p.hash(0, "blockhash");
  const bool verbose = p.flag(1, "verbose", true);
  json j = header_json(m, hash);
  if (!verbose) return to_hex(serialize_block_header(m.block_by_hash(hash)->header));
  return j;
}

json getblock(SimBitcoin& m, const Params& p) {
  const Hash256 hash = p.hash(0, "blockhash");
  const std::int64_t verbosity = p.verbosity(1, "verbosity", 1);
  auto block = m.get_block(hash);
  if (!block) fail(kRpcInvalidAddressOrKey, block.error().message());
  if (verbosity == 0) return to_hex(serialize_block(*block));
  if (verbosity != 1) {
    fail(kRpcInvalidParameter, "the devnet bitcoin answers getblock with verbosity 0 or 1 only");
  }
  json j = header_json(m, hash);
  j["size"] = serialize_block(*block).size();
  j["strippedsize"] = serialize_block(*block, TxSerialization::kWithoutWitness).size();
  json txids = json::array();
  for (const Transaction& tx : block->transactions) txids.push_back(txid(tx).to_display_hex());
  j["tx"] = std::move(txids);
  return j;
}

json getrawtransaction(SimBitcoin& m, const Params& p) {
  const Hash256 id = p.hash(0, "txid");
  const bool verbose = p.verbosity(1, "verbose", 0) != 0;
  std::optional<Hash256> in_block;
  if (p.get(2) != nullptr) in_block = p.hash(2, "blockhash");

  bridge::RawTransactionInfo info;
  std::optional<bool> in_active_chain;
  if (in_block) {
    const Block* block = m.block_by_hash(*in_block);
    if (block == nullptr) fail(kRpcInvalidAddressOrKey, "Block hash not found");
    auto it = std::find_if(block->transactions.begin(), block->transactions.end(),
                           [&](const Transaction& tx) { return txid(tx) == id; });
    if (it == block->transactions.end()) {
      fail(kRpcInvalidAddressOrKey, "No such transaction found in the provided block");
    }
    info.tx = *it;
    info.block_hash = *in_block;
    in_active_chain = m.on_best_chain(*in_block);
    if (*in_active_chain) {
      info.confirmations =
          static_cast<std::int64_t>(m.tip_height() - *m.block_height(*in_block) + 1);
    }
  } else {
    auto r = m.get_raw_transaction(id);
    if (!r) fail(kRpcInvalidAddressOrKey, r.error().message());
    info = std::move(*r);
  }
  if (!verbose) return to_hex(serialize_transaction(info.tx));
  json j = tx_json(info.tx);
  if (in_active_chain) j["in_active_chain"] = *in_active_chain;
  if (info.block_hash) {
    j["blockhash"] = info.block_hash->to_display_hex();
    j["confirmations"] = info.confirmations;
    const std::uint32_t time = m.block_by_hash(*info.block_hash)->header.time;
    j["time"] = time;
    j["blocktime"] = time;
  }
  return j;
}

json sendrawtransaction(SimBitcoin& m, const Params& p) {
  const std::string hex = p.string(0, "hexstring");
  auto bytes = from_hex(hex);
  if (!bytes) fail(kRpcDeserializationError, "TX decode failed: " + bytes.error().message());
  auto tx = parse_transaction(*bytes);
  if (!tx) fail(kRpcDeserializationError, "TX decode failed: " + tx.error().message());
  auto id = m.submit(*tx);
  if (!id) fail_submit(id.error());
  return id->to_display_hex();
}

json estimatesmartfee(SimBitcoin& m, const Params& p) {
  const std::uint64_t target = p.uinteger(0, "conf_target", std::nullopt, UINT32_MAX);
  auto rate = m.estimate_smart_fee(static_cast<std::uint32_t>(target));
  if (!rate) fail(kRpcInvalidParameter, rate.error().message());
  // bitcoind never estimates for the next block: a target of 1 is answered for 2.
  return {{"feerate", btc(rate->sat_per_kvb)}, {"blocks", std::max<std::uint64_t>(target, 2)}};
}

json getmempoolentry(SimBitcoin& m, const Params& p) {
  const Hash256 id = p.hash(0, "txid");
  auto entry = m.get_mempool_entry(id);
  if (!entry) fail(kRpcInvalidAddressOrKey, entry.error().message());
  const Transaction& tx = *m.transaction(id);
  std::set<Hash256> parents;
  for (const TxIn& in : tx.inputs) {
    if (m.in_mempool(in.prevout.txid)) parents.insert(in.prevout.txid);
  }
  json depends = json::array();
  for (const Hash256& parent : parents) depends.push_back(parent.to_display_hex());
  const json fee = btc(entry->fee_sat);
  return {{"vsize", entry->vsize},
          {"weight", transaction_weight(tx)},
          {"fees", {{"base", fee}, {"modified", fee}, {"ancestor", fee}, {"descendant", fee}}},
          {"depends", std::move(depends)},
          {"bip125-replaceable", false}};
}

json txout_json(const SimBitcoin& m, const TxOut& out, std::int64_t confirmations) {
  return {{"bestblock", m.tip_hash().to_display_hex()},
          {"confirmations", confirmations},
          {"value", btc(out.value)},
          {"scriptPubKey", script_json(out.script_pubkey)}};
}

json gettxout(SimBitcoin& m, const Params& p) {
  const OutPoint outpoint{p.hash(0, "txid"),
                          static_cast<std::uint32_t>(p.uinteger(1, "n", std::nullopt, UINT32_MAX))};
  const bool include_mempool = p.flag(2, "include_mempool", true);
  if (include_mempool) {
    // bitcoind's mempool view: an output its mempool spends is gone, and a mempool
    // transaction's outputs exist with 0 confirmations.
    if (auto s = m.spender(outpoint); s && !s->confirmed) return nullptr;
  }
  if (auto out = m.get_tx_out(outpoint)) return txout_json(m, out->out, out->confirmations);
  if (include_mempool && m.in_mempool(outpoint.txid)) {
    const Transaction& tx = *m.transaction(outpoint.txid);
    if (outpoint.vout < tx.outputs.size()) {
      const TxOut& out = tx.outputs[outpoint.vout];
      if (out.script_pubkey.empty() || out.script_pubkey[0] != op::kReturn) {
        return txout_json(m, out, 0);
      }
    }
  }
  return nullptr;
}

// The addresses parameter of listunspent: decoded, duplicates refused (as bitcoind does).
std::vector<std::pair<std::string, Bytes>> address_filter(const Params& p, std::size_t i) {
  const json* j = p.get(i);
  if (j == nullptr || (j->is_array() && j->empty())) {
    fail(kRpcInvalidParameter,
         "listunspent: the devnet wallet watches every address: name the addresses to list");
  }
  if (!j->is_array()) {
    fail(kRpcTypeError, fmt::format("listunspent: addresses: JSON value of type {} is not of "
                                    "expected type array",
                                    json_type(*j)));
  }
  std::vector<std::pair<std::string, Bytes>> out;
  std::set<std::string> seen;
  for (const json& a : *j) {
    if (!a.is_string()) fail(kRpcInvalidParameter, "Invalid parameter, address must be a string");
    const std::string address = a.get<std::string>();
    const WitnessProgram wp = decode_address(address);
    if (!seen.insert(address).second) {
      fail(kRpcInvalidParameter, "Invalid parameter, duplicated address: " + echo(address));
    }
    out.emplace_back(address, witness_program_script(wp));
  }
  return out;
}

json listunspent(SimBitcoin& m, const Params& p) {
  const std::uint64_t min_conf = p.uinteger(0, "minconf", 1, UINT32_MAX);
  const std::uint64_t max_conf = p.uinteger(1, "maxconf", kListUnspentMaxConf, UINT64_MAX >> 1);
  json out = json::array();
  for (const auto& [address, spk] : address_filter(p, 2)) {
    for (const bridge::UnspentOutput& u :
         m.list_unspent(spk, static_cast<std::uint32_t>(min_conf))) {
      if (static_cast<std::uint64_t>(u.confirmations) > max_conf) continue;
      out.push_back({{"txid", u.outpoint.txid.to_display_hex()},
                     {"vout", u.outpoint.vout},
                     {"address", address},
                     {"scriptPubKey", to_hex(spk)},
                     {"amount", btc(u.value)},
                     {"confirmations", u.confirmations},
                     {"spendable", false},  // watch-only
                     {"solvable", false},
                     {"safe", true}});
    }
  }
  return out;
}

// --- devnet-only methods -------------------------------------------------------------------

json generate(SimBitcoin& m, const Params& p) {
  const std::uint64_t n = p.uinteger(0, "nblocks", 1, kDevnetRpcMaxGenerate);
  json hashes = json::array();
  for (const Hash256& h : m.mine_now(n)) hashes.push_back(h.to_display_hex());
  return hashes;
}

EvmAddress evm_address_param(const Params& p, std::size_t i) {
  std::string text = p.string(i, "evm_address");
  std::string_view hex = text;
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != EvmAddress{}.size()) {
    fail(kRpcInvalidParameter,
         fmt::format("evm_address: '{}' is not 0x and 40 hex digits", echo(text)));
  }
  EvmAddress a{};
  std::copy(bytes->begin(), bytes->end(), a.begin());
  return a;
}

json devnet_deposit(SimBitcoin& m, const Params& p) {
  const EvmAddress address = evm_address_param(p, 0);
  const std::int64_t amount = p.integer(1, "amount_sat", std::nullopt);
  const std::int64_t fee = p.integer(2, "fee_sat", kDevnetDepositFeeSat);
  if (amount <= 0 || amount > kMaxMoneySat) {
    fail(kRpcInvalidParameter, fmt::format("amount_sat: {} not in [1, 21M BTC]", amount));
  }
  if (fee < 0 || fee > kMaxMoneySat - amount) {
    fail(kRpcInvalidParameter, fmt::format("fee_sat: {} not in [0, 21M BTC - amount_sat]", fee));
  }
  auto id = m.deposit(address, amount, fee);
  if (!id) {
    // The model's own refusals ("deposit: ...") are about the call; the rest are submit's.
    if (id.error().message().starts_with("deposit:")) fail(kRpcMiscError, id.error().message());
    fail_submit(id.error());
  }
  return id->to_display_hex();
}

json devnet_received(SimBitcoin& m, const Params& p) {
  const std::string address = p.string(0, "address");
  const Bytes spk = witness_program_script(decode_address(address));
  const std::uint64_t min_conf =
      std::max<std::uint64_t>(p.uinteger(1, "minconf", 1, UINT32_MAX), 1);
  const std::uint64_t tip = m.tip_height();
  std::int64_t total = 0;
  json outputs = json::array();
  // Confirmations fall with height: stop at the first block too young.
  for (std::uint64_t h = 0; h <= tip && tip - h + 1 >= min_conf; ++h) {
    for (const Transaction& tx : m.block_at(h)->transactions) {
      std::optional<Hash256> id;  // hashed only for a transaction that pays the address
      for (std::size_t v = 0; v < tx.outputs.size(); ++v) {
        if (!equal_bytes(tx.outputs[v].script_pubkey, spk)) continue;
        if (!id) id = txid(tx);
        const OutPoint outpoint{*id, static_cast<std::uint32_t>(v)};
        total += tx.outputs[v].value;
        outputs.push_back({{"txid", id->to_display_hex()},
                           {"vout", v},
                           {"value_sat", tx.outputs[v].value},
                           {"confirmations", tip - h + 1},
                           {"spent", m.is_spent(outpoint)}});
      }
    }
  }
  return {{"address", address}, {"total_sat", total}, {"outputs", std::move(outputs)}};
}

json devnet_info(SimBitcoin& m, const Params&) {
  const sim::SimBitcoinStats& s = m.stats();
  json j = {{"chain", "regtest"},
            {"blocks", m.tip_height()},
            {"bestblockhash", m.tip_hash().to_display_hex()},
            {"mempool_size", m.mempool_size()},
            {"block_interval_ms", to_ms(m.config().block_interval_mean)},
            {"coinbase_maturity", m.config().coinbase_maturity},
            {"stats",
             {{"blocks_mined", s.blocks_mined},
              {"reorgs", s.reorgs},
              {"txs_accepted", s.txs_accepted},
              {"txs_rejected", s.txs_rejected}}}};
  if (const auto& fed = m.federation()) {
    if (auto a = fed->address(kDevnetBitcoinNetwork)) j["federation_address"] = *a;
    j["federation_balance_sat"] = m.balance(fed->script_pubkey());
  }
  return j;
}

using Method = json (*)(SimBitcoin&, const Params&);

const std::map<std::string, Method, std::less<>>& methods() {
  static const std::map<std::string, Method, std::less<>> table = {
      {"getblockcount", getblockcount},
      {"getbestblockhash", getbestblockhash},
      {"getblockchaininfo", getblockchaininfo},
      {"getblockhash", getblockhash},
      {"getblockheader", getblockheader},
      {"getblock", getblock},
      {"getrawtransaction", getrawtransaction},
      {"sendrawtransaction", sendrawtransaction},
      {"estimatesmartfee", estimatesmartfee},
      {"getmempoolentry", getmempoolentry},
      {"gettxout", gettxout},
      {"listunspent", listunspent},
      {"generate", generate},
      {"devnet_deposit", devnet_deposit},
      {"devnet_received", devnet_received},
      {"devnet_info", devnet_info},
  };
  return table;
}

json envelope(const json& id, json result) {
  return {{"result", std::move(result)}, {"error", nullptr}, {"id", id}};
}

json error_envelope(const json& id, int code, const std::string& message) {
  return {{"result", nullptr}, {"error", {{"code", code}, {"message", message}}}, {"id", id}};
}

int http_status_of(int code) {
  if (code == kRpcInvalidRequest) return 400;
  if (code == kRpcMethodNotFound) return 404;
  return 500;
}

// One request object: its answer and the error code (0 for none).
std::pair<json, int> answer_one(SimBitcoin& model, const json& request) {
  if (!request.is_object()) {
    return {error_envelope(nullptr, kRpcInvalidRequest, "Invalid Request object"),
            kRpcInvalidRequest};
  }
  const json id = request.contains("id") ? request["id"] : json(nullptr);
  auto error = [&](int code, const std::string& message) {
    return std::pair<json, int>{error_envelope(id, code, message), code};
  };
  if (!request.contains("method") || !request["method"].is_string()) {
    return error(kRpcInvalidRequest, "Method must be a string");
  }
  const std::string method = request["method"].get<std::string>();
  const json empty = json::array();
  const json& params =
      request.contains("params") && !request["params"].is_null() ? request["params"] : empty;
  if (params.is_object()) {
    return error(kRpcInvalidParameter, "the devnet bitcoin takes positional parameters only");
  }
  if (!params.is_array()) return error(kRpcInvalidRequest, "Params must be an array or object");
  const auto& table = methods();
  auto it = table.find(method);
  if (it == table.end()) return error(kRpcMethodNotFound, "Method not found");
  try {
    return {envelope(id, it->second(model, Params(method, params))), 0};
  } catch (const RpcError& e) {
    return error(e.code, e.message);
  } catch (const std::exception& e) {  // a JSON access the checks above missed
    return error(kRpcMiscError, fmt::format("{}: {}", method, e.what()));
  }
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

DevnetRpcReply answer_devnet_rpc(sim::SimBitcoin& model, std::string_view body) {
  const json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    return {http_status_of(kRpcParseError),
            dump(error_envelope(nullptr, kRpcParseError, "Parse error"))};
  }
  if (!request.is_array()) {
    auto [answer, code] = answer_one(model, request);
    return {code == 0 ? 200 : http_status_of(code), dump(answer)};
  }
  if (request.size() > kDevnetRpcMaxBatch) {
    return {http_status_of(kRpcInvalidRequest),
            dump(error_envelope(nullptr, kRpcInvalidRequest,
                                fmt::format("a batch of {} requests: at most {}", request.size(),
                                            kDevnetRpcMaxBatch)))};
  }
  json answers = json::array();
  for (const json& r : request) answers.push_back(answer_one(model, r).first);
  return {200, dump(answers)};
}

}  // namespace alys::node
