// NodeReloadTarget: a running alys-node as the ReloadTarget of its hot reload
// (node/config_reload.h): the Log's level, the transport's peer addresses and the network
// actor's peer set (AlysNode::set_peers), the actors' mailbox bounds, and the JSON-RPC
// server's rate limit through a setter the server provides.
//
// A mailbox key whose actor the node does not run (mailbox_bridge without a bridge,
// mailbox_federation off an authority) and a rate limit while no RPC server is running
// are nothing to apply: ok. set_peers fails only when the network actor's mailbox refuses
// the message; the addresses are set by then, and the rollback sets the old ones back.
// Threading: any thread (every part it touches is thread-safe); the reloader serializes.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "node/config_reload.h"

namespace alys {
class AlysNode;
class Log;
}  // namespace alys

namespace alys::real {
class TcpTransport;
}  // namespace alys::real

namespace alys::node {

class NodeReloadTarget final : public ReloadTarget {
 public:
  using RpcRateSetter = std::function<Status(std::uint32_t per_sec, std::uint32_t burst)>;

  // REQUIRES: all three outlive the target; `node` started.
  NodeReloadTarget(Log& log, real::TcpTransport& transport, AlysNode& node);

  // The JSON-RPC server's setter, once it runs (null again when it stops).
  void set_rpc_rate_setter(RpcRateSetter setter);

  Status set_log_level(LogLevel level) override;
  Status set_peers(const std::map<NodeId, real::TcpPeerAddress>& peers) override;
  Status set_mailbox_capacity(std::string_view key, std::uint32_t capacity) override;
  Status set_rpc_rate_limit(std::uint32_t per_sec, std::uint32_t burst) override;

 private:
  Log& log_;
  real::TcpTransport& transport_;
  AlysNode& node_;
  std::mutex rpc_mu_;
  RpcRateSetter rpc_rate_;  // guarded by rpc_mu_
};

}  // namespace alys::node
