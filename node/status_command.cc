#include "node/status_command.h"

#include <iostream>

#include "node/node_files.h"
#include "node/rpc_client.h"

namespace alys::node {

int status_command(const std::string& rpc_address, const std::string& token) {
  auto address = parse_host_port(rpc_address, /*allow_any_port=*/false);
  if (!address) {
    std::cerr << "alys-node status: --rpc: " << address.error().message() << "\n";
    return 2;
  }
  JsonRpcEndpoint e;
  e.host = address->host;
  e.port = address->port;
  e.bearer_token = token;
  JsonRpcClient rpc(e);
  auto status = rpc.call("alys_status");
  if (!status) {
    std::cerr << "alys-node status: " << status.error().message() << "\n";
    return 1;
  }
  auto sync = rpc.call("alys_syncState");
  if (!sync) {
    std::cerr << "alys-node status: " << sync.error().message() << "\n";
    return 1;
  }
  std::cout << nlohmann::json{{"status", *status}, {"sync", *sync}}.dump(2) << "\n";
  return 0;
}

}  // namespace alys::node
