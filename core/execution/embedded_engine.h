// EmbeddedEngine: the default ExecutionEngine (DESIGN.md §4), the deterministic Ledger in
// process, one state per known block hash.
//
// States share structure (Ledger copies are bucket-level copy-on-write), so keeping one
// per block costs about what the block touched. A run (execute_run) executes its blocks in
// place on one state and keeps only the state its last block reached; a state not kept is
// rebuilt (re-executed from the nearest kept one, at most a run's length below) when it is
// asked for, so every known block still has its state, as far as callers can tell.
// Requests queue in arrival order and run one per executor task; every callback runs from
// such a task, never inside the call that passed it (callers see no re-entrancy), and a
// request made from inside a callback runs after it. No threads, no clock (stalls use
// Executor::after), no floating point.
// Threading: requests (and set_fault) may come from a strand other than `executor` (the
// engine actor's, in the real runtime); the queue between the two is locked. The jobs and
// the synchronous accessors below touch the states without a lock: accessors only where
// no job can run concurrently (tests, the single-threaded simulator).
//
// Limits: at most kMaxEngineStates states; forkchoice_updated prunes everything below the
// finalized block and every fork that does not descend from it. Production halts after
// max_blocks_without_pow unfinalized blocks, which keeps the table small in practice; if it
// fills anyway, execute_payload fails with kFailedPrecondition rather than evict a state a
// reorg may need.
//
// The proposer's own block: build_payload remembers its last result, and execute_payload of
// exactly that payload (same parent, context and transactions) takes the built state instead
// of re-executing. Building applied exactly those mints and transactions, atomically, so
// the state is the one verifying would compute; the state root is still compared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/execution/engine.h"
#include "core/execution/execution_memo.h"
#include "core/execution/ledger.h"
#include "core/runtime/executor.h"

namespace alys::execution {

inline constexpr std::size_t kMaxEngineStates = 4096;

class EmbeddedEngine final : public ExecutionEngine {
 public:
  // An engine knowing one state: `genesis_state` under `genesis_block_hash` at
  // `genesis_height`. Callbacks run on `executor`. REQUIRES: executor outlives the engine.
  // Build the genesis state with Ledger::from_genesis(spec allocations); its state_root()
  // is what the genesis block's payload carries.
  EmbeddedEngine(Executor& executor, const Hash256& genesis_block_hash, Ledger genesis_state,
                 std::uint64_t genesis_height = 0);
  // Pending requests are dropped without their callbacks running.
  ~EmbeddedEngine() override;
  EmbeddedEngine(const EmbeddedEngine&) = delete;
  EmbeddedEngine& operator=(const EmbeddedEngine&) = delete;

  void build_payload(const Hash256& parent_block_hash, BuildRequest request,
                     Callback<BuiltPayload> done) override;
  void execute_payload(const Hash256& parent_block_hash, const Hash256& block_hash,
                       BlockContext context, ExecutionPayload payload,
                       Callback<ExecutedPayload> done) override;
  void execute_run(std::vector<ExecuteItem> items, Callback<ExecutedRun> done) override;
  void forkchoice_updated(const Hash256& head_block_hash, const Hash256& finalized_block_hash,
                          StatusCallback done) override;
  void account(const Hash256& block_hash, const EvmAddress& address,
               Callback<Account> done) override;
  void set_fault(const EngineFault& fault) override;

  // ---- synchronous access (tests, invariant checkers, checkpoint storage); these never
  // see injected faults and never queue.

  // The state after `block_hash`, or nullptr if unknown. Valid until the next request runs.
  const Ledger* state(const Hash256& block_hash) const;
  // Errors: block unknown (kNotFound).
  Result<Account> account_now(const Hash256& block_hash, const EvmAddress& address) const;
  std::size_t state_count() const;
  // The last forkchoice_updated arguments (both the genesis hash until then).
  Hash256 head() const;
  Hash256 finalized() const;
  // Adds a state restored from a checkpoint (Ledger::decode_snapshot): it becomes a
  // parent for execute_payload. `parent_block_hash` may be unknown.
  // Errors: block_hash already known with a different state root (kInvalidArgument); the
  // table full (kFailedPrecondition).
  Status insert_state(const Hash256& block_hash, const Hash256& parent_block_hash,
                      std::uint64_t height, Ledger state);
  // Replaces signature verification (e.g. with a memo shared across simulated nodes; see
  // SignatureCheck). Empty: verify_ledger_tx_signature.
  void set_signature_check(SignatureCheck check);
  // Shares block executions with the other engines holding `memo` (the simulator's nodes;
  // see ExecutionMemo for when that is sound). Null: every block is executed here.
  void set_execution_memo(std::shared_ptr<ExecutionMemo> memo);

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace alys::execution
