// TxJournal on a real file: records come back in order after a reopen, a torn tail (a
// crash mid-append) is cut off and appending goes on after the last whole record, a
// damaged record ends the journal there, and rewrite replaces everything.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "node/tx_journal.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;

LedgerTx tx_with_nonce(std::uint64_t nonce) {
  LedgerTx tx;
  tx.nonce = nonce;
  tx.to[0] = static_cast<std::uint8_t>(nonce);
  tx.value = Wei::from_u64(nonce * 10);
  tx.fee = Wei::from_u64(1);
  tx.signature[0] = 0xaa;
  return tx;
}

class TxJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "alys-journal-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    path_ = (dir_ / "txs.journal").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::uint64_t> nonces_after_reopen() {
    auto j = TxJournal::open(path_);
    EXPECT_TRUE(j.has_value());
    std::vector<std::uint64_t> out;
    for (const auto& tx : (*j)->entries()) out.push_back(tx.nonce);
    return out;
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(TxJournalTest, RecordsComeBackInOrderAfterAReopen) {
  {
    auto j = TxJournal::open(path_);
    ASSERT_TRUE(j.has_value());
    EXPECT_TRUE((*j)->entries().empty());
    for (std::uint64_t n = 0; n < 3; ++n) ASSERT_TRUE((*j)->append(tx_with_nonce(n)).is_ok());
    EXPECT_EQ((*j)->records(), 3u);
  }
  auto j = TxJournal::open(path_);
  ASSERT_TRUE(j.has_value());
  ASSERT_EQ((*j)->entries().size(), 3u);
  EXPECT_EQ((*j)->entries()[2], tx_with_nonce(2));
}

TEST_F(TxJournalTest, ATornTailIsCutAndAppendingGoesOnAfterTheLastWholeRecord) {
  {
    auto j = TxJournal::open(path_);
    ASSERT_TRUE((*j)->append(tx_with_nonce(0)).is_ok());
    ASSERT_TRUE((*j)->append(tx_with_nonce(1)).is_ok());
  }
  fs::resize_file(path_, fs::file_size(path_) - 5);  // the second record torn
  {
    auto j = TxJournal::open(path_);
    ASSERT_TRUE(j.has_value());
    ASSERT_EQ((*j)->entries().size(), 1u);
    ASSERT_TRUE((*j)->append(tx_with_nonce(7)).is_ok());
  }
  EXPECT_EQ(nonces_after_reopen(), (std::vector<std::uint64_t>{0, 7}));
}

TEST_F(TxJournalTest, ADamagedRecordEndsTheJournalThere) {
  {
    auto j = TxJournal::open(path_);
    for (std::uint64_t n = 0; n < 3; ++n) ASSERT_TRUE((*j)->append(tx_with_nonce(n)).is_ok());
  }
  const auto size = fs::file_size(path_);
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 3 + 10));  // inside the second record
    f.put('\x5a');
  }
  EXPECT_EQ(nonces_after_reopen(), (std::vector<std::uint64_t>{0}));
}

TEST_F(TxJournalTest, RewriteReplacesEverything) {
  {
    auto j = TxJournal::open(path_);
    for (std::uint64_t n = 0; n < 4; ++n) ASSERT_TRUE((*j)->append(tx_with_nonce(n)).is_ok());
    ASSERT_TRUE((*j)->rewrite({tx_with_nonce(3)}).is_ok());
    EXPECT_EQ((*j)->records(), 1u);
    ASSERT_TRUE((*j)->append(tx_with_nonce(4)).is_ok());
  }
  EXPECT_EQ(nonces_after_reopen(), (std::vector<std::uint64_t>{3, 4}));
}

TEST_F(TxJournalTest, AnUnwritablePathIsAnIoErrorNamingIt) {
  auto j = TxJournal::open((dir_ / "missing-dir" / "txs.journal").string());
  ASSERT_FALSE(j.has_value());
  EXPECT_EQ(j.error().code(), StatusCode::kIoError);
  EXPECT_NE(j.error().message().find("missing-dir"), std::string::npos);
}

}  // namespace
}  // namespace alys::node

namespace alys::node {
namespace {

TEST_F(TxJournalTest, CompactDropsWhatIsDoneAndKeepsTheRest) {
  auto j = TxJournal::open(path_);
  for (std::uint64_t n = 0; n < 5; ++n) ASSERT_TRUE((*j)->append(tx_with_nonce(n)).is_ok());
  ASSERT_TRUE((*j)->compact([](const LedgerTx& tx) { return tx.nonce >= 3; }).is_ok());
  EXPECT_EQ((*j)->records(), 2u);
  j.value().reset();
  EXPECT_EQ(nonces_after_reopen(), (std::vector<std::uint64_t>{3, 4}));
}

}  // namespace
}  // namespace alys::node

namespace alys::node {
namespace {

// Compaction is due at kTxJournalCompactAt records, or at twice what the last compaction
// kept: a journal full of still-pending transactions is not compacted at every append.
TEST_F(TxJournalTest, CompactionIsDueAtTheThresholdOrTwiceWhatTheLastOneKept) {
  auto j = TxJournal::open(path_);
  ASSERT_TRUE(j.has_value());
  EXPECT_FALSE((*j)->compaction_due());
  std::vector<LedgerTx> many;
  for (std::uint64_t n = 0; n < kTxJournalCompactAt; ++n) many.push_back(tx_with_nonce(n));
  ASSERT_TRUE((*j)->rewrite(many).is_ok());  // kept kTxJournalCompactAt: next due at twice
  EXPECT_FALSE((*j)->compaction_due());
  j.value().reset();
  auto again = TxJournal::open(path_);  // a fresh start: the threshold is the default again
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE((*again)->compaction_due());
}

}  // namespace
}  // namespace alys::node
