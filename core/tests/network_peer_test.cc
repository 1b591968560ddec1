// The pure parts of core/network: the bounded seen cache, score arithmetic (penalties,
// decay, the ban threshold), the Hello handshake checks and the config validation.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <new>
#include <set>
#include <vector>

#include "core/crypto/sha256.h"
#include "core/crypto/verify_cache.h"
#include "core/network/handshake.h"
#include "core/network/network_actor.h"
#include "core/network/peer_score.h"
#include "core/network/seen_cache.h"

namespace alys::net {
namespace {

Hash256 id_of(std::uint64_t n) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return sha256(b);
}

SecretKey key_of(std::uint8_t n) {
  Bytes b(32, 0);
  b[31] = n;
  return SecretKey::from_bytes(b).value();
}

// ------------------------------------------------------------------------ seen cache

TEST(SeenCache, InsertReportsNewThenDuplicate) {
  SeenCache c(4);
  EXPECT_TRUE(c.insert(id_of(1)));
  EXPECT_FALSE(c.insert(id_of(1)));
  EXPECT_TRUE(c.contains(id_of(1)));
  EXPECT_FALSE(c.contains(id_of(2)));
  EXPECT_EQ(c.size(), 1u);
}

TEST(SeenCache, BoundedAndEvictsOldestFirst) {
  SeenCache c(3);
  for (std::uint64_t i = 1; i <= 3; ++i) EXPECT_TRUE(c.insert(id_of(i)));
  // A repeated insert does not refresh: 1 stays the oldest.
  EXPECT_FALSE(c.insert(id_of(1)));
  EXPECT_TRUE(c.insert(id_of(4)));
  EXPECT_EQ(c.size(), 3u);
  EXPECT_FALSE(c.contains(id_of(1)));
  EXPECT_TRUE(c.contains(id_of(2)));
  EXPECT_TRUE(c.contains(id_of(3)));
  EXPECT_TRUE(c.contains(id_of(4)));
  EXPECT_TRUE(c.insert(id_of(5)));
  EXPECT_FALSE(c.contains(id_of(2)));
  EXPECT_EQ(c.evictions(), 2u);
  // An evicted id counts as new again.
  EXPECT_TRUE(c.insert(id_of(1)));
  EXPECT_FALSE(c.contains(id_of(3)));
  EXPECT_EQ(c.high_water(), 3u);
}

TEST(SeenCache, GrowsFromItsFirstSizeForgettingNothingThenEvictsOldestFirst) {
  SeenCache c(1000, 7, 1);
  EXPECT_EQ(c.max_entries(), 1000u);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    ASSERT_TRUE(c.insert(id_of(i))) << i;
    ASSERT_FALSE(c.insert(id_of(i / 2))) << i;  // every earlier id survives each doubling
  }
  EXPECT_EQ(c.evictions(), 0u);
  for (std::uint64_t i = 1000; i < 1200; ++i) ASSERT_TRUE(c.insert(id_of(i)));
  EXPECT_EQ(c.size(), 1000u);
  EXPECT_EQ(c.evictions(), 200u);
  for (std::uint64_t i = 0; i < 1200; ++i) EXPECT_EQ(c.contains(id_of(i)), i >= 200) << i;
  EXPECT_EQ(c.high_water(), 1000u);
}

TEST(SeenCache, GossipIdIsSha256OfTheFrame) {
  const Bytes frame = {1, 2, 3};
  EXPECT_EQ(gossip_id(frame), sha256(frame));
}

// The id kept in a shared frame is its own bytes' hash: asked again, asked of another
// buffer with the same bytes, or of one with other bytes.
TEST(SeenCache, GossipIdOfASharedFrameIsItsBytesHash) {
  for (std::uint8_t i = 0; i < 8; ++i) {
    const SharedFrame frame = share_frame(Bytes{i, 7, 7, 7});
    const SharedFrame twin = share_frame(Bytes{i, 7, 7, 7});
    EXPECT_EQ(gossip_id(frame), sha256(*frame)) << "frame " << int{i};
    EXPECT_EQ(gossip_id(frame), sha256(*frame)) << "frame " << int{i} << ", asked again";
    EXPECT_EQ(gossip_id(twin), gossip_id(frame));
    EXPECT_NE(gossip_id(frame), gossip_id(share_frame(Bytes{i, 7, 7})));
  }
}

