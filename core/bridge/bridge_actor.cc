#include "core/bridge/bridge_actor.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/bitcoin/serialize.h"
#include "core/bitcoin/transaction.h"
#include "core/chain/limits.h"
#include "core/runtime/env.h"
#include "core/runtime/log.h"

namespace alys::bridge {

namespace {

constexpr std::uint8_t kPaymentsVersion = 1;
// Smallest encoded payment: the transaction's length prefix, the smallest transaction
// (version, one input count, one output count, lock time) and a request count.
constexpr std::size_t kMinPaymentBytes = 1 + 10 + 1;

std::string short_id(const Hash256& h) { return h.to_display_hex().substr(0, 16); }

// The tracked payments, oldest first: a version byte, a count, then per payment the
// transaction (BIP-144 form, length-prefixed) and the request ids it pays.
Bytes encode_payments(const std::vector<TrackedPayment>& payments) {
  ByteWriter w(8 + payments.size() * 512);
  w.u8(kPaymentsVersion);
  w.compact_size(payments.size());
  for (const TrackedPayment& p : payments) {
    w.var_bytes(serialize_transaction(p.tx));
    w.compact_size(p.requests.size());
    for (const Hash256& id : p.requests) w.hash(id);
  }
  return w.take();
}

// Why a payment cannot be tracked (its encoding would not decode), or ok.
Status check_payment(const Transaction& tx, std::size_t serialized_size,
                     const std::vector<Hash256>& requests) {
  if (tx.inputs.empty()) return Status::invalid_argument("no inputs");
  if (serialized_size > limits::kMaxBitcoinTxBytes) {
    return Status::invalid_argument(fmt::format("{} bytes, max {}", serialized_size,
                                                limits::kMaxBitcoinTxBytes));
  }
  if (requests.size() > tx.outputs.size()) {
    return Status::invalid_argument(fmt::format("{} requests for {} outputs", requests.size(),
                                                tx.outputs.size()));
  }
  return Status::ok();
}

Result<std::vector<TrackedPayment>> decode_payments(ByteView bytes) {
  auto fail = [](const Status& s) { return with_context("bridge state: payments", s); };
  ByteReader r(bytes);
  auto version = r.u8("version");
  if (!version) return fail(version.error());
  if (*version != kPaymentsVersion) {
    return fail(Status::invalid_argument(fmt::format("version: unsupported {}", *version)));
  }
  auto count = r.count("count", kMinPaymentBytes, kMaxTrackedPegOuts);
  if (!count) return fail(count.error());
  std::vector<TrackedPayment> out;
  out.reserve(*count);
  std::set<Hash256> seen;
  for (std::uint64_t i = 0; i < *count; ++i) {
    const auto ctx = [i](const Status& s) {
      return with_context(fmt::format("bridge state: payment {}", i), s);
    };
    auto raw = r.var_bytes("transaction", limits::kMaxBitcoinTxBytes);
    if (!raw) return ctx(raw.error());
    Result<Transaction> tx = parse_transaction(*raw);
    if (!tx) return ctx(tx.error());
    if (serialize_transaction(*tx) != *raw) {
      return ctx(Status::invalid_argument("transaction: not in canonical form"));
    }
    TrackedPayment p;
    p.tx = std::move(*tx);
    p.txid = txid(p.tx);
    auto n = r.count("request count", 32, p.tx.outputs.size());
    if (!n) return ctx(n.error());
    std::set<Hash256> ids;
    for (std::uint64_t k = 0; k < *n; ++k) {
      auto id = r.hash("request id");
      if (!id) return ctx(id.error());
      if (!ids.insert(*id).second) return ctx(Status::invalid_argument("request id: twice"));
      p.requests.push_back(*id);
    }
    if (Status s = check_payment(p.tx, raw->size(), p.requests); !s) return ctx(s);
    if (!seen.insert(p.txid).second) return ctx(Status::invalid_argument("txid: listed twice"));
    out.push_back(std::move(p));
  }
  if (Status s = r.expect_end("bridge state: payments"); !s) return s;
  return out;
}

// The stored state: the watcher's encoding, the peg operations' and the tracked payments',
// each length-prefixed. (A state saved before peg-outs existed ends after the operations;
// it loads with no payments.)
Bytes encode_state(const PegInWatcher& watcher, const PegOperationBook& operations,
                   const std::vector<TrackedPayment>& payments) {
  const Bytes w = watcher.encode();
  const Bytes o = operations.encode();
  const Bytes p = encode_payments(payments);
  ByteWriter out(w.size() + o.size() + p.size() + 27);
  out.var_bytes(w);
  out.var_bytes(o);
  out.var_bytes(p);
  return out.take();
}

// bitcoind's answers to sendrawtransaction that mean the transaction is already out there.
bool already_known(const Status& s) {
  if (s.code() == StatusCode::kFailedPrecondition) return true;  // -27: already in the chain
  return s.code() == StatusCode::kInvalidArgument &&
         (s.message().find("already in") != std::string::npos ||   // txn-already-in-mempool
          s.message().find("already-in") != std::string::npos ||
          s.message().find("already-known") != std::string::npos);  // txn-already-known
}

// An RPC error that says bitcoind cannot be reached now: it ends the round. Other errors
// about one payment are that payment's, and the round goes on to the next one (so one odd
// payment cannot starve the peg-in scan).
bool unreachable(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kTimeout ||
         s.code() == StatusCode::kIoError;
}

// The PegOperation state a peg-in's watcher state implies.
PegState operation_state(const TrackedPegIn& t, bool claimed) {
  switch (t.state) {
    case PegInState::kSeen:
    case PegInState::kOrphaned:
      return PegState::kWaitingConfirmations;
    case PegInState::kConfirmed:
      return claimed ? PegState::kExecuting : PegState::kReadyForExecution;
    case PegInState::kMinted:
      return PegState::kCompleted;
    case PegInState::kFlagged:
      return PegState::kFailed;
  }
  return PegState::kWaitingConfirmations;
}

std::string_view operation_note(const TrackedPegIn& t, bool claimed) {
  switch (t.state) {
    case PegInState::kSeen:
      return "deposit in a Bitcoin block";
    case PegInState::kOrphaned:
      return "its Bitcoin block left the best chain; waiting to be mined again";
    case PegInState::kConfirmed:
      return claimed ? "claimed by a sidechain block" : "confirmed: mintable";
    case PegInState::kMinted:
      return "minted in a finalized block";
    case PegInState::kFlagged:
      return "minted, then its deposit left Bitcoin's best chain";
  }
  return "";
}

}  // namespace

Status validate(const BridgeConfig& c) {
  if (c.federation_script_pubkey.empty()) {
    return Status::invalid_argument("bridge: federation_script_pubkey: required");
  }
  if (c.required_confirmations == 0) {
    return Status::invalid_argument("bridge: required_confirmations: must be >= 1");
  }
  if (c.max_blocks_per_round == 0) {
    return Status::invalid_argument("bridge: max_blocks_per_round: must be >= 1");
  }
  if (c.max_tracked_pegouts == 0 || c.max_tracked_pegouts > kMaxTrackedPegOuts) {
    return Status::invalid_argument(
        fmt::format("bridge: max_tracked_pegouts: must be in [1, {}]", kMaxTrackedPegOuts));
  }
  if (c.poll_interval <= Duration::zero() || c.retry_interval <= Duration::zero() ||
      c.storage_timeout <= Duration::zero()) {
    return Status::invalid_argument(
        "bridge: poll_interval, retry_interval, storage_timeout: must be positive");
  }
  return Status::ok();
}

BridgeActor::BridgeActor(BridgeConfig config, BitcoinRpcFactory rpc_factory, BridgeRoutes routes,
                         actor::ActorRef<storage::StorageMsg> storage)
    : config_(std::move(config)),
      rpc_factory_(std::move(rpc_factory)),
      routes_(std::move(routes)),
      storage_(std::move(storage)),
      watcher_(config_.federation_script_pubkey, config_.start_height,
               std::max<std::uint32_t>(config_.required_confirmations, 1)) {}

BridgeActor::~BridgeActor() = default;

Status BridgeActor::pre_start() {
  if (Status s = validate(config_); !s) return s;
  rpc_ = rpc_factory_(env());
  if (!rpc_) return Status::failed_precondition("bridge: the Bitcoin RPC factory returned nothing");
  ask<std::optional<Bytes>>(
      storage_,
      [](actor::ReplyTo<std::optional<Bytes>> to) { return storage::LoadBridgeState{to}; },
      config_.storage_timeout);
  return Status::ok();
}

BridgeStatus BridgeActor::status() const {
  BridgeStatus s = counters_;
  s.loaded = loaded_;
  s.next_height = watcher_.next_height();
  s.bitcoin_blocks = bitcoin_blocks_;
  s.tracked = watcher_.tracked();
  s.mintable = watcher_.mintable().size();
  for (const TrackedPegIn& t : watcher_.flagged()) s.flagged_txids.push_back(t.pegin.txid);
  s.flagged = s.flagged_txids.size();
  s.pegins_by_state = operations_.count_by_state(PegKind::kPegIn);
  s.pegouts_by_state = operations_.count_by_state(PegKind::kPegOut);
  s.pegouts_tracked = payments_.size();
  return s;
}

Status BridgeActor::receive(BridgeMsg& message) {
  return std::visit(
      [&](auto& m) -> Status {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, actor::Reply<std::optional<Bytes>>>) {
          return on_loaded(m);
        } else if constexpr (std::is_same_v<T, actor::Reply<bool>>) {
          return on_saved(m);
        } else if constexpr (std::is_same_v<T, CountAnswer>) {
          return on_count(m);
        } else if constexpr (std::is_same_v<T, HashAnswer>) {
          return on_hash(m);
        } else if constexpr (std::is_same_v<T, BlockAnswer>) {
          return on_block(m);
        } else if constexpr (std::is_same_v<T, PegOutTxAnswer>) {
          return on_pegout_tx(m);
        } else if constexpr (std::is_same_v<T, PegOutSendAnswer>) {
          return on_pegout_sent(m);
        } else if constexpr (std::is_same_v<T, PegOutsFinalized>) {
          // Applied now; the new payments are saved, then broadcast, at the next round.
          if (!loaded_) {
            pegouts_before_load_.push_back(std::move(m));
          } else {
            apply_pegouts(m);
          }
          return Status::ok();
        } else if constexpr (std::is_same_v<T, BridgeTick>) {
          if (step_ == Step::kIdle && loaded_) start_round();
          return Status::ok();
        } else if constexpr (std::is_same_v<T, GetMintablePegIns>) {
          if (!loaded_) {
            reply(m.reply, Result<std::vector<TrackedPegIn>>(
                               Status::unavailable("bridge: state not loaded yet")));
          } else {
            reply(m.reply, Result<std::vector<TrackedPegIn>>(watcher_.mintable()));
          }
          return Status::ok();
        } else if constexpr (std::is_same_v<T, VerifyPegIns>) {
          return on_verify(m);
        } else if constexpr (std::is_same_v<T, PegInsMinted>) {
          if (!loaded_) {
            minted_before_load_.insert(minted_before_load_.end(), m.txids.begin(), m.txids.end());
            return Status::ok();
          }
          for (const Hash256& txid : m.txids) {
            watcher_.mark_minted(txid);
            claimed_.erase(txid);
          }
          sync_operations();
          dirty_ = true;  // saved at the end of the next round
          return Status::ok();
        } else if constexpr (std::is_same_v<T, GetBridgeStatus>) {
          reply(m.reply, Result<BridgeStatus>(status()));
          return Status::ok();
        } else if constexpr (std::is_same_v<T, GetPegOperation>) {
          const PegOperation* op = operations_.find(m.id);
          reply(m.reply, Result<std::optional<PegOperation>>(
                             op ? std::optional<PegOperation>(*op) : std::nullopt));
          return Status::ok();
        } else if constexpr (std::is_same_v<T, QueryPegOperation>) {
          const PegOperation* op = operations_.find(m.id);
          if (m.done) m.done(op ? std::optional<PegOperation>(*op) : std::nullopt);
          return Status::ok();
        } else if constexpr (std::is_same_v<T, QueryBridgeStatus>) {
          if (m.done) m.done(status());
          return Status::ok();
        } else {
          static_assert(std::is_same_v<T, BridgeCrashForTest>);
          return Status::failed_precondition("bridge: crash requested (test hook)");
        }
      },
      message);
}

