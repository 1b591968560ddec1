// BIP-341 key-path sighash: every input of the wallet vectors' keyPathSpending section
// (intermediary hashes, sigMsg, sigHash, and the expected witness signature with zero
// aux_rand), plus the first mainnet taproot spend's signature.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/bitcoin/taproot_sighash.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/taproot.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

using nlohmann::json;
using test::hash_hex;
using test::hex_bytes;

TEST(TaprootSighash, Bip341KeyPathVectors) {
  const json vectors =
      json::parse(test::read_data_file("bip341_wallet_test_vectors.json"))["keyPathSpending"][0];
  auto tx = parse_transaction(hex_bytes(vectors["given"]["rawUnsignedTx"].get<std::string>()));
  ASSERT_TRUE(tx.has_value());
  std::vector<TxOut> spent;
  for (const auto& u : vectors["given"]["utxosSpent"]) {
    spent.push_back(TxOut{u["amountSats"].get<std::int64_t>(),
                          hex_bytes(u["scriptPubKey"].get<std::string>())});
  }
  const TaprootPrecomputed pre = taproot_precompute(*tx, spent);
  const auto& inter = vectors["intermediary"];
  EXPECT_EQ(pre.amounts.to_hex(), inter["hashAmounts"].get<std::string>());
  EXPECT_EQ(pre.outputs.to_hex(), inter["hashOutputs"].get<std::string>());
  EXPECT_EQ(pre.prevouts.to_hex(), inter["hashPrevouts"].get<std::string>());
  EXPECT_EQ(pre.script_pubkeys.to_hex(), inter["hashScriptPubkeys"].get<std::string>());
  EXPECT_EQ(pre.sequences.to_hex(), inter["hashSequences"].get<std::string>());

  int passed = 0;
  for (const auto& input : vectors["inputSpending"]) {
    const auto& given = input["given"];
    const auto index = given["txinIndex"].get<std::size_t>();
    const auto hash_type = static_cast<std::uint8_t>(given["hashType"].get<int>());
    SCOPED_TRACE(fmt::format("input {} hash type {}", index, hash_type));
    auto msg = taproot_sigmsg(*tx, index, spent, hash_type);
    ASSERT_TRUE(msg.has_value()) << msg.error().to_string();
    EXPECT_EQ(to_hex(*msg), input["intermediary"]["sigMsg"].get<std::string>());
    auto sighash = taproot_sighash(*tx, index, spent, hash_type);
    ASSERT_TRUE(sighash.has_value());
    EXPECT_EQ(sighash->to_hex(), input["intermediary"]["sigHash"].get<std::string>());

    // Sign with the tweaked key and zero aux_rand, as the vectors were generated.
    auto sk = SecretKey::from_hex(given["internalPrivkey"].get<std::string>());
    ASSERT_TRUE(sk.has_value());
    std::optional<Hash256> root;
    if (!given["merkleRoot"].is_null()) root = hash_hex(given["merkleRoot"].get<std::string>());
    auto tweaked = taproot_tweak_secret_key(*sk, root);
    ASSERT_TRUE(tweaked.has_value());
    const SchnorrSignature sig = schnorr_sign(*tweaked, sighash->view(), Hash256{});
    std::string witness = sig.to_hex();
    if (hash_type != kSighashDefault) witness += fmt::format("{:02x}", hash_type);
    EXPECT_EQ(witness, input["expected"]["witness"][0].get<std::string>());
    if (!::testing::Test::HasFailure()) ++passed;
  }
  EXPECT_EQ(passed, 7);
}

