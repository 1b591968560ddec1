// The node file's RPC settings (rpc_listen, rpc_token, rpc_rate_per_sec, rpc_burst) as a
// running RpcServer for `alys-node run`.
// Errors: the address cannot be bound (named). REQUIRES: file.rpc_listen set; the node
// started and outliving the server; the hooks thread-safe.
#pragma once

#include <functional>
#include <memory>

#include "core/runtime/status.h"
#include "node/node_files.h"
#include "node/rpc_server.h"

namespace alys::node {

// `transport_metrics`: the node's TCP counters for /metrics (may be empty).
Result<std::unique_ptr<RpcServer>> start_rpc_server(
    const NodeFile& file, AlysNode& node, AdminHooks hooks,
    std::function<real::TcpTransportMetrics()> transport_metrics = nullptr);

}  // namespace alys::node
