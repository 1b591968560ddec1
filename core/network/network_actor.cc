#include "core/network/network_actor.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "core/crypto/hash_salt.h"
#include "core/network/frame_codec.h"
#include "core/network/handshake.h"
#include "core/runtime/log.h"
#include "core/runtime/random.h"

namespace alys::net {

namespace {

// Kinds the network handles itself: never routed, never accepted from other actors.
bool is_network_own(const WireMessage& m) {
  return std::holds_alternative<Hello>(m) || std::holds_alternative<Ping>(m) ||
         std::holds_alternative<Pong>(m) || std::holds_alternative<Goodbye>(m);
}

// The WireMessage alternative index of T, computed from the types alone (constructing a
// WireMessage is not a constant expression for every compiler).
template <typename T, typename... Ts>
constexpr std::size_t index_in(const std::variant<Ts...>*) {
  constexpr bool matches[] = {std::is_same_v<T, Ts>...};
  for (std::size_t i = 0; i < sizeof...(Ts); ++i) {
    if (matches[i]) return i;
  }
  return sizeof...(Ts);
}
template <typename T>
constexpr std::size_t kind_of = index_in<T>(static_cast<const WireMessage*>(nullptr));
static_assert(kind_of<Hello> == 0 && kind_of<Goodbye> == 11);

bool is_gossip_kind(std::size_t kind) {
  return kind == kind_of<NewBlock> || kind == kind_of<ApproveBlock> || kind == kind_of<NewTx> ||
         kind == kind_of<QueuePow> || kind == kind_of<PegoutSignatures>;
}

bool is_gossip(const WireMessage& m) { return is_gossip_kind(m.index()); }

// Keys the seen cache's hash with a secret of this node (see seen_cache.h).
std::uint64_t seen_salt(const std::optional<SecretKey>& key) {
  return key ? derive_hash_salt(*key, "seen-cache") : 0;
}

std::string_view goodbye_reason_name(GoodbyeReason r) {
  switch (r) {
    case GoodbyeReason::kShutdown:
      return "shutdown";
    case GoodbyeReason::kWrongChain:
      return "wrong_chain";
    case GoodbyeReason::kBadHandshake:
      return "bad_handshake";
    case GoodbyeReason::kBanned:
      return "banned";
  }
  return "unknown";
}

}  // namespace

Status validate(const NetworkConfig& c) {
  if (!c.node_key) return Status::invalid_argument("network: node_key: required");
  if (c.seen_cache_max == 0 || c.seen_cache_max > kMaxSeenCacheEntries) {
    return Status::invalid_argument(
        fmt::format("network: seen_cache_max: must be in 1..{}", kMaxSeenCacheEntries));
  }
  if (c.ban_threshold >= 0) {
    return Status::invalid_argument("network: ban_threshold: must be negative");
  }
  if (c.ban_duration <= Duration::zero()) {
    return Status::invalid_argument("network: ban_duration: must be > 0");
  }
  if (c.hello_timeout <= Duration::zero()) {
    return Status::invalid_argument("network: hello_timeout: must be > 0");
  }
  if (c.ping_interval <= Duration::zero()) {
    return Status::invalid_argument("network: ping_interval: must be > 0");
  }
  if (c.max_missed_pongs == 0) {
    return Status::invalid_argument("network: max_missed_pongs: must be > 0");
  }
  if (c.decay_interval <= Duration::zero()) {
    return Status::invalid_argument("network: decay_interval: must be > 0");
  }
  if (c.decay_points < 0) return Status::invalid_argument("network: decay_points: must be >= 0");
  if (c.goodbye_linger < Duration::zero()) {
    return Status::invalid_argument("network: goodbye_linger: must be >= 0");
  }
  if (c.peer_records_max == 0) {
    return Status::invalid_argument("network: peer_records_max: must be > 0");
  }
  const Penalties& p = c.penalties;
  if (p.bad_frame <= 0 || p.rate_limited <= 0 || p.before_ready <= 0 || p.hello_timeout <= 0 ||
      p.bad_handshake <= 0) {
    return Status::invalid_argument("network: penalties: every penalty must be > 0");
  }
  return Status::ok();
}

// Turns transport callbacks (on the node's executor) into messages to the actor. Holds a
// ref to the actor's cell: the cycle cell -> instance -> adapter -> cell ends when the
// instance is dropped (restart, stop, teardown).
class NetworkActor::Adapter final : public TransportHandler {
 public:
  Adapter(actor::ActorRef<NetworkMsg> self, std::uint64_t epoch)
      : self_(std::move(self)), epoch_(epoch) {}

