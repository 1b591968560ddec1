#include "core/chain/pegout_book.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/chain/limits.h"
#include "core/execution/ledger_tx.h"

namespace alys {

PegOutRequest pegout_request_of(const LedgerTx& tx) {
  ALYS_ASSERT(tx.kind == LedgerTxKind::kPegOut, "pegout_request_of: not a peg-out");
  return PegOutRequest{ledger_tx_hash(tx), account_address(tx.sender_key), tx.bitcoin_address,
                       tx.value, tx.value.to_sat_floor().value_or(0)};
}

std::vector<std::int64_t> payment_amounts_after_fee(std::span<const std::int64_t> sats,
                                                    std::int64_t fee) {
  std::vector<std::int64_t> out(sats.begin(), sats.end());
  if (out.empty()) return out;
  const auto k = static_cast<std::int64_t>(out.size());
  for (std::int64_t& v : out) v -= fee / k;
  out.front() -= fee % k;
  return out;
}

bool PegOutBook::touches(const ConsensusBlock& block) {
  if (block.pegout_proposal || !block.finalized_pegouts.empty()) return true;
  return std::any_of(block.payload.transactions.begin(), block.payload.transactions.end(),
                     [](const LedgerTx& tx) { return tx.kind == LedgerTxKind::kPegOut; });
}

std::int64_t PegOutBook::pending_sats() const {
  std::int64_t sum = 0;
  for (const PegOutRequest& r : pending_) sum += r.sats;
  return sum;
}

std::int64_t PegOutBook::proposed_sats() const {
  std::int64_t sum = 0;
  for (const auto& [txid, p] : proposed_) {
    for (const PegOutRequest& r : p.requests) sum += r.sats;
  }
  return sum;
}

namespace {
// Planted bug (core/runtime/planted.h): sign-conflicting-pegouts. `spent` is kept as "coins
// the federation paid out": a proposal's coins are recorded when its signed payment is
// carried by a block, not when the proposal is, so while a proposal waits for signatures
// its coins look free. The next proposer's wallet (which excludes `spent`) picks them
// again, and the book accepts the second proposal.
bool spent_only_when_paid(const PegOutRules& rules) {
  return kPlantedBugsBuilt && rules.planted == PlantedBug::kSignConflictingPegouts;
}
}  // namespace

Result<PegOutBook> PegOutBook::apply(const ConsensusBlock& block, const PegOutRules& rules) const {
  ALYS_ASSERT(rules.federation != nullptr, "PegOutBook: no federation");
  if (!touches(block)) return *this;
  PegOutBook next = *this;
  for (std::size_t i = 0; i < block.finalized_pegouts.size(); ++i) {
    if (Status s = next.apply_finalized(block.finalized_pegouts[i], i, rules); !s) return s;
  }
  if (block.pegout_proposal) {
    if (Status s = next.apply_proposal(*block.pegout_proposal, block.height, rules); !s) {
      return s;
    }
  }
  for (const LedgerTx& tx : block.payload.transactions) {
    if (tx.kind != LedgerTxKind::kPegOut) continue;
    next.pending_.push_back(pegout_request_of(tx));
    next.requested_sats_ += next.pending_.back().sats;
  }
  return next;
}

Status PegOutBook::apply_finalized(const Transaction& tx, std::size_t index,
                                   const PegOutRules& rules) {
  const auto where = [&](const std::string& what) {
    return Status::invalid_argument(fmt::format("finalized_pegout {}: {}", index, what));
  };
  const Hash256 id = txid(tx);
  auto it = proposed_.find(id);
  if (it == proposed_.end()) {
    return where(fmt::format("txid {}: not a proposal awaiting payment on this chain",
                             id.to_hex().substr(0, 16)));
  }
  const PegOutProposal& p = it->second.proposal;
  std::vector<TxOut> spent_outputs;
  spent_outputs.reserve(p.input_values.size());
  const Bytes script = rules.federation->script_pubkey();
  for (std::int64_t v : p.input_values) spent_outputs.push_back(TxOut{v, script});
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    if (Status s = rules.federation->check_input(tx, i, spent_outputs); !s) {
      return where(s.message());
    }
  }
  if (spent_only_when_paid(rules)) {
    for (const TxIn& in : tx.inputs) spent_.insert(in.prevout);
  }
  for (const PegOutRequest& r : it->second.requests) paid_sats_ += r.sats;
  ++paid_count_;
  proposed_.erase(it);
  return Status::ok();
}