Status BridgeActor::on_loaded(actor::Reply<std::optional<Bytes>>& r) {
  if (!r.result) return with_context("bridge: loading the state", r.result.error());
  if (r.result->has_value()) {
    ByteReader in(**r.result);
    auto w_bytes = in.var_bytes("bridge state: watcher");
    if (!w_bytes) return w_bytes.error();
    auto o_bytes = in.var_bytes("bridge state: peg operations");
    if (!o_bytes) return o_bytes.error();
    std::vector<TrackedPayment> payments;
    if (!in.empty()) {
      auto p_bytes = in.var_bytes("bridge state: payments");
      if (!p_bytes) return p_bytes.error();
      Result<std::vector<TrackedPayment>> p = decode_payments(*p_bytes);
      if (!p) return p.error();
      payments = std::move(*p);
    }
    if (Status s = in.expect_end("bridge state"); !s) return s;
    Result<PegInWatcher> w =
        PegInWatcher::decode(*w_bytes, config_.federation_script_pubkey, config_.start_height,
                             config_.required_confirmations);
    if (!w) return w.error();
    Result<PegOperationBook> o = PegOperationBook::decode(*o_bytes);
    if (!o) return o.error();
    // Planted bug (core/runtime/planted.h): double-mint-after-restart, the bridge's half.
    // The restarted bridge keeps its stored peg operations but not its Bitcoin view: it
    // scans again from start_height, and deposits it had seen minted are new to it. The
    // chain's re-told PegInsMinted (at its reload) arrive before the scan found them (a
    // no-op for unknown txids), so they are reported as mintable again; the ledger's
    // bounded dedupe (core/execution/ledger.cc) lets the chain mint them a second time.
    if (!planted(env(), PlantedBug::kDoubleMintAfterRestart)) watcher_ = std::move(*w);
    operations_ = std::move(*o);
    if (payments.size() > config_.max_tracked_pegouts) {
      ALYS_LOG(env().log(), kWarn,
               "bridge: {} peg-out payments stored, max_tracked_pegouts {}: keeping the oldest",
               payments.size(), config_.max_tracked_pegouts);
      payments.resize(config_.max_tracked_pegouts);
    }
    payments_ = std::move(payments);
  }
  loaded_ = true;
  for (const TrackedPegIn& t : watcher_.flagged()) flags_published_.insert(t.pegin.txid);
  for (const Hash256& txid : minted_before_load_) watcher_.mark_minted(txid);
  dirty_ = !minted_before_load_.empty();
  minted_before_load_.clear();
  for (const PegOutsFinalized& m : pegouts_before_load_) apply_pegouts(m);
  pegouts_before_load_.clear();
  ALYS_LOG(env().log(), kInfo,
           "bridge: scanning Bitcoin from height {} ({} peg-ins, {} peg-out payments tracked)",
           watcher_.next_height(), watcher_.tracked(), payments_.size());
  start_round();
  return Status::ok();
}

