// NetworkActor: the node's peer-to-peer layer (DESIGN.md §4 "Network"). It owns the node's
// Transport: peer set, Hello handshake, gossip with a seen cache, request/response
// delivery, liveness pings, peer scoring with timed bans, and a per-peer rate limit. Other
// actors talk to it with messages (Gossip, SendTo, Penalize) and hear from it through
// InboundRoutes, which the node assembly binds to their tell().
//
// Transport. pre_start registers a TransportHandler adapter that turns every callback into a
// message to this actor (frames copied), stamped with this instance's random epoch; a
// restarted instance ignores what an earlier instance's adapter queued (it cannot know
// what that instance already did with it) and instead adopts the connections the transport
// reports as up: configured peers' at once (is_connected), others' on their first frame.
// The adapter is detached in pre_restart and pre_stop (and by the destructor, if still
// attached). The actor dials every configured peer (connect); the transport keeps those
// connections up and redials after a break. pre_stop also says Goodbye(kShutdown) to every
// ready peer.
//
// Handshake. On every new connection each side sends Hello (handshake.h) first. A peer is
// ready once we sent ours and received its valid Hello; on_peer_ready fires then. A Hello
// with another chain id or genesis gets Goodbye(kWrongChain), any other bad Hello
// Goodbye(kBadHandshake); either costs Penalties::bad_handshake (a ban with the defaults).
// Anything but Hello/Goodbye before ready is dropped and penalized (before_ready) unless the
// connection was adopted (the peer thinks the handshake is long done: see restart below).
// No Hello within hello_timeout: penalty (not for adopted connections) and reconnect.
// Restart: a restarted instance sends Hello on every adopted connection. A peer that gets a
// Hello while ready answers with its own Hello, so the restarted side becomes ready again
// without a reconnect. Guards keep two ready sides from answering each other forever: a
// peer answers only while it has received more Hellos on the connection than it sent, and
// only if its own last Hello is at least hello_timeout old. If no answer comes (guarded,
// or the old instance swallowed the peer's first Hello), hello_timeout reconnects.
//
// on_peer_ready / on_peer_gone alternate per peer, starting with ready: gone fires when a
// ready peer disconnects, is banned, says Goodbye, misses pongs, and for every ready peer
// when this actor stops or restarts (the new instance fires ready again after re-handshake).
//
// Gossip (NewBlock, ApproveBlock, NewTx, QueuePow, PegoutSignatures). Gossip{msg, except}
// encodes msg, records its id (gossip_id = SHA-256 of the frame) in the seen cache and
// sends it to every ready peer but `except`. It always sends: the caller decided. An
// inbound gossip frame whose id is in the seen cache is dropped silently
// (duplicates_dropped); otherwise the id is recorded and the message routed to on_message.
// The network never forwards gossip itself: as in gossipsub, a message is forwarded only
// after the application validated it, so the consumer (the chain actor) re-gossips with
// except = the peer it came from. An invalid message therefore travels one hop.
//
// Requests and responses (Status*, BlocksByRange*) are routed without dedupe; SendTo sends
// one message to one ready peer (else it is dropped and counted in send_failures). Ping /
// Pong / Hello / Goodbye are the network's own: never routed, refused in SendTo/Gossip.
// Liveness: every ping_interval each ready peer that sent nothing since the last tick gets a
// Ping (any frame proves the connection alive, as a Pong does, and clears missed pongs);
// max_missed_pongs unanswered in a row → reconnect (no penalty: a slow link is not
// misbehaviour).
//
// Scoring (peer_score.h). Penalize{peer, points, reason} (e.g. from the chain actor for an
// invalid block), undecodable frames, rate-limit excess, pre-handshake traffic and hello
// timeouts lower a peer's score; every decay_interval each unbanned score moves
// decay_points back toward 0. At or below ban_threshold the peer is banned: gone fires, it
// gets Goodbye(kBanned), the connection is closed goodbye_linger later (so the Goodbye is
// not lost with it; meanwhile its frames are ignored), and we stop dialing it (disconnect
// also stops the transport's redial). If it dials us during the ban we repeat Goodbye and
// close again. After ban_duration its score resets to 0 and, if configured, we dial it
// again. A peer that sends us Goodbye(kBanned/kWrongChain/kBadHandshake) is not redialed for
// ban_duration either (it would only refuse us again).
//
// Rate limit. Each connection has a token bucket of max_frames_per_sec_per_peer tokens
// (burst = one second's worth); a frame without a token is dropped and, from a stranger,
// penalized lightly. A configured peer's excess is dropped without penalty: an honest
// authority relaying a flood (it re-gossips valid messages as fast as they come) would
// otherwise be banned by its peers and the federation split for ban_duration (seen in
// node/tests/flood_test.cc). Its invalid frames still cost it as anyone's.
// Frames that arrive while our mailbox is full are lost before the actor sees them (the
// adapter's tell fails): a bounded mailbox is the backstop under a flood.
//
// Memory. A peer's record (peer_table.h) is what lets a score or a ban outlive a
// connection. A stranger's (a peer not configured: anyone may dial us with a node id of its
// choosing) is dropped once it is disconnected and there is nothing left to remember (not
// banned, score back at 0), checked when its connection ends and at every decay tick; and
// while the table holds more than peer_records_max records, every disconnected stranger's
// is dropped, ban and score included (a stranger can come back under a new id anyway). So
// the table holds the configured peers, the connected ones (the transport caps those) and
// at most peer_records_max others. The seen cache is allocated once (seen_cache.h).
//
// Determinism: no wall clock, timers only through start_timer, randomness only through
// core/runtime/random.h helpers (the epoch), peers iterated in id order.
// Threading: a normal actor; metric accessors are for tests in the simulator (same thread).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/actor/actor.h"
#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/verify_cache.h"
#include "core/network/live_peers.h"
#include "core/network/messages.h"
#include "core/network/peer_score.h"
#include "core/network/peer_table.h"
#include "core/network/seen_cache.h"
#include "core/runtime/node_id.h"
#include "core/runtime/status.h"
#include "core/runtime/time.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys::net {

