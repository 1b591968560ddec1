#include "node/tx_journal_replay.h"

#include <chrono>
#include <filesystem>

#include "node/node_queries.h"

namespace alys::node {

namespace {

constexpr auto kAskTimeout = std::chrono::seconds(10);

// False once the node's head has the sender past this nonce; true when unsure.
bool still_pending(const NodeQueries& queries, const LedgerTx& tx) {
  const auto until = std::chrono::steady_clock::now() + kAskTimeout;
  auto answer = queries.ask_account(account_address(tx.sender_key)).wait(until);
  if (!answer || !answer->has_value()) return true;
  return tx.nonce >= answer->value().account.nonce;
}

}  // namespace

Result<std::unique_ptr<TxJournal>> open_tx_journal(const NodeFile& file, AlysNode& node) {
  auto journal = TxJournal::open((std::filesystem::path(file.data_dir) / kTxJournalFile).string());
  if (!journal) return journal.error();
  const NodeQueries queries(node);
  for (const LedgerTx& tx : (*journal)->loaded()) {
    if (!still_pending(queries, tx)) continue;
    // The mempool's refusal (a bad signature cannot be: it took it once) is not an error
    // here; compaction below decides what stays.
    (void)queries.submit_tx(tx).wait(std::chrono::steady_clock::now() + kAskTimeout);
  }
  if (Status s = (*journal)->compact([&](const LedgerTx& tx) { return still_pending(queries, tx); });
      !s.is_ok()) {
    return s;
  }
  return journal;
}

Status record_acknowledged(TxJournal& journal, AlysNode& node, const LedgerTx& tx) {
  if (journal.records() >= kTxJournalCompactAt) {
    const NodeQueries queries(node);
    if (Status s = journal.compact([&](const LedgerTx& t) { return still_pending(queries, t); }); !s.is_ok()) {
      return s;
    }
  }
  return journal.append(tx);
}

}  // namespace alys::node
