// The federation's m-of-n taproot wallet: script bytes, address derivation, sighash,
// witness assembly and checking, end to end with real Schnorr signatures.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/bitcoin/federation.h"
#include "core/bitcoin/script.h"
#include "core/chain/chain_spec.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

SecretKey key_from_int(std::uint8_t i) {
  Bytes raw(32, 0);
  raw[31] = i;
  return *SecretKey::from_bytes(raw);
}

std::vector<XOnlyPublicKey> member_keys(std::size_t n) {
  std::vector<XOnlyPublicKey> keys;
  for (std::size_t i = 1; i <= n; ++i) keys.push_back(key_from_int(static_cast<std::uint8_t>(i)).xonly_public_key());
  return keys;
}

// The chain spec's federation is its authorities with the majority threshold, whatever
// order the compiler evaluates call arguments in: federation_of once moved the member list
// into Federation::create before computing majority(members.size()) under Clang, which
// made it 1-of-5, and its address was not the one deposits paid (no peg-out was ever paid).
TEST(Federation, TheSpecsFederationIsItsAuthoritiesWithAMajority) {
  ChainSpec spec;
  for (const XOnlyPublicKey& k : member_keys(5)) spec.authorities.emplace_back(k.bytes());
  auto fed = federation_of(spec);
  ASSERT_TRUE(fed.has_value()) << fed.error().message();
  EXPECT_EQ(fed->threshold(), 3u);
  EXPECT_EQ(fed->members(), member_keys(5));
  auto expected = Federation::create(member_keys(5), 3);
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(fed->script_pubkey(), expected->script_pubkey());
}

TEST(Federation, ScriptLayoutMatchesAlys) {
  auto fed = Federation::create(member_keys(3), 2);
  ASSERT_TRUE(fed.has_value());
  const Bytes& s = fed->script();
  ASSERT_EQ(s.size(), 3 * 34 + 2u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s[34 * i], 0x20);
    EXPECT_TRUE(equal_bytes(ByteView(s).subspan(34 * i + 1, 32), fed->members()[i].view()));
    EXPECT_EQ(s[34 * i + 33], i == 0 ? op::kCheckSig : op::kCheckSigAdd);
  }
  EXPECT_EQ(s[102], 0x52);  // OP_2
  EXPECT_EQ(s[103], op::kGreaterThanOrEqual);
  EXPECT_EQ(fed->internal_key().to_hex(), kNumsInternalKeyHex);
  // The single-leaf tree: the output key commits to the script through the leaf hash.
  auto out = taproot_output_key(fed->internal_key(), tap_leaf_hash(0xc0, s));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->key, fed->output_key().key);
  EXPECT_EQ(fed->control_block().size(), 33u);
  EXPECT_EQ(fed->control_block()[0], 0xc0 | (fed->output_key().parity_odd ? 1 : 0));
  auto addr = fed->address(BitcoinNetwork::kRegtest);
  ASSERT_TRUE(addr.has_value());
  EXPECT_EQ(addr->substr(0, 6), "bcrt1p");
  EXPECT_EQ(Federation::majority(3), 2u);
  EXPECT_EQ(Federation::majority(4), 3u);
}

TEST(Federation, RejectsBadConfigurations) {
  EXPECT_FALSE(Federation::create({}, 1).has_value());
  EXPECT_FALSE(Federation::create(member_keys(3), 0).has_value());
  EXPECT_FALSE(Federation::create(member_keys(3), 4).has_value());
  auto dup = member_keys(2);
  dup.push_back(dup[0]);
  auto r = Federation::create(dup, 2);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("duplicate"), std::string::npos);
}

TEST(Federation, ThresholdPushesLikeRustBitcoin) {
  Bytes s;
  script_push_int(s, 17);
  script_push_int(s, 128);
  script_push_int(s, 0);
  EXPECT_EQ(to_hex(s), "0111" "02800000");
}

struct Spend {
  Transaction tx;
  std::vector<TxOut> spent;
};

Spend make_spend(const Federation& fed, std::size_t inputs) {
  Spend s;
  s.tx.version = 2;
  for (std::size_t i = 0; i < inputs; ++i) {
    TxIn in;
    in.prevout.txid.data()[0] = static_cast<std::uint8_t>(i + 1);
    in.prevout.vout = static_cast<std::uint32_t>(i);
    in.sequence = 0xfffffffd;
    s.tx.inputs.push_back(in);
    s.spent.push_back(TxOut{100000 + static_cast<std::int64_t>(i), fed.script_pubkey()});
  }
  s.tx.outputs.push_back(TxOut{150000, test::hex_bytes("0014751e76e8199196d454941c45d1b3a323f1433bd6")});
  return s;
}

