// The Transport contract (core/runtime/transport.h) on the simulated network: when send()
// must refuse, frame size limits, who needs to connect, one connection per pair, callback
// order, disconnect, detaching the handler, and a peer crash.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::prog;
using testing::script;
using testing::ScriptProgram;

Instant at(Duration d) { return kTimeZero + d; }

// Two nodes; node 0 dials node 1 on start. Runs until both ends see the connection.
struct Pair {
  explicit Pair(std::uint64_t seed = 1, ScriptProgram::Hooks h0 = {},
                ScriptProgram::Hooks h1 = {})
      : w(config_with_seed(seed)) {
    auto start = h0.start;
    h0.start = [start](ScriptProgram& p) {
      p.env().transport().connect(1);
      if (start) start(p);
    };
    w.add_node(script(h0));
    w.add_node(script(h1));
    w.run_until(at(1s));
  }
  ScriptProgram& p0() { return prog(w, 0); }
  ScriptProgram& p1() { return prog(w, 1); }
  World w;
};

TEST(TransportContract, SendFailsUntilTheConnectionIsSeenUp) {
  std::vector<bool> results;
  ScriptProgram::Hooks h0;
  h0.start = [&](ScriptProgram& p) {
    results.push_back(p.send(1, "before connect"));
    p.env().transport().connect(1);
    results.push_back(p.send(1, "while dialling"));
    results.push_back(p.env().transport().is_connected(1));
  };
  World w(config_with_seed(1));
  w.add_node(script(h0));
  w.add_node(script());
  w.run_until(at(1s));
  EXPECT_EQ(results, (std::vector<bool>{false, false, false}));
  ASSERT_EQ(prog(w, 0).events, std::vector<std::string>{"up 1"});
  EXPECT_TRUE(prog(w, 0).send(1, "now"));
  w.run_until(at(2s));
  EXPECT_EQ(prog(w, 1).frames_from[0], std::vector<std::string>{"now"});
  EXPECT_EQ(w.network().stats().frames_sent, 1u);
  EXPECT_EQ(w.network().stats().frames_delivered, 1u);
}

TEST(TransportContract, SendToSelfOrAnUnknownPeerFails) {
  Pair pair;
  EXPECT_FALSE(pair.p0().send(0, "self"));
  EXPECT_FALSE(pair.p0().send(2, "nobody"));
  EXPECT_FALSE(pair.p0().send(kNoNode, "nobody"));
  EXPECT_FALSE(pair.p0().env().transport().is_connected(0));
  EXPECT_FALSE(pair.p0().env().transport().is_connected(7));
  EXPECT_EQ(pair.w.network().stats().frames_sent, 0u);
}

TEST(TransportContract, FramesOverTheLimitAreRefused) {
  Pair pair;
  Transport& t = pair.p0().env().transport();
  const Bytes too_big(Transport::kMaxFrameBytes + 1, 0xAB);
  EXPECT_FALSE(t.send(1, too_big));
  EXPECT_EQ(pair.w.network().stats().frames_sent, 0u);

  Bytes biggest(Transport::kMaxFrameBytes, 0xCD);
  biggest.front() = 1;
  biggest.back() = 2;
  EXPECT_TRUE(t.send(1, biggest));
  EXPECT_TRUE(t.send(1, Bytes{}));  // an empty frame is a frame
  pair.w.run_until(at(2s));
  ASSERT_EQ(pair.p1().frames_from[0].size(), 2u);
  const std::string& big = pair.p1().frames_from[0][0];
  ASSERT_EQ(big.size(), Transport::kMaxFrameBytes);
  EXPECT_EQ(static_cast<std::uint8_t>(big.front()), 1u);
  EXPECT_EQ(static_cast<std::uint8_t>(big.back()), 2u);
  EXPECT_EQ(static_cast<std::uint8_t>(big[12345]), 0xCDu);
  EXPECT_EQ(pair.p1().frames_from[0][1], "");
  EXPECT_TRUE(pair.w.network().connected(0, 1));  // a refused frame breaks nothing
}

TEST(TransportContract, TheDialledSideNeedNotConnect) {
  Pair pair;
  EXPECT_EQ(pair.p0().events, std::vector<std::string>{"up 1"});
  EXPECT_EQ(pair.p1().events, std::vector<std::string>{"up 0"});
  EXPECT_TRUE(pair.p1().env().transport().is_connected(0));
  EXPECT_TRUE(pair.w.network().connected(0, 1));
  EXPECT_TRUE(pair.p1().send(0, "reply"));
  pair.w.run_until(at(2s));
  EXPECT_EQ(pair.p0().frames_from[1], std::vector<std::string>{"reply"});
}

TEST(TransportContract, SimultaneousDialsMakeOneConnection) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    World w(config_with_seed(seed));
    w.add_node(testing::script(testing::mesh_hooks(2)));
    w.add_node(testing::script(testing::mesh_hooks(2)));
    w.run_until(at(5s));
    EXPECT_EQ(prog(w, 0).events, std::vector<std::string>{"up 1"}) << "seed " << seed;
    EXPECT_EQ(prog(w, 1).events, std::vector<std::string>{"up 0"}) << "seed " << seed;
    EXPECT_EQ(w.network().stats().connections_made, 1u);
  }
}

TEST(TransportContract, PeerUpPrecedesFramesSentFromTheOtherEndsPeerUp) {
  // The accepting end learns of the connection first and sends at once; the dialling end
  // must still see on_peer_up before that frame, whatever the latencies and tie-breaks.
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    ScriptProgram::Hooks h1;
    h1.up = [](ScriptProgram& p, NodeId peer) {
      for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(p.send(peer, "hi" + std::to_string(i)));
      }
    };
    Pair pair(seed, {}, h1);
    EXPECT_EQ(pair.p0().events,
              (std::vector<std::string>{"up 1", "frame 1 hi0", "frame 1 hi1", "frame 1 hi2"}))
        << "seed " << seed;
  }
}

