// The node's HTTP API end to end: real AlysNodes on the production runtime (Asio, LevelDB,
// TCP loopback, wall-clock slots) with an RpcServer each on an ephemeral loopback port,
// called over real HTTP with httplib::Client. A single authority produces and approves
// blocks on its own; three of them agree through the network. Waits poll a condition with
// a deadline (poll_until), never sleep for a fixed time.
#include "node/rpc_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bitcoin/auxpow.h"
#include "core/chain/codec.h"
#include "core/crypto/sha256.h"
#include "core/system/alys_node.h"
#include "core/types/hex.h"
#include "node/commands.h"
#include "node/jsonrpc.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/real_env.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kDeadline = 60s;
constexpr const char* kToken = "test-token-0123";

SecretKey test_key(const std::string& label) {
  return SecretKey::from_bytes(sha256(as_bytes("alys/test/rpc/" + label)).view()).value();
}
EvmAddress address_of(const SecretKey& key) { return account_address(key.xonly_public_key()); }
const Wei kFunded = Wei::from_sat(1'000'000'000);  // 10 BTC worth of wei

// --- HTTP ------------------------------------------------------------------------------

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
  std::string content_type;
};

HttpAnswer http(std::uint16_t port, const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& authorization = "") {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  cli.set_tcp_nodelay(true);  // else each request waits ~40 ms for a delayed ACK
  httplib::Headers headers;
  if (!authorization.empty()) headers.emplace("Authorization", authorization);
  httplib::Result r = method == "GET" ? cli.Get(path.c_str(), headers)
                                      : cli.Post(path.c_str(), headers, body, "application/json");
  if (!r) return {};
  return {r->status, r->body, r->get_header_value("Content-Type")};
}

// The whole JSON-RPC response object of one call (null if there was no JSON answer).
json rpc(std::uint16_t port, const std::string& method, json params = json::array(),
         const std::string& authorization = "") {
  const json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
  const HttpAnswer a = http(port, "POST", "/", request.dump(), authorization);
  if (a.status == 0) return nullptr;
  const json out = json::parse(a.body, nullptr, false);
  return out.is_discarded() ? json(nullptr) : out;
}
// The result of a call that must succeed (the test fails, and null is returned, if not).
json result(std::uint16_t port, const std::string& method, json params = json::array()) {
  const json r = rpc(port, method, std::move(params));
  EXPECT_TRUE(r.is_object() && r.contains("result")) << method << " -> " << r.dump();
  return r.is_object() && r.contains("result") ? r["result"] : json(nullptr);
}
int error_code(const json& response) {
  if (!response.is_object() || !response.contains("error")) return 0;
  return response["error"]["code"].get<int>();
}
std::string error_message(const json& response) {
  if (!response.is_object() || !response.contains("error")) return "";
  return response["error"]["message"].get<std::string>();
}

std::string transfer_hex(const SecretKey& from, std::uint64_t nonce, const EvmAddress& to, Wei value,
                         Wei fee = Wei{}) {
  return to_hex(encode_ledger_tx(signed_transfer(from, nonce, to, value, fee)));
}

// --- nodes -----------------------------------------------------------------------------

// One node "process" with its HTTP API.
struct RpcNode {
  std::unique_ptr<real::AsioPool> pool;
  std::unique_ptr<real::RealEnv> env;
  std::unique_ptr<AlysNode> node;
  std::unique_ptr<RpcServer> rpc;
  std::uint16_t rpc_port = 0;
  std::atomic<int> reloads{0};

  // Server first, then the actors, then the pool (ActorSystem's teardown rule).
  void stop() {
    if (!node) return;
    if (rpc) rpc->stop();
    EXPECT_TRUE(stop_actors(*node, kDeadline)) << "the actors did not stop";
    pool->stop();
    rpc.reset();
    node.reset();
    env.reset();
    pool.reset();
  }
};

