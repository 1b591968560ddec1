// NetworkActor (core/network/network_actor.h) over the simulated network: every node runs
// an ActorSystem with the NetworkActor under its root, its routes bound to a test Recorder
// (which, like the chain actor will, re-gossips gossip it receives with except = source).
// Misbehaving peers are raw ScriptPrograms that write frames straight to the transport.
#include "core/network/network_actor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/actor/system.h"
#include "core/crypto/sha256.h"
#include "core/network/frame_codec.h"
#include "core/network/handshake.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using net::Gossip;
using net::NetworkActor;
using net::NetworkConfig;
using net::NetworkMsg;
using net::PeerState;
using testing::prog;
using testing::script;
using testing::ScriptProgram;

constexpr std::uint32_t kChain = 212121;

Instant at(Duration d) { return kTimeZero + d; }

Hash256 hash_of(std::uint64_t n) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return sha256(b);
}
const Hash256 kGenesis = hash_of(424242);

SecretKey key_of(NodeId node) {
  Bytes b(32, 0);
  b[30] = 0x5a;
  b[31] = static_cast<std::uint8_t>(node + 1);
  return SecretKey::from_bytes(b).value();
}

// A gossip message whose identity is `n`.
WireMessage approval(std::uint64_t n) {
  ApproveBlock a;
  a.block_hash = hash_of(n);
  a.approval.authority_index = static_cast<std::uint32_t>(n % 7);
  return a;
}
std::uint64_t approval_id(const WireMessage& m) {
  const auto& a = std::get<ApproveBlock>(m);
  for (std::uint64_t n = 0; n < 100'000; ++n) {
    if (hash_of(n) == a.block_hash) return n;
  }
  return UINT64_MAX;
}

// What one node's routes saw. Outlives the world (declared before it).
struct Recorder {
  std::vector<std::string> events;  // "ready 1", "gone 1"
  std::map<NodeId, int> ready_count;
  std::map<NodeId, int> gone_count;
  std::set<NodeId> ready_now;
  std::vector<std::pair<NodeId, WireMessage>> messages;
  bool alternation_broken = false;  // ready/gone must alternate per peer

  std::size_t messages_from(NodeId peer) const {
    return static_cast<std::size_t>(std::count_if(messages.begin(), messages.end(),
                                                  [&](const auto& m) { return m.first == peer; }));
  }
  std::map<std::uint64_t, int> approval_counts() const {
    std::map<std::uint64_t, int> out;
    for (const auto& [from, m] : messages) {
      if (std::holds_alternative<ApproveBlock>(m)) ++out[approval_id(m)];
    }
    return out;
  }
};

NetworkConfig base_config(NodeId self, std::vector<NodeId> peers) {
  NetworkConfig c;
  c.chain_id = kChain;
  c.genesis = kGenesis;
  c.node_key = key_of(self);
  c.peers = std::move(peers);
  c.ban_duration = 10s;
  c.hello_timeout = 2s;
  c.ping_interval = 1s;
  return c;
}

// One node: an ActorSystem whose root runs the NetworkActor.
class NetNode final : public NodeProgram {
 public:
  NetNode(Env& env, NetworkConfig config, Recorder* rec, bool regossip) : sys_(env) {
    auto slot = std::make_shared<actor::ActorRef<NetworkMsg>>();
    net::InboundRoutes routes;
    routes.on_peer_ready = [rec](NodeId p) {
      rec->events.push_back("ready " + std::to_string(p));
      ++rec->ready_count[p];
      if (!rec->ready_now.insert(p).second) rec->alternation_broken = true;
    };
    routes.on_peer_gone = [rec](NodeId p) {
      rec->events.push_back("gone " + std::to_string(p));
      ++rec->gone_count[p];
      if (rec->ready_now.erase(p) == 0) rec->alternation_broken = true;
    };
    routes.on_message = [rec, slot, regossip](NodeId from, WireMessage m,
                                              const SharedFrame& frame) {
      rec->messages.emplace_back(from, m);
      // The consumer's decision, as the chain actor makes it after validating; relayed in
      // the frame it came in, as the chain actor relays approvals.
      if (regossip && std::holds_alternative<ApproveBlock>(m)) {
        (void)slot->tell(Gossip{std::move(m), from, frame});
      }
    };
    actor::ChildOptions o;
    o.name = "network";
    net_ = sys_.root().spawn<NetworkActor>(o, std::move(config), std::move(routes));
    *slot = net_;
  }
  void start() override { sys_.start(); }

  actor::ActorRef<NetworkMsg>& ref() { return net_; }
  // nullptr while the actor is between instances.
  NetworkActor* actor() { return static_cast<NetworkActor*>(net_.cell().instance()); }

 private:
  actor::ActorSystem sys_;
  actor::ActorRef<NetworkMsg> net_;
};

ProgramFactory net_node(NetworkConfig config, Recorder* rec, bool regossip = true) {
  return [config, rec, regossip](Env& env) {
    return std::make_unique<NetNode>(env, config, rec, regossip);
  };
}

NetNode& node(World& w, NodeId id) { return static_cast<NetNode&>(*w.program(id)); }
NetworkActor& net_of(World& w, NodeId id) {
  NetworkActor* a = node(w, id).actor();
  ALYS_ASSERT(a != nullptr, "test: network actor not running");
  return *a;
}
PeerState state_of(World& w, NodeId id, NodeId peer) {
  const auto v = net_of(w, id).peer(peer);
  return v ? v->state : PeerState::kDisconnected;
}

