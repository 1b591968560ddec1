#include "node/rpc_server.h"

#include "node/http_listen.h"

#include <httplib.h>

#include <chrono>

#include <fmt/format.h>

#include "core/system/alys_node.h"
#include "node/bearer_token.h"
#include "node/node_queries.h"
#include "node/prometheus.h"
#include "node/rate_limiter.h"

namespace alys::node {

namespace {

constexpr const char* kJson = "application/json";
// httplib's worker threads: each holds one connection (keep-alive) at a time.
constexpr std::size_t kWorkerThreads = 8;
// Requests one keep-alive connection may carry before the server closes it (httplib's
// default of 5 would make a benchmark mostly measure TCP handshakes).
constexpr std::size_t kKeepAliveMaxRequests = 10'000;
constexpr std::chrono::seconds kKeepAliveIdle{5};

}  // namespace

struct RpcServer::Impl {
  Impl(AlysNode& node, RpcServerOptions o, AdminHooks hooks)
      : options(std::move(o)),
        queries(node),
        methods(node_methods(queries, std::move(hooks), options.ask_timeout)),
        limiter(actor::RateLimit{options.burst, options.rate_per_sec}) {}

  MetricsSnapshot snapshot(std::uint64_t requests, std::uint64_t rate_limited) const {
    const Deadline until = std::chrono::steady_clock::now() + options.ask_timeout;
    auto chain = queries.ask_chain_status();
    auto sync = queries.ask_sync();
    auto peers = queries.ask_peers();
    auto chain_stats = queries.ask_chain_stats();
    auto network_stats = queries.ask_network_stats();
    std::optional<PendingAnswer<bridge::BridgeStatus>> bridge;
    if (queries.facts().has_bridge) bridge.emplace(queries.ask_bridge_status());
    MetricsSnapshot s;
    s.health = queries.health();
    s.dead_letters_total = queries.dead_letter_total();
    for (std::size_t r = 0; r < actor::kDeadLetterReasonCount; ++r) {
      s.dead_letters[r] = queries.dead_letters(static_cast<actor::DeadLetterReason>(r));
    }
    if (auto c = chain.wait(until)) s.chain = *c;
    if (auto p = sync.wait(until)) s.sync = *p;
    if (auto p = peers.wait(until)) s.peers = std::move(*p);
    if (auto c = chain_stats.wait(until)) s.chain_stats = *c;
    if (auto n = network_stats.wait(until)) s.network_stats = *n;
    if (options.transport_metrics) s.transport = options.transport_metrics();
    s.has_bridge = queries.facts().has_bridge;
    if (bridge) {
      if (auto b = bridge->wait(until)) s.bridge = std::move(*b);
    }
    s.rpc_requests = requests;
    s.rpc_rate_limited = rate_limited;
    return s;
  }

  RpcServerOptions options;
  NodeQueries queries;
  jsonrpc::MethodTable methods;
  RateLimiter limiter;
  httplib::Server server;
};

RpcServer::RpcServer(AlysNode& node, RpcServerOptions options, AdminHooks hooks)
    : impl_(std::make_unique<Impl>(node, std::move(options), std::move(hooks))) {}

RpcServer::~RpcServer() { stop(); }

Result<std::uint16_t> RpcServer::start() {
  if (started_) return Status::failed_precondition("rpc: already started");
  Impl& m = *impl_;
  httplib::Server& s = m.server;
  s.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  s.set_payload_max_length(jsonrpc::kMaxBodyBytes);
  s.set_keep_alive_max_count(kKeepAliveMaxRequests);
  s.set_keep_alive_timeout(kKeepAliveIdle.count());
  // httplib writes headers and body apart: with Nagle on, each answer waits for the
  // client's delayed ACK (about 40 ms on Linux).
  s.set_tcp_nodelay(true);

  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    requests_.fetch_add(1, std::memory_order_relaxed);
    if (impl_->limiter.try_take(req.remote_addr, 1)) return httplib::Server::HandlerResponse::Unhandled;
    rate_limited_.fetch_add(1, std::memory_order_relaxed);
    res.status = 429;
    res.set_content(jsonrpc::error_body(jsonrpc::kRateLimited, "rate limited: slow down"), kJson);
    return httplib::Server::HandlerResponse::Handled;
  });
  s.Post("/", [this](const httplib::Request& req, httplib::Response& res) {
    jsonrpc::RequestContext context;
    context.authorized = bearer_matches(req.get_header_value("Authorization"), impl_->options.token);
    const std::string client = req.remote_addr;
    context.admit_more = [this, client](std::size_t extra) {
      if (impl_->limiter.try_take(client, static_cast<std::uint32_t>(extra))) return true;
      rate_limited_.fetch_add(1, std::memory_order_relaxed);
      return false;
    };
    jsonrpc::HttpReply reply = jsonrpc::handle(req.body, impl_->methods, context);
    res.status = reply.status;
    if (!reply.body.empty()) res.set_content(reply.body, kJson);
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    const MetricsSnapshot snapshot = impl_->snapshot(requests(), rate_limited());
    res.set_content(render_prometheus(snapshot), kPrometheusContentType);
  });
  s.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    // Answers show in the next snapshot: health checks run on the actors' strands.
    impl_->queries.run_health_checks();
    const actor::HealthNode tree = impl_->queries.health();
    res.status = tree.healthy() ? 200 : 503;
    res.set_content(health_json(tree).dump(), kJson);
  });
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&,
                                                                httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) {
      res.set_content(jsonrpc::error_body(jsonrpc::kInvalidRequest,
                                          fmt::format("invalid request: body over {} bytes",
                                                      jsonrpc::kMaxBodyBytes)),
                      kJson);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }));

  own_port_exclusively(s);
  const std::string& host = m.options.host;
  int port = m.options.port;
  if (port == 0) {
    port = s.bind_to_any_port(host);
    if (port < 0) return Status::unavailable(fmt::format("rpc: cannot bind {}:0", host));
  } else if (!s.bind_to_port(host, port)) {
    return Status::unavailable(fmt::format("rpc: cannot bind {}:{}", host, port));
  }
  auto listening_ended = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([&s, listening_ended] {
    s.listen_after_bind();
    listening_ended->store(true);
  });
  // httplib's stop() does nothing until the listen loop runs, so a stop() right after
  // start() would leave the thread serving forever: return once it runs.
  while (!s.is_running() && !listening_ended->load()) std::this_thread::yield();
  started_ = true;
  if (!s.is_running()) {
    stop();
    return Status::unavailable(fmt::format("rpc: listening on {}:{} failed", host, port));
  }
  port_ = static_cast<std::uint16_t>(port);
  return port_;
}

Status RpcServer::set_rate_limit(std::uint32_t rate_per_sec, std::uint32_t burst) {
  if (burst > 0 && rate_per_sec == 0) {
    return Status::invalid_argument("rpc: rate_per_sec: must be >= 1 with a burst");
  }
  impl_->limiter.set_limit(actor::RateLimit{burst, rate_per_sec});
  return Status::ok();
}

void RpcServer::stop() {
  if (!started_) return;
  impl_->server.stop();
  if (thread_.joinable()) thread_.join();
  started_ = false;
}

}  // namespace alys::node