class RpcServerTest : public ::testing::Test {
 protected:
  RpcServerTest()
      : dir_(fs::temp_directory_path() / ("alys-rpc-server-" + std::to_string(::getpid()))),
        funded_(test_key("funded")) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~RpcServerTest() override {
    for (auto& n : nodes_) n->stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // `count` authorities, each with an RPC server; they know each other's addresses.
  void start_network(std::size_t count) {
    spec_ = std::make_shared<ChainSpec>();
    spec_->slot_duration_ms = 250;
    spec_->retarget.initial_bits = 0x207fffff;  // regtest work: a proof takes a few hashes
    for (std::size_t i = 0; i < count; ++i) {
      spec_->authorities.push_back(test_key("node" + std::to_string(i)).xonly_public_key().bytes());
    }
    spec_->allocations.push_back({address_of(funded_), kFunded});
    std::vector<std::uint16_t> ports;
    for (std::size_t i = 0; i < count; ++i) {
      auto n = std::make_unique<RpcNode>();
      n->pool = std::make_unique<real::AsioPool>(2);
      real::RealEnvOptions o;
      o.id = static_cast<NodeId>(i);
      o.data_dir = (dir_ / ("n" + std::to_string(i))).string();
      o.transport.network_id = spec_->chain_id;
      o.transport.backoff_initial = 20ms;
      o.transport.backoff_max = 500ms;
      o.log_level = LogLevel::kError;
      auto env = real::RealEnv::open(n->pool->context(), o);
      ASSERT_TRUE(env) << env.error().to_string();
      n->env = std::move(env).value();
      ports.push_back(n->env->port());
      NodeConfig config;
      config.spec = spec_;
      config.node_key = test_key("node" + std::to_string(i));
      for (std::size_t p = 0; p < count; ++p) {
        if (p != i) config.peers.push_back(static_cast<NodeId>(p));
      }
      n->node = std::make_unique<AlysNode>(n->env->env(), config);
      nodes_.push_back(std::move(n));
    }
    for (std::size_t i = 0; i < count; ++i) {
      RpcNode& n = *nodes_[i];
      for (std::size_t p = 0; p < count; ++p) {
        if (p != i) n.env->transport().set_peer_address(static_cast<NodeId>(p), {"127.0.0.1", ports[p]});
      }
      n.pool->start();
      n.node->start();
      RpcServerOptions ro;
      ro.token = kToken;
      ro.burst = 0;  // no rate limit here; RateLimitTripsWith429 tests it
      AdminHooks hooks;
      Log& log = n.env->env().log();
      hooks.set_log_level = [&log](LogLevel level) {
        log.set_level(level);
        return Status::ok();
      };
      hooks.reload = [&n]() -> Result<std::string> {
        ++n.reloads;
        return std::string("nothing changed");
      };
      n.rpc = std::make_unique<RpcServer>(*n.node, ro, std::move(hooks));
      auto port = n.rpc->start();
      ASSERT_TRUE(port) << port.error().to_string();
      n.rpc_port = *port;
    }
  }

  std::uint16_t port(std::size_t i = 0) const { return nodes_[i]->rpc_port; }

  std::uint64_t head_height(std::size_t i = 0) {
    const json h = rpc(port(i), "alys_head");
    return h.contains("result") ? h["result"]["height"].get<std::uint64_t>() : 0;
  }
  bool wait_head_at_least(std::uint64_t height, std::size_t i = 0) {
    return real::poll_until([&] { return head_height(i) >= height; }, kDeadline, 20ms);
  }
  // The balance of `address` (decimal wei) as node i reports it.
  std::string balance(const EvmAddress& address, std::size_t i = 0) {
    const json a = rpc(port(i), "alys_getAccount", {evm_address_hex(address)});
    return a.contains("result") ? a["result"]["balance"].get<std::string>() : "";
  }

  fs::path dir_;
  SecretKey funded_;
  std::shared_ptr<ChainSpec> spec_;
  std::vector<std::unique_ptr<RpcNode>> nodes_;
};

TEST_F(RpcServerTest, StatusAndHeadAdvanceAndBlocksAgreeByNumberAndHash) {
  start_network(1);
  ASSERT_TRUE(wait_head_at_least(2)) << "a single authority never produced blocks";
  const json status = result(port(), "alys_status");
  EXPECT_EQ(status["node_id"], 0);
  EXPECT_EQ(status["authority"], 0);
  EXPECT_EQ(status["chain_id"], spec_->chain_id);
  EXPECT_EQ(status["genesis"], nodes_[0]->node->genesis_hash().to_hex());
  EXPECT_EQ(status["peers"], 0);
  EXPECT_EQ(status["syncing"], false);
  const std::uint64_t first = status["head"]["height"].get<std::uint64_t>();
  EXPECT_GE(first, 2u);
  EXPECT_LE(status["finalized"]["height"].get<std::uint64_t>(), first);
  ASSERT_TRUE(wait_head_at_least(first + 2)) << "the head stopped at " << first;

  const json head = result(port(), "alys_head");
  const std::uint64_t h = head["height"].get<std::uint64_t>();
  const json by_number = result(port(), "alys_getBlockByNumber", {h});
  ASSERT_TRUE(by_number.is_object()) << by_number.dump();
  EXPECT_EQ(by_number["height"], h);
  EXPECT_EQ(by_number["hash"], head["hash"]);
  EXPECT_EQ(by_number["proposer"], 0);
  EXPECT_TRUE(by_number["canonical"].get<bool>());
  EXPECT_TRUE(by_number["approved"].get<bool>());
  EXPECT_GE(by_number["approvals"].get<int>(), 1);
  const json by_hash = result(port(), "alys_getBlockByHash", json::array({head["hash"]}));
  EXPECT_EQ(by_hash, by_number) << "the same block by number and by hash";
  const json parent = result(port(), "alys_getBlockByNumber", {h - 1});
  EXPECT_EQ(by_number["parent"], parent["hash"]);
  const json genesis = result(port(), "alys_getBlockByNumber", {0});
  EXPECT_EQ(genesis["hash"], status["genesis"]);
  EXPECT_TRUE(genesis["proposer"].is_null());

  EXPECT_TRUE(result(port(), "alys_getBlockByNumber", {h + 100000}).is_null()) << "above the head";
  EXPECT_TRUE(result(port(), "alys_getBlockByHash", {Hash256{}.to_hex()}).is_null()) << "unknown";
  EXPECT_EQ(result(port(), "alys_peers"), json::array());
  const json sync = result(port(), "alys_syncState");
  EXPECT_EQ(sync["state"], "idle") << "no peers: " << sync.dump();
  EXPECT_EQ(sync["peers"], 0);
  // No bridge on this node.
  EXPECT_EQ(error_code(rpc(port(), "alys_bridgeStatus")), jsonrpc::kUnavailable);
  EXPECT_EQ(error_code(rpc(port(), "alys_getPegOperation", {Hash256{}.to_hex()})), jsonrpc::kUnavailable);
}

TEST_F(RpcServerTest, ATransferSentOverRpcShowsInTheRecipientsBalance) {
  start_network(1);
  const EvmAddress to = address_of(test_key("recipient"));
  const json before = result(port(), "alys_getAccount", {evm_address_hex(address_of(funded_))});
  EXPECT_EQ(before["balance"], kFunded.to_string());
  EXPECT_EQ(before["nonce"], 0);
  EXPECT_EQ(balance(to), "0");

  const std::string tx = transfer_hex(funded_, 0, to, Wei::from_u64(12345));
  const json sent = rpc(port(), "alys_sendRawTransaction", {tx});
  ASSERT_TRUE(sent.contains("result")) << sent.dump();
  auto decoded = decode_ledger_tx(from_hex(tx).value());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(sent["result"], ledger_tx_hash(*decoded).to_hex());
  ASSERT_TRUE(real::poll_until([&] { return balance(to) == "12345"; }, kDeadline, 20ms))
      << "the transfer never landed; balance " << balance(to);
  const json after = result(port(), "alys_getAccount", {evm_address_hex(address_of(funded_))});
  EXPECT_EQ(after["nonce"], 1);

  // The sender's nonce 0 is used: another transaction with it can never apply.
  const json stale = rpc(port(), "alys_sendRawTransaction", {transfer_hex(funded_, 0, to, Wei::from_u64(1))});
  EXPECT_EQ(error_code(stale), jsonrpc::kRefused) << stale.dump();
  EXPECT_NE(error_message(stale).find("nonce"), std::string::npos) << stale.dump();
  // A transfer its sender cannot pay for now is refused, naming the balance.
  const json broke = rpc(port(), "alys_sendRawTransaction",
                         {transfer_hex(test_key("nobody"), 0, to, Wei::from_u64(1))});
  EXPECT_EQ(error_code(broke), jsonrpc::kRefused) << broke.dump();
  EXPECT_NE(error_message(broke).find("balance: the sender holds 0 wei"), std::string::npos) << broke.dump();
  // A bad signature: the mempool refuses it and says why.
  Bytes forged = from_hex(transfer_hex(funded_, 1, to, Wei::from_u64(1))).value();
  forged.back() ^= 1;
  const json bad_sig = rpc(port(), "alys_sendRawTransaction", {to_hex(forged)});
  EXPECT_EQ(error_code(bad_sig), jsonrpc::kRefused) << bad_sig.dump();
  EXPECT_NE(error_message(bad_sig).find("signature"), std::string::npos) << bad_sig.dump();
  // Not hex, and hex that is no transaction: invalid params naming the param.
  const json garbage = rpc(port(), "alys_sendRawTransaction", {"zz-not-hex"});
  EXPECT_EQ(error_code(garbage), jsonrpc::kInvalidParams);
  EXPECT_NE(error_message(garbage).find("params[0] (tx)"), std::string::npos) << garbage.dump();
  const json not_tx = rpc(port(), "alys_sendRawTransaction", {"00ff"});
  EXPECT_EQ(error_code(not_tx), jsonrpc::kInvalidParams);
  EXPECT_NE(error_message(not_tx).find("not a ledger transaction"), std::string::npos) << not_tx.dump();
  EXPECT_EQ(balance(to), "12345") << "nothing refused was applied";
}

TEST_F(RpcServerTest, MalformedRequestsGetJsonRpcErrors) {
  start_network(1);
  auto post = [&](const std::string& body) {
    const HttpAnswer a = http(port(), "POST", "/", body);
    EXPECT_EQ(a.status, 200) << body;
    EXPECT_NE(a.content_type.find("application/json"), std::string::npos);
    return json::parse(a.body, nullptr, false);
  };
  json r = post("this is not json");
  EXPECT_EQ(error_code(r), jsonrpc::kParseError);
  EXPECT_TRUE(r["id"].is_null());
  r = post(R"({"jsonrpc":"2.0","id":9})");
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidRequest);
  EXPECT_EQ(r["id"], 9);
  EXPECT_EQ(error_code(post(R"({"id":9,"method":"alys_head"})")), jsonrpc::kInvalidRequest);
  r = rpc(port(), "alys_noSuchMethod");
  EXPECT_EQ(error_code(r), jsonrpc::kMethodNotFound);
  r = rpc(port(), "alys_getBlockByNumber", {"seven"});
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidParams);
  EXPECT_NE(error_message(r).find("params[0] (height)"), std::string::npos) << r.dump();
  r = rpc(port(), "alys_getBlockByNumber", json::array());
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidParams);
  r = rpc(port(), "alys_getAccount", {"0x1234"});
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidParams);
  EXPECT_NE(error_message(r).find("params[0] (address)"), std::string::npos) << r.dump();

  // A batch: answered in order, the notification not at all.
  r = post(R"([{"jsonrpc":"2.0","id":1,"method":"alys_head"},
               {"jsonrpc":"2.0","id":2,"method":"alys_nope"},
               {"jsonrpc":"2.0","method":"alys_head"},
               {"jsonrpc":"2.0","id":3,"method":"alys_getBlockByHash","params":["xyz"]}])");
  ASSERT_TRUE(r.is_array()) << r.dump();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0]["id"], 1);
  EXPECT_TRUE(r[0]["result"].contains("height"));
  EXPECT_EQ(error_code(r[1]), jsonrpc::kMethodNotFound);
  EXPECT_EQ(r[2]["id"], 3);
  EXPECT_EQ(error_code(r[2]), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(post("[]")), jsonrpc::kInvalidRequest);
  // Notifications only: HTTP 204.
  EXPECT_EQ(http(port(), "POST", "/", R"({"jsonrpc":"2.0","method":"alys_head"})").status, 204);
  // Too big a body: 413 with a JSON-RPC error.
  const HttpAnswer big = http(port(), "POST", "/", std::string(jsonrpc::kMaxBodyBytes + 10, ' '));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(error_code(json::parse(big.body, nullptr, false)), jsonrpc::kInvalidRequest) << big.body;
}

