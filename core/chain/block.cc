#include "core/chain/block.h"

#include <cstdint>
#include <vector>

#include "core/chain/codec.h"
#include "core/crypto/tagged_hash.h"
#include "core/runtime/assert.h"

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

// The hashes of recently hashed blocks, per thread (so no lock). A block is hashed by every
// node that receives it, again when it is read back from a store, by sync and by checks;
// each time its whole body is encoded and hashed. A pure memo (DESIGN.md §5): a hit is a
// block equal field by field to the one whose hash a slot holds (comparing costs a tenth
// of hashing); anything else is hashed afresh and replaces the slot.
class BlockHashMemo {
 public:
  Hash256 hash(const ConsensusBlock& block) {
    if (slots_.empty()) slots_.resize(kSlots);
    std::uint64_t index = block.height * 0x9E3779B97F4A7C15ull ^ block.slot;
    for (std::size_t i = 0; i < 8; ++i) index = (index << 8 | index >> 56) ^ block.parent_hash.bytes()[i];
    Slot& slot = slots_[index % kSlots];
    if (slot.used && slot.block == block) return slot.hash;
    slot.hash = header_hash(consensus_header(block));
    slot.block = block;
    slot.used = true;
    return slot.hash;
  }

 private:
  static constexpr std::size_t kSlots = 64;
  struct Slot {
    ConsensusBlock block;
    Hash256 hash;
    bool used = false;
  };
  std::vector<Slot> slots_;
};

}  // namespace

Hash256 block_hash(const ConsensusBlock& block) {
  thread_local BlockHashMemo memo;
  return memo.hash(block);
}

std::size_t approval_quorum(std::size_t authority_count) {
  ALYS_ASSERT(authority_count > 0, "approval_quorum: no authorities");
  return (2 * authority_count + 2) / 3;
}

}  // namespace alys
