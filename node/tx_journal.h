// TxJournal: the node's durable record of the transactions it acknowledged over JSON-RPC
// (geth's local-transaction journal, made strict). alys_sendRawTransaction answers a
// transaction's hash only after the mempool took it AND its record is on disk (fdatasync),
// so a node killed right after acknowledging, before gossip carried the transaction
// anywhere, still has it: at start the node resubmits every journaled transaction
// (run_command), keeping those the mempool takes and dropping those it refuses (already
// applied: a used nonce), and rewrites the journal with what it kept.
//
// File: records of  u32 BE length | encode_ledger_tx bytes | u64 BE XXH3-64 of the bytes.
// A torn or damaged tail (a crash mid-append) ends the file: open() keeps the records
// before it and the next append overwrites it. Compaction (rewrite) goes through a
// temporary file, fdatasync and rename, so a crash leaves the old or the new journal.
// At most kTxJournalMaxRecords records: append refuses beyond (kFailedPrecondition), and
// the RPC then refuses the transaction — nothing is acknowledged that is not durable. The
// node rewrites the journal with what is still pending at start, and compacts it (drops
// what has applied) whenever compaction_due(): at kTxJournalCompactAt records, or twice
// what the last compaction kept if more, so a journal of many truly pending transactions is
// not compacted again at every append. A healthy node never gets near the maximum.
// Threading: every method is thread-safe (one mutex; appends are serialized).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/execution/ledger_tx.h"
#include "core/runtime/status.h"

namespace alys::node {

inline constexpr std::size_t kTxJournalMaxRecords = 100'000;
inline constexpr std::size_t kTxJournalCompactAt = 4096;
inline constexpr std::size_t kTxJournalMaxRecordBytes = 4096;

class TxJournal {
 public:
  // Opens (creating) the journal at `path`; entries() holds its valid records.
  // Errors: the file cannot be opened or read (kIoError naming it).
  static Result<std::unique_ptr<TxJournal>> open(const std::string& path);
  ~TxJournal();
  TxJournal(const TxJournal&) = delete;
  TxJournal& operator=(const TxJournal&) = delete;

  // The records the file holds now, in order (a copy).
  std::vector<LedgerTx> entries() const;
  // Appends and syncs. Errors: kFailedPrecondition when full, kIoError naming the file.
  Status append(const LedgerTx& tx);
  // Replaces the whole journal with `keep` (atomically, see above).
  Status rewrite(const std::vector<LedgerTx>& keep);
  // Rewrites the journal without the records `still_pending` says are done. The predicate
  // runs without the lock (it may ask the node); records appended meanwhile are kept.
  // One compaction at a time: a call while another runs returns ok at once (that one does
  // the work; RPC threads that all find compaction due must not each ask the node about
  // every record), and one whose snapshot a rewrite() replaced meanwhile changes nothing
  // (its view is stale; the next due check compacts again).
  Status compact(const std::function<bool(const LedgerTx&)>& still_pending);
  std::size_t records() const;
  bool compaction_due() const;
  const std::string& path() const { return path_; }

 private:
  TxJournal(std::string path, int fd, std::vector<LedgerTx> entries);
  Status write_all(int fd, const std::string& bytes) const;
  Status rewrite_locked(const std::vector<LedgerTx>& keep);  // REQUIRES: mu_ held

  std::string path_;
  mutable std::mutex mu_;
  int fd_ = -1;
  std::vector<LedgerTx> entries_;  // what the file holds, in order
  std::size_t compact_at_ = kTxJournalCompactAt;
  // Guarded by mu_ too: whether a compact() is between its snapshot and its rewrite, and
  // how many rewrites replaced entries_ (a snapshot older than the last is stale).
  bool compacting_ = false;
  std::uint64_t rewrites_ = 0;
};

}  // namespace alys::node