// A cluster of `n` NetNodes; `peers_of(i)` is node i's configured peer list.
struct Cluster {
  template <typename PeersOf>
  Cluster(std::size_t n, PeersOf peers_of, std::uint64_t seed = 1, bool regossip = true,
          std::function<void(NodeId, NetworkConfig&)> tweak = nullptr,
          std::optional<WorldConfig> world = std::nullopt)
      : recs(n), w(world ? *world : testing::config_with_seed(seed)) {
    for (NodeId i = 0; i < n; ++i) {
      NetworkConfig c = base_config(i, peers_of(i));
      if (tweak) tweak(i, c);
      w.add_node(net_node(c, &recs[i], regossip));
    }
  }
  NetworkActor& net(NodeId i) { return net_of(w, i); }
  void tell(NodeId i, NetworkMsg m) { ASSERT_TRUE(node(w, i).ref().tell(std::move(m)).is_ok()); }
  std::deque<Recorder> recs;
  World w;
};

std::vector<NodeId> all_but(NodeId self, std::size_t n) {
  std::vector<NodeId> out;
  for (NodeId i = 0; i < n; ++i) {
    if (i != self) out.push_back(i);
  }
  return out;
}

// ------------------------------------------------------------------------ handshake

TEST(NetworkActorSim, HandshakeMakesEveryPairReadyOnBothSides) {
  Cluster c(3, [](NodeId i) { return all_but(i, 3); });
  c.w.run_until(at(3s));
  for (NodeId i = 0; i < 3; ++i) {
    const Recorder& r = c.recs[i];
    const std::vector<NodeId> others = all_but(i, 3);
    EXPECT_EQ(r.ready_now, std::set<NodeId>(others.begin(), others.end())) << i;
    for (NodeId p : all_but(i, 3)) {
      EXPECT_EQ(r.ready_count.at(p), 1) << i << "->" << p;
      EXPECT_EQ(state_of(c.w, i, p), PeerState::kReady);
    }
    EXPECT_TRUE(r.gone_count.empty()) << i;
    EXPECT_FALSE(r.alternation_broken);
    EXPECT_EQ(c.net(i).metrics().handshakes, 2u);
    EXPECT_EQ(c.net(i).metrics().bad_frames, 0u);
    EXPECT_EQ(c.net(i).metrics().bans, 0u);
  }
  // Pings keep flowing and are answered: nothing reconnects in a quiet minute.
  c.w.run_until(at(60s));
  for (NodeId i = 0; i < 3; ++i) {
    EXPECT_EQ(c.net(i).metrics().pong_timeouts, 0u);
    EXPECT_EQ(c.net(i).metrics().handshakes, 2u);
    EXPECT_TRUE(c.recs[i].gone_count.empty());
  }
}

TEST(NetworkActorSim, SameSeedSameRun) {
  auto run = [](std::uint64_t seed) {
    Cluster c(
        4, [](NodeId i) { return all_but(i, 4); }, seed);
    c.w.run_until(at(2s));
    c.tell(0, Gossip{approval(1), std::nullopt});
    c.w.run_until(at(5s));
    std::vector<std::string> all;
    for (const auto& r : c.recs) all.insert(all.end(), r.events.begin(), r.events.end());
    return std::make_pair(c.w.trace_hash(), all);
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7).first, run(8).first);
}

// A node of another network (chain id or genesis) never becomes ready with anyone, and
// its peers ban it; after the ban they try again and ban it again.
class WrongNetwork : public ::testing::TestWithParam<bool> {};

TEST_P(WrongNetwork, NeverReadyAndBanned) {
  const bool wrong_genesis = GetParam();
  Cluster c(
      3, [](NodeId i) { return all_but(i, 3); }, 3, true,
      [&](NodeId i, NetworkConfig& cfg) {
        if (i != 2) return;
        if (wrong_genesis) {
          cfg.genesis = hash_of(1);
        } else {
          cfg.chain_id = kChain + 1;
        }
      });
  c.w.run_until(at(5s));
  for (NodeId i : {0u, 1u}) {
    EXPECT_EQ(c.recs[i].ready_now, std::set<NodeId>{1u - i});
    EXPECT_EQ(state_of(c.w, i, 2), PeerState::kBanned) << i;
    EXPECT_GE(c.net(i).metrics().hello_failures, 1u);
    EXPECT_GE(c.net(i).metrics().bans, 1u);
    EXPECT_LE(c.net(i).peer(2)->score, NetworkConfig{}.ban_threshold);
  }
  EXPECT_TRUE(c.recs[2].ready_count.empty());
  EXPECT_GE(c.net(2).metrics().bans, 2u);  // it bans them too: their Hellos are wrong for it
  // Past the ban (10s) both redial, fail the handshake again and ban again.
  c.w.run_until(at(40s));
  for (NodeId i : {0u, 1u}) {
    EXPECT_GE(c.net(i).peer(2)->bans, 2u) << i;
    EXPECT_EQ(c.recs[i].ready_count.count(2), 0u);
    EXPECT_EQ(c.recs[i].ready_count.at(1 - i), 1);
  }
  EXPECT_TRUE(c.recs[2].ready_count.empty());
  EXPECT_TRUE(c.recs[2].messages.empty());
}

INSTANTIATE_TEST_SUITE_P(ChainIdOrGenesis, WrongNetwork, ::testing::Bool());

// ------------------------------------------------------------------------ gossip

