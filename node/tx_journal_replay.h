// The node's side of the transaction journal (node/tx_journal.h): at start, every
// transaction it acknowledged and that has not applied yet goes back into its mempool; while
// it runs, each acknowledgement is recorded and a JournalCompactor compacts the journal as
// it grows, by still_pending_in.
// "Applied" = the sender's nonce in the finalized state is past the transaction's (asked
// of the node, so only its own view counts). Not the head's: a restarted node's head may
// be its own block that never reached anyone, which the network then reorgs away; had
// its transactions left the journal then, a second crash before the node proposed again
// lost them (the crash test, CI). A transaction kept too long is harmless: the mempool
// drops a stale nonce at its next build.
#pragma once

#include <memory>

#include "core/execution/ledger_tx.h"
#include "core/runtime/status.h"
#include "core/system/alys_node.h"
#include "node/node_files.h"
#include "node/node_queries.h"
#include "node/tx_journal.h"

namespace alys::node {

inline constexpr const char* kTxJournalFile = "txs.journal";

struct RecoveredJournal {
  std::unique_ptr<TxJournal> journal;  // holds only the still-pending transactions
  std::size_t found = 0;               // records the file held at start
};
// Opens data_dir/txs.journal, resubmits what is still pending to `node`'s mempool and
// compacts the journal. REQUIRES: the node started. Errors: the journal's (named).
Result<RecoveredJournal> open_tx_journal(const NodeFile& file, AlysNode& node);

// Whether `tx` has not applied yet in the node's finalized state (true when unsure): the
// predicate a JournalCompactor (node/tx_journal_compactor.h) compacts a node's journal by.
// Takes the caller's NodeQueries: making one per record would derive the node key's
// public key each time. Threading: not an actor strand (it waits for the answer).
bool still_pending(const NodeQueries& queries, const LedgerTx& tx);

}  // namespace alys::node
