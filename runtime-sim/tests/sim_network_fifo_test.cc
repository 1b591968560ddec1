// Per-connection FIFO and at-most-once under random network conditions.
//
// Every node runs a program that streams numbered frames to each peer it sees up (on timers,
// on on_peer_up, and in reply to frames). A ledger outside the programs records what each
// sender session (one up..down interval at the sender) sent. The receiver checks, per
// connection as it sees it (one up..down interval at the receiver):
//   - callbacks come in the order on_peer_up, frames, on_peer_down;
//   - all frames of one receiver connection come from one sender session, and a sender
//     session is never delivered on two receiver connections (never duplicated);
//   - they are 0, 1, 2, ... of that session with the contents sent (a prefix, in order);
//   - send() returns true exactly while the sender has the peer up.
// Random latency models (with slow tails), loss, clogs, explicit breaks, one-way cuts,
// partitions and crashes are applied meanwhile. Afterwards the network heals and every pair
// must reconnect and deliver everything sent on the final connections.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/runtime/random.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using SessionKey = std::tuple<NodeId, std::uint32_t, NodeId, std::uint32_t>;  // sender,
                                                                  // incarnation, receiver, session

struct Ledger {
  std::map<SessionKey, std::vector<std::string>> sent;
  std::set<SessionKey> claimed;  // sender sessions already bound to a receiver connection
  std::vector<std::string> errors;
  bool quiet = false;  // stop sending (to check that everything in flight arrives)
  std::uint64_t frames_checked = 0;

  void error(const std::string& e) {
    if (errors.size() < 8) errors.push_back(e);
  }
};

struct Header {
  std::uint32_t sender, incarnation, session, seq;
};

Bytes encode(const Header& h, const std::string& payload) {
  Bytes out(sizeof(Header) + payload.size());
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(out.data() + sizeof h, payload.data(), payload.size());
  return out;
}

class FifoProgram final : public NodeProgram, private TransportHandler {
 public:
  struct Peer {
    bool up = false;
    std::uint32_t session = 0;  // sender side: sessions begun with this peer
    std::uint32_t next_seq = 0;
    bool rx_bound = false;      // receiver side: bound to a sender session on this connection
    std::uint32_t rx_incarnation = 0;
    std::uint32_t rx_session = 0;
    std::uint32_t rx_next = 0;
  };

  FifoProgram(Env& env, Ledger& ledger, std::uint32_t incarnation, std::size_t nodes)
      : env_(env), ledger_(ledger), incarnation_(incarnation), nodes_(nodes) {}
  ~FifoProgram() override { env_.transport().set_handler(nullptr); }

  void start() override {
    env_.transport().set_handler(this);
    for (NodeId p = 0; p < nodes_; ++p) {
      if (p != env_.id()) env_.transport().connect(p);
    }
    tick();
  }

  const Peer& peer(NodeId p) { return peers_[p]; }
  std::uint32_t incarnation() const { return incarnation_; }

 private:
  std::string where(NodeId peer) const {
    return "n" + std::to_string(env_.id()) + "." + std::to_string(incarnation_) + "<-n" +
           std::to_string(peer) + ": ";
  }

  void send_some(NodeId to, std::uint64_t count) {
    Peer& p = peers_[to];
    for (std::uint64_t i = 0; i < count; ++i) {
      std::string payload(uniform_below(env_.random(), 40), '\0');
      for (char& c : payload) c = static_cast<char>('a' + uniform_below(env_.random(), 26));
      const Header h{env_.id(), incarnation_, p.session, p.next_seq};
      const bool ok = env_.transport().send(to, encode(h, payload));
      if (ok != p.up) ledger_.error(where(to) + "send() returned " + std::to_string(ok));
      if (!ok) continue;
      ledger_.sent[{env_.id(), incarnation_, to, p.session}].push_back(payload);
      ++p.next_seq;
    }
  }

  void tick() {
    if (!ledger_.quiet) {
      for (NodeId p = 0; p < nodes_; ++p) {
        if (p != env_.id()) send_some(p, uniform_below(env_.random(), 5));
      }
    }
    env_.executor().after(uniform_duration(env_.random(), 5ms, 40ms), [this] { tick(); });
  }