// Each configured peer list makes a topology; node 0 gossips 20 messages; consumers
// re-gossip. Every other node routes every message exactly once, node 0 none (its echo is
// in its seen cache).
void expect_gossip_exactly_once(std::size_t n, std::function<std::vector<NodeId>(NodeId)> peers_of,
                                bool expect_duplicates) {
  Cluster c(n, peers_of, 11);
  c.w.run_until(at(3s));
  for (std::uint64_t k = 0; k < 20; ++k) c.tell(0, Gossip{approval(k), std::nullopt});
  c.w.run_until(at(8s));
  std::uint64_t dups = 0;
  for (NodeId i = 0; i < n; ++i) {
    const auto counts = c.recs[i].approval_counts();
    if (i == 0) {
      EXPECT_TRUE(counts.empty());
    } else {
      ASSERT_EQ(counts.size(), 20u) << "node " << i;
      for (const auto& [k, times] : counts) EXPECT_EQ(times, 1) << "node " << i << " msg " << k;
    }
    dups += c.net(i).metrics().duplicates_dropped;
  }
  if (expect_duplicates) {
    EXPECT_GT(dups, 0u);  // loops in the topology: the seen cache did the work
  } else {
    EXPECT_EQ(dups, 0u);
  }
}

TEST(NetworkActorSim, GossipReachesEveryNodeOnceAlongALine) {
  expect_gossip_exactly_once(
      4, [](NodeId i) { return i + 1 < 4 ? std::vector<NodeId>{i + 1} : std::vector<NodeId>{}; },
      false);
}

TEST(NetworkActorSim, GossipReachesEveryNodeOnceAroundARing) {
  expect_gossip_exactly_once(
      5, [](NodeId i) { return std::vector<NodeId>{(i + 1) % 5}; }, true);
}

TEST(NetworkActorSim, GossipReachesEveryNodeOnceInAFullMesh) {
  expect_gossip_exactly_once(
      4, [](NodeId i) { return all_but(i, 4); }, true);
}

TEST(NetworkActorSim, NetworkDoesNotForwardGossipByItself) {
  // Without a consumer that re-gossips, a line delivers one hop only.
  Cluster c(
      3, [](NodeId i) { return i + 1 < 3 ? std::vector<NodeId>{i + 1} : std::vector<NodeId>{}; }, 5,
      /*regossip=*/false);
  c.w.run_until(at(3s));
  c.tell(0, Gossip{approval(1), std::nullopt});
  c.tell(1, Gossip{approval(2), NodeId{2}});  // except: node 2 must not get it
  c.w.run_until(at(5s));
  EXPECT_EQ(c.recs[1].approval_counts(), (std::map<std::uint64_t, int>{{1, 1}}));
  EXPECT_EQ(c.recs[0].approval_counts(), (std::map<std::uint64_t, int>{{2, 1}}));
  EXPECT_TRUE(c.recs[2].approval_counts().empty());
}

TEST(NetworkActorSim, SeenCacheStaysBoundedUnderAFloodOfDistinctMessages) {
  constexpr std::size_t kMax = 64;
  constexpr std::uint64_t kFlood = 1500;
  Cluster c(
      2, [](NodeId i) { return all_but(i, 2); }, 9, true,
      [](NodeId, NetworkConfig& cfg) {
        cfg.seen_cache_max = kMax;
        cfg.max_frames_per_sec_per_peer = 0;  // unlimited: this test is about memory
      });
  c.w.run_until(at(3s));
  for (std::uint64_t k = 0; k < kFlood; ++k) {
    c.tell(0, Gossip{approval(k), std::nullopt});
    if (k % 100 == 99) {
      c.w.run_for(50ms);
      for (NodeId i = 0; i < 2; ++i) ASSERT_LE(c.net(i).seen_cache().size(), kMax);
    }
  }
  c.w.run_until(at(10s));
  for (NodeId i = 0; i < 2; ++i) {
    EXPECT_LE(c.net(i).seen_cache().size(), kMax);
    EXPECT_EQ(c.net(i).seen_cache().high_water(), kMax);
  }
  // Node 1 routed all of them once; the echoes of the ones still cached came back to 0 and
  // were dropped; echoes of evicted ones would be routed at 0 again (the documented cost of
  // a bounded cache), which shows up as messages at node 0.
  EXPECT_EQ(c.recs[1].approval_counts().size(), kFlood);
  EXPECT_EQ(c.net(1).seen_cache().evictions(), kFlood - kMax);
}

// ------------------------------------------------------------------------ raw peers

struct RawStats {
  int connections = 0;
  int goodbyes = 0;
  int hellos = 0;
  int pings = 0;
};

// How a raw peer reacts to a Ping.
enum class OnPing { kPong, kIgnore, kChatter /* sends a new gossip message, never a Pong */ };

