#include "node/jsonrpc.h"

#include <exception>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace alys::node::jsonrpc {

namespace {

json response(const json& id, Reply reply) {
  json out = {{"jsonrpc", "2.0"}, {"id", id}};
  if (auto* result = std::get_if<json>(&reply)) {
    out["result"] = std::move(*result);
  } else {
    const Error& e = std::get<Error>(reply);
    out["error"] = {{"code", e.code}, {"message", e.message}};
  }
  return out;
}

json error_response(const json& id, int code, std::string message) {
  return response(id, Error{code, std::move(message)});
}

// Brackets nested deeper than kMaxJsonDepth, outside strings. The parser and json's
// destructor cope with depth, but nothing legitimate nests like that, and refusing it
// before parsing bounds the work a body can cause.
bool too_deep(std::string_view body) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// One call; nullopt for a notification (no answer).
std::optional<json> call(const json& request, const MethodTable& methods,
                         const RequestContext& context) {
  if (!request.is_object()) {
    return error_response(nullptr, kInvalidRequest, "invalid request: expected an object");
  }
  const auto id_it = request.find("id");
  const bool notification = id_it == request.end();
  json id = nullptr;
  if (!notification) {
    if (!id_it->is_string() && !id_it->is_number() && !id_it->is_null()) {
      return error_response(nullptr, kInvalidRequest,
                            "invalid request: id: expected a string, a number or null");
    }
    id = *id_it;
  }
  const auto version = request.find("jsonrpc");
  if (version == request.end() || !version->is_string() || version->get<std::string>() != "2.0") {
    return error_response(id, kInvalidRequest, "invalid request: jsonrpc: must be \"2.0\"");
  }
  const auto method_it = request.find("method");
  if (method_it == request.end() || !method_it->is_string()) {
    return error_response(id, kInvalidRequest, "invalid request: method: expected a string");
  }
  const std::string name = method_it->get<std::string>();
  const auto params_it = request.find("params");
  json params = json::array();
  if (params_it != request.end()) {
    if (params_it->is_object()) {
      // A well-formed request the method cannot take: a notification gets no answer.
      if (notification) return std::nullopt;
      return error_response(id, kInvalidParams,
                            "params: by-name params are not supported; pass an array");
    }
    if (!params_it->is_array()) {
      return error_response(id, kInvalidRequest, "invalid request: params: expected an array");
    }
    params = *params_it;
  }
  Reply reply;
  const auto method = methods.find(name);
  if (method == methods.end()) {
    reply = Error{kMethodNotFound, fmt::format("method not found: {}", name)};
  } else if (method->second.admin && !context.authorized) {
    reply = Error{kUnauthorized,
                  fmt::format("{}: unauthorized: admin methods need the node's bearer token", name)};
  } else {
    try {
      reply = method->second.run(params);
    } catch (const std::exception& e) {
      reply = Error{kInternalError, fmt::format("{}: internal error: {}", name, e.what())};
    }
  }
  if (notification) return std::nullopt;
  return response(id, std::move(reply));
}

// Never throws: a string that is not UTF-8 (it cannot come from the parser, but a message
// could quote bytes) is written with replacement characters.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

HttpReply answer(const json& body, int status = 200) { return HttpReply{status, dump(body)}; }

}  // namespace

Error invalid_param(std::size_t index, std::string_view name, std::string_view why) {
  return Error{kInvalidParams, fmt::format("params[{}] ({}): {}", index, name, why)};
}

std::string error_body(int code, std::string_view message) {
  return dump(error_response(nullptr, code, std::string(message)));
}

HttpReply handle(std::string_view body, const MethodTable& methods, const RequestContext& context) {
  if (body.size() > kMaxBodyBytes) {
    return HttpReply{413, error_body(kInvalidRequest, fmt::format("invalid request: body over {} bytes",
                                                                  kMaxBodyBytes))};
  }
  // The parser stops at a NUL byte as at the end of the input, so "{call}\0anything" would
  // run the call; JSON text holds no raw NUL anywhere (not even in a string).
  if (const auto nul = body.find('\0'); nul != std::string_view::npos) {
    return answer(error_response(
        nullptr, kParseError, fmt::format("parse error: the body is not JSON (a NUL byte at offset {})", nul)));
  }
  if (too_deep(body)) {
    return answer(error_response(
        nullptr, kParseError, fmt::format("parse error: JSON nested deeper than {}", kMaxJsonDepth)));
  }
  const json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    return answer(error_response(nullptr, kParseError, "parse error: the body is not JSON"));
  }
  if (!request.is_array()) {
    std::optional<json> one = call(request, methods, context);
    if (!one) return HttpReply{204, ""};
    return answer(*one);
  }
  if (request.empty()) {
    return answer(error_response(nullptr, kInvalidRequest, "invalid request: empty batch"));
  }
  if (request.size() > kMaxBatchCalls) {
    return answer(error_response(
        nullptr, kInvalidRequest,
        fmt::format("invalid request: batch of {} calls (at most {})", request.size(), kMaxBatchCalls)));
  }
  if (request.size() > 1 && context.admit_more && !context.admit_more(request.size() - 1)) {
    return answer(error_response(nullptr, kRateLimited, "rate limited: too many calls; slow down"),
                  429);
  }
  json out = json::array();
  for (const json& r : request) {
    if (std::optional<json> one = call(r, methods, context)) out.push_back(std::move(*one));
  }
  if (out.empty()) return HttpReply{204, ""};
  return answer(out);
}

}  // namespace alys::node::jsonrpc
