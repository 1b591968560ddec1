// The RPC server's parts that need no node: JSON-RPC 2.0 framing and errors
// (node/jsonrpc.h), the per-client rate limiter (node/rate_limiter.h), the Prometheus and
// health renderings (node/prometheus.h), and the node file's rpc_* keys.
#include "node/jsonrpc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/crypto/sha256.h"
#include "core/types/hex.h"
#include "node/node_files.h"
#include "node/prometheus.h"
#include "node/rate_limiter.h"

namespace alys::node {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// A table with an echo, a failing, a throwing and an admin method.
jsonrpc::MethodTable test_methods(std::atomic<int>* calls) {
  jsonrpc::MethodTable t;
  t["echo"] = {false, "[x]", [calls](const json& params) -> jsonrpc::Reply {
                 ++*calls;
                 return params;
               }};
  t["refuse"] = {false, "[]", [](const json&) -> jsonrpc::Reply {
                   return jsonrpc::Error{jsonrpc::kRefused, "no thanks"};
                 }};
  t["throws"] = {false, "[]", [](const json& params) -> jsonrpc::Reply {
                   return params.at(5);  // out of range: json throws
                 }};
  t["admin_x"] = {true, "[]", [](const json&) -> jsonrpc::Reply { return true; }};
  return t;
}

class JsonRpcTest : public ::testing::Test {
 protected:
  // The body's JSON (an HTTP status other than `status` fails the test).
  json post(const std::string& body, int status = 200, bool authorized = false) {
    jsonrpc::RequestContext ctx;
    ctx.authorized = authorized;
    ctx.admit_more = [this](std::size_t extra) {
      extra_asked_ += extra;
      return admit_;
    };
    const jsonrpc::HttpReply r = jsonrpc::handle(body, methods_, ctx);
    EXPECT_EQ(r.status, status) << body << " -> " << r.body;
    if (r.body.empty()) return nullptr;
    return json::parse(r.body);
  }
  static int code_of(const json& response) { return response.at("error").at("code").get<int>(); }

  std::atomic<int> calls_{0};
  jsonrpc::MethodTable methods_ = test_methods(&calls_);
  bool admit_ = true;
  std::size_t extra_asked_ = 0;
};

TEST_F(JsonRpcTest, ASingleCallIsAnsweredWithItsIdAndResult) {
  const json r = post(R"({"jsonrpc":"2.0","id":"abc","method":"echo","params":[1,"x"]})");
  EXPECT_EQ(r["jsonrpc"], "2.0");
  EXPECT_EQ(r["id"], "abc");
  EXPECT_EQ(r["result"], json::array({1, "x"}));
  EXPECT_FALSE(r.contains("error"));
  // Absent params are an empty array.
  EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":7,"method":"echo"})")["result"], json::array());
}

TEST_F(JsonRpcTest, MalformedInputGetsTheStandardErrors) {
  json r = post("{not json");
  EXPECT_EQ(code_of(r), jsonrpc::kParseError);
  EXPECT_TRUE(r["id"].is_null());
  EXPECT_EQ(code_of(post("")), jsonrpc::kParseError);
  EXPECT_EQ(code_of(post(std::string(200, '[') + std::string(200, ']'))), jsonrpc::kParseError)
      << "nesting beyond kMaxJsonDepth";

  r = post(R"({"jsonrpc":"1.0","id":3,"method":"echo"})");
  EXPECT_EQ(code_of(r), jsonrpc::kInvalidRequest);
  EXPECT_EQ(r["id"], 3);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("jsonrpc"), std::string::npos);
  EXPECT_EQ(code_of(post(R"({"jsonrpc":"2.0","id":3})")), jsonrpc::kInvalidRequest);
  EXPECT_EQ(code_of(post(R"({"jsonrpc":"2.0","id":3,"method":5})")), jsonrpc::kInvalidRequest);
  EXPECT_EQ(code_of(post(R"({"jsonrpc":"2.0","id":3,"method":"echo","params":"x"})")),
            jsonrpc::kInvalidRequest);
  r = post(R"({"jsonrpc":"2.0","id":{"a":1},"method":"echo"})");
  EXPECT_EQ(code_of(r), jsonrpc::kInvalidRequest);
  EXPECT_TRUE(r["id"].is_null());
  EXPECT_EQ(code_of(post("42")), jsonrpc::kInvalidRequest);
  EXPECT_EQ(code_of(post(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}})")),
            jsonrpc::kInvalidParams);

  r = post(R"({"jsonrpc":"2.0","id":4,"method":"nope"})");
  EXPECT_EQ(code_of(r), jsonrpc::kMethodNotFound);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("nope"), std::string::npos);

  EXPECT_EQ(code_of(post(R"({"jsonrpc":"2.0","id":5,"method":"refuse"})")), jsonrpc::kRefused);
  EXPECT_EQ(code_of(post(R"({"jsonrpc":"2.0","id":6,"method":"throws"})")), jsonrpc::kInternalError);
  EXPECT_EQ(calls_, 0) << "no malformed call reached a method";
}