TEST(Federation, TwoOfThreeSpendVerifies) {
  auto fed = Federation::create(member_keys(3), 2);
  ASSERT_TRUE(fed.has_value());
  Spend spend = make_spend(*fed, 2);
  for (std::size_t i = 0; i < spend.tx.inputs.size(); ++i) {
    auto msg = fed->sighash(spend.tx, i, spend.spent);
    ASSERT_TRUE(msg.has_value());
    std::vector<std::optional<SchnorrSignature>> sigs(3);
    sigs[0] = schnorr_sign(key_from_int(1), msg->view(), Hash256{});
    sigs[2] = schnorr_sign(key_from_int(3), msg->view(), Hash256{});
    auto witness = fed->assemble_witness(sigs);
    ASSERT_TRUE(witness.has_value());
    ASSERT_EQ(witness->size(), 5u);
    EXPECT_EQ((*witness)[0].size(), 64u);  // member 3 (reverse order)
    EXPECT_TRUE((*witness)[1].empty());    // member 2 did not sign
    EXPECT_EQ((*witness)[2].size(), 64u);  // member 1
    spend.tx.inputs[i].witness = *witness;
  }
  for (std::size_t i = 0; i < spend.tx.inputs.size(); ++i) {
    EXPECT_TRUE(fed->check_input(spend.tx, i, spend.spent).is_ok());
  }
  // The signed transaction survives serialization.
  auto back = parse_transaction(serialize_transaction(spend.tx));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(fed->check_input(*back, 0, spend.spent).is_ok());

  // Tampering is caught with a reason.
  Transaction bad = spend.tx;
  bad.outputs[0].value -= 1;
  EXPECT_NE(fed->check_input(bad, 0, spend.spent).message().find("does not verify"), std::string::npos);
  bad = spend.tx;
  bad.inputs[0].witness[0].clear();
  EXPECT_NE(fed->check_input(bad, 0, spend.spent).message().find("exactly 2"), std::string::npos);
  bad = spend.tx;
  bad.inputs[0].witness.pop_back();
  EXPECT_NE(fed->check_input(bad, 0, spend.spent).message().find("witness items"), std::string::npos);
  bad = spend.tx;
  std::swap(bad.inputs[0].witness[0], bad.inputs[0].witness[2]);  // signatures in the wrong slots
  EXPECT_FALSE(fed->check_input(bad, 0, spend.spent).is_ok());
}

TEST(Federation, AssembleWitnessNeedsExactlyThreshold) {
  auto fed = Federation::create(member_keys(3), 2);
  ASSERT_TRUE(fed.has_value());
  const SchnorrSignature sig = schnorr_sign(key_from_int(1), as_bytes("x"), Hash256{});
  std::vector<std::optional<SchnorrSignature>> one{sig, std::nullopt, std::nullopt};
  EXPECT_FALSE(fed->assemble_witness(one).has_value());
  std::vector<std::optional<SchnorrSignature>> three{sig, sig, sig};
  EXPECT_FALSE(fed->assemble_witness(three).has_value());
  std::vector<std::optional<SchnorrSignature>> short_slots{sig, sig};
  EXPECT_FALSE(fed->assemble_witness(short_slots).has_value());
}

RC_GTEST_PROP(FederationProperty, AnyMajorityOfSignersVerifies, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 8);
  const std::size_t m = Federation::majority(n);
  auto fed = Federation::create(member_keys(n), m);
  RC_ASSERT(fed.has_value());
  Spend spend = make_spend(*fed, 1);
  auto msg = fed->sighash(spend.tx, 0, spend.spent);
  RC_ASSERT(msg.has_value());
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  for (std::size_t i = n; i > 1; --i) {
    std::swap(order[i - 1], order[*rc::gen::inRange<std::size_t>(0, i)]);
  }
  std::vector<std::optional<SchnorrSignature>> sigs(n);
  for (std::size_t k = 0; k < m; ++k) {
    sigs[order[k]] = schnorr_sign(key_from_int(static_cast<std::uint8_t>(order[k] + 1)), msg->view(), Hash256{});
  }
  auto witness = fed->assemble_witness(sigs);
  RC_ASSERT(witness.has_value());
  spend.tx.inputs[0].witness = *witness;
  RC_ASSERT(fed->check_input(spend.tx, 0, spend.spent).is_ok());
}

}  // namespace
}  // namespace alys
