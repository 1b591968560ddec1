// JournalCompactor on a real journal file: a due journal is compacted on the compactor's
// thread while the acknowledging side goes on appending (nothing it appended is lost, and
// it never waits for the compaction); a journal not due is left alone; an error reaches
// on_error; stop() finishes and joins.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>

#include "node/tests/journal_test_util.h"
#include "node/tx_journal_compactor.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;

using test::tx_with_nonce;

std::set<std::uint64_t> nonces_of(const TxJournal& j) {
  std::set<std::uint64_t> out;
  for (const LedgerTx& tx : j.entries()) out.insert(tx.nonce);
  return out;
}

class JournalCompactorTest : public test::JournalDirTest {
 protected:
  // A journal holding nonces 0..kTxJournalCompactAt-1, reopened so that compaction is due.
  std::unique_ptr<TxJournal> due_journal() {
    {
      auto j = TxJournal::open(path_);
      EXPECT_TRUE(j.has_value());
      std::vector<LedgerTx> many;
      for (std::uint64_t n = 0; n < kTxJournalCompactAt; ++n) many.push_back(tx_with_nonce(n));
      EXPECT_TRUE((*j)->rewrite(many).is_ok());
    }
    auto j = TxJournal::open(path_);
    EXPECT_TRUE(j.has_value());
    EXPECT_TRUE((*j)->compaction_due());
    return std::move(*j);
  }
};

TEST_F(JournalCompactorTest, ADueJournalIsCompactedOnItsThreadWhileAppendsGoOn) {
  auto journal = due_journal();
  // The predicate holds the compaction inside its scan until the test has appended, so
  // the appends certainly overlap it.
  std::mutex mu;
  std::condition_variable cv;
  bool scanning = false, appended = false;
  const std::thread::id test_thread = std::this_thread::get_id();
  std::atomic<bool> on_test_thread{false};
  JournalCompactor compactor(
      *journal,
      [&](const LedgerTx& tx) {
        if (std::this_thread::get_id() == test_thread) on_test_thread = true;
        if (tx.nonce == 0) {
          std::unique_lock lock(mu);
          scanning = true;
          cv.notify_all();
          cv.wait(lock, [&] { return appended; });
        }
        return tx.nonce % 2 == 1;  // the odd ones have not applied yet
      },
      [](const Status& s) { ADD_FAILURE() << s.to_string(); });
  ASSERT_TRUE(record_acknowledged(*journal, compactor, tx_with_nonce(100'000)).is_ok());
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return scanning; });
  }
  // The compaction is mid-scan; the acknowledging side is not held up by it.
  for (std::uint64_t n = 100'001; n < 100'005; ++n) {
    ASSERT_TRUE(record_acknowledged(*journal, compactor, tx_with_nonce(n)).is_ok());
  }
  {
    std::lock_guard lock(mu);
    appended = true;
  }
  cv.notify_all();
  compactor.drain();
  EXPECT_FALSE(on_test_thread.load());
  EXPECT_EQ(compactor.runs(), 1u) << "the requests during the run needed no second one";
  std::set<std::uint64_t> want;
  for (std::uint64_t n = 1; n < kTxJournalCompactAt; n += 2) want.insert(n);
  // 100,000 was in the compaction's snapshot, and even: done. The rest came during the
  // scan: kept whatever the predicate would say.
  for (std::uint64_t n = 100'001; n < 100'005; ++n) want.insert(n);
  EXPECT_EQ(nonces_of(*journal), want);
  auto reopened = TxJournal::open(path_);  // and so says the file
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(nonces_of(**reopened), want);
  EXPECT_FALSE(journal->compaction_due());
}

TEST_F(JournalCompactorTest, AJournalNotDueIsLeftAlone) {
  auto opened = TxJournal::open(path_);
  ASSERT_TRUE(opened.has_value());
  TxJournal& journal = **opened;
  std::atomic<int> asked{0};
  JournalCompactor compactor(
      journal, [&](const LedgerTx&) { return ++asked, false; }, [](const Status&) {});
  for (std::uint64_t n = 0; n < 5; ++n) ASSERT_TRUE(record_acknowledged(journal, compactor, tx_with_nonce(n)).is_ok());
  compactor.request();
  compactor.drain();
  EXPECT_EQ(compactor.runs(), 0u);
  EXPECT_EQ(asked.load(), 0);
  EXPECT_EQ(journal.records(), 5u);
}

TEST_F(JournalCompactorTest, AFailedCompactionIsReportedAndLeavesTheJournalWhole) {
  auto journal = due_journal();
  // The rewrite goes through path.tmp: a directory there makes it fail.
  fs::create_directory(path_ + ".tmp");
  std::mutex mu;
  std::vector<Status> errors;
  JournalCompactor compactor(
      *journal, [](const LedgerTx&) { return false; },
      [&](const Status& s) {
        std::lock_guard lock(mu);
        errors.push_back(s);
      });
  compactor.request();
  compactor.drain();
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].code(), StatusCode::kIoError);
    EXPECT_NE(errors[0].message().find(".tmp"), std::string::npos) << errors[0].message();
  }
  EXPECT_EQ(journal->records(), kTxJournalCompactAt);
  compactor.stop();
  compactor.stop();  // twice is fine
  compactor.request();  // after stop: ignored, not a hang
  compactor.drain();
}

}  // namespace
}  // namespace alys::node
