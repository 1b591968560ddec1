// BIP-340 test vectors: every row of the official test-vectors.csv (bitcoin/bips,
// bip-0340/test-vectors.csv), stored verbatim in core/tests/data.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <secp256k1_extrakeys.h>

#include "core/crypto/fixed_base_signing.h"
#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/secp256k1_context.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

struct Bip340Row {
  std::string index, secret_key, public_key, aux_rand, message, signature, result, comment;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::vector<Bip340Row> load_rows() {
  std::istringstream in(test::read_data_file("bip340_test_vectors.csv"));
  std::string line;
  std::getline(in, line);  // header
  std::vector<Bip340Row> rows;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto f = split_csv_line(line);
    // The comment (last field) contains no commas in the official file.
    EXPECT_GE(f.size(), 7u) << line;
    if (f.size() < 7) continue;
    f.resize(8);
    rows.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]});
  }
  return rows;
}

TEST(Bip340, AllOfficialVectors) {
  const auto rows = load_rows();
  ASSERT_EQ(rows.size(), 19u) << "official file has rows 0..18";
  int verified = 0, signed_ok = 0;
  for (const auto& row : rows) {
    SCOPED_TRACE("vector " + row.index + " " + row.comment);
    const Bytes message = test::hex_bytes(row.message);
    const bool expected = row.result == "TRUE";

    if (!row.secret_key.empty()) {
      auto sk = SecretKey::from_hex(row.secret_key);
      ASSERT_TRUE(sk.has_value());
      EXPECT_EQ(sk->xonly_public_key().to_hex(), to_hex(test::hex_bytes(row.public_key)));
      const Hash256 aux = test::hash_hex(row.aux_rand);
      const SchnorrSignature sig = schnorr_sign(*sk, message, aux);
      EXPECT_EQ(sig.to_hex(), to_hex(test::hex_bytes(row.signature)));
      ++signed_ok;
    }

    auto pk = XOnlyPublicKey::from_hex(row.public_key);
    auto sig = SchnorrSignature::from_hex(row.signature);
    ASSERT_TRUE(sig.has_value());
    // An invalid public key (rows 5 and 14) can never verify.
    const bool ok = pk.has_value() && schnorr_verify(*pk, message, *sig);
    EXPECT_EQ(ok, expected);
    if (ok == expected) ++verified;
  }
  EXPECT_EQ(verified, 19);
  EXPECT_EQ(signed_ok, 8);
}

// The simulator's fixed-base signer (fixed_base_signing.h) makes the BIP's signatures too.
TEST(Bip340, FixedBaseSignerMatchesTheOfficialVectors) {
  int signed_ok = 0;
  for (const auto& row : load_rows()) {
    if (row.secret_key.empty()) continue;
    SCOPED_TRACE("vector " + row.index + " " + row.comment);
    const auto sk = SecretKey::from_hex(row.secret_key);
    ASSERT_TRUE(sk.has_value());
    secp256k1_keypair keypair;
    ASSERT_EQ(secp256k1_keypair_create(crypto_internal::secp256k1_ctx(), &keypair,
                                       sk->bytes().data()),
              1);
    std::array<std::uint8_t, 96> raw;
    std::memcpy(raw.data(), &keypair, sizeof(keypair));
    const auto sig = crypto_internal::fixed_base_schnorr_sign(raw, test::hex_bytes(row.message),
                                                              test::hash_hex(row.aux_rand));
    ASSERT_TRUE(sig.has_value());
    EXPECT_EQ(to_hex(ByteView(*sig)), to_hex(test::hex_bytes(row.signature)));
    ++signed_ok;
  }
  EXPECT_EQ(signed_ok, 8);
}

TEST(SecretKey, RejectsZeroAndOrder) {
  EXPECT_FALSE(SecretKey::from_hex(std::string(64, '0')).has_value());
  EXPECT_FALSE(
      SecretKey::from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")
          .has_value());
  EXPECT_TRUE(
      SecretKey::from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140")
          .has_value());
  EXPECT_FALSE(SecretKey::from_bytes(Bytes(31, 1)).has_value());
}

RC_GTEST_PROP(SchnorrProperty, SignThenVerify,
              (const std::array<std::uint8_t, 32>& seed, const std::vector<std::uint8_t>& msg)) {
  auto sk = SecretKey::from_bytes(seed);
  RC_PRE(sk.has_value());
  const SchnorrSignature sig = schnorr_sign(*sk, msg, Hash256{});
  RC_ASSERT(schnorr_verify(sk->xonly_public_key(), msg, sig));
  Bytes other = msg;
  other.push_back(0x01);
  RC_ASSERT(!schnorr_verify(sk->xonly_public_key(), other, sig));
}

}  // namespace
}  // namespace alys

namespace alys {
namespace {

// The precomputed-keypair signer is an optimisation only: same signatures, same key.
TEST(SchnorrSigner, SignsExactlyLikeSchnorrSign) {
  for (std::uint8_t i = 1; i < 20; ++i) {
    Bytes raw(32, i);
    const SecretKey key = *SecretKey::from_bytes(raw);
    const SchnorrSigner signer(key);
    EXPECT_EQ(signer.public_key(), key.xonly_public_key());
    Bytes msg(i, static_cast<std::uint8_t>(0xa0 + i));
    Hash256 aux;
    aux.data()[0] = i;
    const SchnorrSignature a = signer.sign(msg, aux);
    EXPECT_EQ(a, schnorr_sign(key, msg, aux));
    EXPECT_TRUE(schnorr_verify(signer.public_key(), msg, a));
  }
}

}  // namespace
}  // namespace alys

namespace alys {
namespace {

// Parsed keys are memoized: a key parsed again is the same key and verifies the same, and a
// byte string that is not a curve point is refused even right after a valid key that
// shares its memo slot (the first 8 bytes place it; the comparison is over all 32).
TEST(XOnlyPublicKey, MemoizedParsesMatchFreshOnesAndNeverAdmitInvalidKeys) {
  const SecretKey key = *SecretKey::from_bytes(Bytes(32, 7));
  const XOnlyPublicKey derived = key.xonly_public_key();
  const Bytes msg = {1, 2, 3};
  const SchnorrSignature sig = schnorr_sign(key, msg, Hash256{});
  for (int i = 0; i < 3; ++i) {
    const auto parsed = XOnlyPublicKey::from_bytes(derived.view());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, derived);
    EXPECT_EQ(parsed->parsed(), derived.parsed());
    EXPECT_TRUE(schnorr_verify(*parsed, msg, sig));
  }
  // Same first 8 bytes, then bytes of a non-point: find one by trying the last byte.
  Bytes other(derived.view().begin(), derived.view().end());
  bool found_invalid = false;
  for (int b = 0; b < 256 && !found_invalid; ++b) {
    other[31] = static_cast<std::uint8_t>(b);
    if (other == Bytes(derived.view().begin(), derived.view().end())) continue;
    const auto r = XOnlyPublicKey::from_bytes(other);
    if (!r.has_value()) {
      found_invalid = true;
      EXPECT_FALSE(XOnlyPublicKey::from_bytes(other).has_value());  // and again, memo warm
      EXPECT_TRUE(XOnlyPublicKey::from_bytes(derived.view()).has_value());
    }
  }
  EXPECT_TRUE(found_invalid);  // about half of all x coordinates are not on the curve
}

}  // namespace
}  // namespace alys
