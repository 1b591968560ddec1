// The node's values as JSON for its RPC (shapes documented in node/rpc_methods.h), and the
// parsing of positional params with errors that name the param and why.
//
// Encodings: hashes and byte strings are lowercase hex without "0x", in natural byte order
// (Hash256::to_hex); addresses are "0x" + 40 hex digits; wei amounts are decimal strings
// (they exceed 2^64); Bitcoin txids additionally appear as "bitcoin_txid" in Bitcoin's
// reversed display order, the way bitcoind prints them.
// Params accept hex with or without "0x", in either case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/bitcoin/auxpow.h"
#include "core/bridge/bridge_actor.h"
#include "core/bridge/peg_operation.h"
#include "core/chain/chain_actor.h"
#include "core/chain/chain_spec.h"
#include "core/network/network_actor.h"
#include "core/sync/sync_actor.h"
#include "core/execution/ledger_tx.h"
#include "core/runtime/log.h"
#include "core/types/bytes.h"
#include "node/jsonrpc.h"

namespace alys::node {

using json = nlohmann::json;

// A param's value, or the kInvalidParams error naming it.
template <typename T>
using Parsed = std::variant<T, jsonrpc::Error>;
// The error of a Parsed, or nullptr when it holds a value.
template <typename T>
const jsonrpc::Error* error_in(const Parsed<T>& p) {
  return std::get_if<jsonrpc::Error>(&p);
}

// Exactly `count` params (the array the dispatcher hands over), else kInvalidParams
// "params: expected 1 param, got 3".
std::optional<jsonrpc::Error> expect_params(const json& params, std::size_t count);

Parsed<std::uint64_t> param_u64(const json& params, std::size_t index, std::string_view name);
Parsed<std::string> param_string(const json& params, std::size_t index, std::string_view name);
// Hex (optional "0x") of at most max_bytes bytes.
Parsed<Bytes> param_hex(const json& params, std::size_t index, std::string_view name,
                        std::size_t max_bytes);
Parsed<Hash256> param_hash(const json& params, std::size_t index, std::string_view name);
// The hex of a ledger transaction's bytes (encode_ledger_tx), decoded; else kInvalidParams
// naming the param and why. An encoding is a few hundred bytes: kMaxTxParamBytes bounds
// the hex decoded.
inline constexpr std::size_t kMaxTxParamBytes = 4096;
Parsed<LedgerTx> param_ledger_tx(const json& params, std::size_t index, std::string_view name);
// The hex of a Bitcoin AuxPoW (parse_auxpow), at most half the body cap, parsed.
Parsed<AuxPow> param_auxpow(const json& params, std::size_t index, std::string_view name);
// trace|debug|info|warn|error|off.
Parsed<LogLevel> param_log_level(const json& params, std::size_t index, std::string_view name);
Parsed<EvmAddress> param_address(const json& params, std::size_t index, std::string_view name);

json point_json(const Hash256& hash, std::uint64_t height);
json block_json(const chain::BlockView& view, const ChainSpec& spec);
json peg_operation_json(const bridge::PegOperation& op);
json bridge_status_json(const bridge::BridgeStatus& status);
json peer_json(const net::PeerView& peer);
json sync_json(const sync::SyncProgress& progress);
// Alys's createauxblock answer.
json aux_work_json(const chain::AuxWork& work);
// head / target, 1 when the target is not above the head.
double sync_fraction(const sync::SyncProgress& progress);

}  // namespace alys::node
