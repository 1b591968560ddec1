// RpcServer: the node's HTTP API (DESIGN.md §8) on cpp-httplib, one listener on a
// configured host:port:
//
//   POST /        JSON-RPC 2.0, single or batch (node/jsonrpc.h; methods: node/rpc_methods.h)
//   GET /metrics  Prometheus text format 0.0.4 (node/prometheus.h)
//   GET /health   the supervision tree as JSON: 200 when every actor is healthy, else 503
//
// Handlers run on httplib's worker threads and reach the node only through NodeQueries:
// messages to actors answered before a deadline (ask_timeout), never actor state.
// Every request first takes a token of its client's bucket (by remote IP; a batch takes
// one per call): over the rate it is answered HTTP 429 with a kRateLimited JSON-RPC error.
// Admin methods need "Authorization: Bearer <token>"; with no token configured they are
// refused to everyone. Bodies over jsonrpc::kMaxBodyBytes get HTTP 413.
//
// Lifecycle: start() binds and serves on its own thread; stop() stops accepting, lets the
// requests in progress finish (each bounded by ask_timeout) and joins. The node must run
// (its executor) from start() to stop(): stop the server before the node's actors.
// Threading: start() and stop() from one owner thread; counters from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/runtime/status.h"
#include "core/runtime/time.h"
#include "node/node_files.h"
#include "node/rpc_methods.h"
#include "runtime-real/tcp_transport.h"

namespace alys {
class AlysNode;
}  // namespace alys

namespace alys::node {

// How long a handler waits for an actor's answer before it answers kTimeout.
inline constexpr Duration kDefaultAskTimeout = 5s;

struct RpcServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (start() tells which)
  std::string token;       // admin bearer token; empty: admin methods refused
  std::uint32_t rate_per_sec = kDefaultRpcRatePerSec;  // per client (remote IP)
  std::uint32_t burst = kDefaultRpcBurst;              // 0: no rate limit
  Duration ask_timeout = kDefaultAskTimeout;
  // The node's TCP transport counters for /metrics (any thread); unset: not exported.
  std::function<real::TcpTransportMetrics()> transport_metrics;
};

class RpcServer {
 public:
  // REQUIRES: node started (its tree built) and outliving the server.
  RpcServer(AlysNode& node, RpcServerOptions options, AdminHooks hooks = {});
  ~RpcServer();  // stops
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Binds and starts serving; returns the bound port. Errors: the address cannot be bound
  // (kUnavailable naming it), or already started (kFailedPrecondition).
  Result<std::uint16_t> start();
  // Idempotent.
  void stop();
  // The bound port (0 before start()).
  std::uint16_t port() const { return port_; }

  // Replaces the per-client rate limit (hot reload: NodeReloadTarget's setter). Any
  // thread. Errors: rate_per_sec 0 with a burst (kInvalidArgument).
  Status set_rate_limit(std::uint32_t rate_per_sec, std::uint32_t burst);

  std::uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t rate_limited() const { return rate_limited_.load(std::memory_order_relaxed); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  bool started_ = false;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> rate_limited_{0};
};

}  // namespace alys::node
