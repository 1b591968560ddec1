#include "core/chain/block.h"

#include "core/chain/codec.h"
#include "core/crypto/tagged_hash.h"
#include "core/runtime/assert.h"

namespace alys {

Hash256 block_hash(const ConsensusBlock& block) {
  // One allocation for the usual block: a header's worth plus ~200 bytes per transfer.
  ByteWriter w(512 + 224 * block.payload.transactions.size());
  write_consensus_block(w, block);
  return tagged_hash("alys/block", w.data());
}

std::size_t approval_quorum(std::size_t authority_count) {
  ALYS_ASSERT(authority_count > 0, "approval_quorum: no authorities");
  return (2 * authority_count + 2) / 3;
}

}  // namespace alys