  void on_peer_up(NodeId peer) override {
    Peer& p = peers_[peer];
    if (p.up) ledger_.error(where(peer) + "on_peer_up twice");
    p.up = true;
    ++p.session;
    p.next_seq = 0;
    p.rx_bound = false;
    if (!ledger_.quiet) send_some(peer, 1 + uniform_below(env_.random(), 3));
  }

  void on_peer_down(NodeId peer) override {
    Peer& p = peers_[peer];
    if (!p.up) ledger_.error(where(peer) + "on_peer_down while down");
    p.up = false;
    p.rx_bound = false;
  }

  void on_frame(NodeId peer, ByteView frame) override {
    ++ledger_.frames_checked;
    Peer& p = peers_[peer];
    if (!p.up) ledger_.error(where(peer) + "frame outside on_peer_up..on_peer_down");
    Header h{};
    if (frame.size() < sizeof h) {
      ledger_.error(where(peer) + "short frame");
      return;
    }
    std::memcpy(&h, frame.data(), sizeof h);
    const std::string payload(as_chars(frame.subspan(sizeof h)));
    if (h.sender != peer) ledger_.error(where(peer) + "frame from the wrong sender");
    const SessionKey key{h.sender, h.incarnation, env_.id(), h.session};
    if (!p.rx_bound) {
      if (!ledger_.claimed.insert(key).second) {
        ledger_.error(where(peer) + "a sender session was delivered on two connections");
      }
      p.rx_bound = true;
      p.rx_incarnation = h.incarnation;
      p.rx_session = h.session;
      p.rx_next = 0;
    } else if (h.incarnation != p.rx_incarnation || h.session != p.rx_session) {
      ledger_.error(where(peer) + "two sender sessions on one connection");
    }
    if (h.seq != p.rx_next) {
      ledger_.error(where(peer) + "expected frame " + std::to_string(p.rx_next) + ", got " +
                    std::to_string(h.seq) + " (session " + std::to_string(h.session) + ")");
    }
    p.rx_next = h.seq + 1;
    const auto it = ledger_.sent.find(key);
    if (it == ledger_.sent.end() || h.seq >= it->second.size() ||
        it->second[h.seq] != payload) {
      ledger_.error(where(peer) + "frame content differs from what was sent");
    }
    if (!ledger_.quiet && bernoulli(env_.random(), 1, 4)) send_some(peer, 1);
  }

  Env& env_;
  Ledger& ledger_;
  std::uint32_t incarnation_;
  std::size_t nodes_;
  std::map<NodeId, Peer> peers_;
};

struct NetFault {
  std::uint8_t kind = 0;  // 0 clog, 1 break, 2 latency, 3 loss, 4 cut, 5 crash, 6 partition
  std::uint8_t a = 0;
  std::uint8_t b = 0;
  std::uint32_t at_ms = 0;
  std::uint32_t dur_ms = 0;
  std::uint32_t p = 0;
};

std::ostream& operator<<(std::ostream& os, const NetFault& f) {
  static const char* kNames[] = {"clog", "break", "latency", "loss", "cut", "crash", "partition"};
  return os << kNames[f.kind] << "(" << int{f.a} << "," << int{f.b} << " @" << f.at_ms
            << "ms for " << f.dur_ms << "ms p=" << f.p << ")";
}

}  // namespace
}  // namespace alys::sim

namespace rc {
template <>
struct Arbitrary<alys::sim::NetFault> {
  static Gen<alys::sim::NetFault> arbitrary() {
    return gen::construct<alys::sim::NetFault>(
        gen::inRange<std::uint8_t>(0, 7), gen::inRange<std::uint8_t>(0, 4),
        gen::inRange<std::uint8_t>(0, 4), gen::inRange<std::uint32_t>(0, 3000),
        gen::inRange<std::uint32_t>(1, 1500), gen::arbitrary<std::uint32_t>());
  }
};
}  // namespace rc

