// ExecutionEngine: the node's execution layer behind an async, callback-based interface
// (DESIGN.md §2, §4). The embedded ledger (EmbeddedEngine) implements it in-process; an
// Engine API client (forkchoiceUpdated / getPayload / newPayload against Geth or Reth) may
// implement it later without changing callers.
//
// States are keyed by consensus block hash: the engine knows the state after each block it
// executed (and the genesis state), and builds or executes only on top of a known parent.
//
// Callback rules (every method):
//   - `done` is called exactly once, later, from the engine's executor: never inside the
//     call that was given it (no re-entrancy), and never after the engine is destroyed
//     (pending callbacks are then dropped).
//   - Requests are processed in the order they were made.
//   - Errors: kNotFound for an unknown block hash (e.g. the engine restarted and lost its
//     states: replay the chain into it), kInvalidArgument for a bad payload or request
//     (the message names the field, the tx and, for a state root mismatch, both roots),
//     kFailedPrecondition for a full state table, kUnavailable for an injected or real
//     outage of the engine (retry later).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/chain/block.h"
#include "core/chain/limits.h"
#include "core/execution/ledger_types.h"
#include "core/runtime/status.h"
#include "core/runtime/time.h"

namespace alys::execution {

template <typename T>
using Callback = std::function<void(Result<T>)>;
using StatusCallback = std::function<void(Status)>;

// What to build on a parent: the block's context plus mempool candidates.
struct BuildRequest {
  std::uint64_t height = 0;                 // of the new block: parent height + 1
  std::optional<EvmAddress> fee_recipient;  // see BlockContext
  std::vector<PegInMint> mints;             // peg-ins to mint, in order
  std::vector<LedgerTx> candidates;         // in the order to try them
  std::size_t max_txs = limits::kMaxTxsPerBlock;  // REQUIRES: <= kMaxTxsPerBlock
};

struct BuiltPayload {
  // Transactions that applied, in order, and the state root after them.
  ExecutionPayload payload;
  // The block's context as built: the mints that applied (the block must carry exactly
  // these peg-ins, in this order) and the fee recipient. Pass it to execute_payload.
  BlockContext context;
  std::vector<TxReceipt> skipped_txs;   // candidates that did not apply, with why
  std::vector<PegInMint> skipped_mints; // mints that did not apply (e.g. already minted)
  std::vector<PegOutRequest> pegouts;   // from the included peg-out transactions, in order
  Wei fees;       // paid by the included transactions
  Wei fees_paid;  // credited to the fee recipient (this block's fees plus the pending pot)
};

struct ExecutedPayload {
  Hash256 state_root;                  // equal to the payload's (else the call failed)
  std::vector<PegOutRequest> pegouts;  // in transaction order
  Wei fees;
  Wei fees_paid;
};

// Fault injection for tests and the simulator's "engine stall" fault (DESIGN.md §6).
//   fail_next_n  the next n requests (any method) fail with kUnavailable, changing nothing.
//   stall_for    once, the engine stops answering for this long: the next request to be
//                processed, and everything queued behind it, waits stall_for first.
struct EngineFault {
  std::uint32_t fail_next_n = 0;
  Duration stall_for{0};
};

// One block of ExecutionEngine::execute_run.
struct ExecuteItem {
  Hash256 parent;
  Hash256 block_hash;
  BlockContext context;
  ExecutionPayload payload;
};
// Its answer: one result per item, up to and including the first failure.
struct ExecutedRun {
  std::vector<Result<ExecutedPayload>> results;
};

class ExecutionEngine {
 public:
  virtual ~ExecutionEngine() = default;

  // Builds a payload on the state of `parent_block_hash`: applies request.mints (invalid
  // ones skipped), then candidates in order, skipping those that do not apply, until
  // max_txs applied; then pays fees as BlockContext describes.
  // Errors: parent unknown (kNotFound); height != parent height + 1 or
  // max_txs > kMaxTxsPerBlock (kInvalidArgument).
  virtual void build_payload(const Hash256& parent_block_hash, BuildRequest request,
                             Callback<BuiltPayload> done) = 0;

  // Executes `payload` with `context` on the state of `parent_block_hash` and, if every
  // mint and transaction applies and the resulting state root equals payload.state_root,
  // records the new state under `block_hash`. Executing a known block_hash again answers
  // from the recorded result (its root must match).
  // Errors: parent unknown (kNotFound); height != parent height + 1, any mint or
  // transaction invalid ("block 7: tx 3: tx 0x..: nonce: expected 3, got 5"), or the root
  // differs ("state_root: expected 0x<payload's>, got 0x<computed>") (kInvalidArgument);
  // the state table is full (kFailedPrecondition). On error no state is recorded.
  virtual void execute_payload(const Hash256& parent_block_hash, const Hash256& block_hash,
                               BlockContext context, ExecutionPayload payload,
                               Callback<ExecutedPayload> done) = 0;

  // Executes `items` in order, each on the state the previous one made (the first on a
  // known state), answering what execute_payload would for each, up to and including the
  // first failure (the items after it cannot apply: their parent state was never made).
  // Requests made after this call run after all of it. This default queues each
  // item with execute_payload; EmbeddedEngine runs the whole run as one job, and checks the
  // state root of a stretch of BlockContext::assumed_valid blocks at its last block only
  // (if the run stops inside such a stretch, the blocks before the failure are checked
  // one by one, and none past the first wrong root is recorded).
  virtual void execute_run(std::vector<ExecuteItem> items, Callback<ExecutedRun> done);

  // Records the head and the finalized block. The engine may forget states below the
  // finalized block and states on forks that do not descend from it.
  // Errors: either hash unknown (kNotFound); head not a descendant of finalized
  // (kInvalidArgument).
  virtual void forkchoice_updated(const Hash256& head_block_hash,
                                  const Hash256& finalized_block_hash, StatusCallback done) = 0;

  // The account at `address` in the state after `block_hash`.
  // Errors: block unknown (kNotFound).
  virtual void account(const Hash256& block_hash, const EvmAddress& address,
                       Callback<Account> done) = 0;

  // Test and simulator hook; replaces any previous fault. An engine that cannot inject
  // faults ignores it.
  virtual void set_fault(const EngineFault& fault) { (void)fault; }
};

}  // namespace alys::execution
