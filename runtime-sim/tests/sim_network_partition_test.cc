// SimNetwork faults: a one-way cut(a, b) and partition(groups) block exactly the links they
// name (a connection needs both directions, so a one-way cut takes the pair down and nothing
// else); heal() brings connections back up and frames flow again; clogs hold frames without
// breaking anything; per-link latency and loss.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::mesh_hooks;
using testing::prog;
using testing::script;
using testing::ScriptProgram;

// Longest a break takes to be noticed plus the longest redial delay plus two latencies:
// after this long with no faults, a wanted connection is back up.
constexpr Duration kSettle = 3s;

// An n-node full mesh (every node dials every other), run until all pairs are up.
struct Mesh {
  explicit Mesh(std::size_t nodes, std::uint64_t seed = 1)
      : w(config_with_seed(seed)), n(nodes) {
    for (std::size_t i = 0; i < n; ++i) w.add_node(script(mesh_hooks(n)));
    w.run_until(kTimeZero + 1s);
    for (NodeId a = 0; a < n; ++a) {
      for (NodeId b = 0; b < n; ++b) {
        if (a != b) {
          EXPECT_TRUE(w.network().connected(a, b)) << a << "-" << b;
        }
      }
    }
  }
  ScriptProgram& p(NodeId node) { return prog(w, node); }
  void settle() { w.run_until(w.now() + kSettle); }

  // Sends a fresh frame on every ordered pair that `reachable` says should work, and checks
  // send() against the connection state; then checks which frames arrived.
  template <typename Reachable>
  void expect_frames_flow_exactly(Reachable reachable, const std::string& tag) {
    std::map<std::pair<NodeId, NodeId>, std::size_t> before;
    for (NodeId a = 0; a < n; ++a) {
      for (NodeId b = 0; b < n; ++b) {
        if (a == b) continue;
        before[{a, b}] = p(b).frames_from[a].size();
        EXPECT_EQ(p(a).send(b, tag), reachable(a, b)) << tag << ": send " << a << "->" << b;
      }
    }
    w.run_until(w.now() + 100ms);
    for (NodeId a = 0; a < n; ++a) {
      for (NodeId b = 0; b < n; ++b) {
        if (a == b) continue;
        const auto& got = p(b).frames_from[a];
        const std::size_t expected = before[{a, b}] + (reachable(a, b) ? 1 : 0);
        EXPECT_EQ(got.size(), expected) << tag << ": frames " << a << "->" << b;
        if (reachable(a, b) && !got.empty()) {
          EXPECT_EQ(got.back(), tag);
        }
      }
    }
  }

  World w;
  std::size_t n;
};

TEST(SimNetworkPartition, OneWayCutTakesDownExactlyThatPair) {
  Mesh m(3);
  m.w.network().cut(0, 1);
  EXPECT_TRUE(m.w.network().is_cut(0, 1));
  EXPECT_FALSE(m.w.network().is_cut(1, 0));  // one-way
  EXPECT_FALSE(m.w.network().is_cut(0, 2));
  m.settle();
  auto reachable = [](NodeId a, NodeId b) { return !((a == 0 && b == 1) || (a == 1 && b == 0)); };
  for (NodeId a = 0; a < 3; ++a) {
    for (NodeId b = 0; b < 3; ++b) {
      if (a != b) {
        EXPECT_EQ(m.w.network().connected(a, b), reachable(a, b)) << a << "-" << b;
      }
    }
  }
  // The other links never went down.
  EXPECT_EQ(m.p(2).events.size(), 2u);  // "up 0" and "up 1", nothing else
  for (const auto& e : m.p(2).events) {
    EXPECT_EQ(e.rfind("down", 0), std::string::npos) << e;
  }
  for (const auto& e : m.p(0).events) {
    EXPECT_NE(e, "down 2");
  }
  for (const auto& e : m.p(1).events) {
    EXPECT_NE(e, "down 2");
  }
  m.expect_frames_flow_exactly(reachable, "during cut");
  // It stays down while cut, redials notwithstanding.
  m.w.run_until(m.w.now() + 10s);
  EXPECT_FALSE(m.w.network().connected(0, 1));
  std::vector<std::string> about_1;
  for (const auto& e : m.p(0).events) {
    if (e == "up 1" || e == "down 1") about_1.push_back(e);
  }
  EXPECT_EQ(about_1, (std::vector<std::string>{"up 1", "down 1"}));
}

TEST(SimNetworkPartition, PartitionBlocksExactlyTheCrossGroupLinks) {
  Mesh m(5, 2);
  // Node 4 is in no group: isolated from everyone.
  m.w.network().partition({{0, 1}, {2, 3}});
  auto group = [](NodeId x) { return x <= 1 ? 0 : x <= 3 ? 1 : 2 + static_cast<int>(x); };
  auto reachable = [&](NodeId a, NodeId b) { return group(a) == group(b); };
  for (NodeId a = 0; a < 5; ++a) {
    for (NodeId b = 0; b < 5; ++b) {
      if (a != b) {
        EXPECT_EQ(m.w.network().is_cut(a, b), !reachable(a, b)) << a << "->" << b;
      }
    }
  }
  m.settle();
  for (NodeId a = 0; a < 5; ++a) {
    for (NodeId b = 0; b < 5; ++b) {
      if (a != b) {
        EXPECT_EQ(m.w.network().connected(a, b), reachable(a, b)) << a << "-" << b;
      }
    }
  }
  m.expect_frames_flow_exactly(reachable, "partitioned");
  // Intra-group connections were never interrupted.
  for (const auto& e : m.p(0).events) {
    EXPECT_NE(e, "down 1");
  }
  for (const auto& e : m.p(2).events) {
    EXPECT_NE(e, "down 3");
  }
}

