// BitcoindClient: the real runtime's BitcoinRpc (core/bridge/bitcoin_rpc.h): bitcoind's
// JSON-RPC over HTTP with basic auth, per-request timeouts and retries (DESIGN.md §2, §8).
//
// Each call is one JSON-RPC request, made blocking on the client's own worker threads (so
// no actor strand or Asio pool thread ever waits on bitcoind); its answer is posted to the
// `reply_on` executor, never run inside the call. Destroying the client drops every answer
// not yet delivered; the destructor waits for requests in flight (at most timeout x
// attempts).
//
// Retries: a request that gets no HTTP answer (refused, reset, timed out), an HTTP error
// without a JSON-RPC body, or RPC error -28 (bitcoind warming up) is tried again after
// retry_backoff, doubling, up to `attempts` times in all; then kUnavailable. Other RPC
// errors map as the interface says: -5/-8 kNotFound, -25/-26 kInvalidArgument,
// -27 kFailedPrecondition, anything else kUnavailable with bitcoind's message. HTTP 401
// (wrong credentials) is kUnavailable at once, naming the cause.
//
// Answers are checked, not trusted: a header's fields must hash to the hash asked for, a
// block and a transaction must parse, a transaction's txid must be the one asked for; a
// mismatch is kUnavailable ("bitcoind answered ... for ...").
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/bitcoin/address.h"
#include "core/bridge/bitcoin_rpc.h"
#include "core/runtime/executor.h"
#include "core/runtime/time.h"

namespace alys::real {

struct BitcoindOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 18443;  // regtest's default
  std::string user;
  std::string password;
  // The watch-only wallet that list_unspent asks (empty: bitcoind's default wallet).
  std::string wallet;
  // The chain bitcoind runs: list_unspent names the script's address on it.
  BitcoinNetwork network = BitcoinNetwork::kRegtest;
  Duration timeout = std::chrono::seconds(10);
  unsigned attempts = 3;
  Duration retry_backoff = std::chrono::milliseconds(200);
  unsigned worker_threads = 2;
};

class BitcoindClient final : public bridge::BitcoinRpc {
 public:
  // REQUIRES: `reply_on` outlives the client; attempts >= 1; worker_threads >= 1.
  BitcoindClient(BitcoindOptions options, Executor& reply_on);
  ~BitcoindClient() override;
  BitcoindClient(const BitcoindClient&) = delete;
  BitcoindClient& operator=(const BitcoindClient&) = delete;

  void get_block_count(bridge::RpcCallback<std::uint64_t> done) override;
  void get_block_hash(std::uint64_t height, bridge::RpcCallback<Hash256> done) override;
  void get_block_header(const Hash256& hash,
                        bridge::RpcCallback<bridge::BlockHeaderInfo> done) override;
  void get_block(const Hash256& hash, bridge::RpcCallback<Block> done) override;
  void get_raw_transaction(const Hash256& txid,
                           bridge::RpcCallback<bridge::RawTransactionInfo> done) override;
  void send_raw_transaction(const Transaction& tx, bridge::RpcCallback<Hash256> done) override;
  void estimate_smart_fee(std::uint32_t conf_target,
                          bridge::RpcCallback<bridge::FeeRate> done) override;
  void get_mempool_entry(const Hash256& txid,
                         bridge::RpcCallback<bridge::MempoolEntry> done) override;
  void get_tx_out(const OutPoint& outpoint,
                  bridge::RpcCallback<std::optional<bridge::TxOutInfo>> done) override;
  void list_unspent(const Bytes& script_pubkey, std::uint32_t min_conf,
                    bridge::RpcCallback<std::vector<bridge::UnspentOutput>> done) override;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace alys::real
