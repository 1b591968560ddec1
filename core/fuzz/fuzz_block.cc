// libFuzzer target: parse_block (core/bitcoin/block.h).
//
// Checks: a rejection names the field ("block header: ..." / "block: ..."); an accepted
// block re-serializes to exactly the input (header, canonical tx count, each transaction in
// its canonical form); the transaction count never exceeds what the input could hold (>= 10
// bytes per transaction); the txid and witness merkle roots are computable, and a merkle
// branch for the first and last transactions folds back to the txid root.
#include <vector>

#include "core/bitcoin/block.h"
#include "core/bitcoin/merkle.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);
  auto block = parse_block(in);
  if (!block) {
    FUZZ_CHECK(block.error().message().starts_with("block"), "block: error names no field");
    return 0;
  }
  FUZZ_CHECK(equal_bytes(serialize_block(*block), in), "block: re-serialization differs");
  FUZZ_CHECK(block->transactions.size() * 10 <= size, "block: more transactions than bytes");

  const MerkleRoot root = block_merkle_root(*block);
  (void)block_witness_merkle_root(*block);
  if (block->transactions.empty()) {
    FUZZ_CHECK(root.root.is_zero(), "block: empty block has a non-zero merkle root");
    return 0;
  }
  std::vector<Hash256> txids;
  txids.reserve(block->transactions.size());
  for (const auto& tx : block->transactions) txids.push_back(txid(tx));
  for (const std::size_t i : {std::size_t{0}, txids.size() - 1}) {
    const auto branch = merkle_branch(txids, i);
    const auto index = static_cast<std::uint32_t>(i);
    FUZZ_CHECK(merkle_root_from_branch(txids[i], branch, index) == root.root,
               "block: merkle branch does not fold to the root");
  }
  return 0;
}