TEST_F(RpcServerTest, AdminMethodsNeedTheBearerToken) {
  start_network(1);
  const std::string bearer = std::string("Bearer ") + kToken;
  EXPECT_EQ(error_code(rpc(port(), "admin_setLogLevel", {"debug"})), jsonrpc::kUnauthorized);
  EXPECT_EQ(error_code(rpc(port(), "admin_setLogLevel", {"debug"}, "Bearer wrong")), jsonrpc::kUnauthorized);
  EXPECT_EQ(error_code(rpc(port(), "admin_reloadConfig", json::array(), "Bearer")), jsonrpc::kUnauthorized);
  EXPECT_EQ(nodes_[0]->env->env().log().level(), LogLevel::kError) << "refused calls changed nothing";
  EXPECT_EQ(nodes_[0]->reloads, 0);

  json r = rpc(port(), "admin_setLogLevel", {"debug"}, bearer);
  EXPECT_EQ(r["result"], true) << r.dump();
  EXPECT_EQ(nodes_[0]->env->env().log().level(), LogLevel::kDebug);
  r = rpc(port(), "admin_setLogLevel", {"loud"}, bearer);
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidParams);
  r = rpc(port(), "admin_reloadConfig", json::array(), bearer);
  EXPECT_EQ(r["result"], "nothing changed") << r.dump();
  EXPECT_EQ(nodes_[0]->reloads, 1);

  // A server without a token refuses admin methods to everyone.
  RpcServerOptions o;
  o.burst = 0;
  AdminHooks hooks;
  hooks.reload = [] { return Result<std::string>(std::string("should not run")); };
  RpcServer tokenless(*nodes_[0]->node, o, std::move(hooks));
  auto p = tokenless.start();
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(error_code(rpc(*p, "admin_reloadConfig", json::array(), "Bearer ")), jsonrpc::kUnauthorized);
  EXPECT_EQ(error_code(rpc(*p, "admin_reloadConfig", json::array(), bearer)), jsonrpc::kUnauthorized);
  tokenless.stop();
}

