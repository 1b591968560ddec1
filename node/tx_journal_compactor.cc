#include "node/tx_journal_compactor.h"

#include <utility>

namespace alys::node {

JournalCompactor::JournalCompactor(TxJournal& journal, StillPending still_pending, OnError on_error)
    : journal_(journal), still_pending_(std::move(still_pending)), on_error_(std::move(on_error)) {
  thread_ = std::thread([this] { loop(); });
}

JournalCompactor::~JournalCompactor() { stop(); }

void JournalCompactor::request() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    ++requested_;
  }
  wake_.notify_one();
}

void JournalCompactor::drain() {
  std::unique_lock lock(mu_);
  const std::uint64_t want = requested_;
  served_.wait(lock, [&] { return served_upto_ >= want || stopping_; });
}

void JournalCompactor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  served_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t JournalCompactor::runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}

void JournalCompactor::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || requested_ > served_upto_; });
    if (stopping_) return;
    // One run serves every request made before it starts.
    const std::uint64_t serving = requested_;
    lock.unlock();
    // Appends during a run request another; the run may have made that one needless.
    const bool due = journal_.compaction_due();
    if (due) {
      const Status s = journal_.compact(still_pending_);
      if (!s.is_ok() && on_error_) on_error_(s);
    }
    lock.lock();
    if (due) ++runs_;
    served_upto_ = serving;
    served_.notify_all();
  }
}

Status record_acknowledged(TxJournal& journal, JournalCompactor& compactor, const LedgerTx& tx) {
  if (Status s = journal.append(tx); !s.is_ok()) return s;
  if (journal.compaction_due()) compactor.request();
  return Status::ok();
}

}  // namespace alys::node
