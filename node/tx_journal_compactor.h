// JournalCompactor: compacts a TxJournal on its own thread, so that no acknowledging
// request waits for it. Compaction asks the node about every record (node/tx_journal_replay.h)
// and rewrites the file; inline, it held one alys_sendRawTransaction in 4,096 for
// 0.2-0.8 s (docs/operations/load.md, finding 3).
//
// Contract:
// - request() is cheap and never blocks on a compaction: it wakes the thread, which runs
//   TxJournal::compact(still_pending) if the journal says compaction is due (requests
//   while one runs coalesce into one more look). Appends go on meanwhile; TxJournal keeps
//   what they add.
// - An error (the file) is reported to `on_error` on the compactor's thread; the journal
//   stays as it was (rewrite is atomic) and the next request tries again.
// - drain() returns once every request made before it has been served (tests, shutdown).
// - stop() (or the destructor) finishes a running compaction, drops pending requests and
//   joins. Call it before the node that `still_pending` asks stops.
// Threading: request, drain and stop from any thread but the compactor's.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "core/execution/ledger_tx.h"
#include "core/runtime/status.h"
#include "node/tx_journal.h"

namespace alys::node {

class JournalCompactor {
 public:
  using StillPending = std::function<bool(const LedgerTx&)>;
  using OnError = std::function<void(const Status&)>;

  // REQUIRES: `journal` outlives this object.
  JournalCompactor(TxJournal& journal, StillPending still_pending, OnError on_error);
  ~JournalCompactor();
  JournalCompactor(const JournalCompactor&) = delete;
  JournalCompactor& operator=(const JournalCompactor&) = delete;

  void request();
  void drain();
  void stop();
  std::uint64_t runs() const;  // compactions run (tests, logs)

 private:
  void loop();

  TxJournal& journal_;
  StillPending still_pending_;
  OnError on_error_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable served_;
  std::uint64_t requested_ = 0;    // requests made
  std::uint64_t served_upto_ = 0;  // requests covered by a finished run
  std::uint64_t runs_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// Appends `tx` (durably), then asks `compactor` to compact when the journal says it is due.
Status record_acknowledged(TxJournal& journal, JournalCompactor& compactor, const LedgerTx& tx);

}  // namespace alys::node
