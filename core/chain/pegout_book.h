// PegOutBook: the peg-outs a chain carries as of one block. Consensus state derived from the
// blocks alone (every node computes the same book for the same block, whatever its wallet or
// its Bitcoin view: AN-264), kept per block by the chain actor.
//
//   pending   requests from burns (PegOut ledger transactions) that no proposal pays yet,
//             in burn order
//   proposed  payment proposals carried by blocks whose signed transaction no block
//             carries yet, by txid
//   spent     every federation outpoint a proposal of this chain spends, in flight or
//             paid: no later proposal may spend it again (the chain's double-spend guard)
//   totals    sats requested, and sats paid, over the chain's life
//
// apply(block) checks and applies, in this order, naming the first failure
// ("pegout_proposal: output 1: ..."; all kInvalidArgument: invalid anywhere):
//   1. finalized_pegouts: each is the signed form of a proposal of the parent's book
//      (same txid, at most once), and every input's witness is a valid federation spend of
//      the proposal's stated input (Federation::check_input). It leaves `proposed`.
//   2. pegout_proposal: pays 1..kMaxPegoutPayments distinct pending requests; tx version 2,
//      lock time 0, 1..kMaxPegoutInputs inputs with no scriptSig and no witness, distinct
//      outpoints not in `spent`, one stated value per input; outputs: request i's payment
//      (the script of its Bitcoin address on the spec's network) of exactly
//      payment_amounts_after_fee(sats, fee)[i], where fee = inputs - outputs: the users
//      pay the Bitcoin fee; then, iff inputs exceed the requests' sats, one change output
//      to the federation of exactly inputs - requested sats (at least dust). So the
//      federation gives up exactly the sats its burns asked for: value is conserved.
//      Whether the inputs exist on Bitcoin with those values, and whether the fee is fair,
//      is each member's check before signing, not the block's.
//   3. the block's burns join `pending` (every PegOut transaction of an imported block
//      applied, so each is a burn).
// A request whose address cannot be paid (bad syntax, other network) stays pending: no
// valid proposal can pay it. The book is a value; apply() returns a new one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "core/bitcoin/address.h"
#include "core/bitcoin/federation.h"
#include "core/chain/block.h"
#include "core/execution/ledger_types.h"
#include "core/runtime/planted.h"
#include "core/runtime/status.h"

namespace alys {

// What the chain's peg-out rules depend on (from the spec).
struct PegOutRules {
  const Federation* federation = nullptr;  // REQUIRES: set
  BitcoinNetwork network = BitcoinNetwork::kRegtest;
  std::int64_t dust_sat = 546;
  // The run's planted bug (core/runtime/planted.h); kNone outside planted test runs.
  PlantedBug planted = PlantedBug::kNone;
};

// A burn as a peg-out request: PegOutRequest of a PegOut transaction (sats = value / 10^10,
// rounded down). REQUIRES: tx.kind == kPegOut.
PegOutRequest pegout_request_of(const LedgerTx& tx);

// The Bitcoin fee split over k payments: each pays fee / k, the first also fee % k.
// Returns sats[i] - share[i] (may be below dust or negative: callers check).
std::vector<std::int64_t> payment_amounts_after_fee(std::span<const std::int64_t> sats,
                                                    std::int64_t fee);

struct ProposedPegOut {
  PegOutProposal proposal;
  std::vector<PegOutRequest> requests;  // in output order
  std::uint64_t height = 0;             // of the block that carried it
};

class PegOutBook {
 public:
  Result<PegOutBook> apply(const ConsensusBlock& block, const PegOutRules& rules) const;

  // True iff the block changes nothing here (no burn, proposal or signed payment).
  static bool touches(const ConsensusBlock& block);

  const std::vector<PegOutRequest>& pending() const { return pending_; }
  const std::map<Hash256, ProposedPegOut>& proposed() const { return proposed_; }
  const std::set<OutPoint>& spent() const { return spent_; }
  std::int64_t pending_sats() const;
  // Sats of proposals not yet paid (requested, committed to a payment, unsigned).
  std::int64_t proposed_sats() const;
  std::int64_t requested_sats() const { return requested_sats_; }
  std::int64_t paid_sats() const { return paid_sats_; }
  std::uint64_t paid_count() const { return paid_count_; }

 private:
  Status apply_finalized(const Transaction& tx, std::size_t index, const PegOutRules& rules);
  Status apply_proposal(const PegOutProposal& p, std::uint64_t height, const PegOutRules& rules);

  std::vector<PegOutRequest> pending_;
  std::map<Hash256, ProposedPegOut> proposed_;
  std::set<OutPoint> spent_;
  std::int64_t requested_sats_ = 0;
  std::int64_t paid_sats_ = 0;
  std::uint64_t paid_count_ = 0;
};

}  // namespace alys
