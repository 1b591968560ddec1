// DevnetBitcoin: the devnet's bitcoind (`alys-node devnet`, issue 8): the simulator's Bitcoin
// model (runtime-sim/sim_bitcoin.h) driven by the wall clock and served as bitcoind's
// JSON-RPC (methods and shapes: node/devnet_bitcoin_rpc.h), so devnet nodes talk to it with
// the same BitcoindClient (runtime-real/bitcoind_client.h) they use against a real bitcoind.
//
// Clock: the model lives in its own single-threaded sim::World (no simulated nodes) whose
// wall-clock epoch is the Unix time at start (so block header times look real) and whose
// virtual time is the steady-clock time elapsed since start. Every request, and a
// background ticker every block_interval / kDevnetTicksPerBlock (at most kDevnetTickMax),
// first runs the world up to the present, so blocks arrive at seeded exponential
// intervals of mean block_interval whether or not anyone asks. One mutex serializes the
// world, the model, the ticker and every request.
//
// Server (cpp-httplib): host:port, kDevnetServerThreads request threads (httplib queues
// further connections), bodies up to kDevnetMaxRequestBytes (413 beyond). As bitcoind: a
// path other than "/" or "/wallet/<name>" is 404; a verb other than POST 405; then HTTP
// basic auth with the configured user and password (compared in constant time), 401 with
// an empty body otherwise. Any wallet name is accepted: the devnet wallet watches every
// address.
//
// Determinism: the seed fixes block intervals, extranonces and the fee walk, but where
// blocks fall relative to requests depends on the wall clock: a devnet run is not
// replayable (the simulator is).
//
// Threading: every public method is thread-safe. The log sink runs under the mutex, on
// whichever thread advanced the model. The destructor stops the server (waiting for
// requests in flight) and the ticker, then drops the model.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/bitcoin/federation.h"
#include "core/runtime/status.h"
#include "core/runtime/time.h"
#include "runtime-real/bitcoind_client.h"
#include "runtime-sim/world.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace alys::sim {
class SimBitcoin;
}  // namespace alys::sim

namespace alys::node {

inline constexpr Duration kDevnetBlockIntervalMin = 1ms;
inline constexpr Duration kDevnetBlockIntervalMax = 1h;
// bitcoind's (fixed) maturity is the most a devnet may ask for.
inline constexpr std::uint32_t kDevnetCoinbaseMaturityMax = 100;
inline constexpr unsigned kDevnetServerThreads = 4;
inline constexpr std::size_t kDevnetMaxRequestBytes = 8u << 20;  // a raw tx of 4 MWU in hex
inline constexpr unsigned kDevnetTicksPerBlock = 10;
inline constexpr Duration kDevnetTickMax = 50ms;

struct DevnetBitcoinOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: an ephemeral port (DevnetBitcoin::port() tells which)
  std::string user = "alys";
  std::string password;
  // Mean of the exponential wait between blocks.
  Duration block_interval = 2s;
  // Confirmations before a coinbase output may be spent (bitcoind: 100); lowered so a devnet
  // does not wait 100 blocks for spendable coinbase coins.
  std::uint32_t coinbase_maturity = 10;
  // The model's randomness (block intervals, extranonces).
  std::uint64_t seed = 1;
  // The peg wallet: deposits pay it and its spends are signature-checked (the authorities'
  // x-only keys with Federation::majority, as the chain spec's federation).
  std::optional<Federation> federation;

  // Ok, or kInvalidArgument naming the field: host empty; user empty or holding ':' (basic
  // auth splits there); password empty; block_interval outside [kDevnetBlockIntervalMin,
  // kDevnetBlockIntervalMax]; coinbase_maturity outside [1, kDevnetCoinbaseMaturityMax]; no
  // federation.
  Status validate() const;
};

class DevnetBitcoin {
 public:
  // Validates `options`, mines the genesis block, starts the block schedule, the ticker and
  // the server. `log` (optional) receives the model's lines ("bitcoin: block 12 ...").
  // Errors: invalid options (kInvalidArgument naming the field); host:port cannot be bound
  // (kUnavailable naming it and why).
  static Result<std::unique_ptr<DevnetBitcoin>> start(DevnetBitcoinOptions options,
                                                      sim::LogSink log = {});
  ~DevnetBitcoin();
  DevnetBitcoin(const DevnetBitcoin&) = delete;
  DevnetBitcoin& operator=(const DevnetBitcoin&) = delete;

  // The port the server listens on (the ephemeral one when options.port was 0).
  std::uint16_t port() const { return port_; }
  const DevnetBitcoinOptions& options() const { return options_; }
  // What a node's BitcoindClient needs to reach this bitcoind (a wildcard host is dialled
  // on loopback).
  real::BitcoindOptions client_options() const;
  // Runs `f` on the model under the mutex, the world run up to the present first: for the
  // devnet command and tests (tip_height(), deposit(), ...). `f` must not keep references
  // into the model, nor call back into this object.
  void with_model(const std::function<void(sim::SimBitcoin&)>& f);

 private:
  explicit DevnetBitcoin(DevnetBitcoinOptions options);
  // Runs the world up to the present. REQUIRES: mu_ held.
  void advance_locked();
  void tick_loop();

  DevnetBitcoinOptions options_;
  std::chrono::steady_clock::time_point started_;
  std::string expected_authorization_;  // "Basic " + base64(user ":" password)
  std::uint16_t port_ = 0;

  std::mutex mu_;
  std::unique_ptr<sim::World> world_;         // guarded by mu_
  std::unique_ptr<sim::SimBitcoin> bitcoin_;  // guarded by mu_; destroyed before world_
  bool stopping_ = false;                     // guarded by mu_
  std::condition_variable ticker_wake_;

  std::unique_ptr<httplib::Server> server_;
  std::thread server_thread_;
  std::thread ticker_;
};

}  // namespace alys::node
