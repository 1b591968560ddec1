// JSON-RPC throughput (issue 8, DESIGN.md §9): alys_status requests/s over loopback HTTP
// with keep-alive, from 1 and 4 client threads (with and without TCP_NODELAY on the
// client), against one real node (a single authority on the production runtime producing
// 250 ms blocks) and its RpcServer with no rate limit.
// Each call is a full round trip: HTTP parse, JSON-RPC dispatch, three actor asks (chain,
// network, sync) answered on their strands, JSON answer. items_per_second is the figure;
// compare it as a ratio within one run, never as a timed test.
//
// Lives in node/ rather than harness/bench: the harness never links node (DESIGN.md §1).
#include <benchmark/benchmark.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "core/crypto/sha256.h"
#include "core/system/alys_node.h"
#include "node/commands.h"
#include "node/rpc_server.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/real_env.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// One node and its server for the whole run, stopped at exit in the teardown order.
class BenchNode {
 public:
  BenchNode() : dir_(fs::temp_directory_path() / ("alys-rpc-bench-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    const SecretKey key = SecretKey::from_bytes(sha256(as_bytes("alys/bench/rpc")).view()).value();
    auto spec = std::make_shared<ChainSpec>();
    spec->slot_duration_ms = 250;
    spec->authorities.push_back(key.xonly_public_key().bytes());
    pool_ = std::make_unique<real::AsioPool>(2);
    real::RealEnvOptions o;
    o.data_dir = dir_.string();
    o.log_level = LogLevel::kError;
    env_ = std::move(real::RealEnv::open(pool_->context(), o)).value();
    NodeConfig config;
    config.spec = spec;
    config.node_key = key;
    node_ = std::make_unique<AlysNode>(env_->env(), config);
    pool_->start();
    node_->start();
    RpcServerOptions ro;
    ro.burst = 0;  // measure the server, not the limiter
    rpc_ = std::make_unique<RpcServer>(*node_, ro);
    port_ = rpc_->start().value();
  }
  ~BenchNode() {
    rpc_->stop();
    (void)stop_actors(*node_, 30s);
    pool_->stop();
    rpc_.reset();
    node_.reset();
    env_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::uint16_t port() const { return port_; }

 private:
  fs::path dir_;
  std::unique_ptr<real::AsioPool> pool_;
  std::unique_ptr<real::RealEnv> env_;
  std::unique_ptr<AlysNode> node_;
  std::unique_ptr<RpcServer> rpc_;
  std::uint16_t port_ = 0;
};

BenchNode& bench_node() {
  static BenchNode node;
  return node;
}

void BM_RpcStatus(benchmark::State& state) {
  static std::once_flag started;
  std::call_once(started, [] { (void)bench_node(); });
  httplib::Client cli("127.0.0.1", bench_node().port());
  cli.set_keep_alive(true);
  // Arg 1: no Nagle wait between the request's headers and body (as the server does for
  // answers); arg 0: a client with httplib's default, to show what that costs.
  cli.set_tcp_nodelay(state.range(0) != 0);
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"alys_status","params":[]})";
  std::int64_t failed = 0;
  for (auto _ : state) {
    auto r = cli.Post("/", body, "application/json");
    if (!r || r->status != 200 || r->body.find("\"result\"") == std::string::npos) ++failed;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["failed"] = static_cast<double>(failed);
}
BENCHMARK(BM_RpcStatus)->Arg(1)->Arg(0)->Threads(1)->Threads(4)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace alys::node
