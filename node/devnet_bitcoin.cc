#include "node/devnet_bitcoin.h"

#include "node/http_listen.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "node/devnet_bitcoin_rpc.h"
#include "runtime-sim/sim_bitcoin.h"

namespace alys::node {

namespace {

// The block schedule runs "forever": a century of virtual time.
constexpr Duration kScheduleHorizon = std::chrono::hours(24 * 365 * 100);

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      v = (v << 8) | (k < n ? static_cast<std::uint8_t>(in[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 0x3f] : '=');
    }
  }
  return out;
}

// Constant time in the given value's content (as bitcoind's TimingResistantEqual), so the
// time a refusal takes tells nothing about how much of the password was right.
bool equal_constant_time(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char g = i < given.size() ? given[i] : '\0';
    diff |= static_cast<unsigned char>(g ^ expected[i]);
  }
  return diff == 0;
}

bool is_rpc_path(std::string_view path) {
  return path == "/" || (path.starts_with("/wallet/") && path.size() > 8);
}

Status invalid(std::string_view field, const std::string& why) {
  return Status::invalid_argument(fmt::format("devnet bitcoin: {}: {}", field, why));
}

}  // namespace

Status DevnetBitcoinOptions::validate() const {
  if (host.empty()) return invalid("host", "empty");
  if (user.empty()) return invalid("user", "empty");
  if (user.find(':') != std::string::npos)
    return invalid("user", "holds ':' (basic auth splits there)");
  if (password.empty()) return invalid("password", "empty");
  if (block_interval < kDevnetBlockIntervalMin || block_interval > kDevnetBlockIntervalMax) {
    return invalid("block_interval",
                   fmt::format("{} not in [{}, {}]", format_duration(block_interval),
                               format_duration(kDevnetBlockIntervalMin),
                               format_duration(kDevnetBlockIntervalMax)));
  }
  if (coinbase_maturity < 1 || coinbase_maturity > kDevnetCoinbaseMaturityMax) {
    return invalid("coinbase_maturity",
                   fmt::format("{} not in [1, {}]", coinbase_maturity, kDevnetCoinbaseMaturityMax));
  }
  if (!federation) return invalid("federation", "missing (deposits pay it)");
  return Status::ok();
}

DevnetBitcoin::DevnetBitcoin(DevnetBitcoinOptions options)
    : options_(std::move(options)),
      expected_authorization_("Basic " + base64(options_.user + ":" + options_.password)) {}

Result<std::unique_ptr<DevnetBitcoin>> DevnetBitcoin::start(DevnetBitcoinOptions options,
                                                            sim::LogSink log) {
  if (Status s = options.validate(); !s.is_ok()) return s;
  std::unique_ptr<DevnetBitcoin> self(new DevnetBitcoin(std::move(options)));
  const DevnetBitcoinOptions& o = self->options_;

  sim::WorldConfig world;
  world.seed = o.seed;
  world.clocks.epoch_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  self->started_ = std::chrono::steady_clock::now();
  self->world_ = std::make_unique<sim::World>(world);
  if (log) self->world_->set_log_sink(std::move(log));
  sim::SimBitcoinConfig config;
  config.block_interval_mean = o.block_interval;
  config.coinbase_maturity = o.coinbase_maturity;
  self->bitcoin_ = std::make_unique<sim::SimBitcoin>(*self->world_, config, o.federation);
  self->bitcoin_->start(kTimeZero + kScheduleHorizon);

  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(kDevnetServerThreads); };
  server->set_payload_max_length(kDevnetMaxRequestBytes);
  own_port_exclusively(*server);
  DevnetBitcoin* me = self.get();
  server->Post(R"(/.*)", [me](const httplib::Request& req, httplib::Response& res) {
    if (!is_rpc_path(req.path)) {
      res.status = 404;
      return;
    }
    if (!equal_constant_time(req.get_header_value("Authorization"), me->expected_authorization_)) {
      res.status = 401;
      res.set_header("WWW-Authenticate", R"(Basic realm="jsonrpc")");
      return;
    }
    DevnetRpcReply reply;
    {
      std::lock_guard lock(me->mu_);
      me->advance_locked();
      reply = answer_devnet_rpc(*me->bitcoin_, req.body);
    }
    res.status = reply.http_status;
    res.set_content(std::move(reply.body), "application/json");
  });
  // bitcoind answers every other verb on its RPC paths with 405.
  const auto not_post = [](const httplib::Request& req, httplib::Response& res) {
    res.status = is_rpc_path(req.path) ? 405 : 404;
  };
  server->Get(R"(/.*)", not_post);
  server->Put(R"(/.*)", not_post);
  server->Delete(R"(/.*)", not_post);

  int port = o.port;
  errno = 0;
  if (o.port == 0) {
    port = server->bind_to_any_port(o.host);
  } else if (!server->bind_to_port(o.host, o.port)) {
    port = -1;
  }
  if (port <= 0) {
    return Status::unavailable(fmt::format("devnet bitcoin: cannot listen on {}:{}: {}", o.host,
                                           o.port,
                                           errno != 0 ? std::strerror(errno) : "bind failed"));
  }
  self->port_ = static_cast<std::uint16_t>(port);
  self->server_ = std::move(server);
  auto listening_ended = std::make_shared<std::atomic<bool>>(false);
  self->server_thread_ = std::thread([me, listening_ended] {
    me->server_->listen_after_bind();
    *listening_ended = true;
  });
  // Until the accept loop runs, stop() would not reach it (httplib checks is_running()):
  // the destructor relies on the loop being up. Bound already, so this is only thread start.
  while (!self->server_->is_running() && !*listening_ended) std::this_thread::yield();
  if (!self->server_->is_running()) {
    self->server_thread_.join();
    return Status::unavailable(
        fmt::format("devnet bitcoin: the server on {}:{} stopped at once", o.host, self->port_));
  }
  self->ticker_ = std::thread([me] { me->tick_loop(); });
  return self;
}

DevnetBitcoin::~DevnetBitcoin() {
  if (server_) {
    server_->stop();  // also waits for the request threads (httplib joins its pool)
    if (server_thread_.joinable()) server_thread_.join();
  }
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ticker_wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  bitcoin_.reset();  // before its World
  world_.reset();
}

real::BitcoindOptions DevnetBitcoin::client_options() const {
  real::BitcoindOptions o;
  o.host = options_.host == "0.0.0.0" ? "127.0.0.1" : options_.host;
  o.port = port_;
  o.user = options_.user;
  o.password = options_.password;
  o.network = kDevnetBitcoinNetwork;
  return o;
}

void DevnetBitcoin::with_model(const std::function<void(sim::SimBitcoin&)>& f) {
  std::lock_guard lock(mu_);
  advance_locked();
  f(*bitcoin_);
}

void DevnetBitcoin::advance_locked() {
  const Instant now =
      kTimeZero + std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started_);
  if (now > world_->now()) world_->run_until(now);
}

void DevnetBitcoin::tick_loop() {
  const Duration tick = std::clamp<Duration>(options_.block_interval / kDevnetTicksPerBlock,
                                             Duration(1ms), kDevnetTickMax);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    advance_locked();
    ticker_wake_.wait_for(lock, tick, [this] { return stopping_; });
  }
}

}  // namespace alys::node