inline constexpr std::size_t kMaxSeenCacheEntries = std::size_t{1} << 24;
// Peer records kept beyond the configured and connected peers (see Memory above).
inline constexpr std::size_t kPeerRecordsMaxDefault = 4096;

struct NetworkConfig {
  std::uint32_t chain_id = 0;
  Hash256 genesis;
  // REQUIRED (SecretKey has no empty state): the node key that signs our Hellos.
  std::optional<SecretKey> node_key;
  std::vector<NodeId> peers;  // dialed on start; redialed after bans
  // Set (the real node, for hot reload): every start reads the configured peers from it
  // instead of `peers`. Null: `peers`, fixed for the node's life.
  std::shared_ptr<const LivePeers> live_peers;
  std::size_t seen_cache_max = 16384;  // 1..kMaxSeenCacheEntries
  // Optional memo for Hello signature checks (the node's chain memo). Null: every Hello is
  // verified. Must be safe for the runtime's threads (VerifyCache::Threading).
  std::shared_ptr<VerifyCache> verify_cache;
  int ban_threshold = -100;  // < 0; banned when the score is at or below it
  Duration ban_duration = 60s;
  Duration hello_timeout = 5s;
  std::uint32_t max_frames_per_sec_per_peer = 1000;  // 0 = unlimited
  Duration ping_interval = 5s;
  std::uint32_t max_missed_pongs = 3;  // > 0
  Duration decay_interval = 1s;
  int decay_points = 1;  // >= 0, per decay_interval
  Duration goodbye_linger = 500ms;
  Penalties penalties;
  std::size_t peer_records_max = kPeerRecordsMaxDefault;  // > 0
};

// Errors name the field ("network: ban_threshold: must be negative").
Status validate(const NetworkConfig& config);

// Where inbound traffic goes. Called from the network actor's handler, so each should only
// tell() another actor. Empty functions are skipped.
struct InboundRoutes {
  std::function<void(NodeId)> on_peer_ready;
  std::function<void(NodeId)> on_peer_gone;
  // Every message from a ready peer except Hello, Ping, Pong and Goodbye, with the frame
  // it came in (for relaying it unchanged: Gossip::frame).
  std::function<void(NodeId from, WireMessage message, const SharedFrame& frame)> on_message;
};

