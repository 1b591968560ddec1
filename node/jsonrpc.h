// JSON-RPC 2.0 (jsonrpc.org/specification) over one HTTP request body, independent of HTTP
// and of the node: parse, validate, dispatch to a MethodTable, answer.
//
//   single call      {"jsonrpc":"2.0","id":1,"method":"alys_head","params":[]}
//   batch            [call, call, ...]  (1..kMaxBatchCalls; answered as an array, in order)
//   notification     a call without "id": run, never answered (a body of only
//                    notifications is answered with HTTP 204 and no body)
// Params are positional (an array, or absent = []); by-name params (an object) are refused
// with kInvalidParams.
//
// Errors (the standard codes, then the server's own, -32000..-32099):
//   kParseError      the body is not JSON (a NUL byte anywhere included), or nests deeper
//                    than kMaxJsonDepth  (id null)
//   kInvalidRequest  not a request object, jsonrpc != "2.0", method not a string, id not
//                    a string/number/null, params not an array/object, an empty or too
//                    big batch, a body over kMaxBodyBytes (HTTP 413)
//   kMethodNotFound  no such method (the message names it)
//   kInvalidParams   a param missing, of the wrong type or unparsable: the message names
//                    it, e.g. "params[0] (height): expected a non-negative integer"
//   kInternalError   the method failed unexpectedly (a bug: it threw)
//   kRefused         the node refused the request; the message says why (a transaction
//                    the mempool did not take, an AuxPoW that does not check, a reload
//                    that failed validation)
//   kUnavailable     the node cannot answer now (an actor stopped, still loading, no
//                    bridge on this node, a hook not wired)
//   kTimeout         an actor did not answer in time
//   kRateLimited     the client is over its rate (HTTP 429)
//   kUnauthorized    an admin method without the right bearer token
// HTTP status: 200 for every JSON-RPC answer (errors included) but 429 and 413 above.
// Threading: handle() is reentrant; the table must not change while it runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace alys::node::jsonrpc {

using json = nlohmann::json;

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kRefused = -32000;
inline constexpr int kUnavailable = -32001;
inline constexpr int kTimeout = -32002;
inline constexpr int kRateLimited = -32003;
inline constexpr int kUnauthorized = -32004;

inline constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 20;  // 1 MiB
inline constexpr std::size_t kMaxBatchCalls = 100;
inline constexpr std::size_t kMaxJsonDepth = 64;

struct Error {
  int code = kInternalError;
  std::string message;
};
// What a method answers: its result, or an error.
using Reply = std::variant<json, Error>;

// "params[<index>] (<name>): <why>" as kInvalidParams.
Error invalid_param(std::size_t index, std::string_view name, std::string_view why);

struct Method {
  bool admin = false;     // needs the bearer token
  std::string signature;  // for the docs: "[height]"
  std::function<Reply(const json& params)> run;  // params: always an array
};
using MethodTable = std::map<std::string, Method, std::less<>>;

struct RequestContext {
  bool authorized = false;  // the request carried the configured admin token
  // Takes rate-limit tokens for the calls of a batch beyond the first (the HTTP layer took
  // one for the request); false refuses the whole body with kRateLimited. Empty: no limit.
  std::function<bool(std::size_t extra_calls)> admit_more;
};

struct HttpReply {
  int status = 200;
  std::string body;  // JSON; empty with 204
};

HttpReply handle(std::string_view body, const MethodTable& methods, const RequestContext& context);

// One error response (id null) as a body: for the HTTP layer's own refusals.
std::string error_body(int code, std::string_view message);

}  // namespace alys::node::jsonrpc
