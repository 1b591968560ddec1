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
// Building (propose): coins in outpoint order (every node with the same coins picks the
// same ones) until they cover the payments and the fee; the fee is the rate times the
// virtual size of the transaction as it will be once signed (a threshold of 64-byte
// signatures in each input's witness, counted exactly); change below the dust limit goes
// to the fee instead of an output.
//
// Checking (check), what a member verifies before signing a proposal:
//   - every input spends a coin this wallet holds, not reserved for another proposal, and
//     spent_outputs describe exactly those coins;
//   - outputs: the expected payments, in order (script from the address, exact amount),
//     then at most one change output paying the federation;
//   - fee = inputs - outputs, at least the minimum relay fee for its size and at most
//     max_fee_percent of what this node's own rate asks for.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bitcoin/address.h"
#include "core/bitcoin/federation.h"
#include "core/bitcoin/transaction.h"
#include "core/bridge/bitcoin_rpc.h"
#include "core/runtime/status.h"
#include "core/types/hash256.h"

namespace alys::bridge {

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

  // An unsigned payment of `payments` at `rate`. Errors (kFailedPrecondition): nothing to
  // pay, an amount below dust or not a valid address of the network (kInvalidArgument,
  // naming the payment), or not enough unreserved coins (naming what is needed and held).
  Result<PaymentProposal> propose(std::span<const PegOutPayment> payments, FeeRate rate) const;
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
