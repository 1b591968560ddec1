// VerifyCache: a bounded FIFO memo of BIP-340 verification results. It must never change
// an outcome (agrees with schnorr_verify on valid and invalid signatures), must stay within
// its capacity, and must forget the oldest entry first. The kShared kind (the real node's,
// shared by its actors and its signature pre-verifier) must answer like the single-threaded
// one and stay correct and bounded under concurrent callers (this binary also runs under
// ThreadSanitizer).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/verify_cache.h"
#include "core/tests/test_keys.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {
namespace {

using test::key_of;

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

TEST(VerifyCache, RememberMadeAnswersValidWithoutComputingAndKeepsAKnownResult) {
  VerifyCache cache(2);
  int calls = 0;
  auto compute = [&] {
    ++calls;
    return false;
  };
  const Hash256 made(std::array<std::uint8_t, 32>{7});
  cache.remember_made(made);
  EXPECT_TRUE(cache.verify_keyed(made, compute));
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 0u);
  // An identity already verified keeps its result (remember_made never overrides a check).
  const Hash256 checked(std::array<std::uint8_t, 32>{8});
  EXPECT_FALSE(cache.verify_keyed(checked, compute));
  cache.remember_made(checked);
  EXPECT_FALSE(cache.verify_keyed(checked, compute));
  EXPECT_EQ(calls, 1);
  // Bounded like every entry: a third identity evicts the oldest (`made`).
  cache.remember_made(Hash256(std::array<std::uint8_t, 32>{9}));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.find(made).has_value());
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

