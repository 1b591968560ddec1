#include "core/bridge/federation_wallet.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/chain/limits.h"

namespace alys::bridge {

namespace {

std::int64_t fee_at(std::int64_t sat_per_kvb, std::uint64_t vsize) {
  return FeeRate{sat_per_kvb}.fee_for(vsize);
}

}  // namespace

FederationWallet::FederationWallet(Federation federation, WalletPolicy policy)
    : federation_(std::move(federation)),
      federation_script_(federation_.script_pubkey()),
      policy_(policy) {}

void FederationWallet::add_coin(const WalletCoin& coin) {
  coins_.emplace(coin.outpoint, coin.value);
}

bool FederationWallet::remove_coin(const OutPoint& outpoint) {
  reserved_.erase(outpoint);
  return coins_.erase(outpoint) != 0;
}

std::int64_t FederationWallet::balance() const {
  std::int64_t sum = 0;
  for (const auto& [op, value] : coins_) sum += value;
  return sum;
}

std::int64_t FederationWallet::spendable() const {
  std::int64_t sum = 0;
  for (const auto& [op, value] : coins_) {
    if (reserved_.count(op) == 0) sum += value;
  }
  return sum;
}

std::uint64_t FederationWallet::signed_vsize(const Transaction& unsigned_tx) const {
  // The witness as it will be: threshold() 64-byte signatures, empty slots for the rest,
  // then the script and the control block (Federation::assemble_witness's layout).
  std::vector<std::optional<SchnorrSignature>> slots(federation_.members().size());
  const auto placeholder = *SchnorrSignature::from_bytes(Bytes(SchnorrSignature::kSize, 0));
  for (std::size_t i = 0; i < federation_.threshold(); ++i) slots[i] = placeholder;
  const auto witness = federation_.assemble_witness(slots);
  Transaction signed_tx = unsigned_tx;
  for (TxIn& in : signed_tx.inputs) in.witness = *witness;
  return (transaction_weight(signed_tx) + 3) / 4;
}

Result<Bytes> FederationWallet::script_for(const PegOutPayment& p, std::size_t index) const {
  auto wp = decode_segwit_address(policy_.network, p.bitcoin_address);
  if (!wp) {
    return Status::invalid_argument(
        fmt::format("payment {}: address: {}", index, wp.error().message()));
  }
  return witness_program_script(*wp);
}

Result<PaymentProposal> FederationWallet::propose(std::span<const PegOutPayment> payments,
                                                  FeeRate rate,
                                                  const std::set<OutPoint>& exclude) const {
  if (payments.empty()) return Status::failed_precondition("payment: nothing to pay");
  PaymentProposal out;
  out.tx.version = 2;
  std::vector<std::int64_t> sats;
  sats.reserve(payments.size());
  std::int64_t to_pay = 0;
  for (std::size_t i = 0; i < payments.size(); ++i) {
    const PegOutPayment& p = payments[i];
    if (p.sats < policy_.dust_sat || p.sats > limits::kMaxMoneySat) {
      return Status::invalid_argument(
          fmt::format("payment {}: {} sat is below dust ({}) or above 21M BTC", i, p.sats,
                      policy_.dust_sat));
    }
    auto script = script_for(p, i);
    if (!script) return script.error();
    out.tx.outputs.push_back(TxOut{p.sats, std::move(*script)});  // amount set below
    sats.push_back(p.sats);
    to_pay += p.sats;
    if (to_pay > limits::kMaxMoneySat) {
      return Status::invalid_argument(
          fmt::format("payment {}: the payments total more than 21M BTC", i));
    }
  }

  // Coins in outpoint order, skipping reserved and excluded ones, at most max_inputs.
  auto usable = [&](const OutPoint& op) {
    return reserved_.count(op) == 0 && exclude.count(op) == 0;
  };
  auto next = coins_.begin();
  std::int64_t gathered = 0;
  auto add_next_coin = [&]() {
    while (next != coins_.end() && !usable(next->first)) ++next;
    if (next == coins_.end() || out.tx.inputs.size() >= policy_.max_inputs) return false;
    TxIn in;
    in.prevout = next->first;
    in.sequence = 0xfffffffd;  // opts in to replacement, as bitcoind's wallet does
    out.tx.inputs.push_back(std::move(in));
    out.spent_outputs.push_back(TxOut{next->second, federation_script_});
    gathered += next->second;
    ++next;
    return true;
  };
  auto usable_sum = [&] {
    std::int64_t sum = 0;
    for (const auto& [op, value] : coins_) {
      if (usable(op)) sum += value;
    }
    return sum;
  };
  // The payments bear the fee, so the coins need only cover what they ask for.
  while (gathered < to_pay) {
    if (!add_next_coin()) {
      return Status::failed_precondition(fmt::format(
          "payment: needs {} sat for {} payment(s) but {} sat are spendable (not reserved or "
          "excluded); {} input(s) at most, {} gathered",
          to_pay, payments.size(), usable_sum(), policy_.max_inputs, gathered));
    }
  }
  // Change is exactly inputs - requested sats; below dust (but not zero), take one more coin.
  std::int64_t change = gathered - to_pay;
  while (change != 0 && change < policy_.dust_sat) {
    if (!add_next_coin()) {
      return Status::failed_precondition(fmt::format(
          "payment: change {} sat is below dust ({}) and no other usable coin is left to add "
          "({} input(s) at most)",
          change, policy_.dust_sat, policy_.max_inputs));
    }
    change = gathered - to_pay;
  }
  if (change > 0) out.tx.outputs.push_back(TxOut{change, federation_script_});

  // The fee for the signed size (amounts do not change the size), split over the payments.
  const std::uint64_t vsize = signed_vsize(out.tx);
  const std::int64_t fee =
      std::max(rate.fee_for(vsize), fee_at(policy_.min_relay_sat_per_kvb, vsize));
  const std::vector<std::int64_t> amounts = payment_amounts_after_fee(sats, fee);
  std::int64_t out_sum = 0;
  for (std::size_t i = 0; i < payments.size(); ++i) {
    if (amounts[i] < policy_.dust_sat) {
      return Status::failed_precondition(fmt::format(
          "payment {} (request {}): {} sat less its fee share {} (of a {} sat fee) leaves {} "
          "sat, below dust ({})",
          i, payments[i].request_id.to_hex().substr(0, 12), sats[i], sats[i] - amounts[i], fee,
          amounts[i], policy_.dust_sat));
    }
    out.tx.outputs[i].value = amounts[i];
  }
  for (const TxOut& o : out.tx.outputs) out_sum += o.value;
  out.fee_sat = gathered - out_sum;
  return out;
}

Status FederationWallet::check(const PaymentProposal& proposal,
                               std::span<const PegOutPayment> payments, FeeRate rate) const {
  const Transaction& tx = proposal.tx;
  const Hash256 id = txid(tx);
  if (payments.empty()) return Status::invalid_argument("payment: nothing to pay");
  if (tx.inputs.empty()) return Status::invalid_argument("payment: no inputs");
  if (proposal.spent_outputs.size() != tx.inputs.size()) {
    return Status::invalid_argument("payment: spent outputs do not match the inputs");
  }
  std::int64_t in_sum = 0;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const OutPoint& op = tx.inputs[i].prevout;
    auto coin = coins_.find(op);
    if (coin == coins_.end()) {
      return Status::invalid_argument(fmt::format(
          "payment: input {}: {}:{} is not a federation coin this node holds", i,
          op.txid.to_display_hex().substr(0, 16), op.vout));
    }
    auto held = reserved_.find(op);
    if (held != reserved_.end() && held->second != id) {
      return Status::invalid_argument(
          fmt::format("payment: input {}: coin already committed to payment {}", i,
                      held->second.to_display_hex().substr(0, 16)));
    }
    if (proposal.spent_outputs[i] != TxOut{coin->second, federation_script_}) {
      return Status::invalid_argument(
          fmt::format("payment: input {}: spent output differs from the coin", i));
    }
    for (std::size_t k = 0; k < i; ++k) {
      if (tx.inputs[k].prevout == op) {
        return Status::invalid_argument(fmt::format("payment: input {}: spent twice", i));
      }
    }
    in_sum += coin->second;
  }
  if (tx.outputs.size() != payments.size() && tx.outputs.size() != payments.size() + 1) {
    return Status::invalid_argument(fmt::format(
        "payment: {} outputs for {} payments", tx.outputs.size(), payments.size()));
  }
  std::vector<std::int64_t> sats;
  sats.reserve(payments.size());
  std::int64_t to_pay = 0;
  for (std::size_t i = 0; i < payments.size(); ++i) {
    const std::int64_t v = payments[i].sats;
    if (v < 0 || v > limits::kMaxMoneySat || to_pay + v > limits::kMaxMoneySat) {
      return Status::invalid_argument(
          fmt::format("payment {}: {} sat is not a valid amount", i, v));
    }
    sats.push_back(v);
    to_pay += v;
  }
  std::int64_t out_sum = 0;
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    const std::int64_t v = tx.outputs[i].value;
    if (v < 0 || v > limits::kMaxMoneySat) {
      return Status::invalid_argument(
          fmt::format("payment: output {}: {} sat is not a valid amount", i, v));
    }
    out_sum += v;
  }
  // Change: exactly inputs - requested sats, to the federation, or no output if that is 0.
  const std::int64_t expected_change = in_sum - to_pay;
  if (tx.outputs.size() == payments.size() + 1) {
    const TxOut& change = tx.outputs.back();
    if (change.script_pubkey != federation_script_) {
      return Status::invalid_argument("payment: change output: not to the federation");
    }
    if (change.value != expected_change || change.value < policy_.dust_sat) {
      return Status::invalid_argument(fmt::format(
          "payment: change output: {} sat, but inputs {} - requested {} = {} sat (and at "
          "least dust {})",
          change.value, in_sum, to_pay, expected_change, policy_.dust_sat));
    }
  } else if (expected_change != 0) {
    return Status::invalid_argument(fmt::format(
        "payment: change: no change output, but inputs {} - requested {} = {} sat", in_sum,
        to_pay, expected_change));
  }
  // The payments, in order, each less its share of the fee actually paid.
  const std::int64_t fee = in_sum - out_sum;
  const std::vector<std::int64_t> amounts = payment_amounts_after_fee(sats, fee);
  for (std::size_t i = 0; i < payments.size(); ++i) {
    auto script = script_for(payments[i], i);
    if (!script) return script.error();
    if (tx.outputs[i] != TxOut{amounts[i], *script} || amounts[i] < policy_.dust_sat) {
      return Status::invalid_argument(fmt::format(
          "payment: output {}: does not pay request {} exactly ({} sat less its share of the "
          "{} sat fee is {} sat, at least dust {}; the output pays {} sat)",
          i, payments[i].request_id.to_hex().substr(0, 12), sats[i], fee, amounts[i],
          policy_.dust_sat, tx.outputs[i].value));
    }
  }
  const std::uint64_t vsize = signed_vsize(tx);
  const std::int64_t floor = fee_at(policy_.min_relay_sat_per_kvb, vsize);
  const std::int64_t ceiling =
      fee_at(rate.sat_per_kvb, vsize) * static_cast<std::int64_t>(policy_.max_fee_percent) / 100;
  if (fee < floor || fee > std::max(ceiling, floor)) {
    return Status::invalid_argument(fmt::format(
        "payment: fee {} sat outside {}..{} for {} vbytes", fee, floor, std::max(ceiling, floor),
        vsize));
  }
  if (fee != proposal.fee_sat) {
    return Status::invalid_argument("payment: stated fee differs from inputs minus outputs");
  }
  return Status::ok();
}

void FederationWallet::reserve(const PaymentProposal& proposal) {
  const Hash256 id = txid(proposal.tx);
  for (const TxIn& in : proposal.tx.inputs) {
    if (coins_.count(in.prevout) != 0) reserved_[in.prevout] = id;
  }
}

void FederationWallet::release(const PaymentProposal& proposal) {
  const Hash256 id = txid(proposal.tx);
  for (const TxIn& in : proposal.tx.inputs) {
    auto it = reserved_.find(in.prevout);
    if (it != reserved_.end() && it->second == id) reserved_.erase(it);
  }
}

}  // namespace alys::bridge