TEST(TaprootSighash, FirstMainnetTaprootSpendSignatureVerifies) {
  // Tx 33e794d0… spends output 1 of d1f1… whose scriptPubKey and amount are published
  // (Bitcoin Core's kernel tests use the same pair).
  auto tx = parse_transaction(hex_bytes(
      "01000000000101d1f1c1f8cdf6759167b90f52c9ad358a369f95284e841d7a2536cef31c0549580100000000"
      "fdffffff020000000000000000316a2f49206c696b65205363686e6f7272207369677320616e642049206361"
      "6e6e6f74206c69652e204062697462756734329e06010000000000225120a37c3903c8d0db6512e2b40b0dff"
      "a05e5a3ab73603ce8c9c4b7771e5412328f90140a60c383f71bac0ec919b1d7dbc3eb72dd56e7aa995836155"
      "64f9f99b8ae4e837b758773a5b2e4c51348854c8389f008e05029db7f464a5ff2e01d5e6e626174affd30a00"));
  ASSERT_TRUE(tx.has_value());
  const std::vector<TxOut> spent{
      TxOut{88480, hex_bytes("5120339ce7e165e67d93adb3fef88a6d4beed33f01fa876f05a225242b82a631abc0")}};
  auto sighash = taproot_sighash(*tx, 0, spent, kSighashDefault);
  ASSERT_TRUE(sighash.has_value());
  auto key = XOnlyPublicKey::from_hex("339ce7e165e67d93adb3fef88a6d4beed33f01fa876f05a225242b82a631abc0");
  auto sig = SchnorrSignature::from_bytes(tx->inputs[0].witness.at(0));
  ASSERT_TRUE(key.has_value());
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(schnorr_verify(*key, sighash->view(), *sig));
}

TEST(TaprootSighash, MainnetScriptPathAndKeyPathSpend) {
  // Tx 37777def… (block 709635): input 0 spends by key path, input 1 by script path
  // (<key> OP_CHECKSIG leaf, one sibling). Both prevouts hold 491750 sat. Input 0's output
  // key is its signing key; input 1's output key is rebuilt from its control block.
  auto tx = parse_transaction(hex_bytes(
      "020000000001027bc0bba407bc67178f100e352bf6e047fae4cbf960d783586cb5e430b3b700e700000000"
      "00feffffff7bc0bba407bc67178f100e352bf6e047fae4cbf960d783586cb5e430b3b700e70100000000fe"
      "ffffff01b4ba0e0000000000160014173fd310e9db2c7e9550ce0f03f1e6c01d833aa90140134896c42cd9"
      "5680b048845847c8054756861ffab7d4abab72f6508d67d1ec0c590287ec2161dd7884983286e1cd56ce65"
      "c08a24ee0476ede92678a93b1b180c03407b5d614a4610bf9196775791fcc589597ca066dcd10048e004cd"
      "4c7341bb4bb90cee4705192f3f7db524e8067a5222c7f09baf29ef6b805b8327ecd1e5ab83ca2220f5b059"
      "b9a72298ccbefff59d9b943f7e0fc91d8a3b944a95e7b6390cc99eb5f4ac41c0d9dfdf0fe3c83e9870095d"
      "67fff59a8056dad28c6dfb944bb71cf64b90ace9a7776b22a1185fb2dc9524f6b178e2693189bf01655d7f"
      "38f043923668dc5af45bffd30a00"));
  ASSERT_TRUE(tx.has_value());
  EXPECT_EQ(txid(*tx).to_display_hex(),
            "37777defed8717c581b4c0509329550e344bdc14ac38f71fc050096887e535c8");
  const auto& witness = tx->inputs.at(1).witness;
  ASSERT_EQ(witness.size(), 3u);
  const Bytes& script = witness[1];
  const Bytes& control = witness[2];
  ASSERT_EQ(control.size(), 65u);
  auto internal = XOnlyPublicKey::from_bytes(ByteView(control).subspan(1, 32));
  ASSERT_TRUE(internal.has_value());
  const std::uint8_t leaf_version = control[0] & 0xfe;
  const Hash256 leaf = tap_leaf_hash(leaf_version, script);
  auto sibling = Hash256::from_bytes(ByteView(control).subspan(33, 32));
  ASSERT_TRUE(sibling.has_value());
  auto output = taproot_output_key(*internal, tap_branch_hash(leaf, *sibling));
  ASSERT_TRUE(output.has_value());
  EXPECT_EQ(output->parity_odd, (control[0] & 1) == 1);

  Bytes spk0 = hex_bytes("51205f4237bd7dae576b34abc8a9c6fa4f0e4787c04234ca963e9e96c8f9b67b56d1");
  Bytes spk1 = {0x51, 0x20};
  append(spk1, output->key.view());
  const std::vector<TxOut> spent{TxOut{491750, spk0}, TxOut{491750, spk1}};

  auto key_sighash = taproot_sighash(*tx, 0, spent, kSighashDefault);
  ASSERT_TRUE(key_sighash.has_value());
  auto key0 = XOnlyPublicKey::from_bytes(ByteView(spk0).subspan(2));
  auto sig0 = SchnorrSignature::from_bytes(tx->inputs[0].witness.at(0));
  ASSERT_TRUE(key0.has_value());
  ASSERT_TRUE(sig0.has_value());
  EXPECT_TRUE(schnorr_verify(*key0, key_sighash->view(), *sig0));

  auto script_sighash =
      taproot_sighash(*tx, 1, spent, kSighashDefault, TapscriptPath{leaf, 0xffffffff});
  ASSERT_TRUE(script_sighash.has_value());
  ASSERT_EQ(script.size(), 34u);  // <32-byte key> OP_CHECKSIG
  auto key1 = XOnlyPublicKey::from_bytes(ByteView(script).subspan(1, 32));
  auto sig1 = SchnorrSignature::from_bytes(witness[0]);
  ASSERT_TRUE(key1.has_value());
  ASSERT_TRUE(sig1.has_value());
  EXPECT_TRUE(schnorr_verify(*key1, script_sighash->view(), *sig1));
  // The same signature does not verify against the key-path form of the message.
  auto wrong = taproot_sighash(*tx, 1, spent, kSighashDefault);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_FALSE(schnorr_verify(*key1, wrong->view(), *sig1));
}

