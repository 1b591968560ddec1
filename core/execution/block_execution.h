// execute_block: one block's ledger transition, for building and for verifying.
//
//   kBuild   the proposer's view: mints and transactions that do not apply are skipped
//            (and reported with why); transactions stop once `max_txs` applied.
//   kVerify  an importer's view: every mint and transaction must apply, else the whole
//            block fails with the first error, prefixed "block <height>: mint <i>: " or
//            "block <height>: tx <i>: ".
// Order within a block: mints (BlockContext::mints, in order), then transactions, then
// fees (BlockContext::fee_recipient). The block runs on `state`, taken by value: pass a
// Ledger to run on a copy (cheap: bucket copy-on-write), which leaves the caller's state
// as it was whatever happens; move one in to run in place (no clone of what only it
// holds), which consumes it even when the block fails.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/chain/limits.h"
#include "core/execution/ledger.h"

namespace alys {

enum class ExecutionMode : std::uint8_t { kBuild, kVerify };

struct ExecutionOptions {
  // kBuild: stop after this many transactions applied. REQUIRES: <= kMaxTxsPerBlock.
  std::size_t max_txs = limits::kMaxTxsPerBlock;
  // Signature verification (empty: verify_ledger_tx_signature). See SignatureCheck.
  SignatureCheck signature_check;
  // false: state_root is left all zeros (the caller checks a later state's root instead).
  bool compute_state_root = true;
};

struct BlockExecution {
  Ledger state;       // after the block
  Hash256 state_root; // state.state_root()
  // kBuild only (a Verify applies all or fails, so these would be its inputs again):
  std::vector<LedgerTx> included;      // transactions that applied, in order
  std::vector<PegInMint> mints;        // mints that applied, in order
  std::vector<TxReceipt> skipped_txs;  // kBuild only: considered and not applied
  std::vector<PegInMint> skipped_mints;// kBuild only
  std::vector<PegOutRequest> pegouts;  // in transaction order
  Wei fees;       // paid by the included transactions
  Wei fees_paid;  // credited to the fee recipient (0 when there is none)
};

// Errors (kInvalidArgument): kVerify and any mint or transaction failing; more than
// kMaxTxsPerBlock transactions (kVerify) or max_txs above it (kBuild); more than
// kMaxPegInsPerBlock mints; the fee payout overflowing.
Result<BlockExecution> execute_block(Ledger state, const BlockContext& context,
                                     std::span<const LedgerTx> txs, ExecutionMode mode,
                                     const ExecutionOptions& options = {});

}  // namespace alys
