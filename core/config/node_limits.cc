#include "core/config/node_limits.h"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "core/chain/limits.h"
#include "core/network/network_actor.h"

namespace alys::config {

namespace {

constexpr std::int64_t kMailboxMax = std::int64_t{1} << 20;
constexpr std::int64_t kTimeoutMsMax = 600'000;

constexpr std::array kKeys = {
    LimitKey{"mempool_max", &NodeLimits::mempool_max, 1, 1'000'000, false},
    LimitKey{"seen_cache_max", &NodeLimits::seen_cache_max, 1,
             static_cast<std::int64_t>(net::kMaxSeenCacheEntries), false},
    LimitKey{"engine_timeout_ms", &NodeLimits::engine_timeout_ms, 100, kTimeoutMsMax, false},
    LimitKey{"storage_timeout_ms", &NodeLimits::storage_timeout_ms, 100, kTimeoutMsMax, false},
    LimitKey{"sync_range_blocks", &NodeLimits::sync_range_blocks, 1, limits::kMaxBlocksPerRange,
             false},
    LimitKey{"sync_parallel_ranges", &NodeLimits::sync_parallel_ranges, 1, 64, false},
    LimitKey{"sync_buffered_blocks_max", &NodeLimits::sync_buffered_blocks_max, 1, 1 << 20, false},
    LimitKey{"tcp_send_queue_bytes_max", &NodeLimits::tcp_send_queue_bytes_max, 1 << 16,
             std::int64_t{1} << 32, false},
    LimitKey{"tcp_read_pause_frames", &NodeLimits::tcp_read_pause_frames, 1, 1 << 20, false},
    LimitKey{"tcp_connections_max", &NodeLimits::tcp_connections_max, 1, 1 << 16, false},
    LimitKey{"worker_threads", &NodeLimits::worker_threads, 0, 256, false},
    LimitKey{"verify_threads", &NodeLimits::verify_threads, 0, 256, false},
    LimitKey{"mailbox_storage", &NodeLimits::mailbox_storage, 1, kMailboxMax, true},
    LimitKey{"mailbox_engine", &NodeLimits::mailbox_engine, 1, kMailboxMax, true},
    LimitKey{"mailbox_chain", &NodeLimits::mailbox_chain, 1, kMailboxMax, true},
    LimitKey{"mailbox_auxpow", &NodeLimits::mailbox_auxpow, 1, kMailboxMax, true},
    LimitKey{"mailbox_network", &NodeLimits::mailbox_network, 1, kMailboxMax, true},
    LimitKey{"mailbox_sync", &NodeLimits::mailbox_sync, 1, kMailboxMax, true},
    LimitKey{"mailbox_bridge", &NodeLimits::mailbox_bridge, 1, kMailboxMax, true},
    LimitKey{"mailbox_federation", &NodeLimits::mailbox_federation, 1, kMailboxMax, true},
};

void set_mailboxes(NodeLimits& l, std::int64_t capacity) {
  for (const LimitKey& k : kKeys) {
    if (k.name.starts_with("mailbox_")) l.*k.field = capacity;
  }
}

std::string known_keys() {
  std::string out;
  for (const LimitKey& k : kKeys) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

}  // namespace

std::optional<Profile> profile_named(std::string_view name) {
  if (name == "high-throughput") return Profile::kHighThroughput;
  if (name == "low-latency") return Profile::kLowLatency;
  if (name == "resource-conservative") return Profile::kResourceConservative;
  return std::nullopt;
}

std::string_view profile_name(Profile profile) {
  switch (profile) {
    case Profile::kHighThroughput: return "high-throughput";
    case Profile::kLowLatency: return "low-latency";
    case Profile::kResourceConservative: return "resource-conservative";
  }
  return "?";
}

std::string_view profile_names() { return "high-throughput|low-latency|resource-conservative"; }

std::span<const LimitKey> limit_keys() { return kKeys; }

const LimitKey* limit_key(std::string_view name) {
  const auto it = std::find_if(kKeys.begin(), kKeys.end(),
                               [&](const LimitKey& k) { return k.name == name; });
  return it == kKeys.end() ? nullptr : &*it;
}

NodeLimits profile_limits(std::optional<Profile> profile) {
  NodeLimits l;
  if (!profile) return l;
  switch (*profile) {
    case Profile::kHighThroughput:
      l.mempool_max = 100'000;
      l.seen_cache_max = 65'536;
      l.mailbox_chain = l.mailbox_network = l.mailbox_storage = 16'384;
      l.sync_range_blocks = 512;
      l.sync_parallel_ranges = 8;
      l.sync_buffered_blocks_max = 16'384;
      l.tcp_send_queue_bytes_max = std::int64_t{256} << 20;
      l.tcp_read_pause_frames = 4096;
      l.engine_timeout_ms = l.storage_timeout_ms = 30'000;
      break;
    case Profile::kLowLatency:
      set_mailboxes(l, 1024);
      l.tcp_read_pause_frames = 256;
      l.tcp_send_queue_bytes_max = std::int64_t{16} << 20;
      l.sync_range_blocks = 32;
      l.sync_parallel_ranges = 8;
      l.engine_timeout_ms = l.storage_timeout_ms = 3000;
      break;
    case Profile::kResourceConservative:
      l.mempool_max = 5000;
      l.seen_cache_max = 4096;
      set_mailboxes(l, 1024);
      l.sync_range_blocks = 64;
      l.sync_parallel_ranges = 2;
      l.sync_buffered_blocks_max = 1024;
      l.tcp_send_queue_bytes_max = std::int64_t{16} << 20;
      l.tcp_read_pause_frames = 256;
      l.tcp_connections_max = 64;
      l.worker_threads = 2;
      l.verify_threads = 1;
      break;
  }
  return l;
}

NodeLimits resolve_limits(std::optional<Profile> profile, const LimitSettings& settings) {
  NodeLimits l = profile_limits(profile);
  for (const auto& [name, value] : settings) {
    const LimitKey* k = limit_key(name);
    ALYS_ASSERT(k != nullptr, "resolve_limits: unknown limit key");
    l.*k->field = value;
  }
  return l;
}

Status parse_limit_settings(std::string_view text, LimitSettings& out) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::invalid_argument(fmt::format("'{}': expected key=value", item));
    }
    const std::string_view name = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    const LimitKey* k = limit_key(name);
    if (k == nullptr) {
      return Status::invalid_argument(
          fmt::format("limits.{}: unknown key (known: {})", name, known_keys()));
    }
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{} || end != value.data() + value.size()) {
      return Status::invalid_argument(fmt::format("limits.{}: '{}': not an integer", name, value));
    }
    if (v < k->min || v > k->max) {
      return Status::invalid_argument(
          fmt::format("limits.{}: {} is out of range [{}, {}]", name, v, k->min, k->max));
    }
    out[std::string(name)] = v;
  }
  return Status::ok();
}

