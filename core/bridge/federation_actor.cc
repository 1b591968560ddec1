#include "core/bridge/federation_actor.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/runtime/env.h"

namespace alys::bridge {

namespace {
constexpr int kPenaltyInvalidPegoutSignature = 20;

// Bitcoin txids in logs as bitcoind shows them (display order), like the bridge.
std::string short_hex(const Hash256& h) { return h.to_display_hex().substr(0, 16); }

const SecretKey& required_key(const FederationConfig& config) {
  ALYS_ASSERT(config.key.has_value(), "FederationActor: no member key");
  return *config.key;
}
}  // namespace

FederationActor::FederationActor(FederationConfig config, Federation federation,
                                 BitcoinRpcFactory rpc_factory, FederationRoutes routes,
                                 actor::ActorRef<storage::StorageMsg> storage)
    : config_(std::move(config)),
      federation_(std::move(federation)),
      federation_script_(federation_.script_pubkey()),
      rpc_factory_(std::move(rpc_factory)),
      routes_(std::move(routes)),
      storage_(std::move(storage)),
      signer_(required_key(config_)) {
  ALYS_ASSERT(config_.member_index < federation_.members().size(),
              "FederationActor: member index outside the federation");
  ALYS_ASSERT(signer_.public_key() == federation_.members()[config_.member_index],
              "FederationActor: the key is not the member's");
}

FederationActor::~FederationActor() = default;

Status FederationActor::pre_start() {
  rpc_ = rpc_factory_(env());
  if (!rpc_) return Status::failed_precondition("federation: the Bitcoin RPC factory returned nothing");
  refresh_bitcoin();
  return Status::ok();
}

Status FederationActor::receive(FederationMsg& message) {
  return std::visit(
      [this](auto& m) -> Status {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, GetPegOutWork>) return on_work(m);
        else if constexpr (std::is_same_v<T, ProposalsFinalized>) return on_finalized(m);
        else if constexpr (std::is_same_v<T, PaymentsFinalized>) return on_paid(m);
        else if constexpr (std::is_same_v<T, InboundPegoutSignatures>) return on_signatures(m);
        else if constexpr (std::is_same_v<T, FederationCrashForTest>) {
          return Status::failed_precondition("federation: crash requested by test hook");
        } else if constexpr (std::is_same_v<T, CoinsAnswer>) {
          --refreshes_in_flight_;
          if (m.coins) coins_ = std::move(*m.coins);
          return Status::ok();
        } else if constexpr (std::is_same_v<T, FeeAnswer>) {
          --refreshes_in_flight_;
          if (m.rate) rate_ = *m.rate;
          return Status::ok();
        } else if constexpr (std::is_same_v<T, TxOutAnswer>) return on_tx_out(m);
        else if constexpr (std::is_same_v<T, KnownAnswer>) return on_known(m);
        else if constexpr (std::is_same_v<T, SigningRetry>) {
          retry_scheduled_ = false;
          for (auto& [txid, p] : payments_) {
            if (p.final_here && !p.refused && !p.signed_here && !p.done && p.round == 0) {
              start_check(txid);
            }
          }
          return Status::ok();
        } else {
          static_assert(std::is_same_v<T, actor::Reply<bool>>);
          return on_guard(m);
        }
      },
      message);
}

// --- proposals -------------------------------------------------------------------------

void FederationActor::refresh_bitcoin() {
  if (refreshes_in_flight_ > 0) return;
  refreshes_in_flight_ = 2;
  rpc_->list_unspent(federation_script_, config_.min_confirmations,
                     [self = self()](Result<std::vector<UnspentOutput>> r) {
                       (void)self.tell(CoinsAnswer{std::move(r)});
                     });
  rpc_->estimate_smart_fee(config_.fee_conf_target, [self = self()](Result<FeeRate> r) {
    (void)self.tell(FeeAnswer{std::move(r)});
  });
}

