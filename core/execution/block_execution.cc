#include "core/execution/block_execution.h"

#include <string>
#include <utility>

namespace alys {
namespace {

Status in_block(std::uint64_t height, std::string_view item, std::size_t index,
                const Status& error) {
  return Status::invalid_argument("block " + std::to_string(height) + ": " + std::string(item) +
                                  " " + std::to_string(index) + ": " + error.message());
}

}  // namespace

Result<BlockExecution> execute_block(Ledger state, const BlockContext& context,
                                     std::span<const LedgerTx> txs, ExecutionMode mode,
                                     const ExecutionOptions& options) {
  const bool verify = mode == ExecutionMode::kVerify;
  const std::string where = "block " + std::to_string(context.height) + ": ";
  if (context.mints.size() > limits::kMaxPegInsPerBlock) {
    return Status::invalid_argument(where + "mints: " + std::to_string(context.mints.size()) +
                                    ", max " + std::to_string(limits::kMaxPegInsPerBlock));
  }
  if (verify && txs.size() > limits::kMaxTxsPerBlock) {
    return Status::invalid_argument(where + "transactions: " + std::to_string(txs.size()) +
                                    ", max " + std::to_string(limits::kMaxTxsPerBlock));
  }
  if (!verify && options.max_txs > limits::kMaxTxsPerBlock) {
    return Status::invalid_argument(where + "max_txs: " + std::to_string(options.max_txs) +
                                    ", max " + std::to_string(limits::kMaxTxsPerBlock));
  }

  BlockExecution out{std::move(state), Hash256{}, {}, {}, {}, {}, {}, Wei{}, Wei{}};
  for (std::size_t i = 0; i < context.mints.size(); ++i) {
    const PegInMint& m = context.mints[i];
    if (Status s = out.state.mint(m); !s) {
      if (verify) return in_block(context.height, "mint", i, s);
      out.skipped_mints.push_back(m);
      continue;
    }
    if (!verify) out.mints.push_back(m);
  }

  for (std::size_t i = 0; i < txs.size(); ++i) {
    if (!verify && out.included.size() >= options.max_txs) break;
    auto effect = out.state.apply_transaction(txs[i], options.signature_check);
    if (!effect) {
      if (verify) return in_block(context.height, "tx", i, effect.error());
      out.skipped_txs.push_back(TxReceipt{ledger_tx_hash(txs[i]), effect.error()});
      continue;
    }
    // Cannot overflow: every fee already entered the ledger's pot with a checked add.
    out.fees = *out.fees.checked_add(effect->fee);
    if (effect->pegout) out.pegouts.push_back(std::move(*effect->pegout));
    if (!verify) out.included.push_back(txs[i]);
  }

  if (context.fee_recipient) {
    auto paid = out.state.pay_fees(*context.fee_recipient);
    if (!paid) return Status::invalid_argument(where + paid.error().message());
    out.fees_paid = *paid;
  }
  if (options.compute_state_root) out.state_root = out.state.state_root();
  return out;
}

}  // namespace alys