// Regression (fuzz_jsonrpc, node/fuzz/corpus/jsonrpc/crash_nul_after_call): the JSON parser
// stops at a NUL byte as at the end of the input, so a call followed by a NUL and anything
// at all ran; a body with a NUL byte is not JSON.
TEST_F(JsonRpcTest, ABodyWithANulByteIsNotJson) {
  const std::string call = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[1]})";
  json r = post(call + std::string(1, '\0') + "not json at all [[[");
  EXPECT_EQ(code_of(r), jsonrpc::kParseError);
  EXPECT_TRUE(r["id"].is_null());
  EXPECT_NE(r["error"]["message"].get<std::string>().find("NUL byte at offset 53"), std::string::npos)
      << r.dump();
  EXPECT_EQ(code_of(post("[" + call + "," + call + "]" + std::string(1, '\0'))), jsonrpc::kParseError);
  EXPECT_EQ(calls_, 0) << "the call before the NUL did not run";
  EXPECT_EQ(post(call)["result"], json::array({1}));
}

TEST_F(JsonRpcTest, OversizedBodiesAreRefusedWith413) {
  const std::string big = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" +
                          std::string(jsonrpc::kMaxBodyBytes, 'a') + R"("]})";
  EXPECT_EQ(code_of(post(big, 413)), jsonrpc::kInvalidRequest);
  EXPECT_EQ(calls_, 0);
}

TEST_F(JsonRpcTest, BatchesAnswerEveryCallButNotifications) {
  const json r = post(R"([
      {"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},
      {"jsonrpc":"2.0","method":"echo","params":[2]},
      {"jsonrpc":"2.0","id":3,"method":"nope"},
      17
  ])");
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0]["id"], 1);
  EXPECT_EQ(r[0]["result"], json::array({1}));
  EXPECT_EQ(r[1]["id"], 3);
  EXPECT_EQ(code_of(r[1]), jsonrpc::kMethodNotFound);
  EXPECT_TRUE(r[2]["id"].is_null());
  EXPECT_EQ(code_of(r[2]), jsonrpc::kInvalidRequest);
  EXPECT_EQ(calls_, 2) << "the notification ran too";
  EXPECT_EQ(extra_asked_, 3u) << "a batch of 4 takes 3 tokens beyond the request's";

  EXPECT_EQ(code_of(post("[]")), jsonrpc::kInvalidRequest);
  json too_many = json::array();
  for (std::size_t i = 0; i <= jsonrpc::kMaxBatchCalls; ++i) {
    too_many.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "echo"}});
  }
  EXPECT_EQ(code_of(post(too_many.dump())), jsonrpc::kInvalidRequest);

  // Only notifications: nothing to answer, not even their errors.
  EXPECT_TRUE(post(R"([{"jsonrpc":"2.0","method":"echo"}])", 204).is_null());
  EXPECT_TRUE(post(R"([{"jsonrpc":"2.0","method":"nope"},
                       {"jsonrpc":"2.0","method":"echo","params":{"a":1}}])", 204).is_null());
  EXPECT_TRUE(post(R"({"jsonrpc":"2.0","method":"echo"})", 204).is_null());
}