Status BridgeActor::on_verify(VerifyPegIns& m) {
  if (!loaded_) {
    reply(m.reply,
          Result<std::vector<PegInMint>>(Status::unavailable("bridge: state not loaded yet")));
    return Status::ok();
  }
  std::vector<PegInMint> mints;
  std::optional<Status> not_yet;
  for (const PegInRef& ref : m.refs) {
    Result<PegInMint> v = watcher_.verify(ref);
    if (v) {
      mints.push_back(*v);
      if (claimed_.insert(ref.txid).second) dirty_ = true;
    } else if (v.error().code() == StatusCode::kInvalidArgument) {
      reply(m.reply, Result<std::vector<PegInMint>>(v.error()));  // wrong beats not-yet
      return Status::ok();
    } else if (!not_yet) {
      not_yet = v.error();
    }
  }
  if (not_yet) {
    reply(m.reply, Result<std::vector<PegInMint>>(*not_yet));
  } else {
    reply(m.reply, Result<std::vector<PegInMint>>(std::move(mints)));
  }
  sync_operations();
  return Status::ok();
}

// --- rounds ------------------------------------------------------------------------------

void BridgeActor::start_round() {
  ++counters_.rounds;
  fetched_this_round_ = 0;
  pegout_cursor_ = 0;
  next_payment();
}

