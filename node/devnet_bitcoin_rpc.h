// The devnet Bitcoin's JSON-RPC methods: bitcoind's answers, computed from a SimBitcoin
// (runtime-sim/sim_bitcoin.h), in bitcoind's shapes, so a node's BitcoindClient
// (runtime-real/bitcoind_client.h) cannot tell the devnet from a regtest bitcoind. The HTTP
// side (basic auth, paths, threads, the clock) is DevnetBitcoin's (node/devnet_bitcoin.h).
//
// Requests are bitcoind's legacy JSON-RPC: {"method": .., "params": [..], "id": ..} (params
// positional only), or a batch (an array of them, at most kDevnetRpcMaxBatch). Answers are
// {"result": .., "error": null, "id": ..} or {"result": null, "error": {"code": ..,
// "message": ..}, "id": ..}; a batch gets an array of those.
//
// bitcoind methods (as bitcoind answers them; the chain is regtest):
//   getblockcount, getbestblockhash, getblockchaininfo (chain, blocks, headers,
//   bestblockhash), getblockhash h, getblockheader hash [verbose=true],
//   getblock hash [verbosity=1] (0: raw hex; 1: the header's fields and the txids),
//   getrawtransaction txid [verbose=false] [blockhash] (the model keeps a txindex),
//   sendrawtransaction hex, estimatesmartfee n, getmempoolentry txid,
//   gettxout txid n [include_mempool=true], listunspent [minconf=1] [maxconf=9999999]
//   [addresses] (answered on any path: the devnet wallet watches every address, so an
//   address filter is required; minconf 0 reads as 1: the model has no unconfirmed wallet
//   view).
// Devnet-only methods (no bitcoind has them; for tests and operators):
//   generate [n=1]                      mines n (<= kDevnetRpcMaxGenerate) blocks now; the
//                                       block hashes, lowest first
//   devnet_deposit evm_address amount_sat [fee_sat=kDevnetDepositFeeSat]
//                                       a peg-in from a fresh user coin (SimBitcoin::deposit):
//                                       output 0 pays the federation amount_sat, output 1 is
//                                       the OP_RETURN naming the address; the txid
//   devnet_received address [minconf=1] what the best chain paid to the address:
//                                       {"address", "total_sat", "outputs": [{"txid", "vout",
//                                       "value_sat", "confirmations", "spent"}]}, spent outputs
//                                       included (like getreceivedbyaddress)
//   devnet_info                         {"chain", "blocks", "bestblockhash", "mempool_size",
//                                       "block_interval_ms", "coinbase_maturity",
//                                       "federation_address", "federation_balance_sat",
//                                       "stats": {...}}
//
// Errors (bitcoind's codes): -1 a required parameter is missing, -3 a parameter of the wrong
// JSON type, -5 no such block/transaction or an invalid address, -8 an invalid parameter or
// a height out of range, -22 a transaction that does not decode, -25 a transaction whose
// inputs are missing or spent, -26 any other rejection (the reason as SimBitcoin gives it),
// -27 a transaction already in the chain, -32600 a request that is not a JSON-RPC object,
// -32601 an unknown method, -32700 a body that is not JSON. HTTP status as bitcoind's: 200
// for an answer (and every batch), 400 for -32600, 404 for -32601, 500 for other errors.
//
// NOT MODELLED: sendrawtransaction's maxfeerate, named parameters, wallets other than the
// watch-everything one, gettxout's "coinbase" field.
//
// Threading: none of its own. REQUIRES: the caller serializes every call on one model (the
// model and its World are single-threaded) and has run the world up to the present.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bitcoin/address.h"

namespace alys::sim {
class SimBitcoin;
}  // namespace alys::sim

namespace alys::node {

// The devnet chain is regtest (its blocks have regtest's bits).
inline constexpr BitcoinNetwork kDevnetBitcoinNetwork = BitcoinNetwork::kRegtest;
// Requests in one batch.
inline constexpr std::size_t kDevnetRpcMaxBatch = 100;
// Blocks one `generate` may mine.
inline constexpr std::uint64_t kDevnetRpcMaxGenerate = 1000;
// devnet_deposit's fee when none is given (the model's minimum relay fee is 1 sat/vB).
inline constexpr std::int64_t kDevnetDepositFeeSat = 2000;

struct DevnetRpcReply {
  int http_status = 200;
  std::string body;  // JSON
};

// The answer to one request body (a request or a batch) against `model`.
DevnetRpcReply answer_devnet_rpc(sim::SimBitcoin& model, std::string_view body);

}  // namespace alys::node
