#include "core/network/peer_table.h"

namespace alys::net {

std::string_view peer_state_name(PeerState s) {
  switch (s) {
    case PeerState::kDisconnected:
      return "disconnected";
    case PeerState::kHandshaking:
      return "handshaking";
    case PeerState::kReady:
      return "ready";
    case PeerState::kClosing:
      return "closing";
    case PeerState::kBanned:
      return "banned";
  }
  return "?";
}

PeerState Peer::state() const {
  if (banned) return PeerState::kBanned;
  if (!connected) return PeerState::kDisconnected;
  switch (phase) {
    case Phase::kNone:
      return PeerState::kDisconnected;
    case Phase::kAwaitHello:
      return PeerState::kHandshaking;
    case Phase::kReady:
      return PeerState::kReady;
    case Phase::kClosing:
      return PeerState::kClosing;
  }
  return PeerState::kDisconnected;
}

Peer* PeerTable::find(NodeId id) {
  const auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

const Peer* PeerTable::find(NodeId id) const {
  const auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

std::vector<NodeId> PeerTable::ready(std::optional<NodeId> except) const {
  std::vector<NodeId> out;
  for (const auto& [id, p] : peers_) {
    if (p.state() == PeerState::kReady && (!except || *except != id)) out.push_back(id);
  }
  return out;
}

}  // namespace alys::net
