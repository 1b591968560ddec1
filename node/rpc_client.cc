#include "node/rpc_client.h"

#include <httplib.h>

#include <fmt/format.h>

namespace alys::node {

struct JsonRpcClient::Http {
  explicit Http(const JsonRpcEndpoint& e) : client(e.host, e.port) {
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);  // else each request waits ~40 ms for a delayed ACK
    client.set_connection_timeout(e.timeout);
    client.set_read_timeout(e.timeout);
    client.set_write_timeout(e.timeout);
    if (!e.bearer_token.empty()) client.set_bearer_token_auth(e.bearer_token);
    if (!e.basic_user.empty()) client.set_basic_auth(e.basic_user, e.basic_password);
  }
  httplib::Client client;
};

JsonRpcClient::JsonRpcClient(JsonRpcEndpoint endpoint)
    : endpoint_(std::move(endpoint)), http_(std::make_unique<Http>(endpoint_)) {}

JsonRpcClient::~JsonRpcClient() = default;

Result<nlohmann::json> JsonRpcClient::call(const std::string& method, nlohmann::json params) {
  last_error_code_.reset();
  const std::uint64_t id = next_id_++;
  const nlohmann::json request = {
      {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  const std::string where = fmt::format("{}:{}{}", endpoint_.host, endpoint_.port, endpoint_.path);
  auto res = http_->client.Post(endpoint_.path, request.dump(), "application/json");
  if (!res) {
    return Status::unavailable(fmt::format("{}: {}: no answer from {}: {}", method, where, where,
                                           httplib::to_string(res.error())));
  }
  auto body = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    if (res->status != 200) {
      return Status::unavailable(fmt::format("{}: {} answered HTTP {}", method, where, res->status));
    }
    return Status::corruption(fmt::format("{}: {} answered something that is not JSON", method, where));
  }
  if (auto e = body.find("error"); e != body.end() && !e->is_null()) {
    const int code = e->is_object() && e->contains("code") && (*e)["code"].is_number_integer()
                         ? (*e)["code"].get<int>()
                         : 0;
    const std::string message = e->is_object() && e->contains("message") && (*e)["message"].is_string()
                                    ? (*e)["message"].get<std::string>()
                                    : e->dump();
    last_error_code_ = code;
    return Status::invalid_argument(fmt::format("{}: {}: {}", method, code, message));
  }
  auto r = body.find("result");
  if (r == body.end()) {
    return Status::corruption(fmt::format("{}: {} answered with neither result nor error", method, where));
  }
  return std::move(*r);
}

}  // namespace alys::node