TEST(TaprootSighash, ErrorsNameTheCause) {
  Transaction tx;
  tx.inputs.resize(2);
  tx.outputs.push_back(TxOut{1, {0x51}});
  const std::vector<TxOut> spent(2, TxOut{5, {0x51}});
  EXPECT_NE(taproot_sighash(tx, 0, spent, 0x04).error().message().find("hash type"),
            std::string::npos);
  EXPECT_NE(taproot_sighash(tx, 2, spent, 0).error().message().find("out of range"),
            std::string::npos);
  EXPECT_NE(taproot_sighash(tx, 0, std::span(spent).subspan(1), 0).error().message().find("spent"),
            std::string::npos);
  EXPECT_NE(taproot_sighash(tx, 1, spent, kSighashSingle).error().message().find("SINGLE"),
            std::string::npos);
  EXPECT_TRUE(taproot_sighash(tx, 0, spent, kSighashSingle).has_value());
}

TEST(TaprootSighash, ScriptPathExtendsTheMessage) {
  Transaction tx;
  tx.inputs.resize(1);
  tx.outputs.push_back(TxOut{1, {0x51}});
  const std::vector<TxOut> spent{TxOut{5, {0x51}}};
  auto key_msg = taproot_sigmsg(tx, 0, spent, 0);
  const Hash256 leaf = tap_leaf_hash(kTapLeafVersionTapscript, Bytes{0x51});
  auto script_msg = taproot_sigmsg(tx, 0, spent, 0, TapscriptPath{leaf, 0xffffffff});
  ASSERT_TRUE(key_msg.has_value());
  ASSERT_TRUE(script_msg.has_value());
  // spend_type becomes 2 (ext_flag 1), then leaf hash, key_version 0, codesep_pos.
  ASSERT_EQ(script_msg->size(), key_msg->size() + 32 + 1 + 4);
  const std::size_t spend_type_pos = 1 + 1 + 4 + 4 + 32 * 5;
  EXPECT_EQ((*key_msg)[spend_type_pos], 0);
  EXPECT_EQ((*script_msg)[spend_type_pos], 2);
  EXPECT_TRUE(equal_bytes(ByteView(*script_msg).subspan(key_msg->size(), 32), leaf.view()));
  EXPECT_EQ(to_hex(ByteView(*script_msg).subspan(key_msg->size() + 32)), "00ffffffff");
}

}  // namespace
}  // namespace alys