namespace alys::sim {
namespace {

void apply(World& w, const NetFault& f, std::size_t n) {
  const auto a = static_cast<NodeId>(f.a % n);
  const auto b = static_cast<NodeId>(f.b % n);
  const Duration dur = std::chrono::milliseconds(f.dur_ms);
  SimNetwork& net = w.network();
  switch (f.kind) {
    case 0: net.clog(a, b, dur); break;
    case 1: net.break_connection(a, b); break;
    case 2: {
      LatencyModel m;
      m.min = std::chrono::microseconds(f.p % 30'000);
      m.max = m.min + std::chrono::microseconds((f.p >> 8) % 50'000);
      m.tail_ppm = (f.p >> 16) % 4 == 0 ? 100'000 : 0;
      m.tail_max = m.max + 300ms;
      net.set_link_latency(a, b, m);
      break;
    }
    case 3: net.set_link_loss_ppm(a, b, f.p % 100'000); break;
    case 4:
      if (a == b) break;
      net.cut(a, b);
      w.schedule_at(w.now() + dur, EventKind::kFault, 0, [&net, a, b] { net.heal(a, b); });
      break;
    case 5: {
      const auto mode = static_cast<CrashDurability>(f.p % 3);
      w.crash(a, mode);
      w.schedule_at(w.now() + dur, EventKind::kFault, 0, [&w, a] { w.restart(a); });
      break;
    }
    default: {
      std::vector<std::vector<NodeId>> groups(3);
      for (NodeId x = 0; x < n; ++x) groups[(f.p >> (2 * x)) % 3].push_back(x);
      net.partition(groups);
      w.schedule_at(w.now() + dur, EventKind::kFault, 0, [&net] { net.heal(); });
      break;
    }
  }
}

RC_GTEST_PROP(SimNetworkFifo, EachConnectionDeliversAPrefixInOrderOnce,
              (std::uint64_t seed, std::uint8_t nodes_raw, std::uint32_t latency_raw,
               std::uint32_t loss_raw, const std::vector<NetFault>& faults)) {
  const std::size_t n = 2 + nodes_raw % 3;
  WorldConfig cfg;
  cfg.seed = seed;
  cfg.network.latency.min = std::chrono::microseconds(latency_raw % 10'000);
  cfg.network.latency.max =
      cfg.network.latency.min + std::chrono::microseconds((latency_raw >> 8) % 30'000);
  cfg.network.latency.tail_ppm = (latency_raw >> 24) % 2 == 0 ? 0 : 50'000;
  cfg.network.loss_ppm = loss_raw % 3 == 0 ? 0 : loss_raw % 50'000;
  World w(cfg);
  Ledger ledger;
  for (std::size_t i = 0; i < n; ++i) {
    w.add_node([&ledger, &w, n](Env& env) {
      return std::make_unique<FifoProgram>(env, ledger, w.incarnation(env.id()), n);
    });
  }
  for (const NetFault& f : faults) {
    w.schedule_at(kTimeZero + std::chrono::milliseconds(f.at_ms), EventKind::kFault, 0,
                  [&w, f, n] { apply(w, f, n); });
  }
  w.run_until(kTimeZero + 5s);  // every fault has started and ended

  // Heal everything and let it settle.
  w.network().heal();
  for (NodeId a = 0; a < n; ++a) {
    if (!w.is_up(a)) w.restart(a);
    for (NodeId b = 0; b < n; ++b) {
      if (a != b) w.network().set_link_loss_ppm(a, b, 0);
    }
  }
  w.run_until(kTimeZero + 8s);
  ledger.quiet = true;
  w.run_until(kTimeZero + 11s);

  if (!ledger.errors.empty()) RC_FAIL(ledger.errors.front());
  RC_ASSERT(ledger.frames_checked > 0u);
  for (NodeId a = 0; a < n; ++a) {
    for (NodeId b = 0; b < n; ++b) {
      if (a == b) continue;
      RC_ASSERT(w.network().connected(a, b));
      // Everything sent on the final connection a -> b has arrived.
      auto& sender = static_cast<FifoProgram&>(*w.program(a));
      auto& receiver = static_cast<FifoProgram&>(*w.program(b));
      const auto& s = sender.peer(b);
      const auto& r = receiver.peer(a);
      RC_ASSERT(s.up);
      RC_ASSERT(r.up);
      const SessionKey key{a, sender.incarnation(), b, s.session};
      const std::size_t sent = ledger.sent.count(key) ? ledger.sent.at(key).size() : 0;
      if (sent > 0) {
        RC_ASSERT(r.rx_bound);
        RC_ASSERT(r.rx_incarnation == sender.incarnation());
        RC_ASSERT(r.rx_session == s.session);
        RC_ASSERT(r.rx_next == sent);
      }
    }
  }
}

}  // namespace
}  // namespace alys::sim