// An identity per i, and the answer a compute function gives for it.
Hash256 identity_of(std::uint32_t i) {
  std::array<std::uint8_t, 32> b{};
  for (int k = 0; k < 4; ++k) b[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(i >> (8 * k));
  b[31] = 0x5a;
  return Hash256(b);
}
bool answer_of(std::uint32_t i) { return (i * 2654435761u) >> 31 != 0; }

TEST(VerifyCacheShared, OnOneThreadItAnswersAndCountsLikeTheSingleThreadedKind) {
  VerifyCache single(64, 7);
  VerifyCache shared(64, 7, VerifyCache::Threading::kShared);
  EXPECT_EQ(shared.threading(), VerifyCache::Threading::kShared);
  std::vector<Signed> s;
  for (std::uint8_t i = 0; i < 6; ++i) s.push_back(signed_message(i));
  auto bytes = s[0].sig.bytes();
  bytes[3] ^= 0x10;
  const SchnorrSignature bad = sig_of(bytes);
  for (int round = 0; round < 2; ++round) {
    for (const Signed& x : s) {
      EXPECT_EQ(shared.verify(x.key, x.message, x.sig), single.verify(x.key, x.message, x.sig));
    }
    EXPECT_FALSE(shared.verify(s[0].key, s[0].message, bad));
    EXPECT_FALSE(single.verify(s[0].key, s[0].message, bad));
  }
  EXPECT_EQ(shared.hits(), single.hits());
  EXPECT_EQ(shared.misses(), single.misses());
  EXPECT_EQ(shared.size(), single.size());
  EXPECT_EQ(shared.misses(), 7u);
}

TEST(VerifyCacheShared, FindReportsWhatIsMemoizedWithoutCounting) {
  VerifyCache cache(64, 0, VerifyCache::Threading::kShared);
  EXPECT_FALSE(cache.find(identity_of(1)).has_value());
  EXPECT_FALSE(cache.verify_keyed(identity_of(1), [] { return false; }));
  EXPECT_TRUE(cache.verify_keyed(identity_of(2), [] { return true; }));
  EXPECT_EQ(cache.find(identity_of(1)), std::optional<bool>(false));
  EXPECT_EQ(cache.find(identity_of(2)), std::optional<bool>(true));
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(VerifyCacheShared, SizeStaysWithinTheCapacityRoundedUpToTheShards) {
  const std::size_t capacity = 40;
  const std::size_t per_shard = (capacity + VerifyCache::kShards - 1) / VerifyCache::kShards;
  VerifyCache cache(capacity, 3, VerifyCache::Threading::kShared);
  for (std::uint32_t i = 0; i < 2000; ++i) {
    EXPECT_EQ(cache.verify_keyed(identity_of(i), [&] { return answer_of(i); }), answer_of(i));
    ASSERT_LE(cache.size(), per_shard * VerifyCache::kShards);
  }
  // Every shard filled up (2000 identities spread over 16 shards).
  EXPECT_EQ(cache.size(), per_shard * VerifyCache::kShards);
  // The newest identity is held, with its answer.
  EXPECT_EQ(cache.find(identity_of(1999)), std::optional<bool>(answer_of(1999)));
  VerifyCache none(0, 3, VerifyCache::Threading::kShared);
  EXPECT_TRUE(none.verify_keyed(identity_of(1), [] { return true; }));
  EXPECT_EQ(none.size(), 0u);
}

// Several threads over the same identities, in different orders: every call returns the
// computed answer, each thread computes an identity at most once (afterwards it is
// memoized), and the counters add up.
TEST(VerifyCacheShared, ConcurrentCallersGetTheComputedAnswerAndCountersAddUp) {
  constexpr std::uint32_t kIds = 512;
  constexpr int kThreads = 4;
  constexpr int kRounds = 8;
  VerifyCache cache(VerifyCache::kDefaultCapacity, 11, VerifyCache::Threading::kShared);
  std::atomic<std::uint64_t> computed{0};
  std::atomic<std::uint64_t> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (std::uint32_t k = 0; k < kIds; ++k) {
          const std::uint32_t i = (k * 7 + static_cast<std::uint32_t>(t) * 131) % kIds;
          const bool got = cache.verify_keyed(identity_of(i), [&] {
            computed.fetch_add(1);
            return answer_of(i);
          });
          if (got != answer_of(i)) wrong.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GE(computed.load(), kIds);
  EXPECT_LE(computed.load(), std::uint64_t{kIds} * kThreads);
  EXPECT_EQ(cache.misses(), computed.load());
  EXPECT_EQ(cache.hits() + cache.misses(), std::uint64_t{kIds} * kThreads * kRounds);
  EXPECT_EQ(cache.size(), kIds);  // each kept once, however many threads computed it
  for (std::uint32_t i = 0; i < kIds; ++i) {
    EXPECT_EQ(cache.find(identity_of(i)), std::optional<bool>(answer_of(i))) << i;
  }
}

// A small memo under churn: entries are evicted while other threads look them up, and
// still every answer is the computed one and the bound holds.
TEST(VerifyCacheShared, ConcurrentChurnThroughASmallMemoStaysCorrectAndBounded) {
  constexpr std::uint32_t kIds = 3000;
  constexpr int kThreads = 4;
  VerifyCache cache(64, 5, VerifyCache::Threading::kShared);
  std::atomic<std::uint64_t> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint32_t k = 0; k < kIds; ++k) {
        const std::uint32_t i = (k + static_cast<std::uint32_t>(t) * 97) % kIds;
        if (cache.verify_keyed(identity_of(i), [&] { return answer_of(i); }) != answer_of(i)) {
          wrong.fetch_add(1);
        }
        if (auto known = cache.find(identity_of(i)); known && *known != answer_of(i)) wrong.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_LE(cache.size(), 64u);  // 64 is a multiple of the shard count
  EXPECT_EQ(cache.hits() + cache.misses(), std::uint64_t{kIds} * kThreads);
}

// Real BIP-340 verifications from several threads: valid signatures verify, tampered ones
// do not, whichever thread computed the memoized result.
TEST(VerifyCacheShared, ConcurrentRealSignaturesAgreeWithSchnorrVerify) {
  std::vector<Signed> good;
  std::vector<Signed> bad;
  for (std::uint8_t i = 0; i < 24; ++i) {
    good.push_back(signed_message(i));
    Signed b = good.back();
    auto bytes = b.sig.bytes();
    bytes[static_cast<std::size_t>(i) % 64] ^= 0x04;
    b.sig = sig_of(bytes);
    bad.push_back(b);
  }
  VerifyCache cache(VerifyCache::kDefaultCapacity, 9, VerifyCache::Threading::kShared);
  std::atomic<std::uint64_t> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t k = 0; k < good.size(); ++k) {
        const std::size_t i = (k + static_cast<std::size_t>(t) * 5) % good.size();
        if (!cache.verify(good[i].key, good[i].message, good[i].sig)) wrong.fetch_add(1);
        if (cache.verify(bad[i].key, bad[i].message, bad[i].sig)) wrong.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_EQ(cache.size(), good.size() + bad.size());
}

}  // namespace
}  // namespace alys