Status PegOutBook::apply_proposal(const PegOutProposal& p, std::uint64_t height,
                                  const PegOutRules& rules) {
  const auto bad = [](const std::string& what) {
    return Status::invalid_argument("pegout_proposal: " + what);
  };
  const std::size_t k = p.request_ids.size();
  if (k == 0 || k > limits::kMaxPegoutPayments) {
    return bad(fmt::format("pays {} requests (want 1..{})", k, limits::kMaxPegoutPayments));
  }
  // Requests: pending and distinct; they leave `pending`.
  ProposedPegOut entry;
  entry.proposal = p;
  entry.height = height;
  std::vector<std::int64_t> sats;
  for (std::size_t i = 0; i < k; ++i) {
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const PegOutRequest& r) {
      return r.tx_hash == p.request_ids[i];
    });
    if (it == pending_.end()) {
      return bad(fmt::format("request {} ({}): not pending on this chain", i,
                             p.request_ids[i].to_hex().substr(0, 16)));
    }
    entry.requests.push_back(*it);
    sats.push_back(it->sats);
    pending_.erase(it);  // a request named twice is then not pending the second time
  }
  const Transaction& tx = p.tx;
  if (tx.version != 2 || tx.lock_time != 0) {
    return bad(fmt::format("tx: version {} lock time {} (want 2 and 0)", tx.version, tx.lock_time));
  }
  if (tx.inputs.empty() || tx.inputs.size() > limits::kMaxPegoutInputs ||
      p.input_values.size() != tx.inputs.size()) {
    return bad(fmt::format("{} inputs, {} input values (want equal, 1..{})", tx.inputs.size(),
                           p.input_values.size(), limits::kMaxPegoutInputs));
  }
  std::set<OutPoint> inputs;
  std::int64_t in_sum = 0;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const TxIn& in = tx.inputs[i];
    if (!in.script_sig.empty() || !in.witness.empty()) {
      return bad(fmt::format("input {}: not unsigned (scriptSig or witness present)", i));
    }
    if (spent_.count(in.prevout) != 0 || !inputs.insert(in.prevout).second) {
      return bad(fmt::format("input {}: {}:{} is already spent by a proposal of this chain", i,
                             in.prevout.txid.to_hex().substr(0, 16), in.prevout.vout));
    }
    // Bounded so the sums below cannot overflow (the codec refuses these too; a block
    // built in memory need not have been decoded).
    if (p.input_values[i] <= 0 || p.input_values[i] > limits::kMaxMoneySat) {
      return bad(fmt::format("input {}: value {} sat is outside 1..{}", i, p.input_values[i],
                             limits::kMaxMoneySat));
    }
    in_sum += p.input_values[i];
  }
  std::int64_t requested = 0;
  for (std::int64_t s : sats) requested += s;
  const std::int64_t change = in_sum - requested;
  if (change < 0) {
    return bad(fmt::format("inputs hold {} sat, the requests ask {}", in_sum, requested));
  }
  const std::size_t want_outputs = k + (change > 0 ? 1 : 0);
  if (tx.outputs.size() != want_outputs) {
    return bad(fmt::format("{} outputs (want {}: one per request{})", tx.outputs.size(),
                           want_outputs, change > 0 ? " then the change" : ""));
  }
  std::int64_t out_sum = 0;
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    // A decoded Bitcoin transaction's output values are any int64: bound them before
    // summing (signed overflow is undefined behaviour, on a block from the network).
    const std::int64_t v = tx.outputs[i].value;
    if (v < 0 || v > limits::kMaxMoneySat) {
      return bad(fmt::format("output {}: {} sat is outside 0..{}", i, v, limits::kMaxMoneySat));
    }
    out_sum += v;
  }
  const std::int64_t fee = in_sum - out_sum;
  if (fee < 0) return bad(fmt::format("outputs exceed inputs by {} sat", -fee));
  if (change > 0) {
    const TxOut& o = tx.outputs.back();
    if (o.script_pubkey != rules.federation->script_pubkey() || o.value != change ||
        change < rules.dust_sat) {
      return bad(fmt::format("change: {} sat (want {} sat to the federation, at least {})",
                             o.value, change, rules.dust_sat));
    }
  }
  const std::vector<std::int64_t> amounts = payment_amounts_after_fee(sats, fee);
  for (std::size_t i = 0; i < k; ++i) {
    const PegOutRequest& r = entry.requests[i];
    auto wp = decode_segwit_address(rules.network, r.bitcoin_address);
    if (!wp) return bad(fmt::format("output {}: request's address: {}", i, wp.error().message()));
    if (tx.outputs[i].script_pubkey != witness_program_script(*wp)) {
      return bad(fmt::format("output {}: does not pay the request's address", i));
    }
    if (tx.outputs[i].value != amounts[i] || amounts[i] < rules.dust_sat) {
      return bad(fmt::format("output {}: {} sat (want {} sat less its fee share: {}, at least {})",
                             i, tx.outputs[i].value, r.sats, amounts[i], rules.dust_sat));
    }
  }
  if (!spent_only_when_paid(rules)) spent_.insert(inputs.begin(), inputs.end());
  proposed_.emplace(txid(tx), std::move(entry));
  return Status::ok();
}

}  // namespace alys
