#include "runtime-sim/sim_bitcoin.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/bitcoin/merkle.h"
#include "core/bitcoin/pegin.h"
#include "core/bitcoin/pow.h"
#include "core/bitcoin/script.h"
#include "core/bitcoin/uint256.h"
#include "core/crypto/sha256.h"
#include "core/runtime/assert.h"
#include "core/runtime/random.h"
#include "runtime-sim/world.h"

namespace alys::sim {

namespace {

constexpr std::int64_t kMaxMoney = 21'000'000LL * 100'000'000LL;  // Bitcoin's MAX_MONEY
constexpr std::uint32_t kRegtestBits = 0x207fffff;
constexpr std::int32_t kBlockVersion = 0x20000000;  // BIP9 top bits, no signalling
constexpr std::size_t kMedianTimeSpan = 11;         // blocks in the median-time-past
constexpr std::uint32_t kMaxConfTarget = 1008;      // estimatesmartfee's upper bound

// Trace details of the events this model schedules (the kind is always kCustom).
constexpr std::uint64_t kBlockDetail = 0xB10C'0000'0000'0000ull;  // | height
constexpr std::uint64_t kRpcDetail = 0xB7C0'0000'0000'0000ull;    // | method << 32 | node

enum class Method : std::uint64_t {
  kGetBlockCount = 1,
  kGetBlockHash,
  kGetBlockHeader,
  kGetBlock,
  kGetRawTransaction,
  kSendRawTransaction,
  kEstimateSmartFee,
  kGetMempoolEntry,
  kGetTxOut,
  kListUnspent,
};

// Regtest's powLimit: 0x7fff...ff.
const Uint256& regtest_pow_limit() {
  static const Uint256 limit = Uint256::max() >> 1;
  return limit;
}

// The first 8 bytes, little-endian (the same on every host).
std::uint64_t hash_prefix(const Hash256& h) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | h.data()[i];
  return v;
}

void append_le64(Bytes& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::string short_hash(const Hash256& h) { return h.to_display_hex().substr(0, 16); }

bool is_op_return(const Bytes& script_pubkey) {
  return !script_pubkey.empty() && script_pubkey[0] == op::kReturn;
}

Bytes p2wpkh(std::uint8_t fill) {
  Bytes script{op::k0, 20};
  script.resize(22, fill);
  return script;
}

std::uint64_t vsize_of(const Transaction& tx) { return (transaction_weight(tx) + 3) / 4; }

Status reject(std::string reason) { return Status::invalid_argument(std::move(reason)); }

}  // namespace

// --- client ----------------------------------------------------------------------------

class SimBitcoin::Client final : public bridge::BitcoinRpc {
 public:
  Client(SimBitcoin& btc, NodeId node)
      : btc_(btc), node_(node), owner_(btc.world_.register_owner()) {}
  ~Client() override { btc_.world_.retire_owner(owner_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void get_block_count(bridge::RpcCallback<std::uint64_t> done) override {
    answer(Method::kGetBlockCount, std::move(done),
           [](SimBitcoin& b) -> Result<std::uint64_t> { return b.tip_height(); });
  }

  void get_block_hash(std::uint64_t height, bridge::RpcCallback<Hash256> done) override {
    answer(Method::kGetBlockHash, std::move(done),
           [height](SimBitcoin& b) { return b.get_block_hash(height); });
  }

  void get_block_header(const Hash256& hash,
                        bridge::RpcCallback<bridge::BlockHeaderInfo> done) override {
    answer(Method::kGetBlockHeader, std::move(done),
           [hash](SimBitcoin& b) { return b.get_block_header(hash); });
  }

  void get_block(const Hash256& hash, bridge::RpcCallback<Block> done) override {
    answer(Method::kGetBlock, std::move(done), [hash](SimBitcoin& b) { return b.get_block(hash); });
  }

  void get_raw_transaction(const Hash256& txid,
                           bridge::RpcCallback<bridge::RawTransactionInfo> done) override {
    answer(Method::kGetRawTransaction, std::move(done),
           [txid](SimBitcoin& b) { return b.get_raw_transaction(txid); });
  }

  void send_raw_transaction(const Transaction& tx, bridge::RpcCallback<Hash256> done) override {
    answer(Method::kSendRawTransaction, std::move(done),
           [tx](SimBitcoin& b) -> Result<Hash256> { return b.submit(tx); });
  }

  void estimate_smart_fee(std::uint32_t conf_target,
                          bridge::RpcCallback<bridge::FeeRate> done) override {
    answer(Method::kEstimateSmartFee, std::move(done),
           [conf_target](SimBitcoin& b) { return b.estimate_smart_fee(conf_target); });
  }

  void get_mempool_entry(const Hash256& txid,
                         bridge::RpcCallback<bridge::MempoolEntry> done) override {
    answer(Method::kGetMempoolEntry, std::move(done),
           [txid](SimBitcoin& b) { return b.get_mempool_entry(txid); });
  }

  void get_tx_out(const OutPoint& outpoint,
                  bridge::RpcCallback<std::optional<bridge::TxOutInfo>> done) override {
    answer(Method::kGetTxOut, std::move(done),
           [outpoint](SimBitcoin& b) -> Result<std::optional<bridge::TxOutInfo>> {
             return b.get_tx_out(outpoint);
           });
  }

  void list_unspent(const Bytes& script_pubkey, std::uint32_t min_conf,
                    bridge::RpcCallback<std::vector<bridge::UnspentOutput>> done) override {
    answer(Method::kListUnspent, std::move(done),
           [script_pubkey, min_conf](SimBitcoin& b) -> Result<std::vector<bridge::UnspentOutput>> {
             return b.list_unspent(script_pubkey, min_conf);
           });
  }

 private:
  // The request reaches bitcoind halfway through a seeded round trip, as a world event (so
  // it takes effect even if the caller crashes or drops the client meanwhile: a broadcast
  // may succeed unheard); compute(model) runs then. Its answer is an event of this node's
  // incarnation, owned by this client, at the end of the round trip. During an outage the
  // request is lost and the answer is kUnavailable after the timeout.
  template <typename T, typename F>
  void answer(Method method, bridge::RpcCallback<T> done, F compute) {
    ALYS_ASSERT(done != nullptr, "BitcoinRpc: null callback");
    ++btc_.stats_.rpc_calls;
    World& world = btc_.world_;
    const std::uint64_t detail =
        kRpcDetail | (static_cast<std::uint64_t>(method) << 32) | std::uint64_t{node_};
    if (btc_.in_outage(node_)) {
      world.schedule_for(
          node_, world.now() + btc_.config_.rpc_timeout, EventKind::kCustom, detail,
          [done = std::move(done)] { done(Status::unavailable("bitcoind: request timed out")); },
          owner_);
      return;
    }
    const SimBitcoinConfig& c = btc_.config_;
    const Duration round_trip = uniform_duration(
        btc_.rpc_rng_, c.rpc_latency_min, std::max(c.rpc_latency_min, c.rpc_latency_max));
    const Instant reply_at = world.now() + round_trip;
    world.schedule_at(
        world.now() + round_trip / 2, EventKind::kCustom, detail,
        [btc = &btc_, alive = btc_.alive_, node = node_, incarnation = world.incarnation(node_),
         owner = owner_, reply_at, detail, done = std::move(done),
         compute = std::move(compute)]() mutable {
          if (!*alive) return;  // the model is gone
          Result<T> result = compute(*btc);
          World& w = btc->world_;
          // The caller's incarnation is gone: nobody is left to hear the answer.
          if (!w.is_up(node) || w.incarnation(node) != incarnation) return;
          w.schedule_for(
              node, reply_at, EventKind::kCustom, detail,
              [done = std::move(done), result = std::move(result)] { done(result); }, owner);
        });
  }

  SimBitcoin& btc_;
  NodeId node_;
  OwnerToken owner_;
};

// --- construction and block production ---------------------------------------------------

SimBitcoin::SimBitcoin(World& world, SimBitcoinConfig config,
                       std::optional<Federation> federation)
    : world_(world),
      config_(config),
      federation_(std::move(federation)),
      rng_(world.stream("bitcoin")),
      rpc_rng_(world.stream("bitcoin-rpc")),
      fee_rate_sat_per_kvb_(config.fee_rate_sat_per_kvb) {
  ALYS_ASSERT(config_.max_block_txs > 0, "SimBitcoin: max_block_txs must be positive");
  ALYS_ASSERT(config_.block_subsidy_sat >= 0 && config_.block_subsidy_sat <= kMaxMoney,
              "SimBitcoin: bad block subsidy");
  if (federation_) federation_spk_ = federation_->script_pubkey();
  mine_block();  // genesis
}

SimBitcoin::~SimBitcoin() {
  *alive_ = false;
  stop();
}

Bytes SimBitcoin::user_script_pubkey() { return p2wpkh(0x55); }
Bytes SimBitcoin::miner_script_pubkey() { return p2wpkh(0x33); }

void SimBitcoin::start(Instant until) {
  stop();
  until_ = until;
  schedule_next_block();
}

void SimBitcoin::stop() {
  if (block_event_ != 0) world_.cancel(block_event_);
  block_event_ = 0;
}

void SimBitcoin::schedule_next_block() {
  const Instant at = world_.now() + exponential_duration(rng_, config_.block_interval_mean);
  if (at > until_) {
    block_event_ = 0;
    return;
  }
  block_event_ = world_.schedule_at(at, EventKind::kCustom, kBlockDetail | best_.size(), [this] {
    block_event_ = 0;
    mine_block();
    schedule_next_block();
  });
}

std::vector<Hash256> SimBitcoin::mine_now(std::size_t n) {
  std::vector<Hash256> hashes;
  hashes.reserve(n);
  for (std::size_t i = 0; i < n; ++i) hashes.push_back(mine_block());
  return hashes;
}

std::uint32_t SimBitcoin::next_block_time() const {
  const std::int64_t now_s = world_.config().clocks.epoch_unix_ms / 1000 +
                             to_ns(world_.now()) / 1'000'000'000;
  std::int64_t t = now_s;
  if (!best_.empty()) {
    // bitcoind's miner: at least median-time-past + 1, or the block is invalid.
    std::vector<std::uint32_t> times;
    const std::size_t first = best_.size() > kMedianTimeSpan ? best_.size() - kMedianTimeSpan : 0;
    for (std::size_t h = first; h < best_.size(); ++h) {
      times.push_back(blocks_.at(best_[h]).block.header.time);
    }
    std::sort(times.begin(), times.end());
    t = std::max<std::int64_t>(t, std::int64_t{times[times.size() / 2]} + 1);
  }
  ALYS_ASSERT(t >= 0 && t <= std::int64_t{UINT32_MAX}, "SimBitcoin: block time out of range");
  return static_cast<std::uint32_t>(t);
}

void SimBitcoin::drift_fee_rate() {
  const std::int64_t step = config_.fee_rate_step_sat_per_kvb;
  if (step <= 0) return;
  fee_rate_sat_per_kvb_ += uniform_between(rng_, -step, step);
  fee_rate_sat_per_kvb_ = std::clamp(fee_rate_sat_per_kvb_, config_.fee_rate_min_sat_per_kvb,
                                     std::max(config_.fee_rate_min_sat_per_kvb,
                                              config_.fee_rate_max_sat_per_kvb));
}

Hash256 SimBitcoin::mine_block() {
  const std::uint64_t height = best_.size();
  Block block;

  // Coinbase: BIP34 height, then a seeded extranonce so that blocks of competing branches
  // (and of different seeds) differ even when they carry the same transactions.
  Transaction coinbase;
  TxIn cb_in;
  cb_in.prevout = OutPoint{Hash256{}, 0xffffffff};
  script_push_int(cb_in.script_sig, static_cast<std::int64_t>(height));
  Bytes extranonce;
  append_le64(extranonce, rng_.next());
  script_push_data(cb_in.script_sig, extranonce);
  cb_in.witness.push_back(Bytes(32, 0));  // BIP141 witness reserved value
  coinbase.inputs.push_back(std::move(cb_in));
  coinbase.outputs.push_back(TxOut{config_.block_subsidy_sat, miner_script_pubkey()});
  block.transactions.push_back(std::move(coinbase));

  std::int64_t fees = 0;
  std::vector<Hash256> taken;
  for (auto it = mempool_.begin(); it != mempool_.end() && taken.size() < config_.max_block_txs;
       ++it) {
    block.transactions.push_back(it->second.tx);
    fees += it->second.fee_sat;
    taken.push_back(it->second.txid);
  }
  for (const Hash256& id : taken) remove_from_mempool(id);
  block.transactions[0].outputs[0].value += fees;

  // BIP141 commitment: SHA256d(witness root || reserved value), in an OP_RETURN output.
  const Hash256 witness_root = block_witness_merkle_root(block).root;
  const Hash256 commitment = sha256d(concat(witness_root.view(), Hash256{}.view()));
  Bytes commit_script{op::kReturn, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  append(commit_script, commitment.view());
  block.transactions[0].outputs.push_back(TxOut{0, std::move(commit_script)});

  BlockHeader& h = block.header;
  h.version = kBlockVersion;
  h.prev_block = best_.empty() ? Hash256{} : best_.back();
  const MerkleRoot root = block_merkle_root(block);
  ALYS_ASSERT(!root.mutated, "SimBitcoin: mutated merkle tree (duplicate txids)");
  h.merkle_root = root.root;
  h.time = next_block_time();
  h.bits = kRegtestBits;
  h.nonce = 0;
  while (!check_proof_of_work(block_hash(h), h.bits, regtest_pow_limit()).is_ok()) {
    ALYS_ASSERT(h.nonce != UINT32_MAX, "SimBitcoin: nonce space exhausted");
    ++h.nonce;
  }
  const Hash256 hash = block_hash(h);

  BlockRecord record;
  record.height = height;
  record.txids.reserve(block.transactions.size());
  for (const Transaction& tx : block.transactions) record.txids.push_back(txid(tx));
  record.block = std::move(block);
  const std::size_t tx_count = record.txids.size();
  const bool inserted = blocks_.emplace(hash, std::move(record)).second;
  ALYS_ASSERT(inserted, "SimBitcoin: block hash collision");
  connect(hash);

  ++stats_.blocks_mined;
  world_.fold_trace(to_ns(world_.now()), static_cast<std::uint64_t>(EventKind::kCustom),
                    kBlockDetail | height, hash_prefix(hash));
  world_.log_world(fmt::format("bitcoin: block {} {} ({} txs, fees {} sat)", height,
                               short_hash(hash), tx_count, fees));
  drift_fee_rate();
  return hash;
}

void SimBitcoin::connect(const Hash256& hash) {
  BlockRecord& r = blocks_.at(hash);
  ALYS_ASSERT(r.height == best_.size(), "SimBitcoin::connect: not on top of the tip");
  ALYS_ASSERT(r.undo.empty(), "SimBitcoin::connect: block already connected");
  for (std::size_t t = 0; t < r.block.transactions.size(); ++t) {
    const Transaction& tx = r.block.transactions[t];
    const Hash256& id = r.txids[t];
    const bool coinbase = t == 0;
    if (!coinbase) {
      for (const TxIn& in : tx.inputs) {
        auto it = utxos_.find(in.prevout);
        ALYS_ASSERT(it != utxos_.end(), "SimBitcoin::connect: input missing (mempool invariant)");
        r.undo.emplace_back(it->first, it->second);
        utxos_.erase(it);
        chain_spends_.emplace(in.prevout, id);
      }
    }
    for (std::size_t v = 0; v < tx.outputs.size(); ++v) {
      if (is_op_return(tx.outputs[v].script_pubkey)) continue;  // provably unspendable
      const bool fresh = utxos_
                             .emplace(OutPoint{id, static_cast<std::uint32_t>(v)},
                                      Coin{tx.outputs[v], r.height, coinbase})
                             .second;
      ALYS_ASSERT(fresh, "SimBitcoin::connect: duplicate output (BIP30)");
    }
    tx_index_[id] = TxLocation{hash, static_cast<std::uint32_t>(t)};
  }
  best_.push_back(hash);
}

void SimBitcoin::disconnect_tip() {
  ALYS_ASSERT(best_.size() > 1, "SimBitcoin: cannot disconnect genesis");
  BlockRecord& r = blocks_.at(best_.back());
  // Reverse order, so an output spent later in the same block is restored and then removed.
  for (std::size_t t = r.block.transactions.size(); t-- > 0;) {
    const Transaction& tx = r.block.transactions[t];
    const Hash256& id = r.txids[t];
    for (std::size_t v = 0; v < tx.outputs.size(); ++v) {
      utxos_.erase(OutPoint{id, static_cast<std::uint32_t>(v)});
    }
    tx_index_.erase(id);
    if (t == 0) continue;
    for (std::size_t i = tx.inputs.size(); i-- > 0;) {
      ALYS_ASSERT(!r.undo.empty() && r.undo.back().first == tx.inputs[i].prevout,
                  "SimBitcoin::disconnect: undo data out of step");
      chain_spends_.erase(r.undo.back().first);
      utxos_.emplace(r.undo.back().first, r.undo.back().second);
      r.undo.pop_back();
    }
  }
  ALYS_ASSERT(r.undo.empty(), "SimBitcoin::disconnect: undo data left over");
  best_.pop_back();
}

// --- transactions ------------------------------------------------------------------------

std::int64_t SimBitcoin::coin_confirmations(const Coin& coin) const {
  ALYS_ASSERT(coin.height <= tip_height(), "SimBitcoin: coin above the tip");
  return static_cast<std::int64_t>(tip_height() - coin.height + 1);
}

std::optional<SimBitcoin::Coin> SimBitcoin::find_coin(const OutPoint& outpoint) const {
  if (auto it = utxos_.find(outpoint); it != utxos_.end()) return it->second;
  auto m = mempool_index_.find(outpoint.txid);
  if (m == mempool_index_.end()) return std::nullopt;
  const Transaction& parent = mempool_.at(m->second).tx;
  if (outpoint.vout >= parent.outputs.size()) return std::nullopt;
  const TxOut& out = parent.outputs[outpoint.vout];
  if (is_op_return(out.script_pubkey)) return std::nullopt;
  return Coin{out, best_.size(), false};  // unconfirmed: as if in the next block
}

Result<SimBitcoin::MempoolTx> SimBitcoin::validate(const Transaction& tx,
                                                   const Hash256& id) const {
  if (tx.inputs.empty()) return reject("bad-txns-vin-empty");
  if (tx.outputs.empty()) return reject("bad-txns-vout-empty");
  if (tx.is_coinbase()) return reject("coinbase");
  std::int64_t out_sum = 0;
  for (const TxOut& out : tx.outputs) {
    if (out.value < 0) return reject("bad-txns-vout-negative");
    if (out.value > kMaxMoney) return reject("bad-txns-vout-toolarge");
    out_sum += out.value;
    if (out_sum > kMaxMoney) return reject("bad-txns-txouttotal-toolarge");
  }
  std::set<OutPoint> seen;
  std::vector<TxOut> spent;
  spent.reserve(tx.inputs.size());
  std::int64_t in_sum = 0;
  for (const TxIn& in : tx.inputs) {
    if (in.prevout.is_null()) return reject("bad-txns-prevout-null");
    if (!seen.insert(in.prevout).second) return reject("bad-txns-inputs-duplicate");
    const std::optional<Coin> coin = find_coin(in.prevout);
    if (!coin) return reject("bad-txns-inputs-missingorspent");
    if (mempool_spends_.count(in.prevout) != 0) return reject("txn-mempool-conflict");
    if (coin->coinbase && best_.size() - coin->height < config_.coinbase_maturity) {
      return reject("bad-txns-premature-spend-of-coinbase");
    }
    in_sum += coin->output.value;
    spent.push_back(coin->output);
  }
  if (in_sum < out_sum) return reject("bad-txns-in-belowout");
  MempoolTx entry{tx, id, in_sum - out_sum, vsize_of(tx)};
  const std::int64_t min_fee =
      bridge::FeeRate{config_.min_relay_fee_sat_per_kvb}.fee_for(entry.vsize);
  if (entry.fee_sat < min_fee) {
    return reject(fmt::format("min relay fee not met, {} < {}", entry.fee_sat, min_fee));
  }
  if (federation_) {
    for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
      if (!equal_bytes(spent[i].script_pubkey, federation_spk_)) continue;  // user coin
      Status s = federation_->check_input(tx, i, spent);
      if (!s.is_ok()) {
        return reject(fmt::format("mandatory-script-verify-flag-failed ({})", s.message()));
      }
    }
  }
  return entry;
}

void SimBitcoin::add_to_mempool(MempoolTx entry) {
  const std::uint64_t seq = ++mempool_seq_;
  for (const TxIn& in : entry.tx.inputs) mempool_spends_.emplace(in.prevout, entry.txid);
  mempool_index_.emplace(entry.txid, seq);
  mempool_.emplace(seq, std::move(entry));
}

void SimBitcoin::remove_from_mempool(const Hash256& id) {
  auto m = mempool_index_.find(id);
  ALYS_ASSERT(m != mempool_index_.end(), "SimBitcoin: removing a tx not in the mempool");
  auto e = mempool_.find(m->second);
  for (const TxIn& in : e->second.tx.inputs) mempool_spends_.erase(in.prevout);
  mempool_.erase(e);
  mempool_index_.erase(m);
}

Result<Hash256> SimBitcoin::submit(const Transaction& tx) {
  const Hash256 id = txid(tx);
  if (tx_index_.count(id) != 0) {
    ++stats_.txs_rejected;
    return Status::failed_precondition("Transaction already in block chain");
  }
  if (in_mempool(id)) return id;
  Result<MempoolTx> entry = validate(tx, id);
  if (!entry) {
    ++stats_.txs_rejected;
    return entry.error();
  }
  add_to_mempool(std::move(entry).value());
  ++stats_.txs_accepted;
  return id;
}

OutPoint SimBitcoin::credit_user_coin(std::int64_t amount_sat) {
  ALYS_ASSERT(amount_sat > 0 && amount_sat <= kMaxMoney, "credit_user_coin: bad amount");
  // A txid no transaction has: SHA256d over a tag and a counter.
  Bytes preimage = to_bytes("alys-sim/user-coin/");
  append_le64(preimage, user_coins_++);
  const OutPoint outpoint{sha256d(preimage), 0};
  const bool fresh =
      utxos_.emplace(outpoint, Coin{TxOut{amount_sat, user_script_pubkey()}, 0, false}).second;
  ALYS_ASSERT(fresh, "credit_user_coin: outpoint collision");
  return outpoint;
}

Bytes SimBitcoin::deposit_op_return(const EvmAddress& address) {
  Bytes raw = pegin_op_return_script(address);
  auto parsed = evm_address_from_op_return(raw);
  if (parsed && *parsed == address) return raw;
  Bytes text{op::kReturn};
  script_push_data(text, as_bytes(evm_address_hex(address)));
  return text;
}

Result<Hash256> SimBitcoin::deposit(const EvmAddress& address, std::int64_t amount_sat,
                                    std::int64_t fee_sat) {
  if (!federation_) return Status::failed_precondition("deposit: no federation");
  if (amount_sat <= 0 || amount_sat > kMaxMoney || fee_sat < 0 || fee_sat > kMaxMoney ||
      amount_sat + fee_sat > kMaxMoney) {
    return Status::invalid_argument("deposit: amount or fee out of range");
  }
  return deposit_from(credit_user_coin(amount_sat + fee_sat), address, amount_sat, fee_sat);
}

Result<Hash256> SimBitcoin::deposit_from(const OutPoint& coin, const EvmAddress& address,
                                         std::int64_t amount_sat, std::int64_t fee_sat) {
  if (!federation_) return Status::failed_precondition("deposit: no federation");
  if (amount_sat <= 0 || amount_sat > kMaxMoney || fee_sat < 0 || fee_sat > kMaxMoney) {
    return Status::invalid_argument("deposit: amount or fee out of range");
  }
  const std::optional<Coin> c = find_coin(coin);
  const Bytes user = user_script_pubkey();
  if (!c || !equal_bytes(c->output.script_pubkey, user)) {
    return Status::invalid_argument("deposit: not an unspent user coin");
  }
  const std::int64_t change = c->output.value - amount_sat - fee_sat;
  if (change < 0) return Status::invalid_argument("deposit: coin too small for amount + fee");
  Transaction tx;
  tx.version = 2;
  TxIn in;
  in.prevout = coin;
  in.sequence = 0xfffffffd;
  tx.inputs.push_back(std::move(in));
  tx.outputs.push_back(TxOut{amount_sat, federation_spk_});
  tx.outputs.push_back(TxOut{0, deposit_op_return(address)});
  if (change > 0) tx.outputs.push_back(TxOut{change, user});
  return submit(tx);
}

// --- faults ------------------------------------------------------------------------------

Status SimBitcoin::reorg(std::size_t depth, const std::vector<Hash256>& evict_txids) {
  if (depth == 0 || depth > tip_height()) {
    return Status::invalid_argument(
        fmt::format("bitcoin reorg: depth {} not in [1, tip height {}]", depth, tip_height()));
  }
  const std::set<Hash256> evict(evict_txids.begin(), evict_txids.end());
  const Hash256 old_tip = tip_hash();
  const std::uint64_t old_height = tip_height();

  // Candidates for the mempool: the abandoned blocks' transactions in block order (parents
  // before children), then the old mempool in arrival order (it may spend them).
  std::vector<Transaction> candidates;
  for (std::uint64_t h = old_height - depth + 1; h <= old_height; ++h) {
    const Block& b = blocks_.at(best_[h]).block;
    candidates.insert(candidates.end(), b.transactions.begin() + 1, b.transactions.end());
  }
  for (auto& [seq, entry] : mempool_) candidates.push_back(std::move(entry.tx));
  mempool_.clear();
  mempool_index_.clear();
  mempool_spends_.clear();
  for (std::size_t i = 0; i < depth; ++i) disconnect_tip();

  std::size_t evicted = 0, dropped = 0;
  for (const Transaction& tx : candidates) {
    const Hash256 id = txid(tx);
    if (evict.count(id) != 0) {
      ++evicted;
      continue;
    }
    Result<MempoolTx> entry = validate(tx, id);
    if (!entry) {
      ++dropped;
      continue;
    }
    add_to_mempool(std::move(entry).value());
  }
  mine_now(depth + 1);

  ++stats_.reorgs;
  world_.fold_trace(to_ns(world_.now()), static_cast<std::uint64_t>(EventKind::kFault),
                    kBlockDetail | depth, hash_prefix(tip_hash()));
  world_.log_world(fmt::format(
      "bitcoin: reorg depth {}: tip {} {} -> {} {}, {} txs evicted, {} dropped as invalid",
      depth, old_height, short_hash(old_tip), tip_height(), short_hash(tip_hash()), evicted,
      dropped));
  return Status::ok();
}

void SimBitcoin::set_outage(NodeId node, Instant until) {
  outage_until_[node] = until;
  world_.fold_trace(to_ns(world_.now()), static_cast<std::uint64_t>(EventKind::kFault), node,
                    kRpcDetail | static_cast<std::uint64_t>(to_ns(until)));
  world_.log_world(fmt::format("bitcoin: n{}'s bitcoind unreachable until {}", node,
                               format_duration(until - kTimeZero)));
}

void SimBitcoin::set_outage_all(Instant until) {
  outage_all_until_ = until;
  world_.fold_trace(to_ns(world_.now()), static_cast<std::uint64_t>(EventKind::kFault), kNoNode,
                    kRpcDetail | static_cast<std::uint64_t>(to_ns(until)));
  world_.log_world(fmt::format("bitcoin: every bitcoind unreachable until {}",
                               format_duration(until - kTimeZero)));
}

bool SimBitcoin::in_outage(NodeId node) const {
  const Instant now = world_.now();
  if (now < outage_all_until_) return true;
  auto it = outage_until_.find(node);
  return it != outage_until_.end() && now < it->second;
}

// --- queries -----------------------------------------------------------------------------

const Block* SimBitcoin::block_at(std::uint64_t height) const {
  if (height >= best_.size()) return nullptr;
  return &blocks_.at(best_[height]).block;
}

const Block* SimBitcoin::block_by_hash(const Hash256& hash) const {
  auto it = blocks_.find(hash);
  return it == blocks_.end() ? nullptr : &it->second.block;
}

std::optional<std::uint64_t> SimBitcoin::block_height(const Hash256& hash) const {
  auto it = blocks_.find(hash);
  if (it == blocks_.end()) return std::nullopt;
  return it->second.height;
}

bool SimBitcoin::on_best_chain(const Hash256& hash) const {
  auto it = blocks_.find(hash);
  return it != blocks_.end() && it->second.height < best_.size() &&
         best_[it->second.height] == hash;
}

std::optional<std::uint64_t> SimBitcoin::confirmations(const Hash256& id) const {
  if (in_mempool(id)) return 0;
  auto loc = tx_index_.find(id);
  if (loc == tx_index_.end()) return std::nullopt;
  return tip_height() - blocks_.at(loc->second.block).height + 1;
}

const Transaction* SimBitcoin::transaction(const Hash256& id) const {
  if (auto m = mempool_index_.find(id); m != mempool_index_.end()) {
    return &mempool_.at(m->second).tx;
  }
  auto loc = tx_index_.find(id);
  if (loc == tx_index_.end()) return nullptr;
  return &blocks_.at(loc->second.block).block.transactions[loc->second.index];
}

std::vector<Hash256> SimBitcoin::mempool_txids() const {
  std::vector<Hash256> out;
  out.reserve(mempool_.size());
  for (const auto& [seq, entry] : mempool_) out.push_back(entry.txid);
  return out;
}

std::vector<Utxo> SimBitcoin::utxos_paying(ByteView script_pubkey) const {
  std::vector<Utxo> out;
  for (const auto& [outpoint, coin] : utxos_) {
    if (equal_bytes(coin.output.script_pubkey, script_pubkey)) {
      out.push_back(Utxo{outpoint, coin.output, coin.height});
    }
  }
  return out;
}

std::int64_t SimBitcoin::balance(ByteView script_pubkey) const {
  std::int64_t sum = 0;
  for (const auto& [outpoint, coin] : utxos_) {
    if (equal_bytes(coin.output.script_pubkey, script_pubkey)) sum += coin.output.value;
  }
  return sum;
}

std::optional<Spender> SimBitcoin::spender(const OutPoint& outpoint) const {
  if (auto it = chain_spends_.find(outpoint); it != chain_spends_.end()) {
    return Spender{it->second, true};
  }
  if (auto it = mempool_spends_.find(outpoint); it != mempool_spends_.end()) {
    return Spender{it->second, false};
  }
  return std::nullopt;
}

// --- bitcoind's answers --------------------------------------------------------------------

Result<Hash256> SimBitcoin::get_block_hash(std::uint64_t height) const {
  if (height > tip_height()) return Status::not_found("Block height out of range");
  return best_[height];
}

Result<bridge::BlockHeaderInfo> SimBitcoin::get_block_header(const Hash256& hash) const {
  auto it = blocks_.find(hash);
  if (it == blocks_.end()) return Status::not_found("Block not found");
  const BlockRecord& r = it->second;
  bridge::BlockHeaderInfo info;
  info.header = r.block.header;
  info.hash = hash;
  info.height = r.height;
  info.confirmations =
      on_best_chain(hash) ? static_cast<std::int64_t>(tip_height() - r.height + 1) : -1;
  return info;
}

Result<Block> SimBitcoin::get_block(const Hash256& hash) const {
  const Block* block = block_by_hash(hash);
  if (block == nullptr) return Status::not_found("Block not found");
  return *block;
}

Result<bridge::RawTransactionInfo> SimBitcoin::get_raw_transaction(const Hash256& id) const {
  bridge::RawTransactionInfo info;
  if (auto m = mempool_index_.find(id); m != mempool_index_.end()) {
    info.tx = mempool_.at(m->second).tx;
    return info;
  }
  auto loc = tx_index_.find(id);
  if (loc == tx_index_.end()) return Status::not_found("No such mempool or blockchain transaction");
  const BlockRecord& r = blocks_.at(loc->second.block);
  info.tx = r.block.transactions[loc->second.index];
  info.block_hash = loc->second.block;
  info.confirmations = static_cast<std::int64_t>(tip_height() - r.height + 1);
  return info;
}

Result<bridge::FeeRate> SimBitcoin::estimate_smart_fee(std::uint32_t conf_target) const {
  if (conf_target < 1 || conf_target > kMaxConfTarget) {
    return Status::invalid_argument("Invalid conf_target, must be between 1 and 1008");
  }
  return fee_rate();
}

Result<bridge::MempoolEntry> SimBitcoin::get_mempool_entry(const Hash256& id) const {
  auto m = mempool_index_.find(id);
  if (m == mempool_index_.end()) return Status::not_found("Transaction not in mempool");
  const MempoolTx& e = mempool_.at(m->second);
  return bridge::MempoolEntry{e.vsize, e.fee_sat};
}

std::optional<bridge::TxOutInfo> SimBitcoin::get_tx_out(const OutPoint& outpoint) const {
  // include_mempool=false: the best chain's UTXO set, mempool spends ignored.
  auto it = utxos_.find(outpoint);
  if (it == utxos_.end()) return std::nullopt;
  return bridge::TxOutInfo{it->second.output, coin_confirmations(it->second), tip_hash()};
}

std::vector<bridge::UnspentOutput> SimBitcoin::list_unspent(ByteView script_pubkey,
                                                            std::uint32_t min_conf) const {
  const std::int64_t need = std::max<std::int64_t>(min_conf, 1);
  std::vector<bridge::UnspentOutput> out;
  // utxos_paying walks an ordered map: outpoint order.
  for (const Utxo& u : utxos_paying(script_pubkey)) {
    const Coin& coin = utxos_.at(u.outpoint);
    const std::int64_t conf = coin_confirmations(coin);
    if (conf < need) continue;
    // The wallet's view: a coin its mempool transaction spends is spent, and an immature
    // coinbase output is not listed (not spendable yet).
    if (mempool_spends_.count(u.outpoint) != 0) continue;
    if (coin.coinbase && conf < std::int64_t{config_.coinbase_maturity}) continue;
    out.push_back(bridge::UnspentOutput{u.outpoint, u.output.value, conf});
  }
  return out;
}

std::unique_ptr<bridge::BitcoinRpc> SimBitcoin::client(NodeId node) {
  ALYS_ASSERT(node < world_.node_count(), "SimBitcoin::client: unknown node");
  return std::make_unique<Client>(*this, node);
}

}  // namespace alys::sim
