#include "core/bitcoin/merkle.h"

#include "core/crypto/sha256.h"
#include "core/runtime/assert.h"

namespace alys {

MerkleRoot compute_merkle_root(std::vector<Hash256> level) {
  MerkleRoot out;
  if (level.empty()) return out;
  while (level.size() > 1) {
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      if (level[i] == level[i + 1]) out.mutated = true;
    }
    if (level.size() % 2 == 1) level.push_back(level.back());
    for (std::size_t i = 0; i < level.size() / 2; ++i) {
      level[i] = sha256d_pair(level[2 * i], level[2 * i + 1]);
    }
    level.resize(level.size() / 2);
  }
  out.root = level[0];
  return out;
}

std::vector<Hash256> merkle_branch(std::span<const Hash256> leaves, std::size_t index) {
  ALYS_ASSERT(index < leaves.size(), "merkle_branch: index out of range");
  std::vector<Hash256> branch;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    if (level.size() % 2 == 1) level.push_back(level.back());
    branch.push_back(level[index ^ 1]);
    for (std::size_t i = 0; i < level.size() / 2; ++i) {
      level[i] = sha256d_pair(level[2 * i], level[2 * i + 1]);
    }
    level.resize(level.size() / 2);
    index >>= 1;
  }
  return branch;
}

Hash256 merkle_root_from_branch(const Hash256& leaf, std::span<const Hash256> branch,
                                std::uint32_t index) {
  Hash256 node = leaf;
  for (const auto& sibling : branch) {
    node = (index & 1) ? sha256d_pair(sibling, node) : sha256d_pair(node, sibling);
    index >>= 1;
  }
  return node;
}

MerkleRoot block_merkle_root(const Block& block) {
  std::vector<Hash256> leaves;
  leaves.reserve(block.transactions.size());
  for (const auto& tx : block.transactions) leaves.push_back(txid(tx));
  return compute_merkle_root(std::move(leaves));
}

MerkleRoot block_witness_merkle_root(const Block& block) {
  std::vector<Hash256> leaves;
  leaves.reserve(block.transactions.size());
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    leaves.push_back(i == 0 ? Hash256{} : wtxid(block.transactions[i]));
  }
  return compute_merkle_root(std::move(leaves));
}

}  // namespace alys
