// The node's side of the transaction journal (node/tx_journal.h): at start, every
// transaction it acknowledged and that has not applied yet goes back into its mempool; while
// it runs, each acknowledgement is recorded and the journal is compacted as it grows.
// "Applied" = the sender's nonce at the head is past the transaction's (asked of the node,
// so only the node's own view counts; a transaction kept too long is harmless: the mempool
// drops a stale nonce at its next build).
#pragma once

#include <memory>

#include "core/execution/ledger_tx.h"
#include "core/runtime/status.h"
#include "core/system/alys_node.h"
#include "node/node_files.h"
#include "node/tx_journal.h"

namespace alys::node {

inline constexpr const char* kTxJournalFile = "txs.journal";

// Opens data_dir/txs.journal, resubmits what it holds to `node`'s mempool and compacts it.
// REQUIRES: the node started. Errors: the journal's (named).
Result<std::unique_ptr<TxJournal>> open_tx_journal(const NodeFile& file, AlysNode& node);

// Appends `tx` (durably); compacts first when the journal reached kTxJournalCompactAt.
Status record_acknowledged(TxJournal& journal, AlysNode& node, const LedgerTx& tx);

}  // namespace alys::node
