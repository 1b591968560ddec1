// ECDSA verification against BIP-143's native P2WPKH example (published sighash, key and
// signature).
#include <gtest/gtest.h>

#include "core/crypto/ecdsa.h"
#include "core/crypto/keys.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

constexpr char kSighash[] = "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670";
constexpr char kPubkey[] = "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357";
constexpr char kPrivkey[] = "619c335025c7f4012e556c2a58b2506e30b8511b53ade95ea316fd8c3286feb9";
constexpr char kSignature[] =
    "304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c451833"
    "1561406f90300e8f3358f51928d43c212a8caed02de67eebee";

TEST(Ecdsa, Bip143NativeP2wpkhSignatureVerifies) {
  auto key = PublicKey::from_hex(kPubkey);
  ASSERT_TRUE(key.has_value());
  auto sk = SecretKey::from_hex(kPrivkey);
  ASSERT_TRUE(sk.has_value());
  EXPECT_EQ(sk->public_key(), *key);
  const Hash256 sighash = test::hash_hex(kSighash);
  const Bytes sig = test::hex_bytes(kSignature);
  EXPECT_TRUE(ecdsa_verify(*key, sig, sighash).is_ok());

  Hash256 other = sighash;
  other.data()[0] ^= 1;
  EXPECT_NE(ecdsa_verify(*key, sig, other).message().find("does not verify"), std::string::npos);
  const Bytes bad = test::hex_bytes(std::string("31") + (kSignature + 2));  // not a SEQUENCE
  EXPECT_NE(ecdsa_verify(*key, bad, sighash).message().find("DER"), std::string::npos);
}

TEST(PublicKey, ParsesCompressedAndUncompressed) {
  // The generator G in both SEC1 forms.
  auto c = PublicKey::from_hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  auto u = PublicKey::from_hex(
      "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc"
      "0e1108a8fd17b448a68554199c47d08ffb10d4b8");
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(*c, *u);
  EXPECT_EQ(c->xonly().to_hex(), "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  EXPECT_FALSE(PublicKey::from_hex("05" + std::string(64, '1')).has_value());
  EXPECT_FALSE(PublicKey::from_bytes(Bytes(20, 2)).has_value());
}

}  // namespace
}  // namespace alys