void BridgeActor::scan_bitcoin() {
  step_ = Step::kCount;
  const std::uint64_t id = next_request();
  rpc_->get_block_count([self = self(), id](Result<std::uint64_t> r) {
    (void)self.tell(CountAnswer{id, std::move(r)});
  });
}

Status BridgeActor::on_count(CountAnswer& a) {
  if (a.request != request_ || step_ != Step::kCount) return Status::ok();
  if (!a.count) {
    fail_round(a.count.error());
    return Status::ok();
  }
  bitcoin_blocks_ = *a.count;
  const std::optional<Hash256> tip = watcher_.tip_hash();
  if (!tip) {
    fetch_next();
    return Status::ok();
  }
  // Is the last block of the view still on Bitcoin's best chain?
  step_ = Step::kCheckTip;
  walk_height_ = watcher_.next_height() - 1;
  const std::uint64_t id = next_request();
  rpc_->get_block_hash(walk_height_, [self = self(), id](Result<Hash256> r) {
    (void)self.tell(HashAnswer{id, std::move(r)});
  });
  return Status::ok();
}

Status BridgeActor::on_hash(HashAnswer& a) {
  if (a.request != request_) return Status::ok();
  if (step_ == Step::kCheckTip || step_ == Step::kWalkBack) {
    // kNotFound: Bitcoin's chain is now shorter than the view; that height is gone too.
    if (!a.hash && a.hash.error().code() != StatusCode::kNotFound) {
      fail_round(a.hash.error());
      return Status::ok();
    }
    const bool same = a.hash && watcher_.hash_at(walk_height_) == *a.hash;
    if (same && step_ == Step::kCheckTip) {
      fetch_next();
      return Status::ok();
    }
    if (same || walk_height_ == watcher_.lowest_height()) {
      // The fork point (or, when even the oldest block of the view differs, all of it):
      // drop the view above it and scan forward from there.
      const std::uint64_t next = same ? walk_height_ + 1 : walk_height_;
      if (Status s = watcher_.truncate(next); !s) {
        fail_round(s);
        return Status::ok();
      }
      ++counters_.reorgs;
      dirty_ = true;
      ALYS_LOG(env().log(), kWarn, "bridge: Bitcoin reorganised; rescanning from height {}",
               next);
      fetch_next();
      return Status::ok();
    }
    step_ = Step::kWalkBack;
    --walk_height_;
    const std::uint64_t id = next_request();
    rpc_->get_block_hash(walk_height_, [self = self(), id](Result<Hash256> r) {
      (void)self.tell(HashAnswer{id, std::move(r)});
    });
    return Status::ok();
  }
  if (step_ != Step::kFetchHash) return Status::ok();
  if (!a.hash) {
    fail_round(a.hash.error());
    return Status::ok();
  }
  step_ = Step::kFetchBlock;
  const std::uint64_t id = next_request();
  rpc_->get_block(*a.hash, [self = self(), id](Result<Block> r) {
    (void)self.tell(BlockAnswer{id, std::move(r)});
  });
  return Status::ok();
}