TEST(TransportContract, BurstsArriveInOrder) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Pair pair(seed);
    std::vector<std::string> sent;
    for (int i = 0; i < 20; ++i) {
      sent.push_back(std::to_string(i));
      ASSERT_TRUE(pair.p0().send(1, sent.back()));
    }
    pair.w.run_until(at(2s));
    EXPECT_EQ(pair.p1().frames_from[0], sent) << "seed " << seed;
  }
}

TEST(TransportContract, AfterABreakSendFailsOnceDownIsSeenAndFramesInFlightAreLost) {
  Pair pair(3);
  ASSERT_TRUE(pair.p0().send(1, "in flight"));
  pair.w.network().break_connection(0, 1);
  EXPECT_FALSE(pair.w.network().connected(0, 1));
  // Not yet noticed by node 0: send still accepts (and loses) the frame.
  EXPECT_TRUE(pair.p0().send(1, "into the void"));
  const auto lost_before = pair.w.network().stats().frames_lost;
  pair.w.run_until(pair.w.now() + 1s + 1ms);  // break_detect_max
  EXPECT_EQ(pair.p0().events.back(), "down 1");
  EXPECT_EQ(pair.p1().events.back(), "down 0");
  EXPECT_FALSE(pair.p0().send(1, "after down"));
  EXPECT_FALSE(pair.p1().send(0, "after down"));
  EXPECT_TRUE(pair.p1().frames_from[0].empty());
  EXPECT_GE(pair.w.network().stats().frames_lost, lost_before);
  EXPECT_GE(pair.w.network().stats().frames_lost, 2u);
  EXPECT_EQ(pair.w.network().stats().connection_breaks, 1u);
  // Node 0 still wants the peer: it redials, and frames flow on the new connection.
  pair.w.run_until(pair.w.now() + 3s);
  ASSERT_EQ(pair.p0().events.back(), "up 1");
  ASSERT_TRUE(pair.p0().send(1, "again"));
  pair.w.run_until(pair.w.now() + 1s);
  EXPECT_EQ(pair.p1().frames_from[0], std::vector<std::string>{"again"});
}

TEST(TransportContract, DisconnectTearsDownAndDoesNotRedial) {
  Pair pair(4);
  pair.p0().env().transport().disconnect(1);
  EXPECT_FALSE(pair.p0().env().transport().is_connected(1));
  pair.w.run_until(pair.w.now() + 10s);
  EXPECT_EQ(pair.p0().events, (std::vector<std::string>{"up 1", "down 1"}));
  EXPECT_EQ(pair.p1().events, (std::vector<std::string>{"up 0", "down 0"}));
  EXPECT_FALSE(pair.p0().send(1, "x"));
  EXPECT_FALSE(pair.p1().send(0, "x"));
  EXPECT_EQ(pair.w.network().stats().connections_made, 1u);
}

TEST(TransportContract, DisconnectOfAnUnknownPeerIsHarmless) {
  Pair pair(4);
  pair.p0().env().transport().disconnect(9);
  pair.p1().env().transport().disconnect(1);  // itself
  pair.w.run_until(pair.w.now() + 1s);
  EXPECT_TRUE(pair.w.network().connected(0, 1));
}

TEST(TransportContract, ADetachedHandlerGetsNoCallbacks) {
  Pair pair(5);
  pair.p1().env().transport().set_handler(nullptr);
  ASSERT_TRUE(pair.p0().send(1, "unheard"));
  pair.w.run_until(pair.w.now() + 1s);
  EXPECT_TRUE(pair.p1().frames_from[0].empty());
  pair.p1().env().transport().set_handler(&pair.p1());
  ASSERT_TRUE(pair.p0().send(1, "heard"));
  pair.w.run_until(pair.w.now() + 1s);
  EXPECT_EQ(pair.p1().frames_from[0], std::vector<std::string>{"heard"});
}

TEST(TransportContract, PeerCrashIsReportedAndTheSurvivorReconnectsAfterRestart) {
  Pair pair(6);
  pair.w.crash(1);
  pair.w.run_until(pair.w.now() + 1s + 1ms);
  EXPECT_EQ(pair.p0().events, (std::vector<std::string>{"up 1", "down 1"}));
  EXPECT_FALSE(pair.p0().send(1, "x"));
  pair.w.restart(1);
  pair.w.run_until(pair.w.now() + 3s);
  EXPECT_EQ(pair.p0().events, (std::vector<std::string>{"up 1", "down 1", "up 1"}));
  EXPECT_EQ(pair.p1().events, std::vector<std::string>{"up 0"});  // the new incarnation's
  ASSERT_TRUE(pair.p0().send(1, "welcome back"));
  pair.w.run_until(pair.w.now() + 1s);
  EXPECT_EQ(pair.p1().frames_from[0], std::vector<std::string>{"welcome back"});
}

TEST(TransportContract, ACrashedDiallerStopsDialling) {
  Pair pair(7);
  pair.w.crash(0);
  pair.w.run_until(pair.w.now() + 1s + 1ms);
  EXPECT_EQ(pair.p1().events, (std::vector<std::string>{"up 0", "down 0"}));
  // Node 1 never wanted the connection, so nothing redials while node 0 stays down.
  pair.w.run_until(pair.w.now() + 10s);
  EXPECT_EQ(pair.p1().events, (std::vector<std::string>{"up 0", "down 0"}));
}

}  // namespace
}  // namespace alys::sim
