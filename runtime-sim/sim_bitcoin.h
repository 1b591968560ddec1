// SimBitcoin: the simulated Bitcoin network of a world (one per World, like SimNetwork), and
// per-node bitcoind clients implementing bridge::BitcoinRpc over it.
//
// Model:
//   - a real Bitcoin-format regtest chain: genesis at height 0, then blocks whose headers
//     carry the previous hash, the merkle root over the txids, a time in seconds (the world's
//     wall-clock epoch plus virtual time, kept above the median of the last 11 blocks),
//     bits 0x207fffff and a nonce ground until check_proof_of_work passes against regtest's
//     pow limit. Each block's coinbase comes first: BIP34 height push plus a seeded
//     extranonce in its scriptSig, subsidy + fees to a miner script, and a BIP141 witness
//     commitment. Then mempool transactions in arrival order, up to max_block_txs;
//   - after start(until), blocks arrive at seeded exponential intervals (world events, so
//     no node's crash stops Bitcoin); mine_now(n) mines n blocks at once;
//   - a UTXO set with per-block undo data, a txindex of the best chain, and a mempool kept
//     in arrival order (which is always a topological order: a child arrives after its
//     parent). Every block ever mined stays queryable by hash, also after a reorg abandons it;
//   - validation (submit): every input spends an unspent output of the best chain or of a
//     mempool transaction; no output is spent twice by chain + mempool; sum(in) >= sum(out);
//     the fee meets the minimum relay fee; coinbase outputs mature after coinbase_maturity
//     blocks; inputs that spend the federation's script_pubkey must pass
//     Federation::check_input (real BIP-341 script-path Schnorr verification).
//     SIMPLIFICATIONS: other inputs are user coins and are NOT script-checked (no script
//     interpreter); there is no replace-by-fee (a conflict is always rejected); no
//     standardness, package or ancestor limits; blocks are limited by transaction count,
//     not weight; the subsidy never halves; difficulty never retargets (regtest); the
//     genesis coinbase is spendable like any other;
//   - users: credit_user_coin() creates a coin that exists outside the modelled history (a
//     coin the user brought: it has a synthetic txid that no transaction has, counts as
//     confirmed, and no reorg removes it). deposit() builds and submits a peg-in from one;
//   - faults: reorg() replaces the top blocks with a longer branch; set_outage() makes one
//     node's bitcoind (or every node's) unreachable until a time.
// All randomness comes from the world's "bitcoin" stream (block times, extranonces, fee
// walk) and "bitcoin-rpc" stream (RPC latencies); every container whose order matters is
// ordered. Every new block folds its hash into the world trace.
//
// Clients (client(node)): each call is a round trip of a seeded duration in
// [rpc_latency_min, rpc_latency_max]. The request reaches the model halfway, as a world
// event: it is computed (and a sendrawtransaction takes effect) then, even if the caller
// crashes or destroys the client meanwhile. The answer arrives at the end, as an event of the
// caller's incarnation owned by the client: a crash or the client's destruction drops it,
// and the callback never runs inside the call. During an outage the request is lost and the
// answer is kUnavailable, rpc_timeout after the call.
// gettxout reads the best chain's UTXO set (utxos_paying's view); listunspent is that of a
// watch-only wallet watching the script: confirmed, mature, and not spent by a transaction
// in the mempool. SIMPLIFICATION: a real wallet keeps counting a coin as spent by its own
// transaction after that transaction leaves the mempool (until abandoned); here the coin
// is listed again as soon as its spender is gone (e.g. evicted by a reorg). User coins
// (credit_user_coin) have tip height + 1 confirmations, as if created in genesis.
//
// REQUIRES: the SimBitcoin outlives its clients, and is destroyed before its World. Its
// destructor cancels its block schedule; requests still in flight then do nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bitcoin/block.h"
#include "core/bitcoin/federation.h"
#include "core/bitcoin/transaction.h"
#include "core/bridge/bitcoin_rpc.h"
#include "core/runtime/node_id.h"
#include "core/runtime/status.h"
#include "core/runtime/time.h"
#include "core/runtime/xoshiro.h"
#include "core/types/bytes.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"

