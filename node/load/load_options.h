// LoadOptions: what `alys-node loadtest` is asked to do (docs/operations/load.md), and their
// check. Every size has a named bound here, so a typo cannot start a million threads.
//
// Two ways to get nodes: `rpc` empty starts a devnet (`alys-node devnet`, a child process)
// in `dir` with every node's JSON-RPC rate limit at kMaxRpcRate; `rpc` given attaches to
// running nodes (host:port each; the devnet faucet key must be funded there, and their
// rate limits are theirs: the report counts HTTP 429 answers apart).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/status.h"

namespace alys::node::load {

inline constexpr std::uint32_t kMaxLoadRate = 100'000;       // requests/s
inline constexpr std::chrono::hours kMaxLoadDuration{24};
// httplib serves each keep-alive connection on one of the node server's 8 workers
// (node/rpc_server.cc): a ninth connection would wait for a free worker, not be served.
inline constexpr std::size_t kMaxConnectionsPerNode = 8;
inline constexpr std::size_t kMaxLoadSenders = 4096;
inline constexpr std::size_t kMaxLoadNodes = 16;

struct LoadOptions {
  std::vector<std::string> rpc;  // attach: "host:port" per node; empty: start a devnet
  std::string dir;               // the started devnet's files; empty: a new temporary dir
  bool keep_dir = false;         // keep `dir` after a passing run (a failing one is kept)
  std::size_t nodes = 3;         // started devnet only
  std::uint16_t base_port = 7000;
  std::uint16_t rpc_base_port = 8545;
  std::uint16_t bitcoin_port = 18443;
  std::uint64_t slot_ms = 1000;

  std::uint32_t rate = 100;  // requests/s offered, every method together
  std::chrono::milliseconds duration{std::chrono::seconds(60)};
  std::uint32_t read_percent = 50;       // of the requests; the rest are transfers
  std::size_t connections_per_node = 2;  // load connections (one thread each)
  std::size_t senders = 0;               // 0: two per connection
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  // How long past `duration` a connection that fell behind may go on sending what was
  // scheduled before it; what is left then is reported unsent.
  std::chrono::milliseconds send_grace{std::chrono::seconds(10)};
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds poll{100};  // the inclusion monitor's period
  std::string json_path;                // also write the report as JSON here
};

// The senders actually used (options.senders, or its default).
std::size_t sender_count(const LoadOptions& options);
// The node count (rpc.size() when attaching).
std::size_t node_count(const LoadOptions& options);

// Errors name the flag and why (kInvalidArgument).
Status check_load_options(const LoadOptions& options);

// "60s", "500ms", "2m", "1h" or a plain number of seconds. Errors name `flag`.
Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view flag);

// The durations as the command line gives them (text), applied to LoadOptions.
struct LoadDurationFlags {
  std::string duration = "60s";
  std::string timeout = "10s";
  std::string send_grace = "10s";
  std::string drain_timeout = "60s";
  std::string poll = "100ms";
};
// Errors: parse_duration's, naming the flag.
Status apply_duration_flags(const LoadDurationFlags& flags, LoadOptions& options);

}  // namespace alys::node::load
