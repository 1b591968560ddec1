// `alys-node status --rpc host:port`: what a running node says about itself, over its
// JSON-RPC (alys_status and alys_syncState), printed as JSON. Exit codes: 0 answered,
// 1 the node did not answer (unreachable, or an RPC error: the message says which),
// 2 a bad --rpc address.
#pragma once

#include <string>

namespace alys::node {

int status_command(const std::string& rpc_address, const std::string& token);

}  // namespace alys::node