TEST_F(RpcServerTest, RateLimitTripsWithHttp429) {
  start_network(1);
  RpcServerOptions o;
  o.burst = 2;
  o.rate_per_sec = 1;
  RpcServer tight(*nodes_[0]->node, o);
  auto p = tight.start();
  ASSERT_TRUE(p) << p.error().to_string();
  const json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "alys_head"}};
  const auto started = std::chrono::steady_clock::now();
  int ok = 0;
  std::optional<HttpAnswer> refused;
  for (int i = 0; i < 20 && !refused; ++i) {
    HttpAnswer a = http(*p, "POST", "/", request.dump());
    if (a.status == 429) {
      refused = a;
    } else {
      EXPECT_EQ(a.status, 200);
      ++ok;
    }
  }
  const auto elapsed_s = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(refused.has_value()) << "20 requests never tripped a burst of 2 at 1/s";
  EXPECT_EQ(error_code(json::parse(refused->body, nullptr, false)), jsonrpc::kRateLimited) << refused->body;
  EXPECT_LE(ok, 2 + elapsed_s + 1) << "more requests passed than the bucket holds";
  EXPECT_GE(tight.rate_limited(), 1u);
  // A raised limit (hot reload) lets the client through again.
  ASSERT_TRUE(tight.set_rate_limit(1000, 1000).is_ok());
  EXPECT_EQ(http(*p, "POST", "/", request.dump()).status, 200);
  EXPECT_FALSE(tight.set_rate_limit(0, 5).is_ok());
  tight.stop();
}

