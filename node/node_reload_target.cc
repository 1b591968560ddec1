#include "node/node_reload_target.h"

#include <fmt/format.h>

#include "core/system/alys_node.h"
#include "runtime-real/tcp_transport.h"

namespace alys::node {

NodeReloadTarget::NodeReloadTarget(Log& log, real::TcpTransport& transport, AlysNode& node)
    : log_(log), transport_(transport), node_(node) {}

void NodeReloadTarget::set_rpc_rate_setter(RpcRateSetter setter) {
  std::lock_guard lock(rpc_mu_);
  rpc_rate_ = std::move(setter);
}

Status NodeReloadTarget::set_log_level(LogLevel level) {
  log_.set_level(level);
  return Status::ok();
}

Status NodeReloadTarget::set_peers(const std::map<NodeId, real::TcpPeerAddress>& peers) {
  std::vector<NodeId> ids;
  for (const auto& [id, address] : peers) {
    transport_.set_peer_address(id, address);  // before the network actor dials it
    ids.push_back(id);
  }
  return node_.set_peers(std::move(ids));
}

Status NodeReloadTarget::set_mailbox_capacity(std::string_view key, std::uint32_t capacity) {
  actor::CellBase* cell = nullptr;
  if (key == "mailbox_storage") cell = &node_.storage().cell();
  if (key == "mailbox_engine") cell = &node_.engine().cell();
  if (key == "mailbox_chain") cell = &node_.chain().cell();
  if (key == "mailbox_auxpow") cell = &node_.auxpow().cell();
  if (key == "mailbox_network") cell = &node_.network().cell();
  if (key == "mailbox_sync") cell = &node_.sync().cell();
  if (key == "mailbox_bridge") {
    if (!node_.bridge()) return Status::ok();
    cell = &node_.bridge()->cell();
  }
  if (key == "mailbox_federation") {
    if (!node_.federation()) return Status::ok();
    cell = &node_.federation()->cell();
  }
  if (cell == nullptr) return Status::invalid_argument(fmt::format("limits.{}: not a mailbox", key));
  if (capacity == 0) return Status::invalid_argument(fmt::format("limits.{}: must be > 0", key));
  cell->set_mailbox_capacity(capacity);
  return Status::ok();
}

Status NodeReloadTarget::set_rpc_rate_limit(std::uint32_t per_sec, std::uint32_t burst) {
  std::lock_guard lock(rpc_mu_);
  if (!rpc_rate_) return Status::ok();  // no RPC server running: nothing to limit
  return rpc_rate_(per_sec, burst);
}

}  // namespace alys::node
