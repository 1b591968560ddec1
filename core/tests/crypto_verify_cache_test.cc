// VerifyCache: a bounded FIFO memo of BIP-340 verification results. It must never change
// an outcome (agrees with schnorr_verify on valid and invalid signatures), must stay within
// its capacity, and must forget the oldest entry first.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/verify_cache.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {
namespace {

SecretKey key_of(std::uint8_t pattern) {
  auto k = SecretKey::from_bytes(Bytes(32, pattern));
  EXPECT_TRUE(k.has_value());
  return *k;
}

SchnorrSignature sig_of(const std::array<std::uint8_t, 64>& bytes) {
  auto s = SchnorrSignature::from_bytes(ByteView{bytes.data(), bytes.size()});
  EXPECT_TRUE(s.has_value());
  return *s;
}

// A distinct signed message per i.
struct Signed {
  XOnlyPublicKey key;
  Bytes message;
  SchnorrSignature sig;
};

Signed signed_message(std::uint8_t i) {
  const SecretKey k = key_of(0x21);
  Bytes msg = {'m', 's', 'g', i};
  SchnorrSignature s = schnorr_sign(k, msg, Hash256{});
  return Signed{k.xonly_public_key(), std::move(msg), s};
}

TEST(VerifyCache, ValidSignatureMissThenHitSameResult) {
  VerifyCache cache(16);
  const Signed s = signed_message(1);
  ASSERT_TRUE(schnorr_verify(s.key, s.message, s.sig));
  EXPECT_TRUE(cache.verify(s.key, s.message, s.sig));
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.verify(s.key, s.message, s.sig));
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(VerifyCache, InvalidSignatureIsCachedAsInvalid) {
  VerifyCache cache(16);
  Signed s = signed_message(2);
  auto bytes = s.sig.bytes();
  bytes[10] ^= 0x01;
  const SchnorrSignature bad = sig_of(bytes);
  ASSERT_FALSE(schnorr_verify(s.key, s.message, bad));
  EXPECT_FALSE(cache.verify(s.key, s.message, bad));
  EXPECT_FALSE(cache.verify(s.key, s.message, bad));
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(VerifyCache, ValidResultIsNotReusedForAnotherMessageSignatureOrKey) {
  VerifyCache cache(16);
  const Signed s = signed_message(3);
  ASSERT_TRUE(cache.verify(s.key, s.message, s.sig));

  // Same key and signature, other message: a miss, and false.
  Bytes other_msg = s.message;
  other_msg.push_back(0);
  EXPECT_FALSE(cache.verify(s.key, other_msg, s.sig));
  EXPECT_EQ(cache.misses(), 2u);

  // Tampered signature: a miss, and false.
  auto bytes = s.sig.bytes();
  bytes[63] ^= 0x80;
  EXPECT_FALSE(cache.verify(s.key, s.message, sig_of(bytes)));
  EXPECT_EQ(cache.misses(), 3u);

  // Other key: a miss, and false.
  const XOnlyPublicKey other_key = key_of(0x22).xonly_public_key();
  EXPECT_FALSE(cache.verify(other_key, s.message, s.sig));
  EXPECT_EQ(cache.misses(), 4u);
  EXPECT_EQ(cache.hits(), 0u);

  // The original is still a hit and still true.
  EXPECT_TRUE(cache.verify(s.key, s.message, s.sig));
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(VerifyCache, SizeNeverExceedsCapacityAndOldestIsEvictedFirst) {
  VerifyCache cache(3);
  std::vector<Signed> s;
  for (std::uint8_t i = 0; i < 5; ++i) s.push_back(signed_message(i));
  for (const Signed& x : s) {
    EXPECT_TRUE(cache.verify(x.key, x.message, x.sig));
    EXPECT_LE(cache.size(), 3u);
  }
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.misses(), 5u);
  // Held: s2, s3, s4 (s0 then s1 evicted, in that order).
  EXPECT_TRUE(cache.verify(s[4].key, s[4].message, s[4].sig));
  EXPECT_TRUE(cache.verify(s[2].key, s[2].message, s[2].sig));
  EXPECT_EQ(cache.hits(), 2u);
  // A hit does not refresh (FIFO, not LRU): s2 is still the oldest.
  EXPECT_TRUE(cache.verify(s[0].key, s[0].message, s[0].sig));  // miss, evicts s2
  EXPECT_EQ(cache.misses(), 6u);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.verify(s[2].key, s[2].message, s[2].sig));  // miss, evicts s3
  EXPECT_EQ(cache.misses(), 7u);
  EXPECT_TRUE(cache.verify(s[4].key, s[4].message, s[4].sig));  // still held
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_TRUE(cache.verify(s[3].key, s[3].message, s[3].sig));  // evicted: miss
  EXPECT_EQ(cache.misses(), 8u);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(VerifyCache, CapacityZeroCachesNothingButStillVerifies) {
  VerifyCache cache(0);
  const Signed s = signed_message(9);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(cache.verify(s.key, s.message, s.sig));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(VerifyCache, VerifyKeyedComputesOnlyOnMiss) {
  VerifyCache cache(4);
  int calls = 0;
  const Hash256 id(std::array<std::uint8_t, 32>{1, 2, 3});
  auto compute_false = [&] {
    ++calls;
    return false;
  };
  EXPECT_FALSE(cache.verify_keyed(id, compute_false));
  EXPECT_FALSE(cache.verify_keyed(id, compute_false));
  EXPECT_EQ(calls, 1);
  // A cached result is returned even if `compute` would now say otherwise: the identity
  // is the whole call.
  EXPECT_FALSE(cache.verify_keyed(id, [&] {
    ++calls;
    return true;
  }));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 1u);
}

RC_GTEST_PROP(VerifyCacheProperty, AgreesWithSchnorrVerify,
              (const std::array<std::uint8_t, 32>& key_bytes, const std::vector<std::uint8_t>& message)) {
  auto key = SecretKey::from_bytes(ByteView{key_bytes.data(), key_bytes.size()});
  RC_PRE(key.has_value());
  const XOnlyPublicKey pub = key->xonly_public_key();
  const SchnorrSignature good = schnorr_sign(*key, message, Hash256{});
  auto bytes = good.bytes();
  const auto mode = *rc::gen::inRange(0, 3);
  Bytes msg = message;
  if (mode == 1) {
    const auto pos = *rc::gen::inRange<std::size_t>(0, bytes.size());
    const auto bit = *rc::gen::inRange(0, 8);
    bytes[pos] ^= static_cast<std::uint8_t>(1u << bit);
  } else if (mode == 2) {
    msg.push_back(*rc::gen::arbitrary<std::uint8_t>());
  }
  auto sig = SchnorrSignature::from_bytes(ByteView{bytes.data(), bytes.size()});
  RC_ASSERT(sig.has_value());
  const bool expected = schnorr_verify(pub, msg, *sig);
  if (mode == 0) RC_ASSERT(expected);
  VerifyCache cache(8);
  // Prime the cache with the good signature so a wrong reuse would show.
  RC_ASSERT(cache.verify(pub, message, good));
  RC_ASSERT(cache.verify(pub, msg, *sig) == expected);  // miss (or hit when mode 0)
  RC_ASSERT(cache.verify(pub, msg, *sig) == expected);  // hit
  RC_ASSERT(cache.hits() + cache.misses() == 3u);
  RC_ASSERT(cache.misses() == (mode == 0 ? 1u : 2u));
}

}  // namespace
}  // namespace alys
