#include "node/rpc_setup.h"

#include <fmt/format.h>

namespace alys::node {

Result<std::unique_ptr<RpcServer>> start_rpc_server(
    const NodeFile& file, AlysNode& node, AdminHooks hooks,
    std::function<real::TcpTransportMetrics()> transport_metrics) {
  ALYS_ASSERT(file.rpc_listen.has_value(), "start_rpc_server: no rpc_listen");
  RpcServerOptions o;
  o.host = file.rpc_listen->host;
  o.port = file.rpc_listen->port;
  o.token = file.rpc_token;
  o.rate_per_sec = file.rpc_rate_per_sec;
  o.burst = file.rpc_burst;
  o.transport_metrics = std::move(transport_metrics);
  auto server = std::make_unique<RpcServer>(node, std::move(o), std::move(hooks));
  auto port = server->start();
  if (!port) return Status::unavailable(fmt::format("rpc_listen: {}", port.error().message()));
  return server;
}

}  // namespace alys::node
