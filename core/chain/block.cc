#include "core/chain/block.h"

#include <cstdint>

#include "core/chain/codec.h"
#include "core/crypto/tagged_hash.h"
#include "core/runtime/assert.h"
#include "core/types/recent_memo.h"

namespace alys {

Hash256 block_body_root(const ConsensusBlock& block) {
  // One allocation for the usual block: a few hundred bytes plus ~200 per transfer.
  ByteWriter w(512 + 224 * block.payload.transactions.size());
  write_block_body(w, block);
  return tagged_hash("alys/block-body", w.data());
}

ConsensusHeader consensus_header(const ConsensusBlock& block) {
  return ConsensusHeader{block.parent_hash, block.height, block.slot, block.payload.state_root,
                     block_body_root(block)};
}

Hash256 header_hash(const ConsensusHeader& header) {
  ByteWriter w(kConsensusHeaderBytes);
  write_consensus_header(w, header);
  return tagged_hash("alys/block", w.data());
}

namespace {

Hash256 compute_block_hash(const ConsensusBlock& block) {
  return header_hash(consensus_header(block));
}

}  // namespace

// A block is hashed by every node that receives it, again when read back from a store, by
// sync and by checks, and each time its whole body is encoded and hashed. So the hashes
// of recent blocks are remembered per thread; a hit is a block equal field by field
// (comparing costs a tenth of hashing).
Hash256 block_hash(const ConsensusBlock& block) {
  thread_local RecentMemo<ConsensusBlock, Hash256, 64> memo;
  const std::uint64_t index =
      block.height * 0x9E3779B97F4A7C15ull ^ block.slot ^ leading_u64(block.parent_hash.bytes());
  return memo.get(index, block, compute_block_hash);
}

std::size_t approval_quorum(std::size_t authority_count) {
  ALYS_ASSERT(authority_count > 0, "approval_quorum: no authorities");
  return (2 * authority_count + 2) / 3;
}

}  // namespace alys