Status BridgeActor::on_block(BlockAnswer& a) {
  if (a.request != request_ || step_ != Step::kFetchBlock) return Status::ok();
  if (!a.block) {
    fail_round(a.block.error());
    return Status::ok();
  }
  if (Status s = watcher_.add_block(*a.block); !s) {
    // Bitcoin moved between our requests (a reorg mid-round): the next round finds the
    // fork point. Not an error of anyone's.
    ALYS_LOG(env().log(), kInfo, "bridge: {}; rechecking", s.message());
    end_round();
    return Status::ok();
  }
  dirty_ = true;
  ++fetched_this_round_;
  fetch_next();
  return Status::ok();
}

void BridgeActor::fetch_next() {
  const std::uint64_t height = watcher_.next_height();
  if (height >= bitcoin_blocks_ + 1 || fetched_this_round_ >= config_.max_blocks_per_round) {
    end_round();
    return;
  }
  step_ = Step::kFetchHash;
  const std::uint64_t id = next_request();
  rpc_->get_block_hash(height, [self = self(), id](Result<Hash256> r) {
    (void)self.tell(HashAnswer{id, std::move(r)});
  });
}

void BridgeActor::end_round() {
  std::vector<PegIn> confirmed = watcher_.advance();
  if (!confirmed.empty()) dirty_ = true;
  sync_operations();
  std::vector<TrackedPegIn> flags;
  for (const TrackedPegIn& t : watcher_.flagged()) {
    if (flags_published_.count(t.pegin.txid) == 0) flags.push_back(t);
  }
  if (!dirty_) {
    step_ = Step::kIdle;
    wait(config_.poll_interval);
    return;
  }
  to_publish_ = std::move(confirmed);
  flags_to_publish_ = std::move(flags);
  save(Step::kSaving);
}

