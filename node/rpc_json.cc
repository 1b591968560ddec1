#include "node/rpc_json.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/bitcoin/pow.h"
#include "core/chain/codec.h"
#include "core/execution/ledger_tx.h"
#include "core/types/hex.h"

namespace alys::node {

namespace {

using jsonrpc::invalid_param;

std::string_view strip_0x(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  return text;
}

const json* param_at(const json& params, std::size_t index) {
  return index < params.size() ? &params[index] : nullptr;
}

json pegs_by_state(const std::vector<std::size_t>& counts) {
  json out = json::object();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    out[std::string(bridge::peg_state_name(static_cast<bridge::PegState>(i + 1)))] = counts[i];
  }
  return out;
}

}  // namespace

std::optional<jsonrpc::Error> expect_params(const json& params, std::size_t count) {
  if (params.size() == count) return std::nullopt;
  return jsonrpc::Error{jsonrpc::kInvalidParams,
                        fmt::format("params: expected {} param{}, got {}", count,
                                    count == 1 ? "" : "s", params.size())};
}

Parsed<std::uint64_t> param_u64(const json& params, std::size_t index, std::string_view name) {
  const json* p = param_at(params, index);
  if (p == nullptr) return invalid_param(index, name, "missing");
  if (!p->is_number_unsigned() && !(p->is_number_integer() && p->get<std::int64_t>() >= 0)) {
    return invalid_param(index, name, "expected a non-negative integer");
  }
  return p->get<std::uint64_t>();
}

Parsed<std::string> param_string(const json& params, std::size_t index, std::string_view name) {
  const json* p = param_at(params, index);
  if (p == nullptr) return invalid_param(index, name, "missing");
  if (!p->is_string()) return invalid_param(index, name, "expected a string");
  return p->get<std::string>();
}

Parsed<Bytes> param_hex(const json& params, std::size_t index, std::string_view name,
                        std::size_t max_bytes) {
  Parsed<std::string> text = param_string(params, index, name);
  if (auto* e = std::get_if<jsonrpc::Error>(&text)) return *e;
  const std::string_view digits = strip_0x(std::get<std::string>(text));
  if (digits.size() > 2 * max_bytes) {
    return invalid_param(index, name, fmt::format("longer than {} bytes", max_bytes));
  }
  auto bytes = from_hex(digits);
  if (!bytes) return invalid_param(index, name, "not hex: " + bytes.error().message());
  return std::move(bytes).value();
}

Parsed<LedgerTx> param_ledger_tx(const json& params, std::size_t index, std::string_view name) {
  Parsed<Bytes> bytes = param_hex(params, index, name, kMaxTxParamBytes);
  if (auto* e = error_in(bytes)) return *e;
  const Bytes& raw = std::get<Bytes>(bytes);
  auto tx = decode_ledger_tx(ByteView(raw.data(), raw.size()));
  if (!tx) return invalid_param(index, name, "not a ledger transaction: " + tx.error().message());
  return std::move(tx).value();
}

Parsed<AuxPow> param_auxpow(const json& params, std::size_t index, std::string_view name) {
  Parsed<Bytes> bytes = param_hex(params, index, name, jsonrpc::kMaxBodyBytes / 2);
  if (auto* e = error_in(bytes)) return *e;
  const Bytes& raw = std::get<Bytes>(bytes);
  auto auxpow = parse_auxpow(ByteView(raw.data(), raw.size()));
  if (!auxpow) return invalid_param(index, name, "not an AuxPoW: " + auxpow.error().message());
  return std::move(auxpow).value();
}

Parsed<LogLevel> param_log_level(const json& params, std::size_t index, std::string_view name) {
  Parsed<std::string> text = param_string(params, index, name);
  if (auto* e = error_in(text)) return *e;
  LogLevel level = LogLevel::kInfo;
  if (!parse_log_level(std::get<std::string>(text), level)) {
    return invalid_param(index, name, "expected trace|debug|info|warn|error|off");
  }
  return level;
}

Parsed<Hash256> param_hash(const json& params, std::size_t index, std::string_view name) {
  Parsed<std::string> text = param_string(params, index, name);
  if (auto* e = std::get_if<jsonrpc::Error>(&text)) return *e;
  auto hash = Hash256::from_hex(strip_0x(std::get<std::string>(text)));
  if (!hash) return invalid_param(index, name, "expected 64 hex digits");
  return *hash;
}

Parsed<EvmAddress> param_address(const json& params, std::size_t index, std::string_view name) {
  Parsed<std::string> text = param_string(params, index, name);
  if (auto* e = std::get_if<jsonrpc::Error>(&text)) return *e;
  auto bytes = from_hex(strip_0x(std::get<std::string>(text)));
  if (!bytes || bytes->size() != 20) {
    return invalid_param(index, name, "expected an address: 0x and 40 hex digits");
  }
  EvmAddress a{};
  std::copy(bytes->begin(), bytes->end(), a.begin());
  return a;
}

