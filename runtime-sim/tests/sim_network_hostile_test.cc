// Hostile mode (SimNetwork::set_hostile): frames duplicated and reordered at about the
// configured rates, none of either when off, the rest of the model intact (callback order,
// breaks lose duplicates too), and the same seed gives the same delivery sequence.
//
// Node 0 streams numbered frames to node 1 in bursts (several frames at one instant, so a
// frame let free of the FIFO clamp usually does overtake). The receiver's log of frames is
// the evidence: a duplicate is a number seen twice; a frame overtook when some lower
// number had not arrived yet.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/runtime/random.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::ScriptProgram;

constexpr std::size_t kBurst = 20;
constexpr Duration kBurstGap = 50ms;

// Node 0's sender: bursts of numbered frames to node 1 until `until`. Its timers hold it
// by reference (no self-owning closure, so nothing leaks when the world drops them).
struct Streamer {
  World& world;
  Instant until;
  std::uint64_t next_seq = 0;

  void tick(ScriptProgram& p) {
    if (world.now() >= until) return;
    for (std::size_t i = 0; i < kBurst; ++i) {
      if (p.send(1, std::to_string(next_seq))) ++next_seq;
    }
    p.env().executor().after(kBurstGap, [this, &p] { tick(p); });
  }

  ScriptProgram::Hooks hooks() {
    ScriptProgram::Hooks h;
    h.start = [](ScriptProgram& p) { p.env().transport().connect(1); };
    h.up = [this](ScriptProgram& p, NodeId) { tick(p); };
    return h;
  }
};

struct Delivery {
  std::vector<std::uint64_t> seqs;  // in arrival order, copies included
  std::uint64_t sent = 0;
  NetworkStats stats;
  std::uint64_t trace_hash = 0;
};

// Runs the stream for 10 s of sending (then 1 s to drain) with hostile mode as given.
Delivery run_stream(std::uint64_t seed, std::uint32_t duplicate_ppm, std::uint32_t reorder_ppm) {
  World world(testing::config_with_seed(seed));
  Streamer streamer{world, kTimeZero + 10s};
  world.add_node(testing::script(streamer.hooks()));
  world.add_node(testing::script());
  world.network().set_hostile(duplicate_ppm, reorder_ppm);
  world.run_until(kTimeZero + 11s);
  Delivery d;
  for (const std::string& s : testing::prog(world, 1).frames_from[0]) {
    d.seqs.push_back(std::stoull(s));
  }
  d.sent = streamer.next_seq;
  d.stats = world.network().stats();
  d.trace_hash = world.trace_hash();
  return d;
}

std::uint64_t count_duplicates(const std::vector<std::uint64_t>& seqs) {
  std::set<std::uint64_t> seen;
  std::uint64_t dups = 0;
  for (std::uint64_t s : seqs) dups += !seen.insert(s).second;
  return dups;
}

// Frames (first copies) that arrived while some lower number was still missing.
std::uint64_t count_overtakers(const std::vector<std::uint64_t>& seqs) {
  std::set<std::uint64_t> arrived;
  std::uint64_t lowest_missing = 0;
  std::uint64_t overtakers = 0;
  for (std::uint64_t s : seqs) {
    if (!arrived.insert(s).second) continue;
    overtakers += lowest_missing < s;
    while (arrived.count(lowest_missing) != 0) ++lowest_missing;
  }
  return overtakers;
}

bool every_frame_arrived(const Delivery& d) {
  const std::set<std::uint64_t> distinct(d.seqs.begin(), d.seqs.end());
  return distinct.size() == d.sent && (d.sent == 0 || *distinct.rbegin() == d.sent - 1);
}

TEST(SimNetworkHostile, OffMeansFifoAndAtMostOnce) {
  const Delivery d = run_stream(7, 0, 0);
  ASSERT_GT(d.sent, 3000u);
  EXPECT_TRUE(every_frame_arrived(d));
  EXPECT_EQ(d.seqs.size(), d.sent);
  EXPECT_EQ(count_duplicates(d.seqs), 0u);
  EXPECT_EQ(count_overtakers(d.seqs), 0u);
  EXPECT_EQ(d.stats.frames_duplicated, 0u);
  EXPECT_EQ(d.stats.frames_reordered, 0u);
}

