// block_hash keeps a per-thread memo of recent results (core/chain/block.cc). It must never
// change a result: blocks that share a memo slot (same parent, height and slot) but differ
// anywhere else must each get their own hash, in any order.
#include <gtest/gtest.h>

#include <vector>

#include "core/chain/block.h"
#include "core/crypto/sha256.h"

namespace alys {
namespace {

ConsensusBlock base_block() {
  ConsensusBlock b;
  b.parent_hash = sha256(as_bytes("alys/test/block-hash-memo/parent"));
  b.height = 12;
  b.slot = 40;
  b.payload.state_root = sha256(as_bytes("alys/test/block-hash-memo/root"));
  return b;
}

TEST(BlockHashMemo, BlocksSharingASlotEachGetTheirOwnHash) {
  std::vector<ConsensusBlock> blocks(5, base_block());
  blocks[1].payload.state_root = sha256(as_bytes("another root"));
  LedgerTx tx;
  tx.nonce = 3;
  tx.signature.fill(0x42);
  blocks[2].payload.transactions.push_back(tx);
  blocks[3].payload.transactions.push_back(tx);
  blocks[3].payload.transactions[0].nonce = 4;  // differs from blocks[2] only inside a tx
  PegInRef pegin;
  pegin.amount_sat = 1;
  blocks[4].pegins.push_back(pegin);
  for (int round = 0; round < 3; ++round) {
    for (const ConsensusBlock& b : blocks) {
      EXPECT_EQ(block_hash(b), header_hash(consensus_header(b)));
    }
  }
  EXPECT_NE(block_hash(blocks[2]), block_hash(blocks[3]));
  EXPECT_NE(block_hash(blocks[0]), block_hash(blocks[4]));
}

}  // namespace
}  // namespace alys