// --- messages ---------------------------------------------------------------------------
// From other actors.
struct Gossip {
  WireMessage msg;
  std::optional<NodeId> except;
  // Relaying a message as received: the frame it arrived in (on_message's), sent as is.
  // Its id was recorded on arrival, so neither encoding nor hashing is repeated.
  // REQUIRES: null, or exactly encode_frame(msg).
  SharedFrame frame{};
};
struct SendTo {
  NodeId peer = kNoNode;
  WireMessage msg;
};
struct Penalize {
  NodeId peer = kNoNode;
  int points = 0;  // > 0 (others are ignored)
  std::string reason;
};
// The configured peers are now `peers` (hot reload; the sender also updated live_peers,
// if any). Added peers are dialed. Removed ones are no longer dialed or redialed, and a
// connection to one is closed with Goodbye(kShutdown); like any node of the network they
// may still dial us.
struct SetPeers {
  std::vector<NodeId> peers;
};
// From the transport adapter (epoch = the adapter's instance; stale epochs are ignored).
struct TransportPeerUp {
  std::uint64_t epoch = 0;
  NodeId peer = kNoNode;
};
struct TransportPeerDown {
  std::uint64_t epoch = 0;
  NodeId peer = kNoNode;
};
struct TransportFrame {
  std::uint64_t epoch = 0;
  NodeId peer = kNoNode;
  SharedFrame frame;  // never null
};
// Timers (the actor's own).
struct PingTick {};
struct DecayTick {};
struct Unban {
  NodeId peer = kNoNode;
};
struct Redial {
  NodeId peer = kNoNode;
};
struct HelloTimeout {
  NodeId peer = kNoNode;
  std::uint64_t conn_seq = 0;
};
struct CloseAfterGoodbye {
  NodeId peer = kNoNode;
  std::uint64_t conn_seq = 0;
};
// Test hook: the handler fails, so the supervisor restarts the actor.
struct CrashForTest {};
// One peer as tools see it (GetPeers, peers()).
struct PeerView {
  NodeId id = kNoNode;
  PeerState state = PeerState::kDisconnected;
  int score = 0;
  std::uint32_t bans = 0;
  bool configured = false;
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
};
// Every peer this instance knows, in id order (read-only tools: the node's JSON-RPC);
// `done` runs on the actor's strand and must only post or fulfil.
struct GetPeers {
  std::function<void(std::vector<PeerView>)> done;
};
// Counters and the sizes of the bounded structures (the node's /metrics).
struct NetworkStats;
struct GetNetworkStats {
  std::function<void(NetworkStats)> done;
};

using NetworkMsg =
    std::variant<Gossip, SendTo, Penalize, TransportPeerUp, TransportPeerDown, TransportFrame,
                 PingTick, DecayTick, Unban, Redial, HelloTimeout, CloseAfterGoodbye, CrashForTest,
                 GetPeers, SetPeers, GetNetworkStats>;

// --- observation ------------------------------------------------------------------------
struct NetworkMetrics {
  std::uint64_t frames_in = 0;           // frames received from live connections
  std::uint64_t frames_out = 0;          // frames the transport accepted
  std::uint64_t send_failures = 0;       // sends refused (no connection, peer not ready)
  std::uint64_t routed = 0;              // messages handed to on_message
  std::uint64_t duplicates_dropped = 0;  // gossip already in the seen cache
  std::uint64_t bad_frames = 0;          // frames that did not decode
  std::uint64_t rate_limited = 0;        // frames over the per-peer rate
  std::uint64_t ignored_frames = 0;      // from banned / closing / not-yet-ready peers
  std::uint64_t stale_events = 0;        // transport events of an earlier instance
  std::uint64_t handshakes = 0;          // peers that became ready
  std::uint64_t hello_failures = 0;      // Hellos that failed check_hello
  std::uint64_t hello_timeouts = 0;
  std::uint64_t hello_replies = 0;  // Hellos answered on a ready connection
  std::uint64_t pong_timeouts = 0;  // reconnects after max_missed_pongs
  std::uint64_t bans = 0;
  std::uint64_t goodbyes_received = 0;
};

