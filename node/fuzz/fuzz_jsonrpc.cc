// libFuzzer target: jsonrpc::handle (node/jsonrpc.h), the node's JSON-RPC 2.0 request
// parser and dispatcher, over a table of fake methods that check their params with the real
// helpers (node/rpc_json.h), as node/rpc_methods.cc does, and decode hex params with the
// real decoders (ledger transactions, AuxPoW).
//
// Each input is handled twice: without the admin token and with no rate limit, then with
// the token and a limit that refuses a batch of more than kAdmittedExtraCalls + 1 calls.
// Checks, against a model of the specification written here:
// - the HTTP status is 200, 204 (nothing to answer) or 429 (the batch was rate limited);
//   the body is empty exactly with 204, and otherwise parses as JSON;
// - every answer is a JSON-RPC 2.0 response: an object with exactly "jsonrpc": "2.0", "id"
//   and one of "result" / "error", the error an object with an integer "code" and a string
//   "message";
// - a body that is not JSON (a NUL byte anywhere included: nlohmann's parser would stop
//   there) or nests deeper than kMaxJsonDepth gets one kParseError; an empty or oversized
//   batch one kInvalidRequest; otherwise each call that is not a notification gets one
//   answer, in order, with its id (null when the id was unusable), and notifications get
//   none (so a batch answer never has more entries than calls);
// - each answer's error code is the one the model expects for that call (invalid request,
//   method not found, unauthorized, by-name params), and a method that ran answers a result,
//   kInvalidParams naming "params", or kRefused; kInternalError only from the method that
//   throws on purpose (the param helpers never throw).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/bitcoin/auxpow.h"
#include "core/chain/codec.h"
#include "core/fuzz/fuzz_util.h"
#include "core/runtime/log.h"
#include "node/jsonrpc.h"
#include "node/rpc_json.h"

