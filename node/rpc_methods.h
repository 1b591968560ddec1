// The node's JSON-RPC methods: every method the node serves, in one table (node_methods).
// Params are positional arrays; encodings as in node/rpc_json.h (hashes lowercase hex
// without 0x, addresses "0x" + 40 hex, wei as decimal strings). Error codes: node/jsonrpc.h.
//
// Status and chain
//   alys_status            []         -> {"node_id", "authority" (index or null), "chain_id",
//                                         "genesis", "head": {"height","hash"},
//                                         "finalized": {"height","hash"}, "peers" (ready
//                                         peers, null if the network did not answer),
//                                         "syncing" (bool, null likewise)}
//   alys_syncState         []         -> {"state" (idle|discovering|syncing|synced),
//                                         "head_height", "target_height", "progress" (0..1),
//                                         "blocks_imported", "peers", "ranges_in_flight",
//                                         "range_retries"}
//   alys_head              []         -> {"height","hash"}
//   alys_finalized         []         -> {"height","hash"}
//   alys_getBlockByNumber  [height]   -> the canonical block at height, or null above the head:
//                                        {"height","hash","parent","slot","proposer",
//                                         "state_root","transactions" (tx hashes),"pegins"
//                                         (count),"pegout_proposal" (bool),
//                                         "finalized_pegouts" (count),"has_auxpow",
//                                         "auxpow_range" ({"start","end","height"} or null),
//                                         "approvals" (count),"approved","canonical"}
//   alys_getBlockByHash    [hash]     -> any block the node holds (canonical or not), or null
//   alys_peers             []         -> [{"id","state","score","bans","configured",
//                                          "frames_in","frames_out"}]
// Accounts and transactions
//   alys_getAccount        [address]  -> {"balance": "<wei>", "nonce": n, "head":
//                                         {"height","hash"}} in the state after the head
//   alys_sendRawTransaction [tx hex]  -> the tx hash, once the mempool holds the transaction.
//                                        tx hex = encode_ledger_tx (core/chain/codec.h).
//                                        Undecodable: kInvalidParams. A nonce below the
//                                        sender's account nonce at the head, or a bad
//                                        signature: kRefused naming why.
// Bridge (a node without a bridge answers kUnavailable)
//   alys_getPegOperation   [id]       -> the PegOperation, or null: {"id","kind","state",
//                                         "amount_sat","evm_address","bitcoin_address",
//                                         "bitcoin_txid" (display order, or null),
//                                         "history": [{"state","at_unix_ms","note"}]}
//   alys_bridgeStatus      []         -> BridgeStatus (peg operations counted by state)
// Merged mining (Alys's names and shapes)
//   createauxblock         [address]  -> {"hash" (aux hash),"chainid","previousblockhash"
//                                         (range start),"coinbasevalue": 0,"bits" ("%08x"),
//                                         "height","_target" (target, big-endian hex)};
//                                        `address` is paid the fees of the block that
//                                        includes the proof. No unfinalized block yet:
//                                        kUnavailable.
//   submitauxblock         [hash, auxpow hex]  -> true; an unknown/stale hash or a proof
//                                        that does not check: kRefused naming why. auxpow
//                                        hex = serialize_auxpow (core/bitcoin/auxpow.h).
// Admin (need "Authorization: Bearer <rpc_token>"; refused when no token is configured)
//   admin_setLogLevel      [level]    -> true (trace|debug|info|warn|error|off)
//   admin_reloadConfig     []         -> the reload hook's summary string; its error as
//                                        kRefused
// Each method asks the actors by message and waits at most `ask_timeout` (kTimeout after).
#pragma once

#include <functional>
#include <string>

#include "core/execution/ledger_tx.h"

#include "core/runtime/log.h"
#include "core/runtime/status.h"
#include "core/runtime/time.h"
#include "node/jsonrpc.h"
#include "node/node_queries.h"

namespace alys::node {

// What the node wires for the admin methods; an empty hook answers kUnavailable.
// Both run on an RPC handler thread: they must be thread-safe.
struct AdminHooks {
  std::function<Status(LogLevel)> set_log_level;
  std::function<Result<std::string>()> reload;
  // Called once the mempool took a transaction from alys_sendRawTransaction and before its
  // hash is answered (node/tx_journal.h makes it durable there); an error is answered
  // instead, and the transaction counts as not acknowledged. Unset: nothing is recorded.
  std::function<Status(const LedgerTx&)> record_acknowledged;
};

// REQUIRES: `node` outlives the table.
jsonrpc::MethodTable node_methods(const NodeQueries& node, AdminHooks hooks, Duration ask_timeout);

// A Status as a JSON-RPC error: kTimeout and kUnavailable keep their meaning, a failure of
// the node itself (kIoError, kCorruption) is kInternalError, anything else kRefused.
jsonrpc::Error rpc_error_of(const Status& status);

}  // namespace alys::node
