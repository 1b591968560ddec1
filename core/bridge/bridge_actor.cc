#include "core/bridge/bridge_actor.h"

#include <fmt/format.h>

#include "core/bitcoin/serialize.h"
#include "core/runtime/log.h"

namespace alys::bridge {

namespace {

// The stored state: the watcher's encoding, then the peg operations', each length-prefixed.
Bytes encode_state(const PegInWatcher& watcher, const PegOperationBook& operations) {
  const Bytes w = watcher.encode();
  const Bytes o = operations.encode();
  ByteWriter out(w.size() + o.size() + 18);
  out.var_bytes(w);
  out.var_bytes(o);
  return out.take();
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
    if (Status s = in.expect_end("bridge state"); !s) return s;
    Result<PegInWatcher> w =
        PegInWatcher::decode(*w_bytes, config_.federation_script_pubkey, config_.start_height,
                             config_.required_confirmations);
    if (!w) return w.error();
    Result<PegOperationBook> o = PegOperationBook::decode(*o_bytes);
    if (!o) return o.error();
    watcher_ = std::move(*w);
    operations_ = std::move(*o);
  }
  loaded_ = true;
  for (const TrackedPegIn& t : watcher_.flagged()) flags_published_.insert(t.pegin.txid);
  for (const Hash256& txid : minted_before_load_) watcher_.mark_minted(txid);
  dirty_ = !minted_before_load_.empty();
  minted_before_load_.clear();
  ALYS_LOG(env().log(), kInfo, "bridge: scanning Bitcoin from height {} ({} peg-ins tracked)",
           watcher_.next_height(), watcher_.tracked());
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
  step_ = Step::kSaving;
  dirty_ = false;
  ask<bool>(
      storage_,
      [state = encode_state(watcher_, operations_)](actor::ReplyTo<bool> to) {
        return storage::SaveBridgeState{state, to};
      },
      config_.storage_timeout);
}

Status BridgeActor::on_saved(actor::Reply<bool>& r) {
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

void BridgeActor::wait(Duration d) {
  step_ = Step::kIdle;
  start_timer(d, BridgeTick{});
}

}  // namespace alys::bridge
