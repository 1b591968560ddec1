// The peg-in side of the chain scenario (issue 6): seeded depositors on the simulated
// Bitcoin (runtime-sim/sim_bitcoin.h), and the checkers that compare what the chain
// minted with what Bitcoin holds.
//
// Checkers (each returns failures naming the checker, the time and the evidence):
//   pegins          every deposit on Bitcoin's best chain with at least `settled_depth`
//                   confirmations at the end is minted exactly once on the final chain,
//                   to the address and for the amount the deposit names;
//   no-double-mint  no Bitcoin txid is minted twice on the final chain;
//   pegin-backing   every peg-in minted on the final chain is a deposit Bitcoin's best
//                   chain still holds with enough confirmations, unless the node's bridge
//                   flagged it (minted, then reorged out of Bitcoin: the flag is the
//                   required outcome, not a failure);
//   pegin-value     the federation's Bitcoin balance is its confirmed deposits less what
//                   confirmed peg-out payments took (`paid_out_sat`, from the peg-out
//                   checker), and the settled deposits were minted in full.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "core/chain/block.h"
#include "core/runtime/time.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/world.h"
#include "scenarios/check_failure.h"

namespace alys::scenarios {

struct Deposit {
  Hash256 txid;
  EvmAddress to{};
  std::int64_t amount_sat = 0;
  Instant at{};
};

class PegInWorkload {
 public:
  // `count` deposits at seeded uniform times in [0, window), to seeded addresses, of 0.0001
  // to 0.01 BTC each. All draws come from the world's "pegins" stream.
  PegInWorkload(sim::World& world, sim::SimBitcoin& bitcoin, std::size_t count, Duration window);
  // Deposits go to these addresses (seeded picks) instead of seeded random ones: the
  // peg-out users, whom only peg-ins fund. Call before schedule().
  void set_targets(std::vector<EvmAddress> targets) { targets_ = std::move(targets); }
  // Schedules them (call once, before running).
  void schedule();
  const std::vector<Deposit>& deposits() const { return deposits_; }
  // What an evicting Bitcoin reorg of `depth` leaves out (chaos BitcoinReorg): the newest
  // deposit still that shallow (1..depth confirmations), as a depositor double-spending it
  // would. Empty if none is.
  std::vector<Hash256> shallow_deposits(const sim::SimBitcoin& bitcoin, std::uint32_t depth) const;
  std::uint64_t refused() const { return refused_; }
  // A deposit made now, outside the schedule (tests); nullopt if Bitcoin refused it.
  std::optional<Deposit> deposit_now(const EvmAddress& to, std::int64_t amount_sat);

 private:
  sim::World& world_;
  sim::SimBitcoin& bitcoin_;
  std::size_t count_;
  Duration window_;
  std::vector<EvmAddress> targets_;
  std::vector<Deposit> deposits_;
  std::uint64_t refused_ = 0;
};

struct PegInCheckInput {
  const sim::SimBitcoin* bitcoin = nullptr;
  const std::vector<Deposit>* deposits = nullptr;
  std::vector<const SignedBlock*> chain;  // the final canonical chain, genesis excluded
  std::uint32_t confirmations = 6;        // the bridges' requirement
  std::uint32_t settled_depth = 6;        // confirmations after which minting is due
  std::set<Hash256> flagged;              // txids the bridges flagged
  std::int64_t paid_out_sat = 0;          // taken from the federation by peg-out payments
  Instant at{};
};

std::vector<CheckFailure> check_pegins(const PegInCheckInput& in);

}  // namespace alys::scenarios