namespace {

using namespace alys;
using namespace alys::node;
using jsonrpc::Error;
using jsonrpc::Reply;

constexpr std::size_t kAdmittedExtraCalls = 20;

jsonrpc::MethodTable fake_methods() {
  jsonrpc::MethodTable t;
  t["alys_head"] = {false, "[]", [](const json& params) -> Reply {
                      if (auto e = expect_params(params, 0)) return *e;
                      return point_json(Hash256{}, 7);
                    }};
  t["alys_getBlockByNumber"] = {false, "[height]", [](const json& params) -> Reply {
                                  if (auto e = expect_params(params, 1)) return *e;
                                  auto height = param_u64(params, 0, "height");
                                  if (auto* e = error_in(height)) return *e;
                                  if (std::get<std::uint64_t>(height) > 100) return json(nullptr);
                                  return point_json(Hash256{}, std::get<std::uint64_t>(height));
                                }};
  t["alys_getBlockByHash"] = {false, "[hash]", [](const json& params) -> Reply {
                                if (auto e = expect_params(params, 1)) return *e;
                                auto hash = param_hash(params, 0, "hash");
                                if (auto* e = error_in(hash)) return *e;
                                return point_json(std::get<Hash256>(hash), 1);
                              }};
  t["alys_getAccount"] = {false, "[address]", [](const json& params) -> Reply {
                            if (auto e = expect_params(params, 1)) return *e;
                            auto address = param_address(params, 0, "address");
                            if (auto* e = error_in(address)) return *e;
                            return json{{"balance", "0"}, {"nonce", 0}};
                          }};
  t["alys_sendRawTransaction"] = {
      false, "[tx]", [](const json& params) -> Reply {
        if (auto e = expect_params(params, 1)) return *e;
        Parsed<LedgerTx> tx = param_ledger_tx(params, 0, "tx");
        if (auto* e = error_in(tx)) return *e;
        if (std::get<LedgerTx>(tx).nonce == 0) return Error{jsonrpc::kRefused, "transaction refused: nonce: too low"};
        return ledger_tx_hash(std::get<LedgerTx>(tx)).to_hex();
      }};
  t["submitauxblock"] = {
      false, "[hash, auxpow]", [](const json& params) -> Reply {
        if (auto e = expect_params(params, 2)) return *e;
        auto hash = param_hash(params, 0, "hash");
        if (auto* e = error_in(hash)) return *e;
        auto auxpow = param_auxpow(params, 1, "auxpow");
        if (auto* e = error_in(auxpow)) return *e;
        return Error{jsonrpc::kRefused, "unknown aux hash"};
      }};
  t["admin_setLogLevel"] = {true, "[level]", [](const json& params) -> Reply {
                              if (auto e = expect_params(params, 1)) return *e;
                              auto level = param_log_level(params, 0, "level");
                              if (auto* e = error_in(level)) return *e;
                              return true;
                            }};
  t["fake_echo"] = {false, "[...]", [](const json& params) -> Reply { return params; }};
  // at(5) throws below six params: the dispatcher must turn that into kInternalError.
  t["fake_throws"] = {false, "[...]", [](const json& params) -> Reply { return params.at(5); }};
  return t;
}

const jsonrpc::MethodTable& methods() {
  static const jsonrpc::MethodTable table = fake_methods();
  return table;
}

// Whether `j` nests deeper than `limit` (arrays and objects count one level each).
bool deeper_than(const json& j, std::size_t limit) {
  if (!j.is_array() && !j.is_object()) return false;
  if (limit == 0) return true;
  for (const json& child : j) {
    if (deeper_than(child, limit - 1)) return true;
  }
  return false;
}

// What the specification says one call gets: no answer (a notification), or an answer with
// `id` and either the error `code` (the dispatcher's own) or whatever `method` answers.
struct Expected {
  bool answered = true;
  json id = nullptr;
  std::optional<int> code;
  std::string method;  // set when the method runs
};

Expected expect_call(const json& call, bool authorized) {
  Expected e;
  if (!call.is_object()) {
    e.code = jsonrpc::kInvalidRequest;
    return e;
  }
  const auto id = call.find("id");
  const bool notification = id == call.end();
  if (!notification) {
    if (!id->is_string() && !id->is_number() && !id->is_null()) {
      e.code = jsonrpc::kInvalidRequest;
      return e;
    }
    e.id = *id;
  }
  const auto version = call.find("jsonrpc");
  if (version == call.end() || *version != "2.0") {
    e.code = jsonrpc::kInvalidRequest;
    return e;
  }
  const auto method = call.find("method");
  if (method == call.end() || !method->is_string()) {
    e.code = jsonrpc::kInvalidRequest;
    return e;
  }
  const auto params = call.find("params");
  if (params != call.end() && !params->is_array() && !params->is_object()) {
    e.code = jsonrpc::kInvalidRequest;
    return e;
  }
  // A well-formed call: from here on a notification is never answered.
  e.answered = !notification;
  const auto m = methods().find(method->get<std::string>());
  if (params != call.end() && params->is_object()) {
    e.code = jsonrpc::kInvalidParams;
  } else if (m == methods().end()) {
    e.code = jsonrpc::kMethodNotFound;
  } else if (m->second.admin && !authorized) {
    e.code = jsonrpc::kUnauthorized;
  } else {
    e.method = m->first;
  }
  return e;
}

// The reply and its context, formatted only when a check fails.
struct Where {
  const jsonrpc::HttpReply& reply;
  bool authorized;
  std::string operator()() const {
    return fmt::format("authorized={} HTTP {} body={}", authorized, reply.status, reply.body);
  }
};

void check_response(const json& r, const Expected& e, const Where& where) {
  FUZZ_CHECK(r.is_object() && r.size() == 3, "jsonrpc: an answer is not an object of 3 keys: " + where());
  FUZZ_CHECK(r.contains("jsonrpc") && r["jsonrpc"] == "2.0", "jsonrpc: jsonrpc is not \"2.0\": " + where());
  FUZZ_CHECK(r.contains("id") && r["id"] == e.id, "jsonrpc: wrong id: " + where());
  const bool has_result = r.contains("result");
  const bool has_error = r.contains("error");
  FUZZ_CHECK(has_result != has_error, "jsonrpc: not exactly one of result and error: " + where());
  if (has_result) {
    FUZZ_CHECK(!e.method.empty(), "jsonrpc: a result where the model expects an error: " + where());
    return;
  }
  const json& error = r["error"];
  FUZZ_CHECK(error.is_object() && error.size() == 2 && error.contains("code") &&
                 error["code"].is_number_integer() && error.contains("message") &&
                 error["message"].is_string(),
             "jsonrpc: error is not {code: integer, message: string}: " + where());
  const int code = error["code"].get<int>();
  if (e.code) {
    FUZZ_CHECK(code == *e.code, fmt::format("jsonrpc: error code {} where the model expects {}: {}",
                                            code, *e.code, where()));
    return;
  }
  const std::string message = error["message"].get<std::string>();
  if (code == jsonrpc::kInvalidParams) {
    FUZZ_CHECK(message.starts_with("params"), "jsonrpc: kInvalidParams names no param: " + where());
  } else if (code == jsonrpc::kInternalError) {
    FUZZ_CHECK(e.method == "fake_throws", "jsonrpc: a param helper threw: " + where());
  } else {
    FUZZ_CHECK(code == jsonrpc::kRefused, fmt::format("jsonrpc: a method answered code {}: {}", code, where()));
  }
}

void check_single_error(const jsonrpc::HttpReply& reply, int status, int code, const Where& where) {
  FUZZ_CHECK(reply.status == status, fmt::format("jsonrpc: HTTP {} where {} is expected: {}", reply.status,
                                                 status, where()));
  const json body = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!body.is_discarded(), "jsonrpc: the answer is not JSON: " + where());
  Expected e;
  e.code = code;
  check_response(body, e, where);
}

