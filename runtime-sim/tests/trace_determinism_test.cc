// Determinism: the same seed gives the same run (trace hash, event count, network stats and
// what every node observed); different seeds give different runs. The workload is a small
// random-ish protocol written against Env only (timers, cancels, posts, connections, frames,
// storage, buggify, wall clock), run on a few nodes with loss, clock skew and crash /
// partition faults.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/runtime/random.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::script;
using testing::ScriptProgram;

std::uint64_t hash_bytes(ByteView b) {
  std::uint64_t h = b.size();
  for (auto c : b) h = mix64(h, c);
  return h;
}

// The protocol. Everything it does depends on Env alone; `observed` (owned by the test, so
// it survives crashes) accumulates a digest of what this node saw.
class Chatter final : public NodeProgram, private TransportHandler {
 public:
  Chatter(Env& env, std::size_t nodes, std::uint64_t& observed)
      : env_(env), nodes_(nodes), observed_(observed) {}
  ~Chatter() override { env_.transport().set_handler(nullptr); }

  void start() override {
    env_.transport().set_handler(this);
    for (NodeId p = 0; p < nodes_; ++p) {
      if (p != env_.id()) env_.transport().connect(p);
    }
    auto stored = env_.storage().get("ticks");
    if (stored) note(hash_bytes(*stored));
    arm();
  }

 private:
  void note(std::uint64_t v) { observed_ = mix64(observed_, v); }

  void arm() {
    env_.executor().after(uniform_duration(env_.random(), 1ms, 30ms), [this] { tick(); });
  }

  void tick() {
    ++ticks_;
    note(static_cast<std::uint64_t>(to_ns(env_.clock().now())));
    note(static_cast<std::uint64_t>(env_.clock().unix_ms()));
    switch (uniform_below(env_.random(), 6)) {
      case 0:
        env_.executor().post([this] { gossip(pick_peer()); });
        break;
      case 1: {
        WriteBatch b;
        b.put("ticks", std::to_string(ticks_));
        b.put("k" + std::to_string(uniform_below(env_.random(), 4)), std::to_string(ticks_));
        const Status s = env_.storage().write(b, {.sync = bernoulli(env_.random(), 1, 3)});
        note(s.is_ok() ? 1 : 2);
        break;
      }
      case 2:
        for (NodeId p : up_) gossip(p);
        break;
      case 3: {
        const TimerId t = env_.executor().after(5ms, [this] { note(99); });
        if (bernoulli(env_.random(), 1, 2)) note(env_.executor().cancel(t) ? 3 : 4);
        break;
      }
      case 4:
        if (env_.buggify().fire("chatter.burst")) {
          for (int i = 0; i < 5; ++i) gossip(pick_peer());
        }
        break;
      default: {
        auto v = env_.storage().get("k1");
        note(v ? hash_bytes(*v) : 5);
        break;
      }
    }
    arm();
  }

  NodeId pick_peer() {
    if (up_.empty()) return kNoNode;
    auto it = up_.begin();
    std::advance(it, static_cast<long>(uniform_below(env_.random(), up_.size())));
    return *it;
  }

  void gossip(NodeId peer) {
    if (peer == kNoNode) return;
    Bytes frame(1 + uniform_below(env_.random(), 16));
    for (auto& b : frame) b = static_cast<std::uint8_t>(env_.random().next());
    note(env_.transport().send(peer, frame) ? 6 : 7);
  }

  void on_peer_up(NodeId peer) override {
    up_.insert(peer);
    note(100 + peer);
  }
  void on_peer_down(NodeId peer) override {
    up_.erase(peer);
    note(200 + peer);
  }
  void on_frame(NodeId peer, ByteView frame) override {
    note(mix64(peer, hash_bytes(frame)));
    if (bernoulli(env_.random(), 1, 3)) gossip(peer);
  }

  Env& env_;
  std::size_t nodes_;
  std::uint64_t& observed_;
  std::uint64_t ticks_ = 0;
  std::set<NodeId> up_;
};

struct Fault {
  std::uint8_t kind = 0;  // 0 crash+restart, 1 partition+heal, 2 clock jump, 3 break
  std::uint8_t node = 0;
  std::uint16_t at_ms = 0;
  std::uint16_t dur_ms = 0;
};

std::ostream& operator<<(std::ostream& os, const Fault& f) {
  return os << "{" << int{f.kind} << " n" << int{f.node} << " @" << f.at_ms << "ms +"
            << f.dur_ms << "ms}";
}

struct Outcome {
  std::uint64_t trace = 0;
  std::uint64_t events = 0;
  std::uint64_t frames_delivered = 0;
  std::uint64_t breaks = 0;
  std::vector<std::uint64_t> observed;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "{trace " << o.trace << ", events " << o.events << ", frames "
            << o.frames_delivered << "}";
}