json point_json(const Hash256& hash, std::uint64_t height) {
  return {{"height", height}, {"hash", hash.to_hex()}};
}

json block_json(const chain::BlockView& view, const ChainSpec& spec) {
  const ConsensusBlock& b = view.block.block;
  json txs = json::array();
  for (const LedgerTx& tx : b.payload.transactions) txs.push_back(ledger_tx_hash(tx).to_hex());
  json out = {
      {"height", b.height},
      {"hash", view.hash.to_hex()},
      {"parent", b.parent_hash.to_hex()},
      {"slot", b.slot},
      // Aura's proposer of the slot; validation refused any block signed by another.
      {"proposer", b.height == 0 ? json(nullptr) : json(aura_proposer(spec, b.slot))},
      {"state_root", b.payload.state_root.to_hex()},
      {"transactions", std::move(txs)},
      {"pegins", b.pegins.size()},
      {"pegout_proposal", b.pegout_proposal.has_value()},
      {"finalized_pegouts", b.finalized_pegouts.size()},
      {"has_auxpow", b.auxpow_header && b.auxpow_header->auxpow.has_value()},
      {"approvals", view.block.approvals.size()},
      {"approved", view.approved},
      {"canonical", view.canonical},
  };
  if (b.auxpow_header) {
    out["auxpow_range"] = {{"start", b.auxpow_header->range_start.to_hex()},
                           {"end", b.auxpow_header->range_end.to_hex()},
                           {"height", b.auxpow_header->height}};
  } else {
    out["auxpow_range"] = nullptr;
  }
  return out;
}

json peg_operation_json(const bridge::PegOperation& op) {
  json history = json::array();
  for (const bridge::PegTransition& t : op.history) {
    history.push_back({{"state", bridge::peg_state_name(t.to)},
                       {"at_unix_ms", t.at_unix_ms},
                       {"note", t.note}});
  }
  json out = {
      {"id", op.id.to_hex()},
      {"kind", bridge::peg_kind_name(op.kind)},
      {"state", bridge::peg_state_name(op.state)},
      {"amount_sat", op.amount_sat},
      {"evm_address", evm_address_hex(op.evm_address)},
      {"bitcoin_address", op.bitcoin_address},
      {"history", std::move(history)},
  };
  // The Bitcoin transaction: a peg-in's deposit (its id), a peg-out's payment once built.
  if (op.kind == bridge::PegKind::kPegIn) {
    out["bitcoin_txid"] = op.id.to_display_hex();
  } else {
    out["bitcoin_txid"] = op.bitcoin_txid ? json(op.bitcoin_txid->to_display_hex()) : json(nullptr);
  }
  return out;
}

json bridge_status_json(const bridge::BridgeStatus& s) {
  return {
      {"loaded", s.loaded},
      {"next_height", s.next_height},
      {"bitcoin_blocks", s.bitcoin_blocks},
      {"tracked", s.tracked},
      {"mintable", s.mintable},
      {"flagged", s.flagged},
      {"pegins_by_state", pegs_by_state(s.pegins_by_state)},
      {"pegouts_by_state", pegs_by_state(s.pegouts_by_state)},
      {"pegouts_tracked", s.pegouts_tracked},
      {"pegouts_completed", s.pegouts_completed},
      {"pegout_broadcasts", s.pegout_broadcasts},
      {"rounds", s.rounds},
      {"rpc_errors", s.rpc_errors},
      {"reorgs", s.reorgs},
      {"last_error", s.last_error},
  };
}

json peer_json(const net::PeerView& p) {
  return {
      {"id", p.id},
      {"state", net::peer_state_name(p.state)},
      {"score", p.score},
      {"bans", p.bans},
      {"configured", p.configured},
      {"frames_in", p.frames_in},
      {"frames_out", p.frames_out},
  };
}

double sync_fraction(const sync::SyncProgress& p) {
  if (p.target_height <= p.head_height || p.target_height == 0) return 1.0;
  return static_cast<double>(p.head_height) / static_cast<double>(p.target_height);
}

json sync_json(const sync::SyncProgress& p) {
  return {
      {"state", sync::sync_state_name(p.state)},
      {"head_height", p.head_height},
      {"target_height", p.target_height},
      {"progress", sync_fraction(p)},
      {"blocks_imported", p.blocks_imported},
      {"peers", p.peers},
      {"ranges_in_flight", p.ranges_in_flight},
      {"range_retries", p.range_retries},
  };
}

json aux_work_json(const chain::AuxWork& w) {
  return {
      {"hash", w.aux_hash.to_hex()},
      {"chainid", w.chain_id},
      {"previousblockhash", w.range_start.to_hex()},
      {"coinbasevalue", 0},
      {"bits", fmt::format("{:08x}", w.bits)},
      {"height", w.height},
      // Bitcoin Core's GetHex of the target (big-endian digits).
      {"_target", decode_compact(w.bits).value.to_hex()},
  };
}

}  // namespace alys::node