TEST(SimNetworkHostile, DuplicatesAtAboutTheirRateAndNothingElse) {
  const Delivery d = run_stream(7, 100'000, 0);  // 10 %
  ASSERT_GT(d.sent, 3000u);
  EXPECT_TRUE(every_frame_arrived(d));
  const std::uint64_t dups = count_duplicates(d.seqs);
  EXPECT_EQ(dups, d.stats.frames_duplicated);
  EXPECT_EQ(d.seqs.size(), d.sent + dups);
  EXPECT_GT(dups * 100, d.sent * 8) << dups << " of " << d.sent;
  EXPECT_LT(dups * 100, d.sent * 12) << dups << " of " << d.sent;
  // Copies come after their original, so first copies stay in order.
  EXPECT_EQ(count_overtakers(d.seqs), 0u);
  EXPECT_EQ(d.stats.frames_reordered, 0u);
}

TEST(SimNetworkHostile, ReordersAtAboutTheirRateAndNothingElse) {
  const Delivery d = run_stream(7, 0, 100'000);  // 10 %
  ASSERT_GT(d.sent, 3000u);
  EXPECT_TRUE(every_frame_arrived(d));
  EXPECT_EQ(d.seqs.size(), d.sent);
  EXPECT_EQ(count_duplicates(d.seqs), 0u);
  const std::uint64_t overtakers = count_overtakers(d.seqs);
  EXPECT_EQ(overtakers, d.stats.frames_reordered);
  // In bursts most freed frames do overtake; the first of a burst has nothing to pass.
  EXPECT_GT(overtakers * 100, d.sent * 6) << overtakers << " of " << d.sent;
  EXPECT_LT(overtakers * 100, d.sent * 11) << overtakers << " of " << d.sent;
}

TEST(SimNetworkHostile, SameSeedSameDeliverySequence) {
  const Delivery a = run_stream(11, 50'000, 50'000);
  const Delivery b = run_stream(11, 50'000, 50'000);
  const Delivery c = run_stream(12, 50'000, 50'000);
  EXPECT_GT(a.stats.frames_duplicated, 0u);
  EXPECT_GT(a.stats.frames_reordered, 0u);
  EXPECT_EQ(a.seqs, b.seqs);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_NE(a.seqs, c.seqs);
}

TEST(SimNetworkHostile, TurnedOffFramesAreFifoAgain) {
  World world(testing::config_with_seed(3));
  Streamer streamer{world, kTimeZero + 10s};
  world.add_node(testing::script(streamer.hooks()));
  world.add_node(testing::script());
  world.network().set_hostile(200'000, 200'000);
  EXPECT_TRUE(world.network().hostile());
  world.run_until(kTimeZero + 3s);
  world.network().set_hostile(0, 0);
  EXPECT_FALSE(world.network().hostile());
  const NetworkStats at_off = world.network().stats();
  world.run_until(kTimeZero + 4s);  // frames sent before the switch have landed
  const std::size_t settled = testing::prog(world, 1).frames_from[0].size();
  world.run_until(kTimeZero + 11s);
  EXPECT_GT(at_off.frames_duplicated, 0u);
  EXPECT_EQ(world.network().stats().frames_duplicated, at_off.frames_duplicated);
  EXPECT_EQ(world.network().stats().frames_reordered, at_off.frames_reordered);
  const auto& frames = testing::prog(world, 1).frames_from[0];
  for (std::size_t i = settled + 1; i < frames.size(); ++i) {
    ASSERT_EQ(std::stoull(frames[i]), std::stoull(frames[i - 1]) + 1) << "at " << i;
  }
}

// Every frame free to overtake and every frame copied: still nothing before on_peer_up or
// after on_peer_down, and a break loses the copies with the originals.
TEST(SimNetworkHostile, CallbackOrderHoldsAndABreakLosesTheCopiesToo) {
  World world(testing::config_with_seed(5));
  ScriptProgram::Hooks chatty = testing::mesh_hooks(2);
  chatty.up = [](ScriptProgram& p, NodeId peer) {
    for (int i = 0; i < 5; ++i) p.send(peer, "hi" + std::to_string(i));
  };
  world.add_node(testing::script(chatty));
  world.add_node(testing::script(chatty));
  world.network().set_hostile(1'000'000, 1'000'000);
  for (int round = 0; round < 20; ++round) {
    world.run_for(300ms);
    // Frames in flight right now, then a break before they land.
    for (NodeId n = 0; n < 2; ++n) {
      if (testing::prog(world, n).up_peers.count(1 - n) != 0) testing::prog(world, n).send(1 - n, "doomed");
    }
    world.network().break_connection(0, 1);
    world.run_for(2s);  // detection, redial, a new connection and its greetings
  }
  for (NodeId n = 0; n < 2; ++n) {
    const auto& events = testing::prog(world, n).events;
    bool up = false;
    for (const std::string& e : events) {
      if (e.rfind("up ", 0) == 0) up = true;
      if (e.rfind("down ", 0) == 0) up = false;
      if (e.rfind("frame ", 0) == 0) {
        ASSERT_TRUE(up) << "n" << n << ": " << e << " outside up..down";
      }
      ASSERT_EQ(e.find("doomed"), std::string::npos) << "n" << n << " got a frame of a broken connection";
    }
  }
  EXPECT_GT(world.network().stats().frames_duplicated, 0u);
  EXPECT_GT(world.network().stats().frames_reordered, 0u);
  EXPECT_GE(world.network().stats().connection_breaks, 20u);
}

}  // namespace
}  // namespace alys::sim