TEST_F(JsonRpcTest, ABatchOverTheRateIsRefusedWhole) {
  admit_ = false;
  const int before = calls_;
  const json r = post(R"([{"jsonrpc":"2.0","id":1,"method":"echo"},{"jsonrpc":"2.0","id":2,"method":"echo"}])",
                      429);
  EXPECT_EQ(code_of(r), jsonrpc::kRateLimited);
  EXPECT_EQ(calls_, before);
}

TEST_F(JsonRpcTest, AdminMethodsNeedAuthorization) {
  EXPECT_EQ(code_of(post(R"({"jsonrpc":"2.0","id":1,"method":"admin_x"})")), jsonrpc::kUnauthorized);
  EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":1,"method":"admin_x"})", 200, true)["result"], true);
}

TEST(RateLimiter, EachClientHasItsOwnBucketRefilledOverTime) {
  RateLimiter limiter(actor::RateLimit{3, 10});  // burst 3, 10 tokens a second
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.try_take("a", 1, t0));
  EXPECT_TRUE(limiter.try_take("a", 2, t0));
  EXPECT_FALSE(limiter.try_take("a", 1, t0));
  EXPECT_TRUE(limiter.try_take("b", 3, t0)) << "another client is not affected";
  EXPECT_FALSE(limiter.try_take("b", 1, t0));
  EXPECT_TRUE(limiter.try_take("a", 1, t0 + 100ms)) << "one token back after 100 ms";
  EXPECT_FALSE(limiter.try_take("a", 1, t0 + 100ms));
  EXPECT_FALSE(limiter.try_take("a", 4, t0 + 10s)) << "never more than the burst at once";
  EXPECT_TRUE(limiter.try_take("a", 3, t0 + 10s));
  EXPECT_EQ(limiter.refused(), 4u);
  limiter.set_limit(actor::RateLimit{0, 0});
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.try_take("a", 5, t0 + 10s)) << "burst 0: no limit";
}

TEST(RateLimiter, TracksAtMostMaxClients) {
  RateLimiter limiter(actor::RateLimit{1, 1});
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.try_take("first", 1, t0));
  for (std::size_t i = 0; i < RateLimiter::kMaxClients; ++i) {
    EXPECT_TRUE(limiter.try_take("c" + std::to_string(i), 1, t0));
  }
  EXPECT_EQ(limiter.clients(), RateLimiter::kMaxClients);
  // "first" was the least recently used, so it was evicted: it starts with a full bucket.
  EXPECT_TRUE(limiter.try_take("first", 1, t0));
  EXPECT_EQ(limiter.clients(), RateLimiter::kMaxClients);
}

