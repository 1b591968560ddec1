// BitcoinRpc: the bitcoind calls the bridge needs, asynchronous and callback-based
// (DESIGN.md §2). Names and shapes follow bitcoind's JSON-RPC so the real client is a thin
// mapping; the simulator implements the same interface over its Bitcoin model.
//
//   get_block_count            getblockcount
//   get_block_hash(h)          getblockhash h
//   get_block_header(hash)     getblockheader hash true  (height, confirmations; -1 = the
//                              block is not on the best chain any more)
//   get_block(hash)            getblock hash 0           (the raw block, parsed)
//   get_raw_transaction(txid)  getrawtransaction txid true (mempool or, with a txindex, a
//                              confirmed tx and the block that holds it)
//   send_raw_transaction(tx)   sendrawtransaction hex    (the txid)
//   estimate_smart_fee(n)      estimatesmartfee n        (sat per 1000 vbytes)
//   get_mempool_entry(txid)    getmempoolentry txid
//   get_tx_out(outpoint)       gettxout txid n false     (the confirmed UTXO set only: nullopt,
//                              not an error, when the output does not exist or is spent on
//                              the best chain; a spend only in the mempool does not hide it)
//   list_unspent(spk, min_conf) listunspent min_conf 9999999 [address] on a watch-only wallet
//                              (the confirmed outputs paying exactly spk with >= min_conf
//                              confirmations, min_conf 0 read as 1, sorted by outpoint; like
//                              the wallet, leaves out outputs a mempool transaction spends and
//                              immature coinbase outputs)
//
// Callback rules (every method): `done` is called exactly once, later, on the caller's
// executor: never inside the call that was given it. A client that is destroyed drops its
// pending callbacks.
// Errors, as bitcoind reports them:
//   kUnavailable       bitcoind unreachable, timed out or still warming up: retry later;
//   kNotFound          no such height, block or transaction (RPC errors -5 and -8);
//   kInvalidArgument   a transaction bitcoind refused (-25, -26): the message says why;
//   kFailedPrecondition a transaction already in the chain (-27).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/bitcoin/block.h"
#include "core/bitcoin/transaction.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys::bridge {

template <typename T>
using RpcCallback = std::function<void(Result<T>)>;

struct BlockHeaderInfo {
  BlockHeader header;
  Hash256 hash;
  std::uint64_t height = 0;
  // 1 for the tip, 0 never; -1 when the block is no longer on the best chain.
  std::int64_t confirmations = 0;
};

struct RawTransactionInfo {
  Transaction tx;
  std::optional<Hash256> block_hash;  // absent: in the mempool
  std::int64_t confirmations = 0;     // 0 in the mempool
};

struct MempoolEntry {
  std::uint64_t vsize = 0;
  std::int64_t fee_sat = 0;
};

// An unspent output of the best chain (gettxout).
struct TxOutInfo {
  TxOut out;
  std::int64_t confirmations = 0;  // >= 1
  Hash256 best_block;              // the tip the answer was computed at
  friend bool operator==(const TxOutInfo&, const TxOutInfo&) = default;
};

// One entry of listunspent.
struct UnspentOutput {
  OutPoint outpoint;
  std::int64_t value = 0;  // satoshis
  std::int64_t confirmations = 0;
  friend bool operator==(const UnspentOutput&, const UnspentOutput&) = default;
};

// A fee rate in satoshis per 1000 virtual bytes (bitcoind's BTC/kvB times 10^8).
struct FeeRate {
  std::int64_t sat_per_kvb = 0;
  // The fee for a transaction of `vsize` virtual bytes, rounded up.
  std::int64_t fee_for(std::uint64_t vsize) const {
    return static_cast<std::int64_t>((static_cast<std::uint64_t>(sat_per_kvb) * vsize + 999) /
                                     1000);
  }
};

class BitcoinRpc {
 public:
  virtual ~BitcoinRpc() = default;

  virtual void get_block_count(RpcCallback<std::uint64_t> done) = 0;
  virtual void get_block_hash(std::uint64_t height, RpcCallback<Hash256> done) = 0;
  virtual void get_block_header(const Hash256& hash, RpcCallback<BlockHeaderInfo> done) = 0;
  virtual void get_block(const Hash256& hash, RpcCallback<Block> done) = 0;
  virtual void get_raw_transaction(const Hash256& txid,
                                   RpcCallback<RawTransactionInfo> done) = 0;
  virtual void send_raw_transaction(const Transaction& tx, RpcCallback<Hash256> done) = 0;
  virtual void estimate_smart_fee(std::uint32_t conf_target, RpcCallback<FeeRate> done) = 0;
  virtual void get_mempool_entry(const Hash256& txid, RpcCallback<MempoolEntry> done) = 0;
  virtual void get_tx_out(const OutPoint& outpoint,
                          RpcCallback<std::optional<TxOutInfo>> done) = 0;
  virtual void list_unspent(const Bytes& script_pubkey, std::uint32_t min_conf,
                            RpcCallback<std::vector<UnspentOutput>> done) = 0;
};

}  // namespace alys::bridge