struct NetworkStats {
  NetworkMetrics metrics;
  std::size_t seen_cache_size = 0;
  std::size_t seen_cache_max = 0;
  std::size_t seen_cache_high_water = 0;
  std::uint64_t seen_cache_evictions = 0;
  std::size_t peer_records = 0;
};

class NetworkActor final : public actor::Actor<NetworkMsg> {
 public:
  // REQUIRES: config.node_key is set (validate() in pre_start fails the start otherwise).
  NetworkActor(NetworkConfig config, InboundRoutes routes);
  ~NetworkActor() override;

  Status receive(NetworkMsg& message) override;
  Status pre_start() override;
  void pre_restart(const Status& reason) override;
  void pre_stop() override;

  // --- for tests (actor's strand / simulator thread) ---
  const NetworkMetrics& metrics() const { return metrics_; }
  std::optional<PeerView> peer(NodeId id) const;
  std::vector<PeerView> peers() const;
  std::vector<NodeId> ready_peers() const { return table_.ready(); }
  const SeenCache& seen_cache() const { return seen_; }

 private:
  class Adapter;

  Status handle(Gossip& m);
  Status handle(SendTo& m);
  Status handle(Penalize& m);
  Status handle(TransportPeerUp& m);
  Status handle(TransportPeerDown& m);
  Status handle(TransportFrame& m);
  Status handle(PingTick& m);
  Status handle(DecayTick& m);
  Status handle(Unban& m);
  Status handle(Redial& m);
  Status handle(HelloTimeout& m);
  Status handle(CloseAfterGoodbye& m);
  Status handle(CrashForTest& m);
  Status handle(GetPeers& m);
  Status handle(SetPeers& m);
  Status handle(GetNetworkStats& m);

  // Connection steps.
  void begin_connection(Peer& p);
  void start_handshake(NodeId id, Peer& p, bool adopted);
  // `gossip_id_of_frame`: the frame's gossip id if the caller already computed it.
  void on_wire(NodeId id, Peer& p, const SharedFrame& frame,
               const std::optional<Hash256>& gossip_id_of_frame, WireMessage msg);
  void on_hello(NodeId id, Peer& p, const Hello& hello);
  void on_goodbye(NodeId id, Peer& p, const Goodbye& bye);
  void on_gossip(NodeId id, ByteView frame, WireMessage msg);
  void become_ready(NodeId id, Peer& p);
  void leave_ready(NodeId id, Peer& p);
  void reconnect(NodeId id, Peer& p, std::string_view why);
  void say_goodbye_and_close(NodeId id, Peer& p, GoodbyeReason reason);
  void penalize(NodeId id, Peer& p, int points, std::string_view reason);
  void ban(NodeId id, Peer& p, std::string_view reason);

  // Drops a stranger's record when nothing is left to remember (see Memory above).
  void forget_stranger_if_idle(NodeId id);
  void send_hello(NodeId id, Peer& p);
  bool send_frame(NodeId id, Peer& p, const SharedFrame& frame);
  bool send_message(NodeId id, Peer& p, const WireMessage& msg);
  void attach();
  void detach();
  void all_gone();
  bool is_configured(NodeId id) const;

  NetworkConfig config_;
  InboundRoutes routes_;
  PeerTable table_;
  SeenCache seen_;
  std::optional<SchnorrSigner> signer_;  // config_.node_key, prepared in pre_start
  // Our Hellos as signed, direct-mapped by peer id: a Hello to a peer is the same bytes at
  // every reconnect (make_hello), so a node re-dialling after a fault signs it once.
  static constexpr std::size_t kHelloMemoSlots = 16;
  std::array<std::optional<Hello>, kHelloMemoSlots> hello_memo_;
  NetworkMetrics metrics_;
  std::unique_ptr<Adapter> adapter_;
  Transport* attached_to_ = nullptr;  // the transport our adapter is registered with
  std::uint64_t epoch_ = 0;
  NodeId self_id_ = kNoNode;
};

}  // namespace alys::net