  // A failed tell (mailbox full under Overflow::kFail) loses the event; the dead-letter
  // queue records it. For frames that is load shedding; a lost up/down is repaired by the
  // next restart's adoption or by ping timeouts.
  void on_peer_up(NodeId peer) override { (void)self_.tell(TransportPeerUp{epoch_, peer}); }
  void on_peer_down(NodeId peer) override { (void)self_.tell(TransportPeerDown{epoch_, peer}); }
  void on_frame(NodeId peer, ByteView frame) override {
    on_shared_frame(peer, share_frame(Bytes(frame.begin(), frame.end())));
  }
  void on_shared_frame(NodeId peer, const SharedFrame& frame) override {
    (void)self_.tell(TransportFrame{epoch_, peer, frame});
  }

 private:
  actor::ActorRef<NetworkMsg> self_;
  std::uint64_t epoch_;
};

NetworkActor::NetworkActor(NetworkConfig config, InboundRoutes routes)
    : config_(std::move(config)),
      routes_(std::move(routes)),
      seen_(std::clamp<std::size_t>(config_.seen_cache_max, 1, kMaxSeenCacheEntries),
            seen_salt(config_.node_key)) {}

// Only if pre_stop/pre_restart did not run (the actor ended Failed): a dangling handler
// in the transport would be worse than touching the transport from a destructor.
NetworkActor::~NetworkActor() { detach(); }

// --- lifecycle ------------------------------------------------------------------------

Status NetworkActor::pre_start() {
  if (Status s = validate(config_); !s.is_ok()) return s;
  if (config_.live_peers) config_.peers = config_.live_peers->get();
  signer_.emplace(*config_.node_key);
  self_id_ = env().id();
  // Nonzero and, with overwhelming probability, different from every earlier instance's.
  epoch_ = uniform_below(env().random(), UINT64_MAX) + 1;
  attach();
  Transport& t = env().transport();
  for (NodeId id : config_.peers) {
    if (id == self_id_) continue;
    table_.get_or_add(id).configured = true;
    t.connect(id);
  }
  // After a restart connections may already be up: the peers behind them finished a
  // handshake with our previous instance, so we start a fresh one (see the header).
  for (NodeId id : config_.peers) {
    if (id == self_id_ || !t.is_connected(id)) continue;
    Peer& p = table_.get_or_add(id);
    if (p.connected) continue;  // listed twice
    start_handshake(id, p, /*adopted=*/true);
  }
  start_timer(config_.ping_interval, PingTick{});
  start_timer(config_.decay_interval, DecayTick{});
  return Status::ok();
}

void NetworkActor::pre_restart(const Status& /*reason*/) {
  all_gone();
  detach();
}

void NetworkActor::pre_stop() {
  for (auto& [id, p] : table_.all()) {
    if (p.connected && p.phase == Phase::kReady) {
      send_message(id, p, Goodbye{GoodbyeReason::kShutdown});
    }
  }
  all_gone();
  detach();
}

void NetworkActor::attach() {
  adapter_ = std::make_unique<Adapter>(self(), epoch_);
  attached_to_ = &env().transport();
  attached_to_->set_handler(adapter_.get());
}

void NetworkActor::detach() {
  if (attached_to_ == nullptr) return;
  attached_to_->set_handler(nullptr);
  attached_to_ = nullptr;
}

void NetworkActor::all_gone() {
  for (auto& [id, p] : table_.all()) {
    if (p.phase == Phase::kReady) {
      leave_ready(id, p);
      p.phase = Phase::kNone;
    }
  }
}

bool NetworkActor::is_configured(NodeId id) const {
  return std::find(config_.peers.begin(), config_.peers.end(), id) != config_.peers.end();
}

// --- dispatch -------------------------------------------------------------------------

Status NetworkActor::receive(NetworkMsg& message) {
  return std::visit([this](auto& m) { return handle(m); }, message);
}

Status NetworkActor::handle(CrashForTest& /*m*/) {
  return Status::failed_precondition("network: crash requested by a test");
}

Status NetworkActor::handle(GetPeers& m) {
  if (m.done) m.done(peers());
  return Status::ok();
}

Status NetworkActor::handle(GetNetworkStats& m) {
  if (!m.done) return Status::ok();
  NetworkStats s;
  s.metrics = metrics_;
  s.seen_cache_size = seen_.size();
  s.seen_cache_max = seen_.max_entries();
  s.seen_cache_high_water = seen_.high_water();
  s.seen_cache_evictions = seen_.evictions();
  s.peer_records = table_.size();
  m.done(s);
  return Status::ok();
}

Status NetworkActor::handle(SetPeers& m) {
  std::vector<NodeId> next;
  for (NodeId id : m.peers) {
    if (id != self_id_ && id != kNoNode && std::find(next.begin(), next.end(), id) == next.end()) {
      next.push_back(id);
    }
  }
  const std::vector<NodeId> before = std::exchange(config_.peers, next);
  Transport& t = env().transport();
  for (NodeId id : before) {
    if (is_configured(id)) continue;
    ALYS_LOG(env().log(), kInfo, "network: peer {} left the configuration", id);
    Peer* p = table_.find(id);
    if (p == nullptr) {
      t.disconnect(id);  // stops the transport's redial of a peer we never reached
      continue;
    }
    p->configured = false;
    if (p->connected && p->phase != Phase::kClosing) {
      say_goodbye_and_close(id, *p, GoodbyeReason::kShutdown);  // its timer disconnects
    } else if (!p->close_pending) {
      t.disconnect(id);
    }
  }
  for (NodeId id : next) {
    if (std::find(before.begin(), before.end(), id) != before.end()) continue;
    ALYS_LOG(env().log(), kInfo, "network: peer {} joined the configuration", id);
    Peer& p = table_.get_or_add(id);
    p.configured = true;
    if (!p.banned && !p.refused_us) t.connect(id);
  }
  return Status::ok();
}

Status NetworkActor::handle(Gossip& m) {
  if (is_network_own(m.msg)) {
    ++metrics_.send_failures;
    ALYS_LOG(env().log(), kWarn, "network: refused to gossip a {}", wire_message_name(m.msg));
    return Status::ok();
  }
  SharedFrame frame = m.frame;
  if (!frame) {
    frame = share_frame(encode_frame(m.msg));
    // Recorded even when no peer is ready, so the echo of our own message is dropped.
    seen_.insert(gossip_id(frame));
  }
  // Straight over the table (id order, as ready() lists them): this runs for every message
  // every node gossips or relays, and a list of ids would cost allocations and lookups.
  // Sending never changes the table (the transport reports back through the mailbox).
  for (auto& [id, p] : table_.all()) {
    if (p.state() == PeerState::kReady && id != m.except) send_frame(id, p, frame);
  }
  return Status::ok();
}

Status NetworkActor::handle(SendTo& m) {
  Peer* p = table_.find(m.peer);
  if (is_network_own(m.msg) || p == nullptr || p->state() != PeerState::kReady) {
    ++metrics_.send_failures;
    return Status::ok();
  }
  send_message(m.peer, *p, m.msg);
  return Status::ok();
}

Status NetworkActor::handle(Penalize& m) {
  if (m.points <= 0 || m.peer == kNoNode || m.peer == self_id_) return Status::ok();
  Peer& p = table_.get_or_add(m.peer);
  p.configured = is_configured(m.peer);
  penalize(m.peer, p, m.points, m.reason);
  return Status::ok();
}

// --- transport events -----------------------------------------------------------------

Status NetworkActor::handle(TransportPeerUp& m) {
  if (m.epoch != epoch_) {
    ++metrics_.stale_events;
    return Status::ok();
  }
  Peer& p = table_.get_or_add(m.peer);
  p.configured = is_configured(m.peer);
  if (p.phase == Phase::kReady) leave_ready(m.peer, p);  // not per contract; be safe
  if (p.banned) {
    begin_connection(p);
    say_goodbye_and_close(m.peer, p, GoodbyeReason::kBanned);
    return Status::ok();
  }
  start_handshake(m.peer, p, /*adopted=*/false);
  return Status::ok();
}

Status NetworkActor::handle(TransportPeerDown& m) {
  if (m.epoch != epoch_) {
    ++metrics_.stale_events;
    return Status::ok();
  }
  Peer* p = table_.find(m.peer);
  if (p == nullptr || !p->connected) return Status::ok();  // never adopted: nothing to undo
  if (p->phase == Phase::kReady) leave_ready(m.peer, *p);
  p->connected = false;
  p->phase = Phase::kNone;
  ++p->conn_seq;
  p->ping_outstanding.reset();
  p->missed_pongs = 0;
  p->close_pending = false;
  // The transport redials peers it still wants; a banned or refusing peer must wait for
  // its timer (disconnect without a live connection only stops the redial).
  if (p->banned || p->refused_us) env().transport().disconnect(m.peer);
  forget_stranger_if_idle(m.peer);
  return Status::ok();
}

Status NetworkActor::handle(TransportFrame& m) {
  if (m.epoch != epoch_) {
    ++metrics_.stale_events;
    return Status::ok();
  }
  const NodeId id = m.peer;
  Peer* p = table_.find(id);
  if (p == nullptr || !p->connected) {
    // Per the transport contract on_peer_up comes first, so an unknown sender means the
    // connection came up under an earlier instance of this actor and the peer was not in
    // our config (configured ones were adopted in pre_start): adopt it now.
    if (!env().transport().is_connected(id)) {
      ++metrics_.ignored_frames;
      return Status::ok();
    }
    p = &table_.get_or_add(id);
    p->configured = is_configured(id);
    if (p->banned) {
      begin_connection(*p);
      say_goodbye_and_close(id, *p, GoodbyeReason::kBanned);
    } else {
      start_handshake(id, *p, /*adopted=*/true);
    }
  }
  ++metrics_.frames_in;
  ++p->frames_in;
  if (p->banned || p->phase == Phase::kClosing) {
    ++metrics_.ignored_frames;
    return Status::ok();
  }
  if (p->bucket && !p->bucket->try_take(env().clock().now())) {
    ++metrics_.rate_limited;
    // A configured peer over the rate is most likely relaying someone else's flood (it
    // re-gossips what it validated, at the rate it arrives): drop the excess, but do not
    // ban it for that, or one flooder would cut the federation apart for ban_duration.
    if (!p->configured) penalize(id, *p, config_.penalties.rate_limited, "over the frame rate limit");
    return Status::ok();
  }
  // Gossip already handled is dropped before decoding: in a mesh most gossip frames are
  // copies. Only ids of frames that decoded are recorded, so a frame dropped here is
  // byte-identical to one that decoded. Before the handshake nothing is dropped this way,
  // so early gossip still meets the "message before hello" rule.
  std::optional<Hash256> gid;
  if (p->phase == Phase::kReady) {
    p->heard_since_ping = true;
    if (const auto kind = peek_frame_kind(*m.frame); kind && is_gossip_kind(*kind)) {
      gid = gossip_id(m.frame);
      if (seen_.contains(*gid)) {
        ++metrics_.duplicates_dropped;
        return Status::ok();
      }
    }
  }
  Result<WireMessage> decoded = decode_frame(*m.frame);
  if (!decoded) {
    ++metrics_.bad_frames;
    penalize(id, *p, config_.penalties.bad_frame, decoded.error().message());
    return Status::ok();
  }
  on_wire(id, *p, m.frame, gid, std::move(decoded).value());
  return Status::ok();
}

// --- timers ---------------------------------------------------------------------------

Status NetworkActor::handle(PingTick& /*m*/) {
  for (NodeId id : table_.ready()) {
    Peer& p = *table_.find(id);
    if (p.heard_since_ping) {
      // Traffic since the last tick already proved the connection alive: no Ping needed
      // (on a busy chain that is every tick, and pings would be a sixth of all frames).
      p.heard_since_ping = false;
      p.ping_outstanding.reset();
      p.missed_pongs = 0;
      continue;
    }
    if (p.ping_outstanding) {
      if (++p.missed_pongs >= config_.max_missed_pongs) {
        ++metrics_.pong_timeouts;
        reconnect(id, p, "missed pongs");
        continue;
      }
    }
    const std::uint64_t nonce = p.next_ping_nonce++;
    p.ping_outstanding = nonce;
    send_message(id, p, Ping{nonce});
  }
  start_timer(config_.ping_interval, PingTick{});
  return Status::ok();
}

Status NetworkActor::handle(DecayTick& /*m*/) {
  std::vector<NodeId> strangers;
  for (auto& [id, p] : table_.all()) {
    if (!p.banned) p.score.decay(config_.decay_points);
    if (!p.configured && !p.connected) strangers.push_back(id);
  }
  for (NodeId id : strangers) forget_stranger_if_idle(id);
  start_timer(config_.decay_interval, DecayTick{});
  return Status::ok();
}

Status NetworkActor::handle(Unban& m) {
  Peer* p = table_.find(m.peer);
  if (p == nullptr || !p->banned) return Status::ok();
  p->banned = false;
  p->score.reset();
  ALYS_LOG(env().log(), kInfo, "network: ban of peer {} expired", m.peer);
  if (p->configured && !p->refused_us) env().transport().connect(m.peer);
  forget_stranger_if_idle(m.peer);
  return Status::ok();
}

Status NetworkActor::handle(Redial& m) {
  Peer* p = table_.find(m.peer);
  if (p == nullptr || !p->refused_us) return Status::ok();
  p->refused_us = false;
  if (p->configured && !p->banned) env().transport().connect(m.peer);
  return Status::ok();
}

Status NetworkActor::handle(HelloTimeout& m) {
  Peer* p = table_.find(m.peer);
  if (p == nullptr || p->conn_seq != m.conn_seq || p->phase != Phase::kAwaitHello) {
    return Status::ok();
  }
  ++metrics_.hello_timeouts;
  // An adopted connection may time out through no fault of the peer (its Hello went to our
  // previous instance, and it had no reason to send another), so no penalty there.
  if (!p->adopted) penalize(m.peer, *p, config_.penalties.hello_timeout, "no hello in time");
  if (!p->banned) reconnect(m.peer, *p, "no hello in time");
  return Status::ok();
}

Status NetworkActor::handle(CloseAfterGoodbye& m) {
  Peer* p = table_.find(m.peer);
  if (p == nullptr || p->conn_seq != m.conn_seq || !p->connected) return Status::ok();
  p->close_pending = false;
  env().transport().disconnect(m.peer);
  if (p->configured && !p->banned && !p->refused_us) env().transport().connect(m.peer);
  return Status::ok();
}

// --- connection steps -----------------------------------------------------------------

// A new connection (or one this instance adopts): fresh per-connection state.
void NetworkActor::begin_connection(Peer& p) {
  p.connected = true;
  p.phase = Phase::kNone;
  p.adopted = false;
  ++p.conn_seq;
  p.hellos_sent = 0;
  p.hellos_received = 0;
  p.ping_outstanding.reset();
  p.missed_pongs = 0;
  p.heard_since_ping = false;
  p.close_pending = false;
  p.bucket.reset();
  if (config_.max_frames_per_sec_per_peer > 0) {
    const std::uint32_t rate = config_.max_frames_per_sec_per_peer;
    p.bucket.emplace(actor::RateLimit{rate, rate}, env().clock().now());
  }
}

void NetworkActor::start_handshake(NodeId id, Peer& p, bool adopted) {
  begin_connection(p);
  p.phase = Phase::kAwaitHello;
  p.adopted = adopted;
  send_hello(id, p);
  start_timer(config_.hello_timeout, HelloTimeout{id, p.conn_seq});
}

void NetworkActor::on_wire(NodeId id, Peer& p, const SharedFrame& frame,
                           const std::optional<Hash256>& gossip_id_of_frame, WireMessage msg) {
  if (const auto* hello = std::get_if<Hello>(&msg)) return on_hello(id, p, *hello);
  if (const auto* bye = std::get_if<Goodbye>(&msg)) return on_goodbye(id, p, *bye);
  if (p.phase != Phase::kReady) {
    ++metrics_.ignored_frames;
    // An adopted peer finished its handshake with our previous instance: not its fault.
    if (!p.adopted) penalize(id, p, config_.penalties.before_ready, "message before hello");
    return;
  }
  if (const auto* ping = std::get_if<Ping>(&msg)) {
    send_message(id, p, Pong{ping->nonce});
    return;
  }
  if (const auto* pong = std::get_if<Pong>(&msg)) {
    if (p.ping_outstanding && *p.ping_outstanding == pong->nonce) {
      p.ping_outstanding.reset();
      p.missed_pongs = 0;
    }
    return;
  }
  if (is_gossip(msg)) {
    const Hash256 gid = gossip_id_of_frame ? *gossip_id_of_frame : gossip_id(frame);
    if (!seen_.insert(gid)) {
      ++metrics_.duplicates_dropped;
      return;
    }
  }
  ++metrics_.routed;
  if (routes_.on_message) routes_.on_message(id, std::move(msg), frame);
}

void NetworkActor::on_hello(NodeId id, Peer& p, const Hello& hello) {
  ++p.hellos_received;
  const HelloCheck check = check_hello(hello, config_.chain_id, config_.genesis, self_id_, id,
                                       config_.verify_cache.get());
  if (check.verdict != HelloVerdict::kOk) {
    ++metrics_.hello_failures;
    ALYS_LOG(env().log(), kWarn, "network: peer {}: {}", id, check.reason);
    const GoodbyeReason why = check.verdict == HelloVerdict::kWrongChain
                                  ? GoodbyeReason::kWrongChain
                                  : GoodbyeReason::kBadHandshake;
    say_goodbye_and_close(id, p, why);
    penalize(id, p, config_.penalties.bad_handshake, check.reason);
    return;
  }
  if (p.phase == Phase::kAwaitHello) {
    become_ready(id, p);
  } else if (p.phase == Phase::kReady && p.hellos_received > p.hellos_sent &&
             env().clock().now() - p.last_hello_sent >= config_.hello_timeout) {
    // The peer restarted its network actor on a live connection: answer so it can finish
    // its new handshake. Nothing on the wire tells an answer from a new Hello, so two ready
    // sides could answer each other forever; the guards stop that. The count alone is not
    // enough (a peer restarting twice in a row gets two answers and counts the second as
    // a new Hello); the age of our last Hello is: in a bounce it is one round trip old,
    // and a path whose round trip exceeds hello_timeout cannot handshake anyway. A Hello
    // that falls under the guard goes unanswered and the peer's hello_timeout reconnects.
    ++metrics_.hello_replies;
    send_hello(id, p);
  }
}

void NetworkActor::on_goodbye(NodeId id, Peer& p, const Goodbye& bye) {
  ++metrics_.goodbyes_received;
  ALYS_LOG(env().log(), kInfo, "network: peer {} said goodbye ({})", id,
           goodbye_reason_name(bye.reason));
  if (p.phase == Phase::kReady) leave_ready(id, p);
  p.phase = Phase::kClosing;
  if (bye.reason != GoodbyeReason::kShutdown && !p.refused_us) {
    // It would refuse us again: do not redial before our own ban period.
    p.refused_us = true;
    start_timer(config_.ban_duration, Redial{id});
  }
  if (!p.close_pending) {
    p.close_pending = true;
    start_timer(config_.goodbye_linger, CloseAfterGoodbye{id, p.conn_seq});
  }
}

void NetworkActor::become_ready(NodeId id, Peer& p) {
  p.phase = Phase::kReady;
  p.refused_us = false;  // it accepted us after all; a pending Redial becomes a no-op
  ++metrics_.handshakes;
  ALYS_LOG(env().log(), kDebug, "network: peer {} ready", id);
  if (routes_.on_peer_ready) routes_.on_peer_ready(id);
}

// Fires on_peer_gone for a ready peer; its connection then counts as closing.
void NetworkActor::leave_ready(NodeId id, Peer& p) {
  if (p.phase != Phase::kReady) return;
  p.phase = Phase::kClosing;
  if (routes_.on_peer_gone) routes_.on_peer_gone(id);
}

void NetworkActor::reconnect(NodeId id, Peer& p, std::string_view why) {
  ALYS_LOG(env().log(), kInfo, "network: reconnecting to peer {}: {}", id, why);
  leave_ready(id, p);
  p.phase = Phase::kClosing;  // until the transport reports the old connection down
  env().transport().disconnect(id);
  if (p.configured && !p.banned && !p.refused_us) env().transport().connect(id);
}

void NetworkActor::say_goodbye_and_close(NodeId id, Peer& p, GoodbyeReason reason) {
  send_message(id, p, Goodbye{reason});
  leave_ready(id, p);
  p.phase = Phase::kClosing;
  // Closing at once would lose the Goodbye with the connection (frames in flight die with
  // it), so the peer would not know to stop dialing.
  if (!p.close_pending) {
    p.close_pending = true;
    start_timer(config_.goodbye_linger, CloseAfterGoodbye{id, p.conn_seq});
  }
}

void NetworkActor::penalize(NodeId id, Peer& p, int points, std::string_view reason) {
  if (points <= 0 || p.banned) return;
  p.score.penalize(points);
  ALYS_LOG(env().log(), kDebug, "network: peer {} -{} ({}): score {}", id, points, reason,
           p.score.value());
  if (p.score.banned(config_.ban_threshold)) ban(id, p, reason);
}

void NetworkActor::ban(NodeId id, Peer& p, std::string_view reason) {
  ++metrics_.bans;
  ++p.bans;
  p.banned = true;
  p.banned_until = env().clock().now() + config_.ban_duration;
  ALYS_LOG(env().log(), kWarn, "network: banned peer {} for {}: {}", id,
           format_duration(config_.ban_duration), reason);
  if (p.connected && p.phase != Phase::kClosing) {
    say_goodbye_and_close(id, p, GoodbyeReason::kBanned);  // also leaves ready; the timer closes
  } else if (!p.close_pending) {
    // Not connected, or a reconnect is under way: drop whatever is there and stop the
    // transport's redial. (With a close already pending, that timer does it after the
    // Goodbye had time to arrive.)
    env().transport().disconnect(id);
  }
  start_timer(config_.ban_duration, Unban{id});
}

void NetworkActor::forget_stranger_if_idle(NodeId id) {
  const Peer* p = table_.find(id);
  if (p == nullptr || p->configured || p->connected || p->close_pending) return;
  const bool over = table_.size() > config_.peer_records_max;
  if (over || (!p->banned && p->score.value() == 0)) table_.erase(id);
}

void NetworkActor::send_hello(NodeId id, Peer& p) {
  ++p.hellos_sent;
  p.last_hello_sent = env().clock().now();
  std::optional<Hello>& memo = hello_memo_[id % kHelloMemoSlots];
  if (!memo || memo->to_node != id) {
    memo = make_hello(config_.chain_id, config_.genesis, *signer_, self_id_, id);
  }
  send_message(id, p, *memo);
}

bool NetworkActor::send_frame(NodeId id, Peer& p, const SharedFrame& frame) {
  if (!env().transport().send_shared(id, frame)) {
    ++metrics_.send_failures;
    return false;
  }
  ++metrics_.frames_out;
  ++p.frames_out;
  return true;
}

bool NetworkActor::send_message(NodeId id, Peer& p, const WireMessage& msg) {
  return send_frame(id, p, share_frame(encode_frame(msg)));
}

// --- observation ----------------------------------------------------------------------

std::optional<PeerView> NetworkActor::peer(NodeId id) const {
  const Peer* p = table_.find(id);
  if (p == nullptr) return std::nullopt;
  PeerView v;
  v.id = id;
  v.state = p->state();
  v.score = p->score.value();
  v.bans = p->bans;
  v.configured = p->configured;
  v.frames_in = p->frames_in;
  v.frames_out = p->frames_out;
  return v;
}

std::vector<PeerView> NetworkActor::peers() const {
  std::vector<PeerView> out;
  for (const auto& [id, p] : table_.all()) out.push_back(*peer(id));
  return out;
}

}  // namespace alys::net