// Model check: the cache behaves like "the last max distinct first-insertions" and never
// holds more than max ids.
RC_GTEST_PROP(SeenCacheProp, MatchesFifoModelAndStaysBounded, ()) {
  // Small tables and values so probe runs collide, wrap and get shifted by evictions; a
  // small first size so the table grows (and is rebuilt) on the way to max.
  const auto max = *rc::gen::inRange<std::size_t>(1, 16);
  const auto initial = *rc::gen::inRange<std::size_t>(1, 20);
  const auto salt = *rc::gen::arbitrary<std::uint64_t>();
  const auto ops =
      *rc::gen::container<std::vector<std::uint8_t>>(rc::gen::inRange<std::uint8_t>(0, 40));
  SeenCache c(max, salt, initial);
  RC_ASSERT(c.max_entries() == max);
  std::deque<std::uint8_t> model;
  for (std::uint8_t v : ops) {
    const bool model_new = std::find(model.begin(), model.end(), v) == model.end();
    if (model_new) {
      model.push_back(v);
      if (model.size() > max) model.pop_front();
    }
    RC_ASSERT(c.insert(id_of(v)) == model_new);
    RC_ASSERT(c.size() == model.size());
    RC_ASSERT(c.size() <= max);
  }
  for (std::uint8_t v = 0; v < 40; ++v) {
    RC_ASSERT(c.contains(id_of(v)) == (std::find(model.begin(), model.end(), v) != model.end()));
  }
  RC_ASSERT(c.high_water() <= max);
}

// ------------------------------------------------------------------------ peer score

TEST(PeerScore, PenaltiesAddUpToTheBanThreshold) {
  const Penalties pen;
  PeerScore s;
  const int threshold = -100;
  for (int i = 0; i < 3; ++i) {
    s.penalize(pen.bad_frame);
    EXPECT_FALSE(s.banned(threshold)) << i;
  }
  s.penalize(pen.bad_frame);  // the 4th bad frame: -100, at the threshold
  EXPECT_EQ(s.value(), -100);
  EXPECT_TRUE(s.banned(threshold));
  EXPECT_FALSE(s.banned(-101));
}

TEST(PeerScore, OneBadHandshakeBansWithDefaults) {
  PeerScore s;
  s.penalize(Penalties{}.bad_handshake);
  EXPECT_TRUE(s.banned(NetworkConfig{}.ban_threshold));
}

TEST(PeerScore, DecayMovesTowardZeroAndStopsThere) {
  PeerScore s;
  s.penalize(10);
  s.decay(3);
  EXPECT_EQ(s.value(), -7);
  s.decay(3);
  s.decay(3);
  EXPECT_EQ(s.value(), -1);
  s.decay(3);
  EXPECT_EQ(s.value(), 0);
  s.decay(3);
  EXPECT_EQ(s.value(), 0);  // never positive: good behaviour earns no credit
  s.decay(0);
  EXPECT_EQ(s.value(), 0);
}

TEST(PeerScore, DecayUndoesAPenaltyAfterCeilPointsOverStepIntervals) {
  for (int points = 1; points <= 50; ++points) {
    for (int step = 1; step <= 7; ++step) {
      PeerScore s;
      s.penalize(points);
      const int intervals = (points + step - 1) / step;
      for (int i = 0; i < intervals - 1; ++i) s.decay(step);
      EXPECT_LT(s.value(), 0) << points << "/" << step;
      s.decay(step);
      EXPECT_EQ(s.value(), 0) << points << "/" << step;
    }
  }
}

