#include "node/load/load_options.h"

#include <charconv>
#include <iterator>
#include <utility>

#include <fmt/format.h>

namespace alys::node::load {

std::size_t node_count(const LoadOptions& o) { return o.rpc.empty() ? o.nodes : o.rpc.size(); }

std::size_t sender_count(const LoadOptions& o) {
  return o.senders != 0 ? o.senders : 2 * o.connections_per_node * node_count(o);
}

Status check_load_options(const LoadOptions& o) {
  const std::size_t nodes = node_count(o);
  if (nodes == 0 || nodes > kMaxLoadNodes) {
    return Status::invalid_argument(fmt::format("--nodes / --rpc: 1..{} nodes", kMaxLoadNodes));
  }
  if (o.rate == 0 || o.rate > kMaxLoadRate) {
    return Status::invalid_argument(fmt::format("--rate: must be 1..{} requests/s", kMaxLoadRate));
  }
  if (o.duration.count() <= 0 || o.duration > kMaxLoadDuration) {
    return Status::invalid_argument("--duration: must be above 0 and at most 24h");
  }
  if (o.read_percent > 100) return Status::invalid_argument("--read-percent: must be 0..100");
  if (o.connections_per_node == 0 || o.connections_per_node > kMaxConnectionsPerNode) {
    return Status::invalid_argument(fmt::format(
        "--connections: must be 1..{} per node (the node's RPC server has that many workers)",
        kMaxConnectionsPerNode));
  }
  const std::size_t workers = o.connections_per_node * nodes;
  const std::size_t senders = sender_count(o);
  if (senders < workers || senders > kMaxLoadSenders) {
    return Status::invalid_argument(fmt::format(
        "--senders: must be {}..{} (each connection sends for senders of its own, so a "
        "sender's nonces reach one node in order)", workers, kMaxLoadSenders));
  }
  if (o.request_timeout.count() <= 0) return Status::invalid_argument("--timeout: must be above 0");
  if (o.drain_timeout.count() <= 0) return Status::invalid_argument("--drain-timeout: must be above 0");
  if (o.poll.count() <= 0) return Status::invalid_argument("--poll: must be above 0");
  if (o.send_grace.count() < 0) return Status::invalid_argument("--send-grace: must be 0 or more");
  if (o.rpc.empty() && o.slot_ms == 0) return Status::invalid_argument("--slot-ms: must be >= 1");
  return Status::ok();
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view flag) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, value);
  const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  std::uint64_t ms_per_unit = 0;
  if (unit.empty() || unit == "s") ms_per_unit = 1000;
  else if (unit == "ms") ms_per_unit = 1;
  else if (unit == "m") ms_per_unit = 60'000;
  else if (unit == "h") ms_per_unit = 3'600'000;
  constexpr std::uint64_t kMaxMs = 1'000ULL * 3600 * 24 * 365;
  if (ec != std::errc() || rest == text.data() || ms_per_unit == 0 || value > kMaxMs / ms_per_unit) {
    return Status::invalid_argument(fmt::format(
        "{}: '{}' is not a duration (a number with ms, s, m or h; plain: seconds)", flag, text));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(value * ms_per_unit));
}

Status apply_duration_flags(const LoadDurationFlags& f, LoadOptions& o) {
  const std::pair<const std::string*, std::chrono::milliseconds*> fields[] = {
      {&f.duration, &o.duration}, {&f.timeout, &o.request_timeout}, {&f.send_grace, &o.send_grace},
      {&f.drain_timeout, &o.drain_timeout}, {&f.poll, &o.poll}};
  const char* names[] = {"--duration", "--timeout", "--send-grace", "--drain-timeout", "--poll"};
  for (std::size_t k = 0; k < std::size(fields); ++k) {
    auto d = parse_duration(*fields[k].first, names[k]);
    if (!d) return d.error();
    *fields[k].second = *d;
  }
  return Status::ok();
}

}  // namespace alys::node::load