void BridgeActor::save(Step step) {
  step_ = step;
  dirty_ = false;
  payments_unsaved_ = false;
  ask<bool>(
      storage_,
      [state = encode_state(watcher_, operations_, payments_)](actor::ReplyTo<bool> to) {
        return storage::SaveBridgeState{state, to};
      },
      config_.storage_timeout);
}

Status BridgeActor::on_saved(actor::Reply<bool>& r) {
  if (step_ == Step::kSavingPayments) {
    if (!r.result) return with_context("bridge: saving the peg-out payments", r.result.error());
    next_payment();
    return Status::ok();
  }
  if (step_ != Step::kSaving) return Status::ok();
  if (!r.result) {
    // What was to be published is not durable: restart from the last durable state.
    return with_context("bridge: saving the state", r.result.error());
  }
  step_ = Step::kIdle;
  if (!to_publish_.empty()) {
    ALYS_LOG(env().log(), kInfo, "bridge: {} peg-in(s) confirmed", to_publish_.size());
    if (routes_.on_confirmed) routes_.on_confirmed(to_publish_);
  }
  if (!flags_to_publish_.empty()) {
    for (const TrackedPegIn& t : flags_to_publish_) {
      flags_published_.insert(t.pegin.txid);
      ALYS_LOG(env().log(), kError,
               "bridge: peg-in {} was minted but its Bitcoin block left the best chain",
               t.pegin.txid.to_display_hex());
    }
    if (routes_.on_flagged) routes_.on_flagged(flags_to_publish_);
  }
  to_publish_.clear();
  flags_to_publish_.clear();
  // More to fetch: go on at once; else wait for Bitcoin to move.
  const bool behind = watcher_.next_height() <= bitcoin_blocks_;
  wait(behind ? Duration::zero() : config_.poll_interval);
  return Status::ok();
}

void BridgeActor::fail_round(const Status& s) {
  ++counters_.rpc_errors;
  counters_.last_error = s.to_string();
  ALYS_LOG(env().log(), kDebug, "bridge: round ended: {}", s.to_string());
  step_ = Step::kIdle;
  // A partial round may have fetched blocks: keep them (the view only ever holds blocks
  // that built on each other) and save them with the next round's end.
  wait(config_.retry_interval);
}

void BridgeActor::sync_operations() {
  const std::int64_t now_ms = env().clock().unix_ms();
  for (const auto& [txid, t] : watcher_.all()) {
    const bool claimed = claimed_.count(txid) != 0;
    const PegState target = operation_state(t, claimed);
    const PegOperation* op = operations_.find(txid);
    if (op == nullptr) {
      PegOperation fresh;
      fresh.id = txid;
      fresh.kind = PegKind::kPegIn;
      fresh.amount_sat = t.pegin.amount_sat;
      fresh.evm_address = t.pegin.evm_address;
      if (Status s = operations_.open(fresh, now_ms); !s) {
        ALYS_LOG(env().log(), kWarn, "bridge: not tracking peg-in {}: {}",
                 txid.to_display_hex().substr(0, 16), s.message());
        continue;
      }
      op = operations_.find(txid);
      dirty_ = true;
    }
    if (op->state == target) continue;
    const auto path = transition_path(PegKind::kPegIn, op->state, target);
    if (!path) continue;  // e.g. minted here before: the operation is already further
    for (PegState step : *path) {
      (void)operations_.move(txid, step, now_ms, operation_note(t, claimed));
    }
    dirty_ = true;
  }
}

// --- peg-outs ----------------------------------------------------------------------------

void BridgeActor::open_pegout(const Hash256& id, const PegOutRequest* request) {
  if (operations_.find(id) != nullptr) return;
  PegOperation fresh;
  fresh.id = id;
  fresh.kind = PegKind::kPegOut;
  if (request != nullptr) {
    // Kept within what the book's encoding accepts (the ledger enforces both already).
    if (request->sats >= 0 && request->sats <= limits::kMaxMoneySat) {
      fresh.amount_sat = request->sats;
    }
    fresh.evm_address = request->sender;
    fresh.bitcoin_address =
        request->bitcoin_address.substr(0, limits::kMaxBitcoinAddressChars);
  }
  if (Status s = operations_.open(fresh, env().clock().unix_ms()); !s) {
    ALYS_LOG(env().log(), kWarn, "bridge: not tracking peg-out {}: {}", short_id(id),
             s.message());
    return;
  }
  dirty_ = true;
}

