// JsonRpcClient: a blocking JSON-RPC 2.0 client over HTTP (cpp-httplib), for the tools that
// talk to a node or to a bitcoind from outside the actor world: the CPU miner, `alys-node
// status`, the devnet launcher and the integration tests. Never used on an actor strand.
//
// One call = one POST of {"jsonrpc":"2.0","id":n,"method":..,"params":[..]} with a
// timeout; keep-alive between calls. Errors:
//   kUnavailable       no HTTP answer (refused, reset, timed out) or an HTTP status other
//                      than 200 without a JSON-RPC body (the message names the status);
//   kInvalidArgument   the server answered a JSON-RPC error: the message is
//                      "<method>: <code>: <message>" and rpc_error_code() gives the code;
//   kCorruption        an answer that is not JSON-RPC (not JSON, no result and no error).
// Threading: one client per thread (httplib clients are not shared).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/runtime/status.h"

namespace alys::node {

struct JsonRpcEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/";
  std::string bearer_token;                     // sent as Authorization: Bearer, if set
  std::string basic_user, basic_password;       // HTTP basic auth (bitcoind), if user set
  std::chrono::milliseconds timeout{5000};
};

class JsonRpcClient {
 public:
  explicit JsonRpcClient(JsonRpcEndpoint endpoint);
  ~JsonRpcClient();
  JsonRpcClient(const JsonRpcClient&) = delete;
  JsonRpcClient& operator=(const JsonRpcClient&) = delete;

  // The call's `result` member.
  Result<nlohmann::json> call(const std::string& method,
                              nlohmann::json params = nlohmann::json::array());
  // The code of the last JSON-RPC error answered, if the last call got one.
  std::optional<int> rpc_error_code() const { return last_error_code_; }
  const JsonRpcEndpoint& endpoint() const { return endpoint_; }

 private:
  struct Http;
  JsonRpcEndpoint endpoint_;
  std::unique_ptr<Http> http_;
  std::uint64_t next_id_ = 1;
  std::optional<int> last_error_code_;
};

}  // namespace alys::node
