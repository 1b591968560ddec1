// What the tx journal's tests share: a transaction per nonce (unsigned: the journal only
// stores bytes) and a fixture with a fresh directory for the journal file.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/execution/ledger_tx.h"

namespace alys::node::test {

inline LedgerTx tx_with_nonce(std::uint64_t nonce) {
  LedgerTx tx;
  tx.nonce = nonce;
  tx.to[0] = static_cast<std::uint8_t>(nonce);
  tx.value = Wei::from_u64(nonce * 10);
  tx.fee = Wei::from_u64(1);
  tx.signature[0] = 0xaa;
  return tx;
}

class JournalDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "alys-journal-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    path_ = (dir_ / "txs.journal").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace alys::node::test
