// The simulator's variable-time signer (core/crypto/fixed_base_signing.h) makes exactly
// libsecp256k1's BIP-340 signatures: the same bytes for any key, message and aux value.
// (The BIP's own vectors run through it in crypto_bip340_test.cc.)
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "core/crypto/fixed_base_signing.h"
#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/secp256k1_context.h"
#include "core/types/hex.h"

namespace alys {
namespace {

using crypto_internal::fixed_base_schnorr_sign;
using crypto_internal::secp256k1_ctx;

std::array<std::uint8_t, 96> keypair_of(const SecretKey& key) {
  secp256k1_keypair keypair;
  EXPECT_EQ(secp256k1_keypair_create(secp256k1_ctx(), &keypair, key.bytes().data()), 1);
  std::array<std::uint8_t, 96> raw;
  std::memcpy(raw.data(), &keypair, sizeof(keypair));
  return raw;
}

// libsecp256k1's constant-time signer, called directly (not through schnorr.h, which may be
// switched to the fixed-base signer in this process).
std::array<std::uint8_t, 64> libsecp_sign(const std::array<std::uint8_t, 96>& raw,
                                          ByteView message, const Hash256& aux_rand) {
  secp256k1_keypair keypair;
  std::memcpy(&keypair, raw.data(), sizeof(keypair));
  secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
  std::array<std::uint8_t, 32> aux = aux_rand.bytes();
  params.ndata = aux.data();
  std::array<std::uint8_t, 64> sig{};
  EXPECT_EQ(secp256k1_schnorrsig_sign_custom(secp256k1_ctx(), sig.data(), message.data(),
                                             message.size(), &keypair, &params),
            1);
  return sig;
}

// The table's k*G at the scalars a nonce hash cannot be steered to: one nonzero byte in
// each window (its first and last entry), 1 and n - 1; and k = 0, which has no point.
TEST(FixedBaseSigning, TablePointsEqualLibsecp256k1AtEdgeScalars) {
  std::vector<std::array<std::uint8_t, 32>> scalars;
  for (std::size_t byte = 0; byte < 32; ++byte) {
    for (std::uint8_t v : {0x01, 0x80, 0xff}) {
      std::array<std::uint8_t, 32> k{};
      k[byte] = v;
      scalars.push_back(k);
    }
  }
  std::array<std::uint8_t, 32> n_minus_1{};
  const std::vector<std::uint8_t> n1 = *from_hex(
      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140");
  std::copy(n1.begin(), n1.end(), n_minus_1.begin());
  scalars.push_back(n_minus_1);
  for (const auto& k : scalars) {
    const auto point = crypto_internal::fixed_base_point(k);
    ASSERT_TRUE(point.has_value());
    // libsecp256k1's own k*G, through the key type that already wraps it.
    const auto key = SecretKey::from_bytes(ByteView(k));
    ASSERT_TRUE(key.has_value()) << to_hex(ByteView(k));
    EXPECT_EQ(*point, key->public_key().compressed()) << to_hex(ByteView(k));
  }
  EXPECT_FALSE(crypto_internal::fixed_base_point(std::array<std::uint8_t, 32>{}).has_value());
}

RC_GTEST_PROP(FixedBaseSigning, SameSignatureAsLibsecp256k1,
              (const std::array<std::uint8_t, 32>& secret, const std::vector<std::uint8_t>& msg,
               const std::array<std::uint8_t, 32>& aux_bytes)) {
  const auto key = SecretKey::from_bytes(secret);
  RC_PRE(key.has_value());
  const auto raw = keypair_of(*key);
  const Hash256 aux(aux_bytes);
  const auto fast = fixed_base_schnorr_sign(raw, msg, aux);
  RC_ASSERT(fast.has_value());  // nullopt has a chance of ~2^-128 per signature
  RC_ASSERT(*fast == libsecp_sign(raw, msg, aux));
}

// Keys at the edges (1, n - 1, bytes 0x00/0x7f/0x80/0xff), forty messages each: about half
// the keys and half the nonces have an odd-y point, so both negations are taken many times.
TEST(FixedBaseSigning, SameSignatureForEdgeKeysAndManyMessages) {
  std::vector<SecretKey> keys;
  for (std::uint8_t b : {0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff}) {
    std::array<std::uint8_t, 32> s{};
    s[31] = b;
    keys.push_back(*SecretKey::from_bytes(s));
    s.fill(b);
    s[0] = static_cast<std::uint8_t>(b & 0x7f);  // stays below the group order
    if (auto k = SecretKey::from_bytes(s)) keys.push_back(*k);
  }
  // n - 1, the largest secret key.
  keys.push_back(*SecretKey::from_hex(
      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140"));
  int signatures = 0;
  for (const SecretKey& key : keys) {
    const auto raw = keypair_of(key);
    for (std::uint8_t i = 0; i < 40; ++i) {
      const std::vector<std::uint8_t> msg(i, static_cast<std::uint8_t>(i * 7));
      Hash256 aux;
      aux.data()[i % 32] = i;
      const auto fast = fixed_base_schnorr_sign(raw, msg, aux);
      ASSERT_TRUE(fast.has_value());
      const auto slow = libsecp_sign(raw, msg, aux);
      ASSERT_EQ(*fast, slow) << "key " << key.xonly_public_key().to_hex() << " message length " << int{i};
      ++signatures;
    }
  }
  EXPECT_EQ(signatures, static_cast<int>(keys.size()) * 40);
}

// Switched on, schnorr.h's signers go through the table and still make the same bytes,
// which verify; switched off again, libsecp256k1 makes them.
TEST(FixedBaseSigning, SwitchedOnSignersMakeTheSameSignatures) {
  const SecretKey key = *SecretKey::from_bytes(std::vector<std::uint8_t>(32, 0x42));
  const SchnorrSigner signer(key);
  const std::vector<std::uint8_t> msg = {1, 2, 3};
  Hash256 aux;
  aux.data()[5] = 9;
  const auto before = libsecp_sign(keypair_of(key), msg, aux);
  use_variable_time_signing(true);
  EXPECT_TRUE(variable_time_signing_enabled());
  const SchnorrSignature by_signer = signer.sign(msg, aux);
  const SchnorrSignature by_key = schnorr_sign(key, msg, aux);
  use_variable_time_signing(false);
  EXPECT_FALSE(variable_time_signing_enabled());
  EXPECT_EQ(signer.sign(msg, aux), by_signer);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), by_signer.bytes().begin()));
  EXPECT_EQ(by_signer, by_key);
  EXPECT_TRUE(schnorr_verify(key.xonly_public_key(), msg, by_signer));
}

}  // namespace
}  // namespace alys