TEST(PeerScore, SaturatesAtTheFloor) {
  PeerScore s;
  for (int i = 0; i < 10; ++i) s.penalize(1'000'000'000);
  EXPECT_EQ(s.value(), PeerScore::kFloor);
  s.decay(1);
  EXPECT_EQ(s.value(), PeerScore::kFloor + 1);
  s.reset();
  EXPECT_EQ(s.value(), 0);
}

RC_GTEST_PROP(PeerScoreProp, ScoreStaysWithinFloorAndZero, ()) {
  const auto ops = *rc::gen::container<std::vector<std::pair<bool, int>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(), rc::gen::inRange(1, 2'000'000'000)));
  PeerScore s;
  for (const auto& [pen, n] : ops) {
    const int before = s.value();
    if (pen) {
      s.penalize(n);
      RC_ASSERT(s.value() < before || s.value() == PeerScore::kFloor);
    } else {
      s.decay(n);
      RC_ASSERT(s.value() >= before);
    }
    RC_ASSERT(s.value() <= 0);
    RC_ASSERT(s.value() >= PeerScore::kFloor);
  }
}

// ------------------------------------------------------------------------ handshake

struct HelloFixture : ::testing::Test {
  const std::uint32_t chain = 7;
  const Hash256 genesis = id_of(99);
  const SecretKey key = key_of(5);
  Hello hello = make_hello(chain, genesis, SchnorrSigner(key), /*from=*/2, /*to=*/1);
};

TEST_F(HelloFixture, AValidHelloPasses) {
  const HelloCheck c = check_hello(hello, chain, genesis, /*self=*/1, /*peer=*/2);
  EXPECT_EQ(c.verdict, HelloVerdict::kOk) << c.reason;
  EXPECT_EQ(hello.node_key, key.xonly_public_key().bytes());
}

TEST_F(HelloFixture, WrongChainOrGenesisIsWrongChain) {
  EXPECT_EQ(check_hello(hello, chain + 1, genesis, 1, 2).verdict, HelloVerdict::kWrongChain);
  EXPECT_EQ(check_hello(hello, chain, id_of(98), 1, 2).verdict, HelloVerdict::kWrongChain);
  // Re-signed by a node of another chain: still the wrong chain.
  const Hello other = make_hello(chain + 1, genesis, SchnorrSigner(key), 2, 1);
  const HelloCheck c = check_hello(other, chain, genesis, 1, 2);
  EXPECT_EQ(c.verdict, HelloVerdict::kWrongChain);
  EXPECT_NE(c.reason.find("chain_id"), std::string::npos) << c.reason;
}

TEST_F(HelloFixture, WithAMemoARepeatedHelloIsVerifiedOnceAndABadOneStillFails) {
  VerifyCache cache(16);
  EXPECT_EQ(check_hello(hello, chain, genesis, 1, 2, &cache).verdict, HelloVerdict::kOk);
  // The reconnect's Hello: the same bytes (zero aux randomness), answered by the memo.
  const Hello again = make_hello(chain, genesis, SchnorrSigner(key), 2, 1);
  EXPECT_EQ(again.signature, hello.signature);
  EXPECT_EQ(check_hello(again, chain, genesis, 1, 2, &cache).verdict, HelloVerdict::kOk);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  Hello tampered = hello;
  tampered.signature[10] ^= 1;
  EXPECT_EQ(check_hello(tampered, chain, genesis, 1, 2, &cache).verdict,
            HelloVerdict::kBadHandshake);
  Hello other_key = hello;
  other_key.node_key = key_of(6).xonly_public_key().bytes();
  EXPECT_EQ(check_hello(other_key, chain, genesis, 1, 2, &cache).verdict,
            HelloVerdict::kBadHandshake);
  EXPECT_EQ(cache.hits(), 1u);
}

TEST_F(HelloFixture, WrongIdsOrSignatureAreBadHandshakes) {
  // Replayed to another node, or claimed by another sender.
  EXPECT_EQ(check_hello(hello, chain, genesis, /*self=*/3, 2).verdict, HelloVerdict::kBadHandshake);
  EXPECT_EQ(check_hello(hello, chain, genesis, 1, /*peer=*/3).verdict, HelloVerdict::kBadHandshake);
  Hello tampered = hello;
  tampered.signature[10] ^= 1;
  EXPECT_EQ(check_hello(tampered, chain, genesis, 1, 2).verdict, HelloVerdict::kBadHandshake);
  Hello other_key = hello;
  other_key.node_key = key_of(6).xonly_public_key().bytes();
  EXPECT_EQ(check_hello(other_key, chain, genesis, 1, 2).verdict, HelloVerdict::kBadHandshake);
  Hello bad_point = hello;
  bad_point.node_key.fill(0xFF);  // x >= p: not a curve point
  const HelloCheck c = check_hello(bad_point, chain, genesis, 1, 2);
  EXPECT_EQ(c.verdict, HelloVerdict::kBadHandshake);
  EXPECT_NE(c.reason.find("node_key"), std::string::npos) << c.reason;
}

// ------------------------------------------------------------------------ config

TEST(NetworkConfigValidate, NamesTheField) {
  NetworkConfig c;
  EXPECT_NE(validate(c).message().find("node_key"), std::string::npos);
  c.node_key = key_of(1);
  EXPECT_TRUE(validate(c).is_ok());
  NetworkConfig bad = c;
  bad.ban_threshold = 0;
  EXPECT_NE(validate(bad).message().find("ban_threshold"), std::string::npos);
  bad = c;
  bad.seen_cache_max = 0;
  EXPECT_NE(validate(bad).message().find("seen_cache_max"), std::string::npos);
  bad.seen_cache_max = kMaxSeenCacheEntries + 1;
  EXPECT_NE(validate(bad).message().find("seen_cache_max"), std::string::npos);
  bad = c;
  bad.penalties.bad_frame = 0;
  EXPECT_NE(validate(bad).message().find("penalties"), std::string::npos);
  bad = c;
  bad.max_missed_pongs = 0;
  EXPECT_NE(validate(bad).message().find("max_missed_pongs"), std::string::npos);
}

}  // namespace
}  // namespace alys::net
