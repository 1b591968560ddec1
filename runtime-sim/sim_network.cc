#include "runtime-sim/sim_network.h"

#include <algorithm>

#include "core/runtime/assert.h"
#include "core/runtime/random.h"
#include "runtime-sim/world.h"

namespace alys::sim {

namespace {
std::uint64_t pair_detail(NodeId a, NodeId b) { return (std::uint64_t{a} << 32) | b; }
}  // namespace

class SimNetwork::Endpoint final : public Transport {
 public:
  Endpoint(SimNetwork& net, NodeId self) : net_(net), self_(self) {}

  void set_handler(TransportHandler* handler) override { handler_ = handler; }
  void connect(NodeId peer) override { net_.want(self_, peer); }
  void disconnect(NodeId peer) override { net_.unwant(self_, peer); }
  bool send_shared(NodeId peer, SharedFrame frame) override {
    return net_.send(self_, peer, std::move(frame));
  }
  bool is_connected(NodeId peer) const override { return net_.is_connected(self_, peer); }

  TransportHandler* handler_ = nullptr;
  std::set<NodeId> wants_;            // ordered: iteration order must not depend on memory
  std::set<NodeId> attempt_pending_;

 private:
  SimNetwork& net_;
  NodeId self_;
};

SimNetwork::SimNetwork(World& world, const NetworkConfig& config)
    : world_(world), config_(config), rng_(world.stream("network")) {}

SimNetwork::~SimNetwork() = default;

void SimNetwork::add_node() {
  const std::size_t old_n = endpoints_.size();
  const std::size_t n = old_n + 1;
  std::vector<Link> links(n * n);
  std::vector<Conn> conns(n * n);
  for (std::size_t i = 0; i < old_n; ++i) {
    for (std::size_t j = 0; j < old_n; ++j) {
      links[i * n + j] = links_[i * old_n + j];
      conns[i * n + j] = conns_[i * old_n + j];
    }
  }
  links_ = std::move(links);
  conns_ = std::move(conns);
  endpoints_.push_back(std::make_unique<Endpoint>(*this, static_cast<NodeId>(old_n)));
}

Transport& SimNetwork::endpoint(NodeId node) {
  ALYS_ASSERT(node < endpoints_.size(), "SimNetwork::endpoint: unknown node");
  return *endpoints_[node];
}

SimNetwork::Conn& SimNetwork::conn(NodeId a, NodeId b) {
  const NodeId lo = std::min(a, b);
  const NodeId hi = std::max(a, b);
  return conns_[lo * endpoints_.size() + hi];
}

Duration SimNetwork::draw_between(Duration lo, Duration hi) {
  return uniform_duration(rng_, lo, std::max(lo, hi));
}

Duration SimNetwork::draw_latency(NodeId from, NodeId to) {
  const Link& l = link(from, to);
  const LatencyModel& m = l.latency ? *l.latency : config_.latency;
  if (m.tail_ppm > 0 && chance_ppm(rng_, m.tail_ppm)) return draw_between(m.max, m.tail_max);
  return draw_between(m.min, m.max);
}

bool SimNetwork::reachable(NodeId a, NodeId b) const {
  return world_.is_up(a) && world_.is_up(b) && !link(a, b).cut && !link(b, a).cut;
}

Instant SimNetwork::next_arrival(Conn& c, NodeId from, NodeId to) {
  const int dir = end_of(from, to);
  Instant arrival = world_.now() + draw_latency(from, to);
  // Strictly after the previous arrival in this direction, never at the same instant:
  // same-instant events run in seeded tie-break order, not in scheduling order, so an equal
  // arrival time would let a frame overtake the one before it (or the on_peer_up before it).
  arrival = std::max({arrival, c.last_arrival[dir] + Duration(1),
                      link(from, to).clogged_until});
  c.last_arrival[dir] = arrival;
  return arrival;
}

Instant SimNetwork::frame_arrival(Conn& c, NodeId from, NodeId to) {
  if (reorder_ppm_ == 0 || !chance_ppm(rng_, reorder_ppm_)) return next_arrival(c, from, to);
  const int dir = end_of(from, to);
  // Free of the earlier frames, but still after the receiver's on_peer_up (the contract's
  // callback order holds even here) and behind a clog.
  const Instant arrival = std::max({world_.now() + draw_latency(from, to),
                                    c.up_notice[dir] + Duration(1), link(from, to).clogged_until});
  if (arrival < c.last_arrival[dir]) ++stats_.frames_reordered;
  c.last_arrival[dir] = std::max(c.last_arrival[dir], arrival);
  return arrival;
}

void SimNetwork::schedule_delivery(NodeId from, NodeId to, std::uint64_t epoch, Instant at,
                                   SharedFrame frame, std::uint64_t tag) {
  world_.schedule_for(to, at, EventKind::kFrame, pair_detail(from, to),
                      [this, from, to, epoch, frame = std::move(frame), tag] {
                        deliver(from, to, epoch, frame, tag);
                      });
}

void SimNetwork::want(NodeId self, NodeId peer) {
  ALYS_ASSERT(peer < endpoints_.size() && peer != self, "Transport::connect: bad peer");
  endpoints_[self]->wants_.insert(peer);
  schedule_attempt(self, peer, Duration::zero());
}

void SimNetwork::unwant(NodeId self, NodeId peer) {
  if (peer >= endpoints_.size()) return;
  endpoints_[self]->wants_.erase(peer);
  if (conn(self, peer).live) fail(self, peer);
}

void SimNetwork::schedule_attempt(NodeId self, NodeId peer, Duration delay) {
  Endpoint& ep = *endpoints_[self];
  if (!ep.attempt_pending_.insert(peer).second) return;
  world_.schedule_for(self, world_.now() + delay, EventKind::kConnect, pair_detail(self, peer),
                      [this, self, peer] { attempt(self, peer); });
}

void SimNetwork::attempt(NodeId self, NodeId peer) {
  Endpoint& ep = *endpoints_[self];
  ep.attempt_pending_.erase(peer);
  if (!ep.wants_.count(peer)) return;
  Conn& c = conn(self, peer);
  if (c.live) return;  // already up or being set up (perhaps dialled by the peer)
  // An end still owed its on_peer_down must hear it before a new on_peer_up.
  if (c.up_epoch[0] != 0 || c.up_epoch[1] != 0 || !reachable(self, peer)) {
    schedule_attempt(self, peer, draw_between(config_.reconnect_min, config_.reconnect_max));
    return;
  }
  c.live = true;
  const std::uint64_t epoch = ++c.epoch;
  c.last_arrival[0] = c.last_arrival[1] = world_.now();
  const Instant at = next_arrival(c, self, peer);
  c.up_notice[end_of(self, peer)] = at;
  world_.schedule_for(peer, at, EventKind::kPeerUp, pair_detail(self, peer),
                      [this, self, peer, epoch] { accept(self, peer, epoch); });
}

void SimNetwork::accept(NodeId dialler, NodeId self, std::uint64_t epoch) {
  Conn& c = conn(dialler, self);
  if (c.epoch != epoch) return;
  ++stats_.connections_made;
  // Queue the dialler's notice first, so it precedes any frame we send on this direction.
  const Instant at = next_arrival(c, self, dialler);
  c.up_notice[end_of(self, dialler)] = at;
  world_.schedule_for(dialler, at, EventKind::kPeerUp, pair_detail(self, dialler),
                      [this, dialler, self, epoch] { established(dialler, self, epoch); });
  c.up_epoch[end_of(self, dialler)] = epoch;
  if (auto* h = endpoints_[self]->handler_) h->on_peer_up(dialler);
}

void SimNetwork::established(NodeId self, NodeId peer, std::uint64_t epoch) {
  Conn& c = conn(self, peer);
  if (c.epoch != epoch) return;
  c.up_epoch[end_of(self, peer)] = epoch;
  if (auto* h = endpoints_[self]->handler_) h->on_peer_up(peer);
}

bool SimNetwork::send(NodeId self, NodeId peer, SharedFrame frame) {
  ALYS_ASSERT(frame != nullptr, "SimNetwork::send: null frame");
  if (peer >= endpoints_.size() || peer == self) return false;
  if (frame->size() > Transport::kMaxFrameBytes) return false;
  Conn& c = conn(self, peer);
  const std::uint64_t seen = c.up_epoch[end_of(self, peer)];
  if (seen == 0) return false;
  ++stats_.frames_sent;
  if (!c.live || seen != c.epoch) {  // broken, and this end has not noticed yet
    ++stats_.frames_lost;
    return true;
  }
  const Link& l = link(self, peer);
  const std::uint32_t loss = l.loss_ppm ? *l.loss_ppm : config_.loss_ppm;
  if (loss > 0 && chance_ppm(rng_, loss)) {
    ++stats_.frames_lost;
    fail(self, peer);
    return true;
  }
  const Instant at = frame_arrival(c, self, peer);
  const bool duplicate = duplicate_ppm_ > 0 && chance_ppm(rng_, duplicate_ppm_);
  const std::uint64_t tag = observer_ != nullptr ? observer_->on_frame_sent(self, peer) : 0;
  schedule_delivery(self, peer, seen, at, frame, tag);
  if (duplicate) {
    // A little later, within the link's latency spread. The copy shares the connection's
    // fate: deliver() drops it if the connection broke (its epoch moved on) meanwhile.
    const Duration spread = (l.latency ? *l.latency : config_.latency).max;
    ++stats_.frames_duplicated;
    schedule_delivery(self, peer, seen, at + draw_between(Duration(1), spread), std::move(frame),
                      tag);
  }
  return true;
}

void SimNetwork::deliver(NodeId from, NodeId to, std::uint64_t epoch, const SharedFrame& frame,
                         std::uint64_t tag) {
  Conn& c = conn(from, to);
  if (c.epoch != epoch) {
    ++stats_.frames_lost;
    return;
  }
  ++stats_.frames_delivered;
  world_.fold_trace_bytes(*frame);
  if (auto* h = endpoints_[to]->handler_) {
    if (observer_ != nullptr && tag != 0) observer_->on_frame_delivered(from, to, tag);
    h->on_shared_frame(from, frame);
  }
}

bool SimNetwork::is_connected(NodeId self, NodeId peer) const {
  if (peer >= endpoints_.size() || peer == self) return false;
  const NodeId lo = std::min(self, peer);
  const NodeId hi = std::max(self, peer);
  const Conn& c = conns_[lo * endpoints_.size() + hi];
  return c.live && c.up_epoch[end_of(self, peer)] == c.epoch;
}

bool SimNetwork::connected(NodeId a, NodeId b) const {
  return is_connected(a, b) && is_connected(b, a);
}

void SimNetwork::fail(NodeId a, NodeId b) {
  Conn& c = conn(a, b);
  if (!c.live) return;
  c.live = false;
  const std::uint64_t old = c.epoch++;
  ++stats_.connection_breaks;
  for (NodeId self : {std::min(a, b), std::max(a, b)}) {
    const NodeId peer = self == a ? b : a;
    if (!world_.is_up(self)) continue;
    if (c.up_epoch[end_of(self, peer)] == old) {
      const Duration detect = draw_between(config_.break_detect_min, config_.break_detect_max);
      world_.schedule_for(self, world_.now() + detect, EventKind::kPeerDown,
                          pair_detail(self, peer),
                          [this, self, peer, old] { notify_down(self, peer, old); });
    } else if (endpoints_[self]->wants_.count(peer)) {
      // Never saw it up (handshake cut short): the dialler retries on its own.
      schedule_attempt(self, peer, draw_between(config_.reconnect_min, config_.reconnect_max));
    }
  }
}

void SimNetwork::notify_down(NodeId self, NodeId peer, std::uint64_t epoch) {
  Conn& c = conn(self, peer);
  std::uint64_t& seen = c.up_epoch[end_of(self, peer)];
  if (seen != epoch) return;
  seen = 0;
  Endpoint& ep = *endpoints_[self];
  if (ep.wants_.count(peer)) {
    schedule_attempt(self, peer, draw_between(config_.reconnect_min, config_.reconnect_max));
  }
  if (ep.handler_) ep.handler_->on_peer_down(peer);
}

void SimNetwork::on_node_crash(NodeId node) {
  Endpoint& ep = *endpoints_[node];
  ep.handler_ = nullptr;
  ep.wants_.clear();
  ep.attempt_pending_.clear();
  for (NodeId peer = 0; peer < endpoints_.size(); ++peer) {
    if (peer == node) continue;
    Conn& c = conn(node, peer);
    c.up_epoch[end_of(node, peer)] = 0;
    fail(node, peer);
  }
}

void SimNetwork::cut(NodeId from, NodeId to) {
  ALYS_ASSERT(from < endpoints_.size() && to < endpoints_.size(), "SimNetwork::cut: bad node");
  if (from == to) return;
  link(from, to).cut = true;
  fail(from, to);
}

void SimNetwork::partition(const std::vector<std::vector<NodeId>>& groups) {
  const std::size_t n = endpoints_.size();
  std::vector<std::size_t> group(n);
  for (std::size_t i = 0; i < n; ++i) group[i] = groups.size() + i;  // alone unless listed
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (NodeId node : groups[g]) {
      ALYS_ASSERT(node < n, "SimNetwork::partition: bad node");
      group[node] = g;
    }
  }
  heal();  // a partition replaces any earlier cuts (Jepsen's nemesis does the same)
  for (NodeId a = 0; a < n; ++a) {
    for (NodeId b = 0; b < n; ++b) {
      if (a != b && group[a] != group[b]) cut(a, b);
    }
  }
}

void SimNetwork::heal() {
  for (auto& l : links_) l.cut = false;
}

void SimNetwork::heal(NodeId from, NodeId to) { link(from, to).cut = false; }

void SimNetwork::clog(NodeId from, NodeId to, Duration duration) {
  Link& l = link(from, to);
  l.clogged_until = std::max(l.clogged_until, world_.now() + duration);
}

void SimNetwork::break_connection(NodeId a, NodeId b) { fail(a, b); }

void SimNetwork::set_link_latency(NodeId from, NodeId to, const LatencyModel& model) {
  link(from, to).latency = model;
}

void SimNetwork::set_link_loss_ppm(NodeId from, NodeId to, std::uint32_t loss_ppm) {
  link(from, to).loss_ppm = loss_ppm;
}

void SimNetwork::set_hostile(std::uint32_t duplicate_ppm, std::uint32_t reorder_ppm) {
  duplicate_ppm_ = duplicate_ppm;
  reorder_ppm_ = reorder_ppm;
}

void SimNetwork::reset_link_latency(NodeId from, NodeId to) { link(from, to).latency.reset(); }
void SimNetwork::reset_link_loss(NodeId from, NodeId to) { link(from, to).loss_ppm.reset(); }

}  // namespace alys::sim