Status FederationActor::on_work(GetPegOutWork& m) {
  PegOutWork work;
  work.proposal = build_proposal(m);
  for (const Hash256& txid : m.awaiting) {
    auto it = payments_.find(txid);
    if (it != payments_.end() && it->second.finalized) {
      work.signed_payments.push_back(*it->second.finalized);
    }
  }
  reply(m.reply, Result<PegOutWork>(std::move(work)));
  refresh_bitcoin();
  return Status::ok();
}

std::optional<PegOutProposal> FederationActor::build_proposal(const GetPegOutWork& m) const {
  if (m.pending.empty() || !rate_ || coins_.empty()) return std::nullopt;
  FederationWallet wallet(federation_, config_.policy);
  for (const UnspentOutput& c : coins_) wallet.add_coin(WalletCoin{c.outpoint, c.value});
  // The oldest pending requests; one that cannot be paid (bad address, too small to bear
  // its fee share) is left out and the rest tried again.
  std::vector<PegOutPayment> payments;
  for (const PegOutRequest& r : m.pending) {
    if (payments.size() >= config_.max_payments_per_proposal) break;
    payments.push_back(PegOutPayment{r.tx_hash, r.bitcoin_address, r.sats});
  }
  while (!payments.empty()) {
    Result<PaymentProposal> built = wallet.propose(payments, *rate_, m.spent);
    if (built) {
      PegOutProposal out;
      out.tx = std::move(built->tx);
      for (const TxOut& o : built->spent_outputs) out.input_values.push_back(o.value);
      for (const PegOutPayment& p : payments) out.request_ids.push_back(p.request_id);
      return out;
    }
    // Not enough coins for all: fewer payments; a bad payment: without it.
    std::size_t drop = payments.size() - 1;
    for (std::size_t i = 0; i < payments.size(); ++i) {
      const std::string& why = built.error().message();
      if (why.find(fmt::format("payment {} (", i)) != std::string::npos ||
          why.find(fmt::format("payment {}:", i)) != std::string::npos) {
        drop = i;
        break;
      }
    }
    payments.erase(payments.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  return std::nullopt;
}

// --- signing ---------------------------------------------------------------------------

Status FederationActor::on_finalized(ProposalsFinalized& m) {
  const Instant now = env().clock().now();
  for (ProposedPegOut& proposed : m.proposals) {
    const Hash256 txid = alys::txid(proposed.proposal.tx);
    Payment& p = payments_[txid];
    if (!p.final_here) {
      p.proposed = std::move(proposed);
      p.final_here = true;
      if (auto b = buffered_.find(txid); b != buffered_.end()) {
        buffered_count_ -= b->second.size();
        std::vector<Buffered> waiting = std::move(b->second);
        buffered_.erase(b);
        std::erase(buffered_order_, txid);
        for (const Buffered& w : waiting) take_signatures(p, w);
      }
      start_check(txid);
      continue;
    }
    if (p.signed_here && !p.finalized &&
        (!p.last_gossip || now - *p.last_gossip >= config_.regossip_interval)) {
      gossip_own(txid, p);
    }
  }
  return Status::ok();
}

Status FederationActor::on_paid(const PaymentsFinalized& m) {
  constexpr std::size_t kRecentlyPaidMax = 1024;
  for (const Hash256& txid : m.txids) {
    payments_.erase(txid);
    if (auto b = buffered_.find(txid); b != buffered_.end()) {
      buffered_count_ -= b->second.size();
      buffered_.erase(b);
      std::erase(buffered_order_, txid);
    }
    if (recently_paid_.insert(txid).second) recently_paid_order_.push_back(txid);
    if (recently_paid_order_.size() > kRecentlyPaidMax) {
      recently_paid_.erase(recently_paid_order_.front());
      recently_paid_order_.pop_front();
    }
  }
  return Status::ok();
}

void FederationActor::start_check(const Hash256& txid) {
  Payment& p = payments_.at(txid);
  if (p.refused || p.signed_here || p.done || p.round != 0) return;
  p.round = next_round_++;
  const auto& inputs = p.proposed.proposal.tx.inputs;
  p.outs.assign(inputs.size(), std::nullopt);
  p.answers = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    rpc_->get_tx_out(inputs[i].prevout, [self = self(), txid, round = p.round,
                                         i](Result<std::optional<TxOutInfo>> r) {
      (void)self.tell(TxOutAnswer{txid, round, i, std::move(r)});
    });
  }
}

Status FederationActor::on_tx_out(TxOutAnswer& a) {
  auto it = payments_.find(a.payment);
  if (it == payments_.end() || it->second.round != a.round) return Status::ok();
  Payment& p = it->second;
  if (!a.out) {
    // bitcoind unreachable: try the whole check again later.
    p.round = 0;
    schedule_retry();
    return Status::ok();
  }
  p.outs[a.input] = std::move(*a.out);
  if (++p.answers == p.outs.size()) finish_check(a.payment);
  return Status::ok();
}

void FederationActor::finish_check(const Hash256& txid) {
  Payment& p = payments_.at(txid);
  const PegOutProposal& proposal = p.proposed.proposal;
  bool all_seen = true;
  for (std::size_t i = 0; i < p.outs.size(); ++i) {
    const std::optional<TxOutInfo>& out = p.outs[i];
    if (!out || out->confirmations < static_cast<std::int64_t>(config_.min_confirmations)) {
      all_seen = false;
      continue;
    }
    if (out->out.value != proposal.input_values[i] || out->out.script_pubkey != federation_script_) {
      ALYS_LOG(env().log(), kWarn,
               "federation: refusing payment {}: by Bitcoin input {} is {} sat to {}, the "
               "proposal says {} sat to the federation",
               short_hex(txid), i, out->out.value,
               out->out.script_pubkey == federation_script_ ? "the federation" : "another script",
               proposal.input_values[i]);
      p.refused = true;
      p.round = 0;
      return;
    }
  }
  if (!all_seen) {
    // Missing coins: either our bitcoind is behind, or the payment already spent them.
    const std::uint64_t round = p.round;
    rpc_->get_raw_transaction(txid, [self = self(), txid, round](Result<RawTransactionInfo> r) {
      (void)self.tell(KnownAnswer{txid, round, r.has_value()});
    });
    return;
  }
  p.round = 0;
  if (!rate_) {
    schedule_retry();  // our fee estimate is needed to judge the fee
    return;
  }
  FederationWallet wallet(federation_, config_.policy);
  for (std::size_t i = 0; i < proposal.tx.inputs.size(); ++i) {
    wallet.add_coin(WalletCoin{proposal.tx.inputs[i].prevout, proposal.input_values[i]});
  }
  std::vector<PegOutPayment> payments;
  for (const PegOutRequest& r : p.proposed.requests) {
    payments.push_back(PegOutPayment{r.tx_hash, r.bitcoin_address, r.sats});
  }
  PaymentProposal as_wallet{proposal.tx, spent_outputs(proposal), 0};
  std::int64_t in = 0;
  std::int64_t out = 0;
  for (std::int64_t v : proposal.input_values) in += v;
  for (const TxOut& o : proposal.tx.outputs) out += o.value;
  as_wallet.fee_sat = in - out;
  if (Status s = wallet.check(as_wallet, payments, *rate_); !s) {
    ALYS_LOG(env().log(), kWarn, "federation: refusing payment {}: {}", short_hex(txid),
             s.message());
    p.refused = true;
    return;
  }
  if (planted(env(), PlantedBug::kSignConflictingPegouts)) {
    // Planted bug (core/runtime/planted.h): sign-conflicting-pegouts, the member's half.
    // The member trusts the chain's book to refuse a second proposal spending a coin and
    // signs without its durable guard (RecordPegOutSigning); with the book's bookkeeping
    // defect (core/chain/pegout_book.cc) it signs two payments spending one coin.
    sign(txid);
    return;
  }
  std::vector<OutPoint> coins;
  for (const TxIn& in_ : proposal.tx.inputs) coins.push_back(in_.prevout);
  const std::uint64_t id = ask<bool>(
      storage_,
      [&](actor::ReplyTo<bool> to) {
        return storage::RecordPegOutSigning{txid, std::move(coins), to};
      },
      config_.storage_timeout);
  guard_asks_[id] = txid;
  p.round = next_round_++;  // holds off other checks while the guard runs
}

Status FederationActor::on_known(const KnownAnswer& a) {
  auto it = payments_.find(a.payment);
  if (it == payments_.end() || it->second.round != a.round) return Status::ok();
  it->second.round = 0;
  if (a.known) {
    it->second.done = true;  // already on Bitcoin (or its mempool): nothing to sign
  } else {
    schedule_retry();
  }
  return Status::ok();
}

Status FederationActor::on_guard(actor::Reply<bool>& r) {
  auto g = guard_asks_.find(r.correlation_id);
  if (g == guard_asks_.end()) return Status::ok();
  const Hash256 txid = g->second;
  guard_asks_.erase(g);
  auto it = payments_.find(txid);
  if (it == payments_.end()) return Status::ok();
  Payment& p = it->second;
  p.round = 0;
  if (!r.result) {
    ALYS_LOG(env().log(), kWarn, "federation: not signing payment {} yet: {}", short_hex(txid),
             r.result.error().message());
    schedule_retry();
    return Status::ok();
  }
  if (!r.result.value()) {
    ALYS_LOG(env().log(), kWarn,
             "federation: refusing payment {}: a coin it spends is signed for another payment",
             short_hex(txid));
    p.refused = true;
    return Status::ok();
  }
  sign(txid);
  return Status::ok();
}

void FederationActor::sign(const Hash256& txid) {
  Payment& p = payments_.at(txid);
  const PegOutProposal& proposal = p.proposed.proposal;
  const std::vector<TxOut> spent = spent_outputs(proposal);
  PegoutSignatures mine;
  mine.payment_txid = txid;
  mine.member_index = config_.member_index;
  for (std::size_t i = 0; i < proposal.tx.inputs.size(); ++i) {
    auto sighash = federation_.sighash(proposal.tx, i, spent);
    ALYS_ASSERT(sighash.has_value(), "federation: sighash of a checked proposal");
    std::array<std::uint8_t, 32> aux{};
    for (std::size_t k = 0; k < 4; ++k) {
      const std::uint64_t v = env().random().next();
      for (std::size_t b = 0; b < 8; ++b) aux[k * 8 + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }
    mine.signatures.push_back(signer_.sign(sighash->view(), Hash256(aux)).bytes());
  }
  p.signed_here = true;
  if (config_.observer) {
    std::vector<OutPoint> coins;
    for (const TxIn& in : proposal.tx.inputs) coins.push_back(in.prevout);
    config_.observer->on_pegout_signed(env().id(), config_.member_index, txid, coins);
  }
  ALYS_LOG(env().log(), kInfo, "federation: member {} signed payment {} ({} inputs)",
           config_.member_index, short_hex(txid), mine.signatures.size());
  p.signatures[config_.member_index] = mine.signatures;
  gossip_own(txid, p);
  try_finalize(p);
}

void FederationActor::gossip_own(const Hash256& txid, Payment& p) {
  auto own = p.signatures.find(config_.member_index);
  if (own == p.signatures.end() || !routes_.gossip) return;
  p.last_gossip = env().clock().now();
  routes_.gossip(WireMessage{PegoutSignatures{txid, config_.member_index, own->second}},
                 std::nullopt, nullptr);
}

// --- collecting ------------------------------------------------------------------------

Status FederationActor::on_signatures(InboundPegoutSignatures& m) {
  const PegoutSignatures& s = m.signatures;
  if (s.member_index >= federation_.members().size()) {
    if (routes_.penalize) {
      routes_.penalize(m.from, kPenaltyInvalidPegoutSignature,
                       fmt::format("pegout signatures: member {} outside the federation",
                                   s.member_index));
    }
    return Status::ok();
  }
  if (recently_paid_.count(s.payment_txid) != 0) return Status::ok();  // late: not needed
  auto it = payments_.find(s.payment_txid);
  Buffered b{m.from, std::move(m.signatures), std::move(m.frame)};
  if (it == payments_.end() || !it->second.final_here) {
    buffer(std::move(b));  // until the chain tells us the proposal
    return Status::ok();
  }
  take_signatures(it->second, b);
  return Status::ok();
}

void FederationActor::take_signatures(Payment& p, const Buffered& b) {
  Result<bool> added = add_signatures(p, b.signatures);
  if (!added) {
    if (b.from && routes_.penalize) {
      routes_.penalize(*b.from, kPenaltyInvalidPegoutSignature, added.error().message());
    }
    return;
  }
  if (!*added) return;
  if (routes_.gossip) routes_.gossip(WireMessage{b.signatures}, b.from, b.frame);
  try_finalize(p);
}

void FederationActor::buffer(Buffered b) {
  if (config_.max_buffered_signatures == 0) return;
  // Full: the oldest payment's signatures go (junk for made-up txids ages out too).
  while (buffered_count_ >= config_.max_buffered_signatures && !buffered_order_.empty()) {
    auto oldest = buffered_.find(buffered_order_.front());
    buffered_order_.pop_front();
    if (oldest == buffered_.end()) continue;
    buffered_count_ -= oldest->second.size();
    buffered_.erase(oldest);
  }
  const Hash256 txid = b.signatures.payment_txid;
  auto [it, fresh] = buffered_.try_emplace(txid);
  if (fresh) buffered_order_.push_back(txid);
  it->second.push_back(std::move(b));
  ++buffered_count_;
}

Result<bool> FederationActor::add_signatures(Payment& p, const PegoutSignatures& s) {
  if (p.signatures.count(s.member_index) != 0) return false;
  const PegOutProposal& proposal = p.proposed.proposal;
  if (s.signatures.size() != proposal.tx.inputs.size()) {
    return Status::invalid_argument(fmt::format(
        "pegout signatures: {} signatures for {} inputs", s.signatures.size(),
        proposal.tx.inputs.size()));
  }
  const std::vector<TxOut> spent = spent_outputs(proposal);
  const XOnlyPublicKey& key = federation_.members()[s.member_index];
  for (std::size_t i = 0; i < s.signatures.size(); ++i) {
    auto sighash = federation_.sighash(proposal.tx, i, spent);
    auto sig = SchnorrSignature::from_bytes(ByteView(s.signatures[i].data(), s.signatures[i].size()));
    if (!sighash || !sig || !schnorr_verify(key, sighash->view(), *sig)) {
      return Status::invalid_argument(fmt::format(
          "pegout signatures: member {} input {}: invalid signature", s.member_index, i));
    }
  }
  p.signatures[s.member_index] = s.signatures;
  return true;
}

void FederationActor::try_finalize(Payment& p) {
  if (p.finalized || p.signatures.size() < federation_.threshold()) return;
  Transaction tx = p.proposed.proposal.tx;
  const std::size_t n = federation_.members().size();
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    std::vector<std::optional<SchnorrSignature>> slots(n);
    std::size_t used = 0;
    for (const auto& [member, sigs] : p.signatures) {  // lowest member indices first
      if (used == federation_.threshold()) break;
      slots[member] = *SchnorrSignature::from_bytes(ByteView(sigs[i].data(), sigs[i].size()));
      ++used;
    }
    auto witness = federation_.assemble_witness(slots);
    ALYS_ASSERT(witness.has_value(), "federation: assembling a witness of checked signatures");
    tx.inputs[i].witness = std::move(*witness);
  }
  ALYS_LOG(env().log(), kInfo, "federation: payment {} has {} of {} signatures: final",
           short_hex(alys::txid(tx)), p.signatures.size(), n);
  p.finalized = std::move(tx);
}

// --- helpers ---------------------------------------------------------------------------

void FederationActor::schedule_retry() {
  if (retry_scheduled_) return;
  retry_scheduled_ = true;
  start_timer(config_.retry_interval, SigningRetry{});
}

std::vector<TxOut> FederationActor::spent_outputs(const PegOutProposal& proposal) const {
  std::vector<TxOut> out;
  out.reserve(proposal.input_values.size());
  for (std::int64_t v : proposal.input_values) out.push_back(TxOut{v, federation_script_});
  return out;
}

}  // namespace alys::bridge