TEST(SimNetworkPartition, HealRestoresConnectionsAndFramesFlowAgain) {
  Mesh m(4, 3);
  m.w.network().partition({{0}, {1, 2, 3}});
  m.settle();
  EXPECT_FALSE(m.w.network().connected(0, 1));
  m.w.network().heal();
  for (NodeId a = 0; a < 4; ++a) {
    for (NodeId b = 0; b < 4; ++b) {
      EXPECT_FALSE(m.w.network().is_cut(a, b));
    }
  }
  m.settle();
  for (NodeId a = 0; a < 4; ++a) {
    for (NodeId b = 0; b < 4; ++b) {
      if (a != b) {
        EXPECT_TRUE(m.w.network().connected(a, b)) << a << "-" << b;
      }
    }
  }
  // Node 0 saw each peer go down and come back.
  for (NodeId b = 1; b < 4; ++b) {
    const auto& ev = m.p(0).events;
    const auto down = std::find(ev.begin(), ev.end(), "down " + std::to_string(b));
    ASSERT_NE(down, ev.end());
    EXPECT_NE(std::find(down, ev.end(), "up " + std::to_string(b)), ev.end());
  }
  m.expect_frames_flow_exactly([](NodeId, NodeId) { return true; }, "healed");
}

TEST(SimNetworkPartition, HealingOneDirectionIsNotEnough) {
  Mesh m(2, 4);
  m.w.network().cut(0, 1);
  m.w.network().cut(1, 0);
  m.settle();
  m.w.network().heal(0, 1);
  m.settle();
  EXPECT_FALSE(m.w.network().connected(0, 1));
  m.w.network().heal(1, 0);
  m.settle();
  EXPECT_TRUE(m.w.network().connected(0, 1));
}

TEST(SimNetworkPartition, FramesInFlightAcrossACutAreLostOthersArrive) {
  Mesh m(3, 5);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(m.p(0).send(1, "to1-" + std::to_string(i)));
    ASSERT_TRUE(m.p(0).send(2, "to2-" + std::to_string(i)));
  }
  m.w.network().cut(0, 1);  // at the same instant: all five are still in flight
  m.settle();
  EXPECT_TRUE(m.p(1).frames_from[0].empty());
  EXPECT_EQ(m.p(2).frames_from[0],
            (std::vector<std::string>{"to2-0", "to2-1", "to2-2", "to2-3", "to2-4"}));
}

TEST(SimNetworkPartition, ClogHoldsFramesInOrderWithoutBreakingTheConnection) {
  Mesh m(2, 6);
  const Instant clog_end = m.w.now() + 500ms;
  m.w.network().clog(0, 1, 500ms);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(m.p(0).send(1, std::to_string(i)));
  }
  ASSERT_TRUE(m.p(1).send(0, "reverse"));  // the other direction is not clogged
  m.w.run_until(clog_end - 1ns);  // nothing from 0 may arrive before the clog ends
  EXPECT_TRUE(m.p(1).frames_from[0].empty());
  EXPECT_EQ(m.p(0).frames_from[1], std::vector<std::string>{"reverse"});
  m.w.run_until(clog_end + 100ms);
  EXPECT_EQ(m.p(1).frames_from[0], (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_TRUE(m.w.network().connected(0, 1));
  EXPECT_EQ(m.w.network().stats().connection_breaks, 0u);
}

TEST(SimNetworkPartition, PerLinkLatencyIsUsed) {
  Mesh m(2, 7);
  LatencyModel fixed;
  fixed.min = 50ms;
  fixed.max = 50ms;
  m.w.network().set_link_latency(0, 1, fixed);
  Instant arrived{};
  const Instant sent = m.w.now();
  ASSERT_TRUE(m.p(0).send(1, "timed"));
  while (m.p(1).frames_from[0].empty()) {
    ASSERT_TRUE(m.w.step());
    arrived = m.w.now();
  }
  EXPECT_EQ(to_ns(arrived - sent), to_ns(Duration(50ms)));
}

TEST(SimNetworkPartition, CertainLossBreaksTheConnectionAtTheFirstFrame) {
  Mesh m(2, 8);
  m.w.network().set_link_loss_ppm(0, 1, 1'000'000);
  EXPECT_TRUE(m.p(0).send(1, "lost"));
  EXPECT_FALSE(m.w.network().connected(0, 1));
  m.w.run_until(m.w.now() + 1s + 1ms);
  EXPECT_TRUE(m.p(1).frames_from[0].empty());
  EXPECT_EQ(m.p(0).events.back(), "down 1");
  EXPECT_EQ(m.p(1).events.back(), "down 0");
  m.w.network().set_link_loss_ppm(0, 1, 0);
  m.settle();
  ASSERT_TRUE(m.w.network().connected(0, 1));
  EXPECT_TRUE(m.p(0).send(1, "kept"));
  m.w.run_until(m.w.now() + 100ms);
  EXPECT_EQ(m.p(1).frames_from[0], std::vector<std::string>{"kept"});
}

}  // namespace
}  // namespace alys::sim