// A peer that writes frames itself: on every connection to `target` it sends a valid Hello
// and one marker gossip message (distinct per connection); it reacts to pings per `on_ping`.
ScriptProgram::Hooks raw_peer(NodeId target, RawStats* stats, OnPing on_ping = OnPing::kPong) {
  ScriptProgram::Hooks h;
  h.start = [target](ScriptProgram& p) { p.env().transport().connect(target); };
  h.up = [stats](ScriptProgram& p, NodeId peer) {
    ++stats->connections;
    const NodeId self = p.env().id();
    p.env().transport().send(
        peer, encode_frame(net::make_hello(kChain, kGenesis, SchnorrSigner(key_of(self)), self, peer)));
    p.env().transport().send(peer, encode_frame(approval(50'000 + stats->connections)));
  };
  h.frame = [stats, on_ping](ScriptProgram& p, NodeId peer, ByteView frame) {
    Result<WireMessage> m = decode_frame(frame);
    if (!m) return;
    if (std::holds_alternative<Goodbye>(*m)) ++stats->goodbyes;
    if (std::holds_alternative<Hello>(*m)) ++stats->hellos;
    if (const auto* ping = std::get_if<Ping>(&*m)) {
      ++stats->pings;
      if (on_ping == OnPing::kPong) p.env().transport().send(peer, encode_frame(Pong{ping->nonce}));
      if (on_ping == OnPing::kChatter) {
        p.env().transport().send(peer, encode_frame(approval(70'000 + stats->pings)));
      }
    }
  };
  return h;
}

void send_raw(World& w, NodeId from, NodeId to, ByteView frame) {
  ASSERT_TRUE(prog(w, from).env().transport().send(to, frame));
}

TEST(NetworkActorSim, GarbageFramesGetAPeerBannedUntilTheBanExpires) {
  RawStats raw;
  std::deque<Recorder> recs(2);
  World w(testing::config_with_seed(21));
  auto cfg = [](NodeId i) {
    NetworkConfig c = base_config(i, i == 0 ? std::vector<NodeId>{1} : std::vector<NodeId>{});
    c.decay_points = 0;  // count the penalties exactly
    return c;
  };
  w.add_node(net_node(cfg(0), &recs[0]));
  w.add_node(net_node(cfg(1), &recs[1]));
  w.add_node(script(raw_peer(0, &raw)));  // node 2
  w.run_until(at(2s));
  ASSERT_EQ(state_of(w, 0, 2), PeerState::kReady);
  EXPECT_EQ(recs[0].ready_count.at(2), 1);
  EXPECT_EQ(recs[0].messages_from(2), 1u);  // the marker

  // Three undecodable frames cost 75 points: not yet banned (threshold -100).
  for (int i = 0; i < 3; ++i) send_raw(w, 2, 0, as_bytes("garbage"));
  w.run_for(500ms);
  EXPECT_EQ(net_of(w, 0).metrics().bad_frames, 3u);
  EXPECT_EQ(net_of(w, 0).peer(2)->score, -75);
  EXPECT_EQ(state_of(w, 0, 2), PeerState::kReady);

  // The fourth bans it.
  send_raw(w, 2, 0, as_bytes("garbage"));
  w.run_for(100ms);
  const Instant banned_at = w.now();
  EXPECT_EQ(net_of(w, 0).metrics().bans, 1u);
  EXPECT_EQ(state_of(w, 0, 2), PeerState::kBanned);
  EXPECT_EQ(recs[0].gone_count.at(2), 1);
  // Valid frames sent while banned are ignored.
  send_raw(w, 2, 0, encode_frame(approval(77)));
  // During the ban node 2 keeps redialing (it wants node 0); each time it sends a valid
  // Hello and a marker, each time it is told Goodbye and cut off.
  w.run_until(banned_at + 9s);
  EXPECT_EQ(state_of(w, 0, 2), PeerState::kBanned);
  EXPECT_EQ(recs[0].ready_count.at(2), 1);
  EXPECT_EQ(recs[0].messages_from(2), 1u);
  EXPECT_GT(raw.connections, 2);
  EXPECT_GE(raw.goodbyes, 2);
  EXPECT_GT(net_of(w, 0).metrics().ignored_frames, 0u);
  EXPECT_EQ(net_of(w, 0).metrics().bans, 1u);  // frames of a banned peer cost nothing more

  // After the ban (10s) the next connection handshakes again and its marker is routed.
  w.run_until(banned_at + 14s);
  EXPECT_EQ(state_of(w, 0, 2), PeerState::kReady);
  EXPECT_EQ(recs[0].ready_count.at(2), 2);
  EXPECT_EQ(recs[0].messages_from(2), 2u);
  EXPECT_EQ(net_of(w, 0).peer(2)->score, 0);
  EXPECT_FALSE(recs[0].alternation_broken);
  // The honest pair was never disturbed.
  EXPECT_EQ(recs[0].ready_count.at(1), 1);
  EXPECT_TRUE(recs[0].gone_count.count(1) == 0);
}

TEST(NetworkActorSim, FramesBeforeTheHandshakeArePenalizedAndDropped) {
  std::deque<Recorder> recs(1);
  World w(testing::config_with_seed(4));
  NetworkConfig c = base_config(0, {});
  c.decay_points = 0;
  w.add_node(net_node(c, &recs[0]));
  ScriptProgram::Hooks h;  // connects, and sends gossip instead of Hello
  h.start = [](ScriptProgram& p) { p.env().transport().connect(0); };
  h.up = [](ScriptProgram& p, NodeId peer) {
    p.env().transport().send(peer, encode_frame(approval(1)));
  };
  w.add_node(script(h));
  w.run_until(at(1s));
  EXPECT_TRUE(recs[0].messages.empty());
  EXPECT_EQ(net_of(w, 0).peer(1)->score, -net::Penalties{}.before_ready);
  EXPECT_EQ(state_of(w, 0, 1), PeerState::kHandshaking);
  // No Hello within hello_timeout (2s): penalty and the connection is dropped.
  w.run_until(at(3s));
  EXPECT_GE(net_of(w, 0).metrics().hello_timeouts, 1u);
  EXPECT_LE(net_of(w, 0).peer(1)->score,
            -(net::Penalties{}.before_ready + net::Penalties{}.hello_timeout));
  EXPECT_TRUE(recs[0].ready_count.empty());
}

// Node 0 (50 frames/s per peer; `configured` its configured peers) and a raw peer 1 that,
// once ready, sends 300 approvals at once; the world has run 1 s past the flood.
struct RateFlood {
  explicit RateFlood(std::vector<NodeId> configured) : w(testing::config_with_seed(6)) {
    NetworkConfig c = base_config(0, std::move(configured));
    c.max_frames_per_sec_per_peer = 50;
    w.add_node(net_node(c, &recs[0]));
    w.add_node(script(raw_peer(0, &raw)));
    w.run_until(at(2s));
    ready_before = state_of(w, 0, 1) == PeerState::kReady;
    for (std::uint64_t k = 0; k < 300; ++k) send_raw(w, 1, 0, encode_frame(approval(1000 + k)));
    w.run_for(1s);
  }
  RawStats raw;
  std::deque<Recorder> recs = std::deque<Recorder>(1);
  World w;
  bool ready_before = false;
};

TEST(NetworkActorSim, AFloodOverTheRateLimitIsDroppedAndPenalized) {
  RateFlood f({});
  ASSERT_TRUE(f.ready_before);
  World& w = f.w;
  const auto& recs = f.recs;
  const RawStats& raw = f.raw;
  const auto& m = net_of(w, 0).metrics();
  // About a bucket's worth (50 tokens) got through; each excess frame cost 1 point until
  // the 100th reached the ban threshold; the rest were ignored as a banned peer's.
  EXPECT_LE(recs[0].messages_from(1), 52u);
  EXPECT_GE(recs[0].messages_from(1), 40u);
  EXPECT_EQ(m.rate_limited, 100u);
  EXPECT_EQ(state_of(w, 0, 1), PeerState::kBanned);
  EXPECT_GE(m.ignored_frames, 140u);
  EXPECT_EQ(raw.goodbyes, 1);
}

// A configured peer is one the operator chose, and over the rate it is most likely relaying
// someone else's flood: its excess frames are dropped, but it is not banned for them.
TEST(NetworkActorSim, AConfiguredPeerOverTheRateLimitLosesTheExcessButIsNotBanned) {
  RateFlood f({1});
  ASSERT_TRUE(f.ready_before);
  World& w = f.w;
  const auto& recs = f.recs;
  const RawStats& raw = f.raw;
  const auto& m = net_of(w, 0).metrics();
  EXPECT_LE(recs[0].messages_from(1), 52u);
  EXPECT_GE(m.rate_limited, 240u);
  EXPECT_EQ(m.bans, 0u);
  EXPECT_EQ(net_of(w, 0).peer(1)->score, 0);
  EXPECT_EQ(state_of(w, 0, 1), PeerState::kReady);
  EXPECT_EQ(raw.goodbyes, 0);
}

// Anyone may dial a node under a node id of its choosing: a stranger's record goes once it
// left and its score decayed back to 0, so ids made up one after another leave nothing.
TEST(NetworkActorSim, AStrangersRecordGoesOnceItLeftAndItsScoreDecayed) {
  RawStats raw;
  std::deque<Recorder> recs(1);
  World w(testing::config_with_seed(31));
  w.add_node(net_node(base_config(0, {}), &recs[0]));
  w.add_node(script(raw_peer(0, &raw)));
  w.run_until(at(2s));
  ASSERT_EQ(state_of(w, 0, 1), PeerState::kReady);
  send_raw(w, 1, 0, as_bytes("garbage"));
  w.run_for(100ms);
  ASSERT_EQ(net_of(w, 0).peer(1)->score, -net::Penalties{}.bad_frame);
  prog(w, 1).env().transport().disconnect(0);
  w.run_for(2s);
  // Left with a grudge held against it: remembered while the score decays (1 a second).
  ASSERT_TRUE(net_of(w, 0).peer(1).has_value());
  EXPECT_LT(net_of(w, 0).peer(1)->score, 0);
  w.run_for(30s);
  EXPECT_FALSE(net_of(w, 0).peer(1).has_value());
  EXPECT_TRUE(net_of(w, 0).peers().empty());
}

// Past peer_records_max records, disconnected strangers are forgotten, grudges and all,
// until the table is back at the cap.
TEST(NetworkActorSim, PastTheRecordCapDisconnectedStrangersAreForgotten) {
  RawStats raw1, raw2;
  std::deque<Recorder> recs(1);
  World w(testing::config_with_seed(32));
  NetworkConfig c = base_config(0, {});
  c.peer_records_max = 1;
  c.decay_points = 0;  // the grudges never fade by themselves
  w.add_node(net_node(c, &recs[0]));
  w.add_node(script(raw_peer(0, &raw1)));
  w.add_node(script(raw_peer(0, &raw2)));
  w.run_until(at(2s));
  ASSERT_EQ(state_of(w, 0, 1), PeerState::kReady);
  ASSERT_EQ(state_of(w, 0, 2), PeerState::kReady);
  for (NodeId stranger : {1, 2}) {
    send_raw(w, stranger, 0, as_bytes("garbage"));
    w.run_for(100ms);
    prog(w, stranger).env().transport().disconnect(0);
  }
  w.run_for(3s);
  // Both were penalized and left; only the cap's worth of them is still remembered.
  EXPECT_EQ(net_of(w, 0).peers().size(), 1u);
}

TEST(NetworkActorSim, APeerThatStopsAnsweringPingsIsReconnected) {
  RawStats raw;
  std::deque<Recorder> recs(1);
  World w(testing::config_with_seed(8));
  w.add_node(net_node(base_config(0, {}), &recs[0]));
  w.add_node(script(raw_peer(0, &raw, OnPing::kIgnore)));
  w.run_until(at(2s));
  ASSERT_EQ(state_of(w, 0, 1), PeerState::kReady);
  // ping_interval 1s, 3 missed pongs: gone within a few seconds, then it redials.
  w.run_until(at(8s));
  EXPECT_GE(net_of(w, 0).metrics().pong_timeouts, 1u);
  EXPECT_GE(recs[0].gone_count.at(1), 1);
  EXPECT_GE(raw.connections, 2);
  EXPECT_GE(raw.pings, 3);
  EXPECT_EQ(net_of(w, 0).metrics().bans, 0u);  // slow is not malicious
  EXPECT_FALSE(recs[0].alternation_broken);
}

// Any frame proves a connection alive: a peer that never sends a Pong but keeps talking is
// not reconnected, and it is pinged only on ticks after which it stayed silent.
TEST(NetworkActorSim, TrafficCountsAsAPong) {
  RawStats raw;
  std::deque<Recorder> recs(1);
  World w(testing::config_with_seed(8));
  w.add_node(net_node(base_config(0, {}), &recs[0]));
  w.add_node(script(raw_peer(0, &raw, OnPing::kChatter)));
  w.run_until(at(2s));
  ASSERT_EQ(state_of(w, 0, 1), PeerState::kReady);
  w.run_until(at(20s));
  EXPECT_EQ(net_of(w, 0).metrics().pong_timeouts, 0u);
  EXPECT_EQ(raw.connections, 1);
  EXPECT_EQ(state_of(w, 0, 1), PeerState::kReady);
  // ping_interval 1s: a ping every other tick (the chatter answers one, the next is skipped).
  EXPECT_GE(raw.pings, 6);
  EXPECT_LE(raw.pings, 12);
}

// ------------------------------------------------------------------------ scoring

TEST(NetworkActorSim, PenalizeBansAConfiguredPeerAndRedialsAfterTheBan) {
  Cluster c(
      2, [](NodeId i) { return all_but(i, 2); }, 13);
  c.w.run_until(at(2s));
  ASSERT_EQ(c.recs[0].ready_now, std::set<NodeId>{1});
  c.tell(0, net::Penalize{1, 60, "invalid block"});
  c.w.run_for(100ms);
  EXPECT_EQ(state_of(c.w, 0, 1), PeerState::kReady);  // -60 > -100
  c.tell(0, net::Penalize{1, 60, "invalid block"});
  c.w.run_for(200ms);
  // The Goodbye arrives before the close (goodbye_linger 500ms) cuts the connection.
  EXPECT_EQ(state_of(c.w, 0, 1), PeerState::kBanned);
  EXPECT_EQ(c.net(1).metrics().goodbyes_received, 1u);
  EXPECT_EQ(c.w.network().stats().connection_breaks, 0u);
  c.w.run_for(2s);
  const Instant t = c.w.now();
  EXPECT_EQ(c.w.network().stats().connection_breaks, 1u);
  EXPECT_EQ(c.net(1).metrics().goodbyes_received, 1u);  // and it did not come back for more
  EXPECT_EQ(c.recs[0].gone_count.at(1), 1);
  EXPECT_EQ(c.recs[1].gone_count.at(0), 1);
  // Neither side dials during the ban (node 1 honours the Goodbye).
  c.w.run_until(t + 7s);
  EXPECT_EQ(c.recs[0].ready_count.at(1), 1);
  EXPECT_EQ(c.recs[1].ready_count.at(0), 1);
  EXPECT_FALSE(c.w.network().connected(0, 1));
  // After it both dial again and handshake.
  c.w.run_until(t + 14s);
  EXPECT_EQ(c.recs[0].ready_now, std::set<NodeId>{1});
  EXPECT_EQ(c.recs[1].ready_now, std::set<NodeId>{0});
  EXPECT_EQ(c.net(0).peer(1)->score, 0);
}

TEST(NetworkActorSim, ScoresDecayBackTowardZero) {
  Cluster c(
      2, [](NodeId i) { return all_but(i, 2); }, 14, true,
      [](NodeId, NetworkConfig& cfg) { cfg.decay_points = 5; });
  c.w.run_until(at(2s));
  c.tell(0, net::Penalize{1, 50, "test"});
  c.w.run_for(10ms);
  EXPECT_EQ(c.net(0).peer(1)->score, -50);
  c.w.run_for(5s);  // 5 decay ticks of 5 points
  const int s = c.net(0).peer(1)->score;
  EXPECT_GE(s, -30);
  EXPECT_LE(s, -20);
  c.w.run_for(10s);
  EXPECT_EQ(c.net(0).peer(1)->score, 0);
}

// ------------------------------------------------------------------------ faults

TEST(NetworkActorSim, PartitionThenHealMakesPeersReadyAgain) {
  Cluster c(
      3, [](NodeId i) { return all_but(i, 3); }, 17);
  c.w.run_until(at(3s));
  c.w.network().partition({{0}, {1, 2}});
  c.w.run_until(at(8s));
  EXPECT_TRUE(c.recs[0].ready_now.empty());
  EXPECT_EQ(c.recs[1].ready_now, std::set<NodeId>{2});
  EXPECT_EQ(c.recs[2].ready_now, std::set<NodeId>{1});
  EXPECT_EQ(c.recs[0].gone_count.at(1), 1);
  EXPECT_EQ(c.recs[0].gone_count.at(2), 1);
  c.w.network().heal();
  c.w.run_until(at(15s));
  for (NodeId i = 0; i < 3; ++i) {
    EXPECT_EQ(c.recs[i].ready_now.size(), 2u) << i;
    EXPECT_FALSE(c.recs[i].alternation_broken);
    EXPECT_EQ(c.net(i).metrics().bans, 0u);
  }
  EXPECT_EQ(c.recs[0].ready_count.at(1), 2);
  // And gossip flows across the healed links.
  c.tell(1, Gossip{approval(3), std::nullopt});
  c.w.run_until(at(17s));
  EXPECT_EQ(c.recs[0].approval_counts(), (std::map<std::uint64_t, int>{{3, 1}}));
}

TEST(NetworkActorSim, CrashForTestRestartsTheActorAndPeersBecomeReadyAgain) {
  Cluster c(
      3, [](NodeId i) { return all_but(i, 3); }, 19);
  c.w.run_until(at(3500ms));  // mid-way between pings (1s apart)
  ASSERT_EQ(c.recs[0].ready_now.size(), 2u);
  c.tell(0, net::CrashForTest{});
  // The new instance adopts the live connections at once: ready again within a round trip
  // or two, before the next ping could have revealed them.
  c.w.run_until(at(3700ms));
  EXPECT_EQ(c.recs[0].ready_now.size(), 2u);
  c.w.run_until(at(6s));
  EXPECT_EQ(node(c.w, 0).ref().cell().stats().restarts, 1u);
  // The old instance said gone for both, the new one ready again, over the same
  // connections (no reconnect: the other nodes never saw the peer go).
  EXPECT_EQ(c.recs[0].gone_count.at(1), 1);
  EXPECT_EQ(c.recs[0].ready_count.at(1), 2);
  EXPECT_EQ(c.recs[0].ready_count.at(2), 2);
  EXPECT_EQ(c.recs[0].ready_now.size(), 2u);
  EXPECT_FALSE(c.recs[0].alternation_broken);
  for (NodeId i : {1u, 2u}) {
    EXPECT_TRUE(c.recs[i].gone_count.empty()) << i;
    EXPECT_EQ(c.net(i).metrics().hello_replies, 1u) << i;
    EXPECT_EQ(state_of(c.w, i, 0), PeerState::kReady);
  }
  EXPECT_EQ(c.w.network().stats().connection_breaks, 0u);
  // Gossip works both ways through the restarted actor.
  c.tell(1, Gossip{approval(5), std::nullopt});
  c.tell(0, Gossip{approval(6), std::nullopt});
  c.w.run_until(at(8s));
  EXPECT_EQ(c.recs[0].approval_counts(), (std::map<std::uint64_t, int>{{5, 1}}));
  EXPECT_EQ(c.recs[2].approval_counts(), (std::map<std::uint64_t, int>{{5, 1}, {6, 1}}));
}

// Two restarts in a row: the peers get two fresh Hellos and answer, and the restarted
// side must not answer those answers (nor they its), or Hellos would bounce forever.
TEST(NetworkActorSim, BackToBackRestartsDoNotStartAHelloStorm) {
  Cluster c(
      2, [](NodeId i) { return all_but(i, 2); }, 29);
  c.w.run_until(at(3s));
  c.tell(0, net::CrashForTest{});
  c.tell(0, net::CrashForTest{});
  c.w.run_until(at(13s));
  EXPECT_EQ(node(c.w, 0).ref().cell().stats().restarts, 2u);
  EXPECT_EQ(c.recs[0].ready_now, std::set<NodeId>{1});
  EXPECT_EQ(c.recs[1].ready_now, std::set<NodeId>{0});
  EXPECT_FALSE(c.recs[0].alternation_broken);
  EXPECT_LE(c.net(1).metrics().hello_replies, 2u);
  EXPECT_LE(c.net(0).metrics().hello_replies, 1u);
  // 10s of pings (1s interval) and a handful of Hellos, not thousands of frames.
  EXPECT_LT(c.net(1).metrics().frames_out, 40u);
}

// Hot reload (net::SetPeers, with net::LivePeers as the node assembly keeps it): an added
// peer is dialed, a removed one gets Goodbye and is not dialed again, and a restarted actor
// dials the live list, not the one the node started with. Nodes 1 and 2 configure nobody:
// every connection here is node 0's doing.
TEST(NetworkActorSim, SetPeersAddsAndRemovesConfiguredPeersAndSurvivesRestarts) {
  auto live = std::make_shared<net::LivePeers>(std::vector<NodeId>{1});
  Cluster c(
      3, [](NodeId i) { return i == 0 ? std::vector<NodeId>{1} : std::vector<NodeId>{}; }, 37, true,
      [&live](NodeId i, NetworkConfig& cfg) {
        if (i == 0) cfg.live_peers = live;
      });
  c.w.run_until(at(3s));
  ASSERT_EQ(c.recs[0].ready_now, std::set<NodeId>{1});
  EXPECT_FALSE(c.net(0).peer(2).has_value());

  live->set({2});
  c.tell(0, net::SetPeers{{2, 0, 2}});  // itself and a repeat are ignored
  c.w.run_until(at(6s));
  EXPECT_EQ(c.recs[0].ready_now, std::set<NodeId>{2});
  EXPECT_TRUE(c.recs[1].ready_now.empty());
  EXPECT_EQ(c.net(1).metrics().goodbyes_received, 1u);
  // Node 1 is no longer configured: its record is gone once idle (the peer table keeps no
  // idle strangers), or at least not marked configured while the Goodbye is in flight.
  const auto was = c.net(0).peer(1);
  EXPECT_TRUE(!was.has_value() || !was->configured);
  ASSERT_TRUE(c.net(0).peer(2).has_value());
  EXPECT_TRUE(c.net(0).peer(2)->configured);
  // Nobody redials node 1 (node 0 dropped it, node 1 never dialed).
  c.w.run_until(at(30s));
  EXPECT_EQ(c.recs[0].ready_now, std::set<NodeId>{2});
  EXPECT_EQ(c.recs[0].ready_count.at(1), 1);

  c.tell(0, net::CrashForTest{});
  c.w.run_until(at(40s));
  EXPECT_EQ(node(c.w, 0).ref().cell().stats().restarts, 1u);
  EXPECT_EQ(c.recs[0].ready_now, std::set<NodeId>{2});
  EXPECT_EQ(c.recs[0].ready_count.at(1), 1) << "the restarted actor dialed a removed peer";
  EXPECT_FALSE(c.recs[0].alternation_broken);
}

TEST(NetworkActorSim, ANodeCrashAndRestartHandshakesAgain) {
  Cluster c(
      3, [](NodeId i) { return all_but(i, 3); }, 23);
  c.w.run_until(at(3s));
  c.w.crash(2);
  c.w.run_until(at(6s));
  EXPECT_EQ(c.recs[0].ready_now, std::set<NodeId>{1});
  c.w.restart(2);
  c.w.run_until(at(10s));
  for (NodeId i = 0; i < 3; ++i) EXPECT_EQ(c.recs[i].ready_now.size(), 2u) << i;
  EXPECT_EQ(c.recs[0].ready_count.at(2), 2);
}

// Many seeds (so many interleavings and latencies) through one story: mesh up, one
// actor crashes, a partition comes and heals, then gossip. Whatever the order of events,
// every node ends ready with every other, ready/gone alternate, and every message is
// routed exactly once per node.
TEST(NetworkActorSim, AcrossSeedsFaultsHealAndGossipIsExactlyOnce) {
  for (std::uint64_t seed = 100; seed < 130; ++seed) {
    SCOPED_TRACE(seed);
    constexpr std::size_t kN = 4;
    Cluster c(
        kN, [](NodeId i) { return all_but(i, kN); }, seed);
    c.w.run_until(at(2s));
    const auto victim = static_cast<NodeId>(seed % kN);
    c.tell(victim, net::CrashForTest{});
    c.w.run_until(at(3s));
    c.w.network().partition({{victim}, all_but(victim, kN)});
    c.w.run_until(at(6s));
    c.w.network().heal();
    c.w.run_until(at(12s));
    for (std::uint64_t k = 0; k < 5; ++k) {
      c.tell(static_cast<NodeId>(k % kN), Gossip{approval(k), std::nullopt});
    }
    c.w.run_until(at(15s));
    for (NodeId i = 0; i < kN; ++i) {
      EXPECT_EQ(c.recs[i].ready_now.size(), kN - 1) << "node " << i;
      EXPECT_FALSE(c.recs[i].alternation_broken) << "node " << i;
      EXPECT_EQ(c.net(i).metrics().bans, 0u) << "node " << i;
      const auto counts = c.recs[i].approval_counts();
      for (std::uint64_t k = 0; k < 5; ++k) {
        const int expected = k % kN == i ? 0 : 1;
        const auto it = counts.find(k);
        EXPECT_EQ(it == counts.end() ? 0 : it->second, expected) << "node " << i << " msg " << k;
      }
    }
  }
}

// A hostile network (frame loss breaks connections; a latency tail beyond hello_timeout)
// for a while, then a quiet one: the mesh recovers, nobody honest stays banned, and gossip
// sent after the recovery is routed exactly once per node.
TEST(NetworkActorSim, AcrossSeedsAHostileNetworkRecovers) {
  for (std::uint64_t seed = 200; seed < 220; ++seed) {
    SCOPED_TRACE(seed);
    constexpr std::size_t kN = 4;
    WorldConfig wc = testing::config_with_seed(seed);
    wc.network.loss_ppm = 20'000;
    wc.network.latency.tail_ppm = 50'000;
    wc.network.latency.tail_max = 3s;
    Cluster c(
        kN, [](NodeId i) { return all_but(i, kN); }, seed, true, nullptr, wc);
    c.w.run_until(at(2s));
    for (std::uint64_t k = 0; k < 40; ++k) {
      c.tell(static_cast<NodeId>(k % kN), Gossip{approval(k), std::nullopt});
      c.w.run_for(250ms);
    }
    EXPECT_GT(c.w.network().stats().connection_breaks, 0u);  // the noise did break things
    for (NodeId a = 0; a < kN; ++a) {
      for (NodeId b = 0; b < kN; ++b) {
        if (a == b) continue;
        c.w.network().set_link_loss_ppm(a, b, 0);
        c.w.network().set_link_latency(a, b, LatencyModel{});
      }
    }
    // Long enough for any ban from the noisy phase (10s) to expire and redial.
    c.w.run_until(c.w.now() + 20s);
    for (std::uint64_t k = 1000; k < 1005; ++k) {
      c.tell(static_cast<NodeId>(k % kN), Gossip{approval(k), std::nullopt});
    }
    c.w.run_until(c.w.now() + 3s);
    for (NodeId i = 0; i < kN; ++i) {
      EXPECT_EQ(c.recs[i].ready_now.size(), kN - 1) << "node " << i;
      EXPECT_FALSE(c.recs[i].alternation_broken) << "node " << i;
      const auto counts = c.recs[i].approval_counts();
      for (const auto& [k, times] : counts) EXPECT_EQ(times, 1) << "node " << i << " msg " << k;
      for (std::uint64_t k = 1000; k < 1005; ++k) {
        const int expected = k % kN == i ? 0 : 1;
        const auto it = counts.find(k);
        EXPECT_EQ(it == counts.end() ? 0 : it->second, expected) << "node " << i << " msg " << k;
      }
    }
  }
}

}  // namespace
}  // namespace alys::sim
