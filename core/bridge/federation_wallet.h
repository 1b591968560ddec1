// FederationWallet: the federation's coins on Bitcoin as one node sees them, and the
// peg-out payments built from them (Alys: the proposer's unsigned payment tx, federation
// UTXOs -> users, change -> federation, fee from the estimate; members check it against
// their own view before signing).
//
// Coins are added when a deposit or a payment's change confirms and removed when a spend
// confirms. A proposal RESERVES the coins it spends until the payment confirms (remove) or
// is abandoned (release): a reserved coin is never put in another proposal, and check()
// refuses a proposal that spends a coin reserved for a different one. So no node helps
// build or sign two payments spending one outpoint.
//
// Value conservation is exact: a payment of requests r_1..r_k gives up exactly
// sum(r_i.sats) of the federation's coins. The Bitcoin fee is borne by the users being
// paid (deducted from their payments), never by the federation.
//
// Building (propose(payments, rate, exclude)):
//   - coins in outpoint order (every node with the same coins picks the same ones),
//     skipping reserved coins and those in `exclude` (spent by proposals the chain already
//     carries), at most max_inputs, until sum(inputs) >= sum(sats);
//   - fee = rate.fee_for(signed vsize), never below min_relay_sat_per_kvb for that size;
//     the signed vsize counts a threshold of 64-byte signatures in each input's witness
//     exactly (an output's size does not depend on its amount);
//   - the fee is split over the k payments (payment_amounts_after_fee): each pays
//     fee / k, the FIRST also pays fee % k; output i = sats_i - share_i, in payment order,
//     and each must be at least dust_sat (else kFailedPrecondition naming the payment);
//   - change = sum(inputs) - sum(sats) exactly (not minus the fee): none if 0; if
//     0 < change < dust_sat the next coin (same order and skipping rules) is added and the
//     fee and shares recomputed (kFailedPrecondition if no coin is left); otherwise one
//     change output, last, paying the federation script;
//   - fee_sat = sum(inputs) - sum(outputs), the fee actually paid.
//
// Checking (check), what a member verifies before signing a proposal:
//   - every input spends a coin this wallet holds, not reserved for another proposal, not
//     spent twice, and spent_outputs describe exactly those coins;
//   - outputs: the payments, in order (script from the address), then at most one change
//     output; with fee = sum(inputs) - sum(outputs), output i pays exactly
//     payment_amounts_after_fee(sats, fee)[i] and at least dust_sat;
//   - change: if present it pays the federation and equals sum(inputs) - sum(sats)
//     exactly (and is at least dust_sat); if absent, sum(inputs) == sum(sats);
//   - the fee is at least the minimum relay fee for the signed size and at most
//     max_fee_percent of what this node's own rate asks for; fee_sat states it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/bitcoin/address.h"
#include "core/bitcoin/federation.h"
#include "core/bitcoin/transaction.h"
#include "core/bridge/bitcoin_rpc.h"
#include "core/chain/pegout_book.h"
#include "core/runtime/status.h"
#include "core/types/hash256.h"

namespace alys::bridge {

// The fee split (payment_amounts_after_fee) is the chain's rule: core/chain/pegout_book.h.

struct WalletCoin {
  OutPoint outpoint;
  std::int64_t value = 0;
  friend bool operator==(const WalletCoin&, const WalletCoin&) = default;
};

struct PegOutPayment {
  Hash256 request_id;           // the burn that asked for it
  std::string bitcoin_address;  // segwit, of the wallet's network
  std::int64_t sats = 0;
  friend bool operator==(const PegOutPayment&, const PegOutPayment&) = default;
};

struct PaymentProposal {
  Transaction tx;                    // unsigned
  std::vector<TxOut> spent_outputs;  // one per input, in input order (for the sighash)
  std::int64_t fee_sat = 0;
  friend bool operator==(const PaymentProposal&, const PaymentProposal&) = default;
};

struct WalletPolicy {
  BitcoinNetwork network = BitcoinNetwork::kRegtest;
  std::int64_t dust_sat = 546;
  std::size_t max_inputs = 200;
  std::int64_t min_relay_sat_per_kvb = 1000;
  std::uint32_t max_fee_percent = 300;  // check(): at most 3x this node's own fee
};

class FederationWallet {
 public:
  FederationWallet(Federation federation, WalletPolicy policy);

  // A confirmed output paying the federation (ignored if already known).
  void add_coin(const WalletCoin& coin);
  // The coin was spent on Bitcoin's best chain (its reservation ends with it).
  bool remove_coin(const OutPoint& outpoint);

  // An unsigned payment of `payments` at `rate` (see the header), never spending a coin in
  // `exclude` or a reserved one. Errors: an amount below dust or above 21M BTC or not a
  // valid address of the network (kInvalidArgument, naming the payment); nothing to pay,
  // not enough usable coins (naming what is needed and what is spendable), change below
  // dust with no coin left to add, or a payment too small to bear its fee share (naming
  // it) (kFailedPrecondition).
  Result<PaymentProposal> propose(std::span<const PegOutPayment> payments, FeeRate rate,
                                  const std::set<OutPoint>& exclude = {}) const;
  // See the header. Errors (kInvalidArgument) name the input or output and why.
  Status check(const PaymentProposal& proposal, std::span<const PegOutPayment> payments,
               FeeRate rate) const;

  // Marks the proposal's coins as committed to it (by its txid); release() undoes that.
  void reserve(const PaymentProposal& proposal);
  void release(const PaymentProposal& proposal);

  // The virtual size the proposal's transaction will have once signed.
  std::uint64_t signed_vsize(const Transaction& unsigned_tx) const;

  std::int64_t balance() const;           // every coin held
  std::int64_t spendable() const;         // coins not reserved
  std::size_t coin_count() const { return coins_.size(); }
  const Federation& federation() const { return federation_; }
  bool reserved(const OutPoint& outpoint) const { return reserved_.count(outpoint) != 0; }

 private:
  Result<Bytes> script_for(const PegOutPayment& p, std::size_t index) const;

  Federation federation_;
  Bytes federation_script_;
  WalletPolicy policy_;
  std::map<OutPoint, std::int64_t> coins_;   // outpoint -> value
  std::map<OutPoint, Hash256> reserved_;     // outpoint -> txid of the proposal holding it
};

}  // namespace alys::bridge