void BridgeActor::walk_pegout(const Hash256& id, PegState target, std::string_view note,
                              bool rebroadcast) {
  const PegOperation* op = operations_.find(id);
  if (op == nullptr || op->kind != PegKind::kPegOut) return;
  const std::int64_t now_ms = env().clock().unix_ms();
  if (rebroadcast && target == PegState::kExecuting &&
      (op->state == PegState::kExecuting || op->state == PegState::kWaitingConfirmations)) {
    // Sent before, and Bitcoin lost it (dropped from the mempool, or its block reorged out).
    (void)operations_.move(id, PegState::kExecuting, now_ms,
                           "rebroadcast: not in Bitcoin's mempool or best chain");
    dirty_ = true;
    return;
  }
  if (op->state == target) return;
  const auto path = transition_path(PegKind::kPegOut, op->state, target);
  if (!path) return;  // already further (a repeated item), or final
  for (PegState step : *path) (void)operations_.move(id, step, now_ms, note);
  dirty_ = true;
}

void BridgeActor::walk_payment(const TrackedPayment& p, PegState target, std::string_view note,
                               bool rebroadcast) {
  for (const Hash256& id : p.requests) {
    const PegOperation* op = operations_.find(id);
    if (op == nullptr || op->bitcoin_txid != p.txid) continue;  // paid by another payment
    walk_pegout(id, target, note, rebroadcast);
  }
}

void BridgeActor::apply_pegouts(const PegOutsFinalized& m) {
  // The payment of an operation is settable until its payment is signed.
  const auto attach = [&](const Hash256& id, const Hash256& payment) {
    const PegOperation* op = operations_.find(id);
    if (op == nullptr || op->kind != PegKind::kPegOut || op->bitcoin_txid == payment) return;
    const bool unsigned_yet = op->state == PegState::kInitiated ||
                              op->state == PegState::kGovernanceApproval ||
                              op->state == PegState::kFederationValidation;
    if (op->bitcoin_txid && !unsigned_yet) {
      ALYS_LOG(env().log(), kWarn, "bridge: peg-out {} is paid by {}, not by {}", short_id(id),
               short_id(*op->bitcoin_txid), short_id(payment));
      return;
    }
    if (operations_.set_payment(id, payment).is_ok()) dirty_ = true;
  };
  for (const PegOutRequest& r : m.requested) open_pegout(r.tx_hash, &r);
  for (const auto& [payment, ids] : m.proposed) {
    const std::string note = fmt::format("payment {} proposed", short_id(payment));
    for (const Hash256& id : ids) {
      open_pegout(id, nullptr);
      attach(id, payment);
      if (const PegOperation* op = operations_.find(id); op && op->bitcoin_txid == payment) {
        walk_pegout(id, PegState::kFederationValidation, note);
      }
    }
  }
  for (const auto& [tx, ids] : m.paid) {
    const Hash256 payment = txid(tx);
    const std::string note = fmt::format("payment {} signed", short_id(payment));
    std::vector<Hash256> requests;
    for (const Hash256& id : ids) {
      if (std::find(requests.begin(), requests.end(), id) != requests.end()) continue;
      requests.push_back(id);
      open_pegout(id, nullptr);
      attach(id, payment);
      if (const PegOperation* op = operations_.find(id); op && op->bitcoin_txid == payment) {
        walk_pegout(id, PegState::kReadyForExecution, note);
      }
    }
    // Follow it on Bitcoin, unless it is followed already or final already.
    const bool tracked = std::any_of(payments_.begin(), payments_.end(),
                                     [&](const TrackedPayment& p) { return p.txid == payment; });
    if (tracked) continue;
    const bool completed =
        !requests.empty() && std::all_of(requests.begin(), requests.end(), [&](const Hash256& id) {
          const PegOperation* op = operations_.find(id);
          return op != nullptr && op->state == PegState::kCompleted &&
                 op->bitcoin_txid == payment;
        });
    if (completed) continue;
    if (Status s = check_payment(tx, serialize_transaction(tx).size(), requests); !s) {
      ALYS_LOG(env().log(), kWarn, "bridge: not tracking peg-out payment {}: {}",
               short_id(payment), s.message());
      continue;
    }
    if (payments_.size() >= config_.max_tracked_pegouts) {
      ALYS_LOG(env().log(), kWarn,
               "bridge: {} peg-out payments tracked (max_tracked_pegouts): not tracking {}",
               payments_.size(), short_id(payment));
      continue;
    }
    payments_.push_back(TrackedPayment{tx, payment, std::move(requests)});
    payments_unsaved_ = true;
    dirty_ = true;
  }
}

