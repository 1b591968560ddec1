// The peg-out side of the chain scenario (issue 6): seeded users who burn sidechain value
// for Bitcoin, and the checkers that compare the chain's peg-outs with what Bitcoin paid.
//
// Users: `accounts` keyed sidechain accounts funded only by peg-ins (the peg-in workload
// deposits to them), so every burn is backed. Each peg-out burns 0.0005 to 0.002 BTC plus
// a few wei below a satoshi (Alys rounds the payment down; the rest is burned too) to its
// own fresh regtest P2WPKH address, from an account whose finalized minted value covers it,
// one peg-out in flight per account; like the transfer workload it is resent to another
// node until final.
//
// Checkers (each returns failures naming the checker, the time and the evidence):
//   pegouts             every burn finalized at least `due_after` before the end is paid:
//                       exactly one output on Bitcoin's best chain pays its address, in a
//                       transaction the final chain finalized as a payment naming that
//                       burn, of at most the burned sats; no address is paid twice;
//   pegout-authorized   every best-chain Bitcoin transaction that spends a federation coin
//                       is a payment the final chain finalized (nothing else moves the
//                       federation's coins);
//   pegout-conservation at every finalized block B of the final chain, in wei:
//                         (Bitcoin deposits minted up to B - what payments finalized up to
//                         B took from the federation) * 10^10
//                       = (ledger supply after B - genesis allocations)
//                         + (sats burned up to B and not paid up to B) * 10^10
//                         + the sub-satoshi remainders burned up to B,
//                       with deposit and coin values read from Bitcoin itself and the
//                       supply from an independent replay of the ledger;
//   pegout-signatures   no federation member signed two different payments spending one
//                       coin, over every signature any member released.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/chain/block.h"
#include "core/crypto/schnorr.h"
#include "core/execution/ledger_types.h"
#include "core/runtime/time.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/world.h"
#include "scenarios/check_failure.h"

namespace alys::scenarios {

// The deterministic key of peg-out user `index` (independent of the seed).
SecretKey pegout_user_key(std::size_t index);
EvmAddress pegout_user_address(std::size_t index);

struct PegOutSent {
  LedgerTx tx;
  Hash256 hash;
  std::string bitcoin_address;
  std::int64_t sats = 0;
  Instant sent_at{};
};

struct PegOutWorkloadHooks {
  // True once the transaction is in a finalized block (some node's).
  std::function<bool(const Hash256& tx_hash)> tx_final;
  // Sats minted to `address` by finalized blocks.
  std::function<std::int64_t(const EvmAddress& address)> final_minted;
  // Hands the transaction to node `node` (as a wallet's RPC would); false if it is down.
  std::function<bool(NodeId node, const LedgerTx& tx)> submit;
};

class PegOutWorkload {
 public:
  // `count` peg-outs at seeded times in [start, end) from `accounts` users. Draws come from
  // the world's "pegouts" stream.
  PegOutWorkload(sim::World& world, PegOutWorkloadHooks hooks, std::size_t accounts,
                 std::size_t nodes, std::size_t count, Instant start, Instant end);
  // Schedules the arrivals and the resend scan (until `until`). Call once, before running.
  void schedule(Instant until);
  const std::vector<PegOutSent>& sent() const { return sent_; }
  std::size_t accounts() const { return keys_.size(); }

 private:
  void arrive(std::size_t left_to_try);
  void scan();
  std::optional<std::size_t> pick_account(std::int64_t sats, const Wei& fee);

  sim::World& world_;
  PegOutWorkloadHooks hooks_;
  Xoshiro256ss rng_;
  std::size_t nodes_;
  std::size_t count_;
  Instant start_;
  Instant end_;
  Instant until_{};
  std::vector<SchnorrSigner> keys_;
  std::vector<std::uint64_t> nonces_;
  std::vector<Wei> spent_;                        // value + fees burned or paid, per account
  std::vector<std::optional<std::size_t>> open_;  // index into sent_ of the one in flight
  std::vector<PegOutSent> sent_;
  std::uint64_t next_address_ = 0;
};

struct PegOutCheckInput {
  const sim::SimBitcoin* bitcoin = nullptr;
  const std::vector<PegOutSent>* sent = nullptr;
  std::vector<const SignedBlock*> chain;  // the final canonical chain, genesis excluded
  // Per block of `chain`: ledger supply minus genesis allocations after it (an independent
  // replay); shorter if the replay stopped (the check then covers that prefix).
  std::vector<Wei> backed_supply;
  std::uint64_t finalized_height = 0;     // the highest finalized block of the final chain
  std::map<Hash256, Instant> burn_final_at;  // when each burn's block became final
  Duration due_after = 30min;
  // Every (member, payment, coins) signing any member released (ChainObserver).
  struct Signing {
    NodeId node = 0;
    std::uint32_t member = 0;
    Hash256 payment;
    std::vector<OutPoint> coins;
  };
  std::vector<Signing> signings;
  // Peg-ins the bridges flagged (minted, then reorged out of Bitcoin): counted at their
  // claimed value, since Bitcoin no longer holds them (the pegin-backing checker's case).
  std::set<Hash256> flagged;
  Instant at{};
};

struct PegOutCheckResult {
  std::vector<CheckFailure> failures;
  std::size_t burns = 0;          // on the final chain
  std::size_t paid = 0;           // burns paid on Bitcoin's best chain
  std::int64_t paid_out_sat = 0;  // what confirmed payments took from the federation
};

PegOutCheckResult check_pegouts(const PegOutCheckInput& in);

}  // namespace alys::scenarios