void check(std::string_view input, const jsonrpc::RequestContext& context, std::size_t admitted_extra) {
  const jsonrpc::HttpReply reply = jsonrpc::handle(input, methods(), context);
  const Where where{reply, context.authorized};
  FUZZ_CHECK(reply.status == 200 || reply.status == 204 || reply.status == 429,
             fmt::format("jsonrpc: HTTP {}: {}", reply.status, where()));
  FUZZ_CHECK((reply.status == 204) == reply.body.empty(), "jsonrpc: a body with 204 or none without: " + where());

  // nlohmann's parser takes a NUL byte for the end of the input; JSON has none.
  const bool has_nul = input.find('\0') != std::string_view::npos;
  const json request = has_nul ? json(json::value_t::discarded) : json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded() || deeper_than(request, jsonrpc::kMaxJsonDepth)) {
    check_single_error(reply, 200, jsonrpc::kParseError, where);
    return;
  }
  std::vector<Expected> expected;
  if (request.is_array()) {
    if (request.empty() || request.size() > jsonrpc::kMaxBatchCalls) {
      check_single_error(reply, 200, jsonrpc::kInvalidRequest, where);
      return;
    }
    if (request.size() > 1 && request.size() - 1 > admitted_extra) {
      check_single_error(reply, 429, jsonrpc::kRateLimited, where);
      return;
    }
    for (const json& call : request) {
      Expected e = expect_call(call, context.authorized);
      if (e.answered) expected.push_back(std::move(e));
    }
  } else {
    Expected e = expect_call(request, context.authorized);
    if (e.answered) expected.push_back(std::move(e));
  }
  if (expected.empty()) {
    FUZZ_CHECK(reply.status == 204, "jsonrpc: notifications were answered: " + where());
    return;
  }
  FUZZ_CHECK(reply.status == 200, "jsonrpc: calls were not answered: " + where());
  const json body = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!body.is_discarded(), "jsonrpc: the answer is not JSON: " + where());
  if (!request.is_array()) {
    check_response(body, expected.front(), where);
    return;
  }
  FUZZ_CHECK(body.is_array() && body.size() == expected.size(),
             fmt::format("jsonrpc: {} answers to {} calls that are not notifications: {}",
                         body.is_array() ? body.size() : 0, expected.size(), where()));
  for (std::size_t i = 0; i < expected.size(); ++i) check_response(body[i], expected[i], where);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::input_text(data, size);

  jsonrpc::RequestContext anonymous;  // no token, no rate limit
  check(input, anonymous, jsonrpc::kMaxBatchCalls);

  jsonrpc::RequestContext admin;
  admin.authorized = true;
  admin.admit_more = [](std::size_t extra_calls) { return extra_calls <= kAdmittedExtraCalls; };
  check(input, admin, kAdmittedExtraCalls);
  return 0;
}