void BridgeActor::next_payment() {
  // Payments the chain finalized since the last save are made durable before any RPC about
  // them: a crash cannot forget a payment this node may have put on Bitcoin.
  if (payments_unsaved_) {
    save(Step::kSavingPayments);
    return;
  }
  if (pegout_cursor_ >= payments_.size()) {
    scan_bitcoin();
    return;
  }
  step_ = Step::kPegOutQuery;
  const std::uint64_t id = next_request();
  rpc_->get_raw_transaction(payments_[pegout_cursor_].txid,
                            [self = self(), id](Result<RawTransactionInfo> r) {
                              (void)self.tell(PegOutTxAnswer{id, std::move(r)});
                            });
}

void BridgeActor::send_payment() {
  step_ = Step::kPegOutSend;
  ++counters_.pegout_broadcasts;
  const std::uint64_t id = next_request();
  rpc_->send_raw_transaction(payments_[pegout_cursor_].tx,
                             [self = self(), id](Result<Hash256> r) {
                               (void)self.tell(PegOutSendAnswer{id, std::move(r)});
                             });
}

Status BridgeActor::on_pegout_tx(PegOutTxAnswer& a) {
  if (a.request != request_ || step_ != Step::kPegOutQuery) return Status::ok();
  const TrackedPayment& p = payments_[pegout_cursor_];
  if (!a.info) {
    if (a.info.error().code() == StatusCode::kNotFound) {
      send_payment();  // never sent, dropped from the mempool, or reorged out
    } else if (unreachable(a.info.error())) {
      fail_round(a.info.error());
    } else {
      ++counters_.rpc_errors;
      counters_.last_error = a.info.error().to_string();
      ALYS_LOG(env().log(), kWarn, "bridge: getrawtransaction {}: {}", short_id(p.txid),
               a.info.error().to_string());
      ++pegout_cursor_;
      next_payment();
    }
    return Status::ok();
  }
  if (!a.info->block_hash) {
    walk_payment(p, PegState::kExecuting, "in Bitcoin's mempool");
    ++pegout_cursor_;
  } else if (a.info->confirmations >= config_.required_confirmations) {
    walk_payment(p, PegState::kCompleted,
                 fmt::format("{} confirmations on Bitcoin", a.info->confirmations));
    ALYS_LOG(env().log(), kInfo, "bridge: peg-out payment {} is final ({} confirmations)",
             short_id(p.txid), a.info->confirmations);
    payments_.erase(payments_.begin() + static_cast<std::ptrdiff_t>(pegout_cursor_));
    ++counters_.pegouts_completed;
    dirty_ = true;
  } else {
    walk_payment(p, PegState::kWaitingConfirmations,
                 fmt::format("in a Bitcoin block: {} confirmation(s)", a.info->confirmations));
    ++pegout_cursor_;
  }
  next_payment();
  return Status::ok();
}

Status BridgeActor::on_pegout_sent(PegOutSendAnswer& a) {
  if (a.request != request_ || step_ != Step::kPegOutSend) return Status::ok();
  const TrackedPayment& p = payments_[pegout_cursor_];
  if (a.txid) {
    walk_payment(p, PegState::kExecuting, "broadcast", /*rebroadcast=*/true);
    ALYS_LOG(env().log(), kInfo, "bridge: peg-out payment {} broadcast", short_id(p.txid));
  } else if (already_known(a.txid.error())) {
    // Someone else's copy got there first; the next round sees where it is.
  } else if (unreachable(a.txid.error())) {
    fail_round(a.txid.error());
    return Status::ok();
  } else {
    // Refused (e.g. an input is missing until an earlier payment is back): tried again
    // next round.
    counters_.last_error = a.txid.error().to_string();
    ALYS_LOG(env().log(), kWarn, "bridge: bitcoind refused peg-out payment {}: {}",
             short_id(p.txid), a.txid.error().to_string());
  }
  ++pegout_cursor_;
  next_payment();
  return Status::ok();
}

void BridgeActor::wait(Duration d) {
  step_ = Step::kIdle;
  start_timer(d, BridgeTick{});
}

}  // namespace alys::bridge