namespace alys::sim {

class World;

struct SimBitcoinConfig {
  // Mean of the exponential wait between blocks after start().
  Duration block_interval_mean = 10min;
  // Mempool transactions per block, besides the coinbase (bitcoind limits by weight).
  std::size_t max_block_txs = 2000;
  // What each coinbase pays besides the fees (regtest's initial 50 BTC; never halves).
  std::int64_t block_subsidy_sat = 50 * 100'000'000LL;
  // Confirmations before a coinbase output may be spent (bitcoind: 100).
  std::uint32_t coinbase_maturity = 100;

  // estimatesmartfee's answer. With a nonzero step it walks: at every block it moves by a
  // uniform draw in [-step, +step], clamped to [min, max].
  std::int64_t fee_rate_sat_per_kvb = 2000;
  std::int64_t fee_rate_step_sat_per_kvb = 0;
  std::int64_t fee_rate_min_sat_per_kvb = 1000;
  std::int64_t fee_rate_max_sat_per_kvb = 200'000;
  // bitcoind's -minrelaytxfee: a transaction paying less is refused ("min relay fee not
  // met"). 0 turns the check off.
  std::int64_t min_relay_fee_sat_per_kvb = 1000;

  // Delay of an RPC answer, uniform in [min, max].
  Duration rpc_latency_min = 1ms;
  Duration rpc_latency_max = 20ms;
  // How long a call to an unreachable bitcoind takes to fail with kUnavailable.
  Duration rpc_timeout = 5s;
};

struct SimBitcoinStats {
  std::uint64_t blocks_mined = 0;  // including genesis and abandoned blocks
  std::uint64_t reorgs = 0;
  std::uint64_t txs_accepted = 0;  // by submit (not counting re-admission after a reorg)
  std::uint64_t txs_rejected = 0;
  std::uint64_t rpc_calls = 0;
};

// An unspent output of the best chain (user coins included).
struct Utxo {
  OutPoint outpoint;
  TxOut output;
  std::uint64_t height = 0;  // of the block that created it; 0 for user coins
};

// Who spends an output: a best-chain transaction (confirmed) or a mempool one.
struct Spender {
  Hash256 txid;
  bool confirmed = false;
};

class SimBitcoin {
 public:
  // Mines the genesis block at the current time. Without a federation, no input is
  // script-checked and deposit() fails.
  SimBitcoin(World& world, SimBitcoinConfig config, std::optional<Federation> federation);
  ~SimBitcoin();
  SimBitcoin(const SimBitcoin&) = delete;
  SimBitcoin& operator=(const SimBitcoin&) = delete;

  // --- block production ---------------------------------------------------------------
  // Mines blocks at seeded exponential intervals from now until `until` (a block due after
  // `until` is not mined). Replaces any earlier schedule.
  void start(Instant until);
  // Cancels the pending scheduled block, if any.
  void stop();
  // Mines `n` blocks now; returns their hashes, lowest first.
  std::vector<Hash256> mine_now(std::size_t n);

  // --- transactions -------------------------------------------------------------------
  // Validates `tx` and adds it to the mempool (what sendrawtransaction does); returns its
  // txid. A transaction already in the mempool is accepted again (bitcoind rebroadcasts).
  // Errors: kFailedPrecondition if it is confirmed on the best chain; kInvalidArgument with
  // bitcoind's reject reason ("txn-mempool-conflict", "bad-txns-inputs-missingorspent",
  // "bad-txns-in-belowout", "min relay fee not met", "mandatory-script-verify-flag-failed
  // (...)", ...) otherwise.
  Result<Hash256> submit(const Transaction& tx);