void apply_limits(const NodeLimits& l, NodeConfig& c) {
  const auto u32 = [](std::int64_t v) { return static_cast<std::uint32_t>(v); };
  c.mempool_max = static_cast<std::size_t>(l.mempool_max);
  c.seen_cache_max = static_cast<std::size_t>(l.seen_cache_max);
  c.engine_timeout = std::chrono::milliseconds(l.engine_timeout_ms);
  c.storage_timeout = std::chrono::milliseconds(l.storage_timeout_ms);
  c.sync.range_blocks = u32(l.sync_range_blocks);
  c.sync.parallel_ranges = u32(l.sync_parallel_ranges);
  c.sync.buffered_blocks_max = static_cast<std::size_t>(l.sync_buffered_blocks_max);
  c.mailboxes.storage = u32(l.mailbox_storage);
  c.mailboxes.engine = u32(l.mailbox_engine);
  c.mailboxes.chain = u32(l.mailbox_chain);
  c.mailboxes.auxpow = u32(l.mailbox_auxpow);
  c.mailboxes.network = u32(l.mailbox_network);
  c.mailboxes.sync = u32(l.mailbox_sync);
  c.mailboxes.bridge = u32(l.mailbox_bridge);
  c.mailboxes.federation = u32(l.mailbox_federation);
}

}  // namespace alys::config
