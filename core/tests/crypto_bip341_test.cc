// BIP-341 wallet test vectors (bitcoin/bips bip-0341/wallet-test-vectors.json, stored in
// core/tests/data): the scriptPubKey section (leaf hashes, merkle root, tweak, output key,
// scriptPubKey, BIP-350 address, control blocks) and, from keyPathSpending, the internal
// keys, tweaks and tweaked secret keys.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/bitcoin/address.h"
#include "core/crypto/keys.h"
#include "core/crypto/taproot.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

using nlohmann::json;
using test::hash_hex;
using test::hex_bytes;

json load_vectors() {
  return json::parse(test::read_data_file("bip341_wallet_test_vectors.json"));
}

struct Leaf {
  int id;
  std::uint8_t version;
  Hash256 hash;
  std::vector<Hash256> path;  // siblings, bottom first
};

// Returns the subtree hash; records each leaf with its path so far.
Hash256 walk_tree(const json& node, std::vector<Leaf>& leaves) {
  if (node.is_object()) {
    const Bytes script = hex_bytes(node["script"].get<std::string>());
    const auto version = static_cast<std::uint8_t>(node["leafVersion"].get<int>());
    const Hash256 h = tap_leaf_hash(version, script);
    leaves.push_back(Leaf{node["id"].get<int>(), version, h, {}});
    return h;
  }
  EXPECT_TRUE(node.is_array() && node.size() == 2);
  const std::size_t first_left = leaves.size();
  const Hash256 left = walk_tree(node[0], leaves);
  const std::size_t first_right = leaves.size();
  const Hash256 right = walk_tree(node[1], leaves);
  for (std::size_t i = first_left; i < first_right; ++i) leaves[i].path.push_back(right);
  for (std::size_t i = first_right; i < leaves.size(); ++i) leaves[i].path.push_back(left);
  return tap_branch_hash(left, right);
}

TEST(Bip341, ScriptPubKeyVectors) {
  const json vectors = load_vectors();
  int passed = 0;
  for (const auto& v : vectors["scriptPubKey"]) {
    const auto& given = v["given"];
    const auto& inter = v["intermediary"];
    const auto& expected = v["expected"];
    SCOPED_TRACE(given["internalPubkey"].get<std::string>());
    auto internal = XOnlyPublicKey::from_hex(given["internalPubkey"].get<std::string>());
    ASSERT_TRUE(internal.has_value());

    std::vector<Leaf> leaves;
    std::optional<Hash256> root;
    if (!given["scriptTree"].is_null()) root = walk_tree(given["scriptTree"], leaves);
    if (inter["merkleRoot"].is_null()) {
      EXPECT_FALSE(root.has_value());
    } else {
      ASSERT_TRUE(root.has_value());
      EXPECT_EQ(root->to_hex(), inter["merkleRoot"].get<std::string>());
      const auto& hashes = inter["leafHashes"];
      for (const auto& leaf : leaves) {
        EXPECT_EQ(leaf.hash.to_hex(), hashes[static_cast<std::size_t>(leaf.id)].get<std::string>());
      }
    }

    EXPECT_EQ(tap_tweak_hash(*internal, root).to_hex(), inter["tweak"].get<std::string>());
    auto output = taproot_output_key(*internal, root);
    ASSERT_TRUE(output.has_value());
    EXPECT_EQ(output->key.to_hex(), inter["tweakedPubkey"].get<std::string>());

    const WitnessProgram wp{1, Bytes(output->key.view().begin(), output->key.view().end())};
    EXPECT_EQ(to_hex(witness_program_script(wp)), expected["scriptPubKey"].get<std::string>());
    auto address = encode_segwit_address(BitcoinNetwork::kMainnet, wp);
    ASSERT_TRUE(address.has_value());
    EXPECT_EQ(*address, expected["bip350Address"].get<std::string>());
    auto decoded = decode_segwit_address(BitcoinNetwork::kMainnet, *address);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, wp);

    if (expected.contains("scriptPathControlBlocks")) {
      const auto& blocks = expected["scriptPathControlBlocks"];
      for (const auto& leaf : leaves) {
        const Bytes cb =
            taproot_control_block(leaf.version, output->parity_odd, *internal, leaf.path);
        EXPECT_EQ(to_hex(cb), blocks[static_cast<std::size_t>(leaf.id)].get<std::string>());
      }
    }
    if (!::testing::Test::HasFailure()) ++passed;
  }
  EXPECT_EQ(passed, 7);
}

TEST(Bip341, KeyPathTweakedSecretKeys) {
  const json vectors = load_vectors();
  int passed = 0;
  for (const auto& input : vectors["keyPathSpending"][0]["inputSpending"]) {
    const auto& given = input["given"];
    const auto& inter = input["intermediary"];
    auto sk = SecretKey::from_hex(given["internalPrivkey"].get<std::string>());
    ASSERT_TRUE(sk.has_value());
    EXPECT_EQ(sk->xonly_public_key().to_hex(), inter["internalPubkey"].get<std::string>());
    std::optional<Hash256> root;
    if (!given["merkleRoot"].is_null()) root = hash_hex(given["merkleRoot"].get<std::string>());
    EXPECT_EQ(tap_tweak_hash(sk->xonly_public_key(), root).to_hex(),
              inter["tweak"].get<std::string>());
    auto tweaked = taproot_tweak_secret_key(*sk, root);
    ASSERT_TRUE(tweaked.has_value());
    EXPECT_EQ(to_hex(tweaked->view()), inter["tweakedPrivkey"].get<std::string>());
    // The tweaked secret key signs for the tweaked public key.
    auto out = taproot_output_key(sk->xonly_public_key(), root);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(tweaked->xonly_public_key(), out->key);
    if (!::testing::Test::HasFailure()) ++passed;
  }
  EXPECT_EQ(passed, 7);
}

}  // namespace
}  // namespace alys
