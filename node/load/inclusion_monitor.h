// InclusionMonitor: follows each node's canonical chain over JSON-RPC while a load run goes
// on (alys_head, then alys_getBlockByNumber for every height it has not read) and records
// when each transaction was first seen in a block on each node: a load run's "applied on
// every node" and its inclusion latency, as seen from outside.
//
// Resolution: the poll period (a block is timed when the poll that reads it answers).
// Only heights above each node's head at start() are read. A block whose parent is not
// the block read at the height below (a reorg) makes the monitor read that height again,
// up to kMaxReorgDepth back; a transaction keeps the first time it was seen, so one moved
// by a reorg counts from its first block (the final account check, not this, says whether
// anything was lost).
// Bounded: at most kMaxTrackedTxs transactions (more are counted, not timed), at most
// kMaxBlocksPerPoll blocks per node per poll.
// Also measures each node's longest silence: the longest time between two answers (or
// since the last one), so a dead or stuck node shows even when it has no block to give.
// Threading: start()/stop() from the owner; the queries from any thread (one mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/runtime/status.h"
#include "core/types/hash256.h"
#include "node/rpc_client.h"

namespace alys::node::load {

inline constexpr std::size_t kMaxTrackedTxs = 8u << 20;
inline constexpr std::uint64_t kMaxBlocksPerPoll = 256;
inline constexpr std::uint64_t kMaxReorgDepth = 64;

struct MonitorStats {
  std::uint64_t blocks_read = 0;
  std::uint64_t reorgs = 0;
  std::uint64_t untracked_txs = 0;  // beyond kMaxTrackedTxs
  std::uint64_t failed_polls = 0;
};

class InclusionMonitor {
 public:
  using Clock = std::chrono::steady_clock;

  // Times are ns since `epoch`.
  InclusionMonitor(std::vector<JsonRpcEndpoint> nodes, std::chrono::milliseconds poll,
                   Clock::time_point epoch);
  ~InclusionMonitor();  // stops
  InclusionMonitor(const InclusionMonitor&) = delete;
  InclusionMonitor& operator=(const InclusionMonitor&) = delete;

  // Reads every node's head and starts polling above it. Errors: a node that does not
  // answer alys_head (named). REQUIRES: not started.
  Status start();
  // Idempotent.
  void stop();

  // When `hash` was in a block on every node: the latest of the nodes' first sightings.
  std::optional<std::int64_t> included_everywhere(const Hash256& hash) const;
  // Per node, the longest silence so far (ns), counting an ongoing one.
  std::vector<std::int64_t> longest_silence_ns() const;
  // Per node, the height read last.
  std::vector<std::uint64_t> heights() const;
  MonitorStats stats() const;

 private:
  struct Follow {
    std::uint64_t next_height = 0;
    std::map<std::uint64_t, Hash256> hash_at;  // the last kMaxReorgDepth heights read
    std::int64_t last_answer_ns = 0;
    std::int64_t longest_silence_ns = 0;
  };
  void loop();
  void poll_node(std::size_t i, JsonRpcClient& rpc);
  std::int64_t now_ns() const;

  std::vector<JsonRpcEndpoint> nodes_;
  std::chrono::milliseconds poll_;
  Clock::time_point epoch_;
  std::thread thread_;

  mutable std::mutex mu_;
  bool stopping_ = false;
  std::vector<Follow> follow_;  // guarded by mu_, like the rest
  std::unordered_map<Hash256, std::vector<std::int64_t>, Hash256Hasher> seen_;  // per node
  MonitorStats stats_;
};

}  // namespace alys::node::load