// One port, one server: a second server on the port of a running one fails to start,
// naming the address, instead of silently sharing it (httplib's SO_REUSEPORT default).
TEST_F(RpcServerTest, ASecondServerOnATakenPortFailsNamingIt) {
  start_network(1);
  RpcServer first(*nodes_[0]->node, RpcServerOptions{});
  auto p = first.start();
  ASSERT_TRUE(p) << p.error().to_string();
  RpcServerOptions same;
  same.port = *p;
  RpcServer second(*nodes_[0]->node, same);
  auto q = second.start();
  ASSERT_FALSE(q.has_value()) << "two servers share port " << *p;
  EXPECT_EQ(q.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(q.error().message().find(std::to_string(*p)), std::string::npos) << q.error().message();
  first.stop();
}

TEST_F(RpcServerTest, MetricsAndHealthDescribeTheNode) {
  start_network(1);
  ASSERT_TRUE(wait_head_at_least(3));
  const HttpAnswer m = http(port(), "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.content_type.find("version=0.0.4"), std::string::npos) << m.content_type;
  for (const char* name :
       {"alys_node_healthy", "alys_actor_mailbox_depth{actor=\"chain\"}", "alys_actor_restarts_total",
        "alys_actor_failures_total", "alys_actor_dropped_total", "alys_dead_letters_total",
        "alys_chain_head_height", "alys_chain_finalized_height", "alys_chain_finality_lag_blocks",
        "alys_peers{state=\"ready\"}", "alys_sync_state{state=", "alys_sync_progress_ratio",
        "alys_rpc_requests_total"}) {
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(m.body.find("alys_peg_operations"), std::string::npos) << "no bridge, no peg metrics";
  // Values: the head height line parses and is where the chain is.
  const std::size_t at = m.body.find("\nalys_chain_head_height ");
  ASSERT_NE(at, std::string::npos);
  const std::uint64_t height = std::stoull(m.body.substr(at + 24));
  EXPECT_GE(height, 3u);
  EXPECT_NE(m.body.find("\nalys_node_healthy 1\n"), std::string::npos);
  EXPECT_NE(m.body.find("\nalys_actor_running{actor=\"chain\"} 1\n"), std::string::npos);

  const HttpAnswer h = http(port(), "GET", "/health");
  ASSERT_EQ(h.status, 200) << h.body;
  const json health = json::parse(h.body, nullptr, false);
  ASSERT_TRUE(health.is_object()) << h.body;
  EXPECT_TRUE(health["healthy"].get<bool>());
  EXPECT_EQ(health["tree"]["name"], "alys");
  std::vector<std::string> names;
  std::function<void(const json&)> collect = [&](const json& n) {
    names.push_back(n["name"].get<std::string>());
    EXPECT_EQ(n["state"], "running") << n["name"];
    for (const json& c : n["children"]) collect(c);
  };
  collect(health["tree"]);
  for (const char* actor : {"chain-sup", "chain", "engine", "auxpow", "network", "sync", "storage"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), actor), names.end()) << actor;
  }
  EXPECT_EQ(http(port(), "GET", "/nowhere").status, 404);
}

TEST_F(RpcServerTest, MergedMiningOverRpcFinalizesAndPaysTheNamedAddress) {
  start_network(1);
  // Fees to pay out: a transfer with a fee lands before the proof is asked for.
  const EvmAddress to = address_of(test_key("recipient"));
  const Wei fee = Wei::from_u64(777);
  ASSERT_TRUE(rpc(port(), "alys_sendRawTransaction", {transfer_hex(funded_, 0, to, Wei::from_u64(5), fee)})
                  .contains("result"));
  ASSERT_TRUE(real::poll_until([&] { return balance(to) == "5"; }, kDeadline, 20ms));

  const EvmAddress miner = address_of(test_key("miner"));
  const json work = result(port(), "createauxblock", {evm_address_hex(miner)});
  ASSERT_TRUE(work.is_object()) << work.dump();
  EXPECT_EQ(work["chainid"], spec_->chain_id);
  EXPECT_EQ(work["coinbasevalue"], 0);
  EXPECT_EQ(work["bits"].get<std::string>().size(), 8u);
  EXPECT_EQ(work["_target"].get<std::string>().size(), 64u);
  EXPECT_TRUE(Hash256::from_hex(work["previousblockhash"].get<std::string>()));
  const auto aux_hash = Hash256::from_hex(work["hash"].get<std::string>());
  ASSERT_TRUE(aux_hash);
  const std::uint64_t height = work["height"].get<std::uint64_t>();
  EXPECT_GE(height, 1u);

  AuxPowBuildParams params;
  params.aux_hash = *aux_hash;
  params.chain_id = work["chainid"].get<std::uint32_t>();
  params.bits = static_cast<std::uint32_t>(std::stoul(work["bits"].get<std::string>(), nullptr, 16));
  params.parent_time = 1'700'000'000;
  auto proof = build_auxpow(params);
  ASSERT_TRUE(proof) << proof.error().to_string();
  const std::string proof_hex = to_hex(serialize_auxpow(*proof));

  // Refusals first (the work stays known): bad hex, hex that is no AuxPoW, an unknown
  // hash, and a proof committing to another hash.
  json r = rpc(port(), "submitauxblock", {work["hash"], "zz"});
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidParams);
  EXPECT_NE(error_message(r).find("params[1] (auxpow)"), std::string::npos) << r.dump();
  r = rpc(port(), "submitauxblock", {work["hash"], "00"});
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidParams);
  EXPECT_NE(error_message(r).find("not an AuxPoW"), std::string::npos) << r.dump();
  r = rpc(port(), "submitauxblock", {Hash256{}.to_hex(), proof_hex});
  EXPECT_EQ(error_code(r), jsonrpc::kRefused);
  EXPECT_NE(error_message(r).find("unknown or stale"), std::string::npos) << r.dump();
  AuxPowBuildParams other = params;
  other.aux_hash = sha256(as_bytes("another bundle"));
  auto wrong = build_auxpow(other);
  ASSERT_TRUE(wrong);
  r = rpc(port(), "submitauxblock", {work["hash"], to_hex(serialize_auxpow(*wrong))});
  EXPECT_EQ(error_code(r), jsonrpc::kRefused) << r.dump();
  EXPECT_EQ(result(port(), "alys_finalized")["height"], 0) << "nothing was finalized by refusals";

  r = rpc(port(), "submitauxblock", {work["hash"], proof_hex});
  EXPECT_EQ(r["result"], true) << r.dump();
  ASSERT_TRUE(real::poll_until(
      [&] { return result(port(), "alys_finalized")["height"].get<std::uint64_t>() >= height; },
      kDeadline, 20ms))
      << "the proof never finalized its range";
  EXPECT_TRUE(result(port(), "alys_getBlockByNumber", {height})["canonical"].get<bool>());
  // The block that carried the proof paid the fee pot to the address the miner named.
  ASSERT_TRUE(real::poll_until([&] { return balance(miner) == fee.to_string(); }, kDeadline, 20ms))
      << "miner balance " << balance(miner);
}

