#include "node/tx_journal_replay.h"

#include <chrono>
#include <filesystem>

#include "node/node_queries.h"

namespace alys::node {

namespace {

constexpr auto kAskTimeout = std::chrono::seconds(10);

}  // namespace

// False once the node's finalized state has the sender past this nonce; true when unsure.
bool still_pending(const NodeQueries& queries, const LedgerTx& tx) {
  const auto until = std::chrono::steady_clock::now() + kAskTimeout;
  auto answer = queries.ask_account(account_address(tx.sender_key), chain::StateAt::kFinalized).wait(until);
  if (!answer || !answer->has_value()) return true;
  return tx.nonce >= answer->value().account.nonce;
}

Result<RecoveredJournal> open_tx_journal(const NodeFile& file, AlysNode& node) {
  auto journal = TxJournal::open((std::filesystem::path(file.data_dir) / kTxJournalFile).string());
  if (!journal) return journal.error();
  const NodeQueries queries(node);
  const std::vector<LedgerTx> found = (*journal)->entries();
  for (const LedgerTx& tx : found) {
    if (!still_pending(queries, tx)) continue;
    // The mempool's refusal (a bad signature cannot be: it took it once) is not an error
    // here; compaction below decides what stays.
    (void)queries.submit_tx(tx).wait(std::chrono::steady_clock::now() + kAskTimeout);
  }
  // Asked again, not remembered from above: the node is still loading its chain at start,
  // and by now its finalized block has moved past more of these nonces.
  if (Status s = (*journal)->compact([&](const LedgerTx& tx) { return still_pending(queries, tx); });
      !s.is_ok()) {
    return s;
  }
  return RecoveredJournal{std::move(*journal), found.size()};
}

}  // namespace alys::node
