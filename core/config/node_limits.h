// NodeLimits: the production node's tunables (queue bounds, batch sizes, timeouts) and the
// named profiles that preset them (DESIGN.md §8). The node file sets them in its [limits]
// table; the layers, later wins: the built-in defaults, then the profile, then the file's
// explicit [limits] keys, then ALYS_LIMITS, then --limit flags (node/node_files.h).
//
// Every limit is an integer with its unit in its name (TigerStyle) and a range checked at
// load, so a bad value is refused naming the key. Only the mailbox bounds can change while
// the node runs (hot reload: actor::CellBase::set_mailbox_capacity); the others size
// structures built at start and are reported as needing a restart.
//
// The profiles (what each changes from the defaults, and why):
//   high-throughput        a well-provisioned node that must absorb bursts (a busy mempool,
//                          a long catch-up) rather than refuse work:
//                          mempool_max 100000, seen_cache_max 65536 (more gossip in flight
//                          needs a longer dedupe memory); mailbox_chain / network / storage
//                          16384 (queue a burst instead of refusing it); sync_range_blocks
//                          512, sync_parallel_ranges 8, sync_buffered_blocks_max 16384
//                          (fewer, larger, more parallel downloads); tcp_send_queue_bytes_max
//                          256 MiB and tcp_read_pause_frames 4096 (room for big bursts per
//                          peer); engine_timeout_ms and storage_timeout_ms 30000 (large
//                          batches are slow, not stuck: do not restart actors under load).
//   low-latency            a node whose value is reacting fast (an authority on a short
//                          slot): short queues keep waiting time short and surface overload
//                          at once: every mailbox 1024; tcp_read_pause_frames 256 (a fast
//                          peer is slowed sooner), tcp_send_queue_bytes_max 16 MiB (a peer
//                          that cannot keep up is dropped sooner); sync_range_blocks 32 with
//                          sync_parallel_ranges 8 (small batches are imported as they
//                          arrive); engine_timeout_ms and storage_timeout_ms 3000 (a stalled
//                          dependency is noticed and its actor restarted sooner).
//   resource-conservative  a small machine (a follower on a low-memory VM): mempool_max
//                          5000, seen_cache_max 4096, every mailbox 1024,
//                          sync_range_blocks 64, sync_parallel_ranges 2,
//                          sync_buffered_blocks_max 1024, tcp_send_queue_bytes_max 16 MiB,
//                          tcp_read_pause_frames 256, tcp_connections_max 64,
//                          worker_threads 2, verify_threads 1
//                          (memory and threads bounded; catch-up is slower).
// What these bounds add up to in bytes: node/memory_budget.h (docs/operations/memory.md).
// No profile: the defaults below, the values the node has always used.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/config/node_config.h"

namespace alys::config {

enum class Profile : std::uint8_t { kHighThroughput, kLowLatency, kResourceConservative };
// "high-throughput", "low-latency", "resource-conservative"; nullopt for anything else.
std::optional<Profile> profile_named(std::string_view name);
std::string_view profile_name(Profile profile);
// The allowed names, for error messages: "high-throughput|low-latency|resource-conservative".
std::string_view profile_names();

struct NodeLimits {
  std::int64_t mempool_max = 20'000;
  std::int64_t seen_cache_max = 16'384;
  std::int64_t engine_timeout_ms = 10'000;
  std::int64_t storage_timeout_ms = 10'000;
  std::int64_t sync_range_blocks = 128;
  std::int64_t sync_parallel_ranges = 4;
  std::int64_t sync_buffered_blocks_max = 4096;
  std::int64_t tcp_send_queue_bytes_max = std::int64_t{64} << 20;
  std::int64_t tcp_read_pause_frames = 1024;
  // TCP connections at once, inbound and outbound (runtime-real/tcp_transport.h): past it
  // an inbound connection is closed at once. Every per-peer buffer is paid this many times
  // at most, whatever node ids strangers make up.
  std::int64_t tcp_connections_max = 256;
  std::int64_t worker_threads = 0;  // 0: max(2, the machine's hardware threads)
  // Threads that verify fetched blocks' signatures ahead of the import while syncing
  // (node/pre_verifier.h). 0: one per hardware thread but one, at least 1.
  std::int64_t verify_threads = 0;
  std::int64_t mailbox_storage = NodeConfig::Mailboxes::kDefault;
  std::int64_t mailbox_engine = NodeConfig::Mailboxes::kDefault;
  std::int64_t mailbox_chain = NodeConfig::Mailboxes::kDefault;
  std::int64_t mailbox_auxpow = NodeConfig::Mailboxes::kDefault;
  std::int64_t mailbox_network = NodeConfig::Mailboxes::kDefault;
  std::int64_t mailbox_sync = NodeConfig::Mailboxes::kDefault;
  std::int64_t mailbox_bridge = NodeConfig::Mailboxes::kDefault;
  std::int64_t mailbox_federation = NodeConfig::Mailboxes::kDefault;
  friend bool operator==(const NodeLimits&, const NodeLimits&) = default;
};

// One key of [limits]: its name, field, allowed range and whether a running node can
// apply a change of it (hot reload).
struct LimitKey {
  std::string_view name;
  std::int64_t NodeLimits::*field;
  std::int64_t min;
  std::int64_t max;
  bool reloadable;
};
// Every key, in the order the node file documents them.
std::span<const LimitKey> limit_keys();
const LimitKey* limit_key(std::string_view name);

// Keys set explicitly by one layer or more (the file, the environment, the flags; a later
// layer's value replaces an earlier one). Values are in range (checked where they were read).
using LimitSettings = std::map<std::string, std::int64_t, std::less<>>;

// The defaults with `profile`'s presets applied (no profile: the defaults).
NodeLimits profile_limits(std::optional<Profile> profile);
// defaults → profile → `settings`. REQUIRES: every key of `settings` is a limit_key().
NodeLimits resolve_limits(std::optional<Profile> profile, const LimitSettings& settings);

// Parses "key=value[,key=value...]" (ALYS_LIMITS, --limit) into `out`; errors name the key
// and why (unknown key with the known ones, not an integer, out of range).
Status parse_limit_settings(std::string_view text, LimitSettings& out);

// The core tunables of `limits` into `config` (mempool, seen cache, timeouts, sync,
// mailboxes); the real runtime's (TCP, threads) are the node's to apply.
void apply_limits(const NodeLimits& limits, NodeConfig& config);

}  // namespace alys::config
