// Bitcoin merkle trees (SHA256d, last node duplicated on odd levels) and merkle branches.
//
// compute_merkle_root also reports `mutated`: whether some level had two identical
// adjacent nodes (CVE-2012-2459), which lets different transaction lists share a root;
// block validation must reject such blocks. The root of an empty list is all zeros.
//
// A branch for leaf `index` lists the sibling hashes from the leaf level up; bit k of
// `index` tells whether the node at level k is a right child (1) or a left child (0).
// This is the form used by AuxPoW (Namecoin's CMerkleTx) for coinbase and chain branches.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/bitcoin/block.h"
#include "core/types/hash256.h"

namespace alys {

struct MerkleRoot {
  Hash256 root;
  bool mutated = false;
};

MerkleRoot compute_merkle_root(std::vector<Hash256> leaves);

// REQUIRES: index < leaves.size() (asserted).
std::vector<Hash256> merkle_branch(std::span<const Hash256> leaves, std::size_t index);

// Folds `leaf` up through `branch`; equals the tree's root when the branch is right.
Hash256 merkle_root_from_branch(const Hash256& leaf, std::span<const Hash256> branch,
                                std::uint32_t index);

// Root over the block's txids (the header's merkle_root).
MerkleRoot block_merkle_root(const Block& block);
// BIP-141 witness root: over wtxids, with the coinbase's wtxid replaced by zeros.
MerkleRoot block_witness_merkle_root(const Block& block);

}  // namespace alys
