// Checkers: the safety and liveness properties of DESIGN.md §6, each a small object with a
// name that failure reports cite. A checker judges a finished chain run from its
// ChainEvidence (what the ChainRecorder saw, each node's final state, the schedule, and the
// final chain replayed once by an independent ledger) and appends one CheckFailure per
// violation: its name, the virtual time, and the evidence (which nodes, which blocks).
// Checkers never change the run and never depend on each other's output.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/execution/ledger.h"
#include "scenarios/chain_recorder.h"
#include "scenarios/chain_scenario.h"
#include "scenarios/check_failure.h"

namespace alys::scenarios {

// A workload transfer as sent (the transfers checker's ground truth).
struct SentTransfer {
  LedgerTx tx;
  Hash256 hash;
  Instant sent_at{};
};

// The final chain replayed from genesis by a ledger of the checker's own.
struct ChainReplay {
  std::optional<std::string> error;  // the first block that did not replay, and why
  std::optional<Ledger> state;       // after the last block that replayed
  std::vector<Wei> backed_supply;    // per block: supply less the genesis allocations
  std::map<Hash256, int> applied;    // times each transaction was applied
};
ChainReplay replay_chain(const std::vector<const SignedBlock*>& chain, const ChainSpec& spec,
                         VerifyCache& cache);

struct ChainEvidence {
  const ChainOptions& options;
  sim::World& world;  // now() is the time of the checks; the nodes' disks
  const ChainRecorder& recorder;
  const std::vector<NodeSummary>& nodes;
  const chaos::Schedule& schedule;  // every fault of the run
  std::vector<const SignedBlock*> final_chain;  // node 0's canonical chain, genesis excluded
  std::uint64_t tail_start_height;  // the highest head when the quiet tail began
  ChainReplay replay;               // of final_chain
  const std::vector<SentTransfer>& transfers;
  // Computed once with Bitcoin (pegin_workload.h) and with peg-outs (pegout_workload.h);
  // their checkers report the failures under their own names.
  std::vector<CheckFailure> pegin_failures;
  std::vector<CheckFailure> pegout_failures;
  const std::vector<EvmAddress>& accounts;  // workload account i's address (workload_address(i))
};

// True iff the schedule made `node` a Byzantine authority (chaos::Equivocate) at `at`: its
// double signs then are the fault at work, not a bug (counted, not reported).
bool equivocation_fault_at(const chaos::Schedule& schedule, NodeId node, Instant at);

class Checker {
 public:
  virtual ~Checker() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view guarantees() const = 0;
  // true: a safety property (never violated, whatever the faults); false: liveness, judged
  // after the faults heal, in the quiet tail.
  virtual bool safety() const = 0;
  virtual void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const = 0;

 protected:
  void fail(const ChainEvidence& e, std::vector<CheckFailure>& out, std::string evidence) const {
    out.push_back(CheckFailure{std::string(name()), e.world.now(), std::move(evidence)});
  }
};

// Every checker of the chain scenario, in report order.
const std::vector<std::unique_ptr<Checker>>& chain_checkers();

// The factories, one per file (registry.cc lists them in report order).
std::vector<std::unique_ptr<Checker>> consensus_checkers();
std::vector<std::unique_ptr<Checker>> liveness_checkers();
std::unique_ptr<Checker> stored_chains_checker();
std::unique_ptr<Checker> transfers_checker();
std::vector<std::unique_ptr<Checker>> peg_checkers();

}  // namespace alys::scenarios
