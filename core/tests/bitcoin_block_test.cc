// Block headers and merkle trees against mainnet: the genesis block and block 100000.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/bitcoin/block.h"
#include "core/bitcoin/merkle.h"
#include "core/bitcoin/pow.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

using test::display_hash;
using test::hex_bytes;

constexpr char kGenesisHeader[] =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
    "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

constexpr char kGenesisCoinbase[] =
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff"
    "001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e"
    "6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104"
    "678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51e"
    "c112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

// Block 100000 (hash 000000000003ba27…): header and its four txids.
constexpr char kBlock100000Header[] =
    "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9252aacd5c0b2"
    "940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710";
const char* const kBlock100000Txids[] = {
    "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
    "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
    "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
    "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
};

TEST(BlockHeader, MainnetGenesis) {
  auto header = parse_block_header(hex_bytes(kGenesisHeader));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->version, 1);
  EXPECT_TRUE(header->prev_block.is_zero());
  EXPECT_EQ(header->merkle_root.to_display_hex(),
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  EXPECT_EQ(header->time, 1231006505u);
  EXPECT_EQ(header->bits, 0x1d00ffffu);
  EXPECT_EQ(header->nonce, 2083236893u);
  EXPECT_EQ(block_hash(*header).to_display_hex(),
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  EXPECT_EQ(to_hex(serialize_block_header(*header)), kGenesisHeader);
  const Uint256 pow_limit = decode_compact(0x1d00ffff).value;
  EXPECT_TRUE(check_proof_of_work(block_hash(*header), header->bits, pow_limit).is_ok());
}

TEST(Block, MainnetGenesisBlockMerkleRoot) {
  Bytes raw = hex_bytes(kGenesisHeader);
  raw.push_back(0x01);
  append(raw, hex_bytes(kGenesisCoinbase));
  auto block = parse_block(raw);
  ASSERT_TRUE(block.has_value());
  const MerkleRoot root = block_merkle_root(*block);
  EXPECT_FALSE(root.mutated);
  EXPECT_EQ(root.root, block->header.merkle_root);
  EXPECT_EQ(serialize_block(*block), raw);
}

TEST(Merkle, MainnetBlock100000) {
  auto header = parse_block_header(hex_bytes(kBlock100000Header));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(block_hash(*header).to_display_hex(),
            "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506");
  EXPECT_EQ(header->merkle_root.to_display_hex(),
            "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766");
  std::vector<Hash256> leaves;
  for (const char* t : kBlock100000Txids) leaves.push_back(display_hash(t));
  const MerkleRoot root = compute_merkle_root(leaves);
  EXPECT_EQ(root.root, header->merkle_root);
  EXPECT_FALSE(root.mutated);
  for (std::uint32_t i = 0; i < leaves.size(); ++i) {
    const auto branch = merkle_branch(leaves, i);
    EXPECT_EQ(branch.size(), 2u);
    EXPECT_EQ(merkle_root_from_branch(leaves[i], branch, i), header->merkle_root);
  }
  const Uint256 pow_limit = decode_compact(0x1d00ffff).value;
  EXPECT_TRUE(check_proof_of_work(block_hash(*header), header->bits, pow_limit).is_ok());
}

TEST(Merkle, DetectsDuplicateMutation) {
  const Hash256 a = test::hash_hex(std::string(64, '1'));
  const Hash256 b = test::hash_hex(std::string(64, '2'));
  const Hash256 c = test::hash_hex(std::string(64, '3'));
  const MerkleRoot three = compute_merkle_root({a, b, c});
  const MerkleRoot four = compute_merkle_root({a, b, c, c});
  EXPECT_EQ(three.root, four.root);  // CVE-2012-2459
  EXPECT_FALSE(three.mutated);
  EXPECT_TRUE(four.mutated);
  EXPECT_TRUE(compute_merkle_root({}).root.is_zero());
  EXPECT_EQ(compute_merkle_root({a}).root, a);
}

TEST(BlockHeader, DecoderIsStrict) {
  Bytes raw = hex_bytes(kGenesisHeader);
  EXPECT_FALSE(parse_block_header(ByteView(raw).subspan(0, 79)).has_value());
  raw.push_back(0);
  auto extra = parse_block_header(raw);
  ASSERT_FALSE(extra.has_value());
  EXPECT_NE(extra.error().message().find("trailing"), std::string::npos);
  // A block claiming 2^25 transactions with none present.
  Bytes block = hex_bytes(kGenesisHeader);
  block.insert(block.end(), {0xfe, 0x00, 0x00, 0x00, 0x02});
  auto b = parse_block(block);
  ASSERT_FALSE(b.has_value());
  EXPECT_NE(b.error().message().find("transaction count"), std::string::npos);
}

RC_GTEST_PROP(MerkleProperty, EveryBranchFoldsToRoot, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 40);
  std::vector<Hash256> leaves;
  for (std::size_t i = 0; i < n; ++i) {
    leaves.push_back(Hash256(*rc::gen::arbitrary<std::array<std::uint8_t, 32>>()));
  }
  const Hash256 root = compute_merkle_root(leaves).root;
  const auto index = *rc::gen::inRange<std::size_t>(0, n);
  const auto branch = merkle_branch(leaves, index);
  RC_ASSERT(merkle_root_from_branch(leaves[index], branch, static_cast<std::uint32_t>(index)) ==
            root);
}

RC_GTEST_PROP(BlockHeaderProperty, RoundTrip, (const std::array<std::uint8_t, 80>& raw)) {
  auto h = parse_block_header(raw);
  RC_ASSERT(h.has_value());
  const Bytes back = serialize_block_header(*h);
  RC_ASSERT(equal_bytes(back, raw));
}

}  // namespace
}  // namespace alys