  // A confirmed coin of `amount_sat` paying user_script_pubkey(), outside the modelled
  // history (see the header comment). REQUIRES: 0 < amount_sat <= 21M BTC.
  OutPoint credit_user_coin(std::int64_t amount_sat);
  // Builds and submits a peg-in from a fresh user coin of amount_sat + fee_sat: output 0
  // pays the federation amount_sat, output 1 is the OP_RETURN naming `address`. Returns the
  // txid. Errors: no federation, bad amounts, or whatever submit() refuses.
  Result<Hash256> deposit(const EvmAddress& address, std::int64_t amount_sat,
                          std::int64_t fee_sat);
  // The same from an existing unspent user coin (output of any transaction paying
  // user_script_pubkey(), or a credited coin): output 2 returns any change to
  // user_script_pubkey().
  Result<Hash256> deposit_from(const OutPoint& coin, const EvmAddress& address,
                               std::int64_t amount_sat, std::int64_t fee_sat);

  // The OP_RETURN output deposit() adds: pegin_op_return_script(address) (20 raw bytes),
  // unless those bytes are valid UTF-8, which Alys reads as text and rejects; then the
  // address as 40 hex digits of text, which Alys accepts.
  static Bytes deposit_op_return(const EvmAddress& address);
  // P2WPKH scripts that user coins / change and the miner's coinbase pay.
  static Bytes user_script_pubkey();
  static Bytes miner_script_pubkey();

  // --- faults -------------------------------------------------------------------------
  // Disconnects the top `depth` blocks; returns their non-coinbase transactions, in block
  // order, then the rest of the mempool, to the mempool, except those in `evict_txids` and
  // those that no longer validate (e.g. spending an evicted one); then mines depth + 1
  // blocks at once, so the new branch wins. The abandoned blocks stay queryable by hash.
  // Errors: depth is 0 or above the tip height.
  Status reorg(std::size_t depth, const std::vector<Hash256>& evict_txids = {});
  // Calls made by `node` before `until` fail with kUnavailable after rpc_timeout.
  void set_outage(NodeId node, Instant until);
  // The same for every node.
  void set_outage_all(Instant until);
  bool in_outage(NodeId node) const;

  // --- queries (checkers, tests) --------------------------------------------------------
  std::uint64_t tip_height() const { return best_.size() - 1; }
  const Hash256& tip_hash() const { return best_.back(); }
  // Best-chain block at `height`; nullptr above the tip.
  const Block* block_at(std::uint64_t height) const;
  // Any block ever mined (abandoned ones too); nullptr if unknown.
  const Block* block_by_hash(const Hash256& hash) const;
  std::optional<std::uint64_t> block_height(const Hash256& hash) const;
  bool on_best_chain(const Hash256& hash) const;
  // Confirmations of a transaction: >= 1 on the best chain, 0 in the mempool, nullopt if
  // neither.
  std::optional<std::uint64_t> confirmations(const Hash256& txid) const;
  // The transaction from the mempool or the best chain; nullptr if neither.
  const Transaction* transaction(const Hash256& txid) const;
  bool in_mempool(const Hash256& txid) const { return mempool_index_.count(txid) != 0; }
  std::size_t mempool_size() const { return mempool_.size(); }
  // Mempool transactions in arrival order (the order blocks take them in).
  std::vector<Hash256> mempool_txids() const;
  // Unspent best-chain outputs paying `script_pubkey`, in outpoint order (ignores the
  // mempool: a coin spent only by a mempool transaction is still listed).
  std::vector<Utxo> utxos_paying(ByteView script_pubkey) const;
  std::int64_t balance(ByteView script_pubkey) const;
  // True iff a best-chain transaction spends `outpoint`.
  bool is_spent(const OutPoint& outpoint) const { return chain_spends_.count(outpoint) != 0; }
  // The best-chain or mempool transaction spending `outpoint`, if any.
  std::optional<Spender> spender(const OutPoint& outpoint) const;
  bridge::FeeRate fee_rate() const { return {fee_rate_sat_per_kvb_}; }
  const std::optional<Federation>& federation() const { return federation_; }
  const SimBitcoinConfig& config() const { return config_; }
  const SimBitcoinStats& stats() const { return stats_; }

