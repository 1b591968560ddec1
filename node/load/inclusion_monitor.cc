#include "node/load/inclusion_monitor.h"

#include <algorithm>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "core/runtime/assert.h"

namespace alys::node::load {

namespace {

// Times are since the epoch, which may lie after the first polls: any int64 but this one.
constexpr std::int64_t kNotSeen = std::numeric_limits<std::int64_t>::min();

}  // namespace

InclusionMonitor::InclusionMonitor(std::vector<JsonRpcEndpoint> nodes, std::chrono::milliseconds poll,
                                   Clock::time_point epoch)
    : nodes_(std::move(nodes)), poll_(poll), epoch_(epoch), follow_(nodes_.size()) {}

InclusionMonitor::~InclusionMonitor() { stop(); }

std::int64_t InclusionMonitor::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - epoch_).count();
}

Status InclusionMonitor::start() {
  ALYS_ASSERT(!thread_.joinable(), "InclusionMonitor started twice");
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    JsonRpcClient rpc(nodes_[i]);
    auto head = rpc.call("alys_head");
    if (!head || !head->is_object() || !head->contains("height")) {
      return Status::unavailable(fmt::format("inclusion monitor: node {} ({}:{}): no head: {}", i,
                                             nodes_[i].host, nodes_[i].port,
                                             head ? head->dump() : head.error().message()));
    }
    std::lock_guard lock(mu_);
    follow_[i].next_height = (*head)["height"].get<std::uint64_t>() + 1;
    follow_[i].last_answer_ns = now_ns();
  }
  thread_ = std::thread([this] { loop(); });
  return Status::ok();
}

void InclusionMonitor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void InclusionMonitor::loop() {
  std::vector<std::unique_ptr<JsonRpcClient>> rpcs;
  for (const JsonRpcEndpoint& e : nodes_) rpcs.push_back(std::make_unique<JsonRpcClient>(e));
  for (;;) {
    const Clock::time_point next = Clock::now() + poll_;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      poll_node(i, *rpcs[i]);
    }
    std::this_thread::sleep_until(next);
  }
}

void InclusionMonitor::poll_node(std::size_t i, JsonRpcClient& rpc) {
  // Any JSON-RPC answer, an error too (an overloaded node answers kTimeout), shows the
  // node alive; only no answer at all is silence.
  auto answered = [&](bool alive) {
    std::lock_guard lock(mu_);
    Follow& f = follow_[i];
    const std::int64_t now = now_ns();
    f.longest_silence_ns = std::max(f.longest_silence_ns, now - f.last_answer_ns);
    if (alive) f.last_answer_ns = now;
    if (!alive) ++stats_.failed_polls;
    return f.next_height;
  };
  auto head = rpc.call("alys_head");
  std::uint64_t next = answered(head.has_value() || rpc.rpc_error_code().has_value());
  if (!head || !head->is_object() || !(*head)["height"].is_number_unsigned()) return;
  const std::uint64_t height = (*head)["height"].get<std::uint64_t>();
  for (std::uint64_t read = 0; next <= height && read < kMaxBlocksPerPoll; ++read) {
    auto block = rpc.call("alys_getBlockByNumber", nlohmann::json::array({next}));
    if (!block) {
      answered(rpc.rpc_error_code().has_value());
      return;
    }
    if (!block->is_object()) break;  // the head moved back: read it again next poll
    auto hash = Hash256::from_hex((*block).value("hash", std::string()));
    auto parent = Hash256::from_hex((*block).value("parent", std::string()));
    const nlohmann::json& txs = (*block)["transactions"];
    if (!hash || !parent || !txs.is_array()) break;
    std::lock_guard lock(mu_);
    Follow& f = follow_[i];
    ++stats_.blocks_read;
    const std::int64_t now = now_ns();
    f.last_answer_ns = now;
    if (auto below = f.hash_at.find(next - 1); below != f.hash_at.end() && below->second != *parent) {
      // Our block below is no longer this chain's: read the height below again.
      ++stats_.reorgs;
      f.hash_at.erase(below, f.hash_at.end());
      next -= 1;
      f.next_height = next;
      continue;
    }
    for (const nlohmann::json& t : txs) {
      auto tx = t.is_string() ? Hash256::from_hex(t.get<std::string>()) : Result<Hash256>(Status::corruption("tx"));
      if (!tx) continue;
      auto it = seen_.find(*tx);
      if (it == seen_.end()) {
        if (seen_.size() >= kMaxTrackedTxs) {
          ++stats_.untracked_txs;
          continue;
        }
        it = seen_.emplace(*tx, std::vector<std::int64_t>(nodes_.size(), kNotSeen)).first;
      }
      if (it->second[i] == kNotSeen) it->second[i] = now;
    }
    f.hash_at[next] = *hash;
    while (f.hash_at.size() > kMaxReorgDepth) f.hash_at.erase(f.hash_at.begin());
    next += 1;
    f.next_height = next;
  }
}

std::optional<std::int64_t> InclusionMonitor::included_everywhere(const Hash256& hash) const {
  std::lock_guard lock(mu_);
  auto it = seen_.find(hash);
  if (it == seen_.end()) return std::nullopt;
  std::int64_t latest = 0;
  for (std::int64_t t : it->second) {
    if (t == kNotSeen) return std::nullopt;
    latest = std::max(latest, t);
  }
  return latest;
}

std::vector<std::int64_t> InclusionMonitor::longest_silence_ns() const {
  std::lock_guard lock(mu_);
  std::vector<std::int64_t> out;
  const std::int64_t now = now_ns();
  for (const Follow& f : follow_) out.push_back(std::max(f.longest_silence_ns, now - f.last_answer_ns));
  return out;
}

std::vector<std::uint64_t> InclusionMonitor::heights() const {
  std::lock_guard lock(mu_);
  std::vector<std::uint64_t> out;
  for (const Follow& f : follow_) out.push_back(f.next_height == 0 ? 0 : f.next_height - 1);
  return out;
}

MonitorStats InclusionMonitor::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace alys::node::load