Outcome run_world(std::uint64_t seed, std::size_t n, std::uint32_t loss_ppm,
                  const std::vector<Fault>& faults) {
  WorldConfig cfg;
  cfg.seed = seed;
  cfg.network.loss_ppm = loss_ppm;
  cfg.clocks.max_initial_offset_ms = 500;
  cfg.clocks.max_drift_ppm = 200;
  cfg.buggify.enabled = true;
  cfg.buggify.point_enabled_ppm = 500'000;
  World w(cfg);
  Outcome out;
  out.observed.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    w.add_node([n, &out, i](Env& env) {
      return std::make_unique<Chatter>(env, n, out.observed[i]);
    });
  }
  for (const Fault& f : faults) {
    const auto node = static_cast<NodeId>(f.node % n);
    const Instant at = kTimeZero + std::chrono::milliseconds(f.at_ms % 1500);
    const Duration dur = std::chrono::milliseconds(1 + f.dur_ms % 500);
    w.schedule_at(at, EventKind::kFault, f.kind, [&w, f, node, dur, n] {
      switch (f.kind % 4) {
        case 0:
          w.crash(node);
          w.schedule_at(w.now() + dur, EventKind::kFault, 0, [&w, node] { w.restart(node); });
          break;
        case 1: {
          std::vector<NodeId> rest;
          for (NodeId x = 0; x < n; ++x) {
            if (x != node) rest.push_back(x);
          }
          w.network().partition({{node}, rest});
          w.schedule_at(w.now() + dur, EventKind::kFault, 0, [&w] { w.network().heal(); });
          break;
        }
        case 2: w.clock(node).jump(f.dur_ms % 2 ? 1000 : -1000); break;
        default: w.network().break_connection(node, static_cast<NodeId>((node + 1) % n)); break;
      }
    });
  }
  w.run_until(kTimeZero + 4s);
  out.trace = w.trace_hash();
  out.events = w.event_count();
  out.frames_delivered = w.network().stats().frames_delivered;
  out.breaks = w.network().stats().connection_breaks;
  return out;
}

}  // namespace
}  // namespace alys::sim

namespace rc {
template <>
struct Arbitrary<alys::sim::Fault> {
  static Gen<alys::sim::Fault> arbitrary() {
    return gen::construct<alys::sim::Fault>(
        gen::inRange<std::uint8_t>(0, 4), gen::arbitrary<std::uint8_t>(),
        gen::arbitrary<std::uint16_t>(), gen::arbitrary<std::uint16_t>());
  }
};
}  // namespace rc

namespace alys::sim {
namespace {

RC_GTEST_PROP(TraceDeterminism, SameSeedSameRunDifferentSeedDifferentRun,
              (std::uint64_t seed, std::uint8_t nodes_raw, bool lossy,
               const std::vector<Fault>& faults_in)) {
  const std::size_t n = 2 + nodes_raw % 3;
  const std::uint32_t loss = lossy ? 20'000 : 0;
  const std::vector<Fault> faults(faults_in.begin(),
                                  faults_in.begin() + std::min<std::size_t>(faults_in.size(), 8));
  const Outcome a = run_world(seed, n, loss, faults);
  const Outcome b = run_world(seed, n, loss, faults);
  RC_ASSERT(a.events > 0u);
  RC_ASSERT(a == b);
  const Outcome c = run_world(seed + 1, n, loss, faults);
  RC_ASSERT(c.trace != a.trace);
}

TEST(TraceDeterminism, DifferentSeedsUsuallyDiffer) {
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 0; seed < 50; ++seed) hashes.insert(run_world(seed, 3, 0, {}).trace);
  EXPECT_EQ(hashes.size(), 50u);
}

TEST(TraceDeterminism, InterleavedWorldsStayInLockstep) {
  // Two worlds of one seed, stepped alternately in one process: any hidden shared state
  // (statics, allocation addresses, unordered iteration) would show as a divergence.
  WorldConfig cfg = config_with_seed(77);
  cfg.network.loss_ppm = 10'000;
  std::vector<std::uint64_t> observed_a(3);
  std::vector<std::uint64_t> observed_b(3);
  World a(cfg);
  std::vector<std::unique_ptr<int>> noise;  // perturb the heap between the two worlds
  World b(cfg);
  for (std::size_t i = 0; i < 3; ++i) {
    a.add_node([&observed_a, i](Env& env) {
      return std::make_unique<Chatter>(env, 3, observed_a[i]);
    });
    noise.push_back(std::make_unique<int>(static_cast<int>(i)));
    b.add_node([&observed_b, i](Env& env) {
      return std::make_unique<Chatter>(env, 3, observed_b[i]);
    });
  }
  for (int i = 0; i < 20'000; ++i) {
    const bool sa = a.step();
    const bool sb = b.step();
    ASSERT_EQ(sa, sb);
    ASSERT_EQ(to_ns(a.now()), to_ns(b.now())) << "step " << i;
    ASSERT_EQ(a.trace_hash(), b.trace_hash()) << "step " << i;
    if (i % 1000 == 0) noise.push_back(std::make_unique<int>(i));
  }
  EXPECT_EQ(observed_a, observed_b);
}

TEST(TraceDeterminism, FramePayloadsAreFoldedIntoTheTrace) {
  auto run = [](const std::string& payload) {
    World w(config_with_seed(5));
    ScriptProgram::Hooks h;
    h.up = [payload](ScriptProgram& p, NodeId peer) { p.send(peer, payload); };
    w.add_node(script(testing::mesh_hooks(2)));
    w.add_node(script(h));
    w.run_until(kTimeZero + 1s);
    return w.trace_hash();
  };
  EXPECT_EQ(run("abc"), run("abc"));
  EXPECT_NE(run("abc"), run("abd"));
}

TEST(TraceHash, FoldIsOrderSensitiveAndStartsFromAFixedValue) {
  TraceHash a;
  TraceHash b;
  EXPECT_EQ(a.value(), b.value());
  EXPECT_EQ(a.value(), 0x616C79732D647374ull);
  a.fold(1, 2, 3, 4);
  a.fold(5, 6, 7, 8);
  b.fold(5, 6, 7, 8);
  b.fold(1, 2, 3, 4);
  EXPECT_NE(a.value(), b.value());
  TraceHash c;
  TraceHash d;
  c.fold_bytes(as_bytes("x"));
  d.fold_bytes(as_bytes("y"));
  EXPECT_NE(c.value(), d.value());
}

}  // namespace
}  // namespace alys::sim