TEST_F(RpcServerTest, ATransferSentToOneNodeShowsInBalancesOnAllThree) {
  start_network(3);
  ASSERT_TRUE(real::poll_until(
      [&] {
        for (std::size_t i = 0; i < 3; ++i) {
          const json s = rpc(port(i), "alys_status");
          if (!s.contains("result") || s["result"]["peers"] != 2) return false;
        }
        return true;
      },
      kDeadline, 20ms))
      << "the three nodes never all saw two ready peers";
  const json peers = result(port(1), "alys_peers");
  ASSERT_EQ(peers.size(), 2u) << peers.dump();
  EXPECT_EQ(peers[0]["id"], 0);
  EXPECT_EQ(peers[0]["state"], "ready");
  EXPECT_EQ(peers[1]["id"], 2);
  ASSERT_TRUE(wait_head_at_least(2, 2));

  const EvmAddress to = address_of(test_key("recipient"));
  const json sent = rpc(port(0), "alys_sendRawTransaction", {transfer_hex(funded_, 0, to, Wei::from_u64(424242))});
  ASSERT_TRUE(sent.contains("result")) << sent.dump();
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(real::poll_until([&] { return balance(to, i) == "424242"; }, kDeadline, 20ms))
        << "node " << i << " shows balance " << balance(to, i);
  }
}

}  // namespace
}  // namespace alys::node