  // --- bitcoind's answers ------------------------------------------------------------------
  // What each BitcoinRpc call answers at the moment its request reaches bitcoind: the
  // clients below answer with these, and so does the devnet's JSON-RPC server
  // (node/devnet_bitcoin.h). Semantics and errors as in core/bridge/bitcoin_rpc.h, with
  // bitcoind's messages. get_block_count is tip_height(); send_raw_transaction is submit().
  // Counts no rpc_calls (the clients count their requests).
  Result<Hash256> get_block_hash(std::uint64_t height) const;
  Result<bridge::BlockHeaderInfo> get_block_header(const Hash256& hash) const;
  Result<Block> get_block(const Hash256& hash) const;
  Result<bridge::RawTransactionInfo> get_raw_transaction(const Hash256& txid) const;
  Result<bridge::FeeRate> estimate_smart_fee(std::uint32_t conf_target) const;
  Result<bridge::MempoolEntry> get_mempool_entry(const Hash256& txid) const;
  std::optional<bridge::TxOutInfo> get_tx_out(const OutPoint& outpoint) const;
  std::vector<bridge::UnspentOutput> list_unspent(ByteView script_pubkey,
                                                  std::uint32_t min_conf) const;

  // --- clients ------------------------------------------------------------------------
  // bitcoind as `node` sees it. REQUIRES: node < world.node_count().
  std::unique_ptr<bridge::BitcoinRpc> client(NodeId node);

 private:
  class Client;

  struct Coin {
    TxOut output;
    std::uint64_t height = 0;
    bool coinbase = false;
  };
  struct BlockRecord {
    Block block;
    std::uint64_t height = 0;
    std::vector<Hash256> txids;
    std::vector<std::pair<OutPoint, Coin>> undo;  // coins spent, while on the best chain
  };
  struct MempoolTx {
    Transaction tx;
    Hash256 txid;
    std::int64_t fee_sat = 0;
    std::uint64_t vsize = 0;
  };
  struct TxLocation {
    Hash256 block;
    std::uint32_t index = 0;
  };

  // Checks `tx` against the best chain and the mempool; on success returns its mempool entry.
  Result<MempoolTx> validate(const Transaction& tx, const Hash256& id) const;
  void add_to_mempool(MempoolTx entry);
  void remove_from_mempool(const Hash256& txid);
  // The coin `outpoint` names in the best chain or in the mempool, if unspent there.
  std::optional<Coin> find_coin(const OutPoint& outpoint) const;
  // Confirmations of a best-chain coin (user coins count from height 0: tip height + 1).
  std::int64_t coin_confirmations(const Coin& coin) const;

  Hash256 mine_block();
  void connect(const Hash256& hash);
  void disconnect_tip();
  std::uint32_t next_block_time() const;
  void schedule_next_block();
  void drift_fee_rate();

  World& world_;
  SimBitcoinConfig config_;
  std::optional<Federation> federation_;
  Bytes federation_spk_;
  Xoshiro256ss rng_;
  Xoshiro256ss rpc_rng_;

  std::map<Hash256, BlockRecord> blocks_;  // every block ever mined
  std::vector<Hash256> best_;              // best_[height]
  std::map<OutPoint, Coin> utxos_;         // of the best chain, user coins included
  std::map<OutPoint, Hash256> chain_spends_;  // outpoint -> best-chain tx spending it
  std::map<Hash256, TxLocation> tx_index_;    // best-chain transactions

  std::map<std::uint64_t, MempoolTx> mempool_;         // by arrival sequence
  std::map<Hash256, std::uint64_t> mempool_index_;     // txid -> arrival sequence
  std::map<OutPoint, Hash256> mempool_spends_;         // outpoint -> mempool tx spending it
  std::uint64_t mempool_seq_ = 0;

  std::uint64_t user_coins_ = 0;
  std::int64_t fee_rate_sat_per_kvb_ = 0;
  Instant until_{};
  std::uint64_t block_event_ = 0;  // pending scheduled block, 0 if none
  std::map<NodeId, Instant> outage_until_;
  Instant outage_all_until_{};
  SimBitcoinStats stats_;
  // Cleared by the destructor: requests in flight (world events) check it.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace alys::sim
