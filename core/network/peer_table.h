// PeerTable: what the network actor knows about each peer, keyed by NodeId in an ordered
// map (iteration order = id order, never memory order: DESIGN.md §5).
//
// A peer's record outlives its connections, so its score, ban and counters survive a
// reconnect (they do not survive a restart of the network actor: all of this is volatile).
//
// Connection phases (Peer::phase), per connection:
//   kNone          no connection we know of;
//   kAwaitHello    connection up, our Hello sent, the peer's not yet received;
//   kReady         both Hellos exchanged: gossip and requests flow;
//   kClosing       we said or heard Goodbye, or dropped the connection: its frames are
//                  ignored until the transport reports it down.
// A ban is orthogonal to the phase (a banned peer may be mid-connection while we close it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "core/actor/token_bucket.h"
#include "core/network/peer_score.h"
#include "core/runtime/node_id.h"
#include "core/runtime/time.h"

namespace alys::net {

enum class Phase : std::uint8_t { kNone, kAwaitHello, kReady, kClosing };

// The state a test or a metrics page sees.
enum class PeerState : std::uint8_t { kDisconnected, kHandshaking, kReady, kClosing, kBanned };
std::string_view peer_state_name(PeerState s);

struct Peer {
  bool configured = false;  // in NetworkConfig::peers: we dial it and redial after a ban
  bool connected = false;   // between the transport's on_peer_up and on_peer_down
  Phase phase = Phase::kNone;
  // Adopted: the connection was already up when this actor instance started (restart) or
  // first heard of it, so the peer may legitimately send before our new handshake ends.
  bool adopted = false;
  // Bumped on every connection change; timers carry it so stale ones are ignored.
  std::uint64_t conn_seq = 0;
  // Hellos on the current connection, as this actor instance counted them, and when we
  // last sent one: a Hello on a ready connection gets a reply only while the peer has sent
  // more than we have and our last Hello is at least hello_timeout old (see NetworkActor:
  // this is what keeps re-handshakes from ping-ponging).
  std::uint32_t hellos_sent = 0;
  std::uint32_t hellos_received = 0;
  Instant last_hello_sent{};

  PeerScore score;
  bool banned = false;
  Instant banned_until{};
  std::uint32_t bans = 0;
  std::optional<actor::TokenBucket> bucket;  // per connection; absent = unlimited
  // A Goodbye went out or came in on this connection and a timer will close it.
  bool close_pending = false;
  // It sent us Goodbye(kBanned / kWrongChain / kBadHandshake): no redial until a timer.
  bool refused_us = false;

  std::optional<std::uint64_t> ping_outstanding;  // nonce of the unanswered Ping
  std::uint32_t missed_pongs = 0;
  std::uint64_t next_ping_nonce = 1;
  // A frame arrived on the ready connection since the last ping tick (it counts as a pong).
  bool heard_since_ping = false;

  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;

  PeerState state() const;
};

class PeerTable {
 public:
  Peer* find(NodeId id);
  const Peer* find(NodeId id) const;
  Peer& get_or_add(NodeId id) { return peers_[id]; }
  void erase(NodeId id) { peers_.erase(id); }
  std::size_t size() const { return peers_.size(); }
  // Ready peers in id order, optionally without `except`.
  std::vector<NodeId> ready(std::optional<NodeId> except = std::nullopt) const;
  const std::map<NodeId, Peer>& all() const { return peers_; }
  std::map<NodeId, Peer>& all() { return peers_; }

 private:
  std::map<NodeId, Peer> peers_;
};

}  // namespace alys::net