// The sample of `name` with exactly these labels ("" for none), or nullopt.
std::optional<std::string> sample(const std::string& text, const std::string& name_and_labels) {
  const std::string key = name_and_labels + " ";
  std::size_t at = 0;
  while ((at = text.find(key, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      const std::size_t end = text.find('\n', at);
      return text.substr(at + key.size(), end - at - key.size());
    }
    at += key.size();
  }
  return std::nullopt;
}

actor::HealthNode leaf(std::string name, actor::LifecycleState state) {
  actor::HealthNode n;
  n.name = std::move(name);
  n.state = state;
  return n;
}

TEST(Prometheus, RendersTheTreeChainPeersSyncAndPegs) {
  MetricsSnapshot s;
  s.health = leaf("alys", actor::LifecycleState::kRunning);
  s.health.supervisor = true;
  actor::HealthNode chain = leaf("chain", actor::LifecycleState::kRunning);
  chain.mailbox_depth = 4;
  chain.stats.max_depth = 9;
  chain.stats.restarts = 2;
  chain.stats.failed = 3;
  chain.stats.dropped[static_cast<std::size_t>(actor::DeadLetterReason::kMailboxFull)] = 5;
  s.health.children.push_back(chain);
  s.health.children.push_back(leaf("we\"ird\\name", actor::LifecycleState::kBackoff));
  s.dead_letters_total = 5;
  s.dead_letters[static_cast<std::size_t>(actor::DeadLetterReason::kMailboxFull)] = 5;
  StatusMessage c;
  c.head_height = 120;
  c.finalized_height = 100;
  s.chain = c;
  s.peers = std::vector<net::PeerView>{{1, net::PeerState::kReady}, {2, net::PeerState::kReady},
                                       {3, net::PeerState::kBanned}};
  sync::SyncProgress p;
  p.state = sync::SyncState::kSyncing;
  p.head_height = 50;
  p.target_height = 200;
  s.sync = p;
  s.has_bridge = true;
  bridge::BridgeStatus b;
  b.pegins_by_state.assign(bridge::kPegStateCount, 0);
  b.pegins_by_state[static_cast<std::size_t>(bridge::PegState::kCompleted) - 1] = 7;
  b.pegouts_by_state.assign(bridge::kPegStateCount, 0);
  b.pegouts_by_state[static_cast<std::size_t>(bridge::PegState::kExecuting) - 1] = 2;
  s.bridge = b;
  s.rpc_requests = 11;

  const std::string text = render_prometheus(s);
  EXPECT_EQ(sample(text, "alys_node_healthy"), "0") << "one actor is in backoff";
  EXPECT_EQ(sample(text, R"(alys_actor_mailbox_depth{actor="chain"})"), "4");
  EXPECT_EQ(sample(text, R"(alys_actor_mailbox_max_depth{actor="chain"})"), "9");
  EXPECT_EQ(sample(text, R"(alys_actor_restarts_total{actor="chain"})"), "2");
  EXPECT_EQ(sample(text, R"(alys_actor_failures_total{actor="chain"})"), "3");
  EXPECT_EQ(sample(text, R"(alys_actor_dropped_total{actor="chain",reason="mailbox_full"})"), "5");
  EXPECT_EQ(sample(text, R"(alys_actor_running{actor="we\"ird\\name"})"), "0") << "labels escaped";
  EXPECT_EQ(sample(text, "alys_dead_letters_total"), "5");
  EXPECT_EQ(sample(text, R"(alys_dead_letters_by_reason_total{reason="mailbox_full"})"), "5");
  EXPECT_EQ(sample(text, "alys_chain_head_height"), "120");
  EXPECT_EQ(sample(text, "alys_chain_finalized_height"), "100");
  EXPECT_EQ(sample(text, "alys_chain_finality_lag_blocks"), "20");
  EXPECT_EQ(sample(text, R"(alys_peers{state="ready"})"), "2");
  EXPECT_EQ(sample(text, R"(alys_peers{state="banned"})"), "1");
  EXPECT_EQ(sample(text, R"(alys_sync_state{state="syncing"})"), "1");
  EXPECT_EQ(sample(text, R"(alys_sync_state{state="synced"})"), "0");
  EXPECT_EQ(sample(text, "alys_sync_target_height"), "200");
  EXPECT_EQ(sample(text, "alys_sync_progress_ratio"), "0.25");
  EXPECT_EQ(sample(text, R"(alys_peg_operations{kind="peg-in",state="Completed"})"), "7");
  EXPECT_EQ(sample(text, R"(alys_peg_operations{kind="peg-out",state="Executing"})"), "2");
  EXPECT_EQ(sample(text, "alys_rpc_requests_total"), "11");
  EXPECT_EQ(sample(text, R"(alys_metrics_source_up{source="bridge"})"), "1");
  // Every family is declared once with its type.
  EXPECT_NE(text.find("# TYPE alys_actor_restarts_total counter\n"), std::string::npos);
  EXPECT_EQ(text.find("# TYPE alys_actor_restarts_total counter\n"),
            text.rfind("# TYPE alys_actor_restarts_total counter\n"));

  // An actor that did not answer leaves its metrics out and says so.
  s.chain.reset();
  s.bridge.reset();
  const std::string partial = render_prometheus(s);
  EXPECT_FALSE(sample(partial, "alys_chain_head_height").has_value());
  EXPECT_EQ(sample(partial, R"(alys_metrics_source_up{source="chain"})"), "0");
  EXPECT_EQ(sample(partial, R"(alys_metrics_source_up{source="bridge"})"), "0");
}

TEST(Prometheus, HealthJsonMirrorsTheTree) {
  actor::HealthNode root = leaf("alys", actor::LifecycleState::kRunning);
  root.supervisor = true;
  root.children.push_back(leaf("chain", actor::LifecycleState::kRunning));
  json h = health_json(root);
  EXPECT_TRUE(h["healthy"].get<bool>());
  EXPECT_EQ(h["tree"]["name"], "alys");
  EXPECT_EQ(h["tree"]["children"][0]["name"], "chain");
  EXPECT_EQ(h["tree"]["children"][0]["state"], "running");
  root.children[0].breaker = actor::BreakerState::kOpen;
  h = health_json(root);
  EXPECT_FALSE(h["healthy"].get<bool>());
  EXPECT_EQ(h["tree"]["children"][0]["breaker"], "open");
}

TEST(RpcNodeFile, RpcKeysLoadValidateAndOverride) {
  namespace fs = std::filesystem;
  std::string pattern = (fs::temp_directory_path() / "alys-rpc-config-XXXXXX").string();
  const fs::path dir = ::mkdtemp(pattern.data());
  const SecretKey key = SecretKey::from_bytes(sha256(as_bytes("alys/test/rpc-config")).view()).value();
  auto write = [&](const std::string& extra) {
    const fs::path p = dir / "node.toml";
    std::ofstream(p) << "id = 0\nkey = \"" << to_hex(key.view())
                     << "\"\nspec = \"spec.toml\"\ndata_dir = \"data\"\nlisten = \"127.0.0.1:7000\"\n"
                     << extra;
    return p.string();
  };
  auto plain = load_node_file(write(""));
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_FALSE(plain->rpc_listen.has_value()) << "no rpc_listen: no server";
  EXPECT_EQ(plain->rpc_rate_per_sec, kDefaultRpcRatePerSec);

  auto full = load_node_file(
      write("rpc_listen = \"127.0.0.1:8545\"\nrpc_token = \"t0k3n\"\nrpc_rate_per_sec = 7\nrpc_burst = 9\n"));
  ASSERT_TRUE(full) << full.error().to_string();
  ASSERT_TRUE(full->rpc_listen.has_value());
  EXPECT_EQ(full->rpc_listen->port, 8545);
  EXPECT_EQ(full->rpc_token, "t0k3n");
  EXPECT_EQ(full->rpc_rate_per_sec, 7u);
  EXPECT_EQ(full->rpc_burst, 9u);
  // What init writes loads back.
  const fs::path again = dir / "again.toml";
  std::ofstream(again) << node_file_toml(*full);
  auto reloaded = load_node_file(again.string());
  ASSERT_TRUE(reloaded) << reloaded.error().to_string();
  EXPECT_EQ(reloaded->rpc_listen->port, 8545);
  EXPECT_EQ(reloaded->rpc_token, "t0k3n");
  EXPECT_EQ(reloaded->rpc_burst, 9u);

  for (const auto& [bad, key_named] :
       {std::pair{"rpc_listen = \"nowhere\"\n", "rpc_listen"}, {"rpc_rate_per_sec = 0\n", "rpc_rate_per_sec"},
        {"rpc_burst = 2000000\n", "rpc_burst"}, {"rpc_token = \"has space\"\n", "rpc_token"},
        {"rpc_token = \"\"\n", "rpc_token"}}) {
    auto r = load_node_file(write(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find(key_named), std::string::npos) << r.error().message();
  }

  NodeFile n = *plain;
  const NodeOverrides env = overrides_from_env([](const char* k) -> const char* {
    return std::string(k) == "ALYS_RPC_LISTEN" ? "0.0.0.0:9000" : nullptr;
  });
  ASSERT_TRUE(apply_overrides(n, env, "environment").is_ok());
  ASSERT_TRUE(n.rpc_listen.has_value());
  EXPECT_EQ(n.rpc_listen->host, "0.0.0.0");
  EXPECT_EQ(n.rpc_listen->port, 9000);
  NodeOverrides flag;
  flag.rpc_listen = "127.0.0.1:x";
  const Status s = apply_overrides(n, flag, "flag");
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("flag: rpc_listen"), std::string::npos) << s.message();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace alys::node
