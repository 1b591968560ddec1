// LoadGenerator: plays a load run's open-loop schedule (node/load/load_schedule.h) against
// the nodes' JSON-RPC: one thread and one keep-alive connection (JsonRpcClient) per load
// connection, each sleeping until its next request is due and sending it then, or at once
// when it is already late. Latency is measured from the due time to the answer (what a
// client arriving on schedule would see, queueing included), service time from the send.
//
// Transfers: each connection owns its senders (schedule) and their nonces. A transfer that
// was refused or got no answer is sent again, the same bytes, as that sender's next
// transfer, so no acknowledged transfer ever waits behind a nonce gap; one refused for a
// nonce already used ("nonce: too low": a lost answer whose transfer applied) is dropped.
// A request is one of: ok (acknowledged, for transfers), refused (a JSON-RPC error
// answered; HTTP 429 / kRateLimited counted apart too), error (no answer, a non-JSON-RPC
// answer, or an acknowledgement naming another hash). Requests still unsent `send_grace`
// after `duration` (a connection that fell that far behind), or when abort() is called,
// are counted unsent: scheduled = sent + unsent.
//
// Threading: start(), done(), abort() and finish() from one owner thread; the workers
// share nothing but the abort flag and a done counter until finish() joins and merges.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/types/hash256.h"
#include "node/load/latency_recorder.h"
#include "node/load/load_accounts.h"
#include "node/load/load_schedule.h"
#include "node/rpc_client.h"

namespace alys::node::load {

// Error messages kept per method (the first ones), for the report.
inline constexpr std::size_t kMaxErrorSamples = 4;

struct MethodStats {
  LatencyRecorder latency;  // due time -> answer
  LatencyRecorder service;  // send -> answer
  std::uint64_t ok = 0;
  std::uint64_t refused = 0;
  std::uint64_t rate_limited = 0;  // of refused: HTTP 429
  std::uint64_t errors = 0;
  std::vector<std::string> error_samples;  // refusals and errors, the first few

  std::uint64_t sent() const { return ok + refused + errors; }
  void note_error(std::string message);
  void merge(const MethodStats& other);
};

struct AckedTransfer {
  std::uint32_t sender = 0;
  std::uint64_t nonce = 0;
  Hash256 hash;
  std::int64_t acked_ns = 0;  // since the start
  std::uint32_t node = 0;     // which node acknowledged it
};

struct GeneratorResult {
  std::array<MethodStats, kRequestKinds> methods;
  std::vector<AckedTransfer> acked;  // in no particular order
  std::uint64_t scheduled = 0;
  std::uint64_t sent = 0;
  std::uint64_t unsent = 0;
  std::int64_t last_answer_ns = 0;   // since the start
  std::int64_t max_send_lag_ns = 0;  // the latest a request went out after its due time
};

struct GeneratorOptions {
  std::vector<JsonRpcEndpoint> nodes;  // REQUIRED: at least one
  std::size_t connections_per_node = 1;
  std::uint32_t rate = 1;
  std::int64_t duration_ns = 0;
  std::uint32_t read_percent = 0;
  std::chrono::milliseconds send_grace{0};
};

class LoadGenerator {
 public:
  // REQUIRES: accounts.size() >= nodes * connections_per_node, and `accounts` outlives
  // finish() (the workers sign with them).
  LoadGenerator(GeneratorOptions options, const std::vector<LoadAccount>& accounts);
  ~LoadGenerator();  // aborts and joins
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Starts the workers; request 0 is due at `start`.
  void start(std::chrono::steady_clock::time_point start);
  // True once every worker has sent or given up all its requests.
  bool done() const;
  // Workers stop before their next request.
  void abort() { abort_.store(true); }
  // Joins and merges. REQUIRES: start() called, finish() not yet.
  GeneratorResult finish();

 private:
  struct Worker;
  void run_worker(Worker& w);

  GeneratorOptions options_;
  const std::vector<LoadAccount>& accounts_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> abort_{false};
  std::atomic<std::size_t> workers_done_{0};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace alys::node::load
