#include "node/config_reload.h"

#include <functional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace alys::node {

namespace {

// Keys of the node file (and its sections) whose change a running node cannot apply.
void reject_fixed_keys(const NodeFile& a, const NodeFile& b, std::vector<std::string>& out) {
  const auto check = [&out](bool changed, std::string key) {
    if (changed) out.push_back(std::move(key));
  };
  check(a.id != b.id, "id");
  check(a.key != b.key, "key");
  check(a.spec_path != b.spec_path, "spec");
  check(a.data_dir != b.data_dir, "data_dir");
  check(a.listen != b.listen, "listen");
  check(a.rpc_listen != b.rpc_listen, "rpc_listen");
  check(a.rpc_token != b.rpc_token, "rpc_token");
  check(a.assume_valid != b.assume_valid, "assume_valid");
  if (a.bitcoin.has_value() != b.bitcoin.has_value()) {
    out.emplace_back("bitcoin");
  } else if (a.bitcoin) {
    check(a.bitcoin->rpc != b.bitcoin->rpc, "bitcoin.rpc");
    check(a.bitcoin->user != b.bitcoin->user, "bitcoin.user");
    check(a.bitcoin->password != b.bitcoin->password, "bitcoin.password");
    check(a.bitcoin->wallet != b.bitcoin->wallet, "bitcoin.wallet");
  }
  check(a.bridge.start_height != b.bridge.start_height, "bridge.start_height");
  check(a.bridge.required_confirmations != b.bridge.required_confirmations,
        "bridge.required_confirmations");
  check(a.bridge.poll_interval_ms != b.bridge.poll_interval_ms, "bridge.poll_interval_ms");
  check(a.bridge.fee_conf_target != b.bridge.fee_conf_target, "bridge.fee_conf_target");
}

// A status of `s`'s code with message `m`.
Status status_like(const Status& s, std::string m) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return Status::invalid_argument(std::move(m));
    case StatusCode::kNotFound: return Status::not_found(std::move(m));
    case StatusCode::kIoError: return Status::io_error(std::move(m));
    case StatusCode::kUnavailable: return Status::unavailable(std::move(m));
    case StatusCode::kTimeout: return Status::timeout(std::move(m));
    case StatusCode::kCorruption: return Status::corruption(std::move(m));
    default: return Status::failed_precondition(std::move(m));
  }
}

// One applied step and how to take it back.
struct Step {
  std::string name;
  std::function<Status()> apply;
  std::function<Status()> undo;
};

}  // namespace

ReloadPlan plan_reload(const NodeFile& running, const NodeFile& loaded) {
  ReloadPlan plan;
  reject_fixed_keys(running, loaded, plan.rejected);
  if (loaded.log_level != running.log_level) plan.log_level = loaded.log_level;

  for (const auto& [id, address] : loaded.peers) {
    const auto it = running.peers.find(id);
    if (it == running.peers.end()) {
      plan.peers_added.push_back(id);
    } else if (it->second != address) {
      plan.peers_readdressed.push_back(id);
    }
  }
  for (const auto& [id, address] : running.peers) {
    if (!loaded.peers.contains(id)) plan.peers_removed.push_back(id);
  }
  if (!plan.peers_added.empty() || !plan.peers_removed.empty() ||
      !plan.peers_readdressed.empty()) {
    plan.peers = loaded.peers;
  }

  if (loaded.rpc_rate_per_sec != running.rpc_rate_per_sec || loaded.rpc_burst != running.rpc_burst) {
    plan.rpc_rate = ReloadPlan::RpcRateChange{{running.rpc_rate_per_sec, running.rpc_burst},
                                              {loaded.rpc_rate_per_sec, loaded.rpc_burst}};
  }

  const config::NodeLimits before = limits_of(running);
  const config::NodeLimits after = limits_of(loaded);
  for (const config::LimitKey& k : config::limit_keys()) {
    if (before.*k.field == after.*k.field) continue;
    if (k.reloadable) {
      plan.mailboxes[std::string(k.name)] = static_cast<std::uint32_t>(after.*k.field);
    } else {
      plan.rejected.push_back(fmt::format("limits.{}", k.name));
    }
  }
  return plan;
}

Status apply_reload(const ReloadPlan& plan, const NodeFile& running, ReloadTarget& target) {
  std::vector<Step> steps;
  if (plan.log_level) {
    steps.push_back({"log_level", [&] { return target.set_log_level(*plan.log_level); },
                     [&] { return target.set_log_level(running.log_level); }});
  }
  if (plan.peers) {
    steps.push_back({"peers", [&] { return target.set_peers(*plan.peers); },
                     [&] { return target.set_peers(running.peers); }});
  }
  const config::NodeLimits before = limits_of(running);
  for (const auto& mailbox : plan.mailboxes) {
    // Named copies: lambdas may not capture structured bindings before C++20 on Clang 15.
    const std::string& key = mailbox.first;
    const auto capacity = mailbox.second;
    const config::LimitKey* k = config::limit_key(key);
    ALYS_ASSERT(k != nullptr && k->reloadable, "apply_reload: not a mailbox key");
    const auto old = static_cast<std::uint32_t>(before.*k->field);
    steps.push_back({"limits." + key,
                     [&target, &key, capacity] { return target.set_mailbox_capacity(key, capacity); },
                     [&target, &key, old] { return target.set_mailbox_capacity(key, old); }});
  }
  if (plan.rpc_rate) {
    const ReloadPlan::RpcRateChange& r = *plan.rpc_rate;
    steps.push_back({"rpc_rate_per_sec/rpc_burst",
                     [&target, &r] { return target.set_rpc_rate_limit(r.to.per_sec, r.to.burst); },
                     [&target, &r] { return target.set_rpc_rate_limit(r.from.per_sec, r.from.burst); }});
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Status s = steps[i].apply();
    if (s.is_ok()) continue;
    std::string undo_failures;
    for (std::size_t j = i; j-- > 0;) {
      if (Status u = steps[j].undo(); !u.is_ok()) {
        undo_failures += fmt::format("; undoing {} failed too: {}", steps[j].name, u.message());
      }
    }
    return status_like(s, fmt::format("{}: {} (rolled back){}", steps[i].name, s.message(),
                                      undo_failures));
  }
  return Status::ok();
}

std::string describe_reload(const ReloadPlan& plan, const NodeFile& running) {
  std::vector<std::string> applied;
  if (plan.log_level) {
    applied.push_back(fmt::format("log_level {} -> {}", log_level_name(running.log_level),
                                  log_level_name(*plan.log_level)));
  }
  if (plan.peers) {
    applied.push_back(fmt::format("peers +{} -{} ~{} (now {})", plan.peers_added.size(),
                                  plan.peers_removed.size(), plan.peers_readdressed.size(),
                                  plan.peers->size()));
  }
  const config::NodeLimits before = limits_of(running);
  for (const auto& [key, capacity] : plan.mailboxes) {
    applied.push_back(
        fmt::format("limits.{} {} -> {}", key, before.*config::limit_key(key)->field, capacity));
  }
  if (plan.rpc_rate) {
    const ReloadPlan::RpcRateChange& r = *plan.rpc_rate;
    applied.push_back(fmt::format("rpc_rate_per_sec/rpc_burst {}/{} -> {}/{}", r.from.per_sec,
                                  r.from.burst, r.to.per_sec, r.to.burst));
  }
  std::string out = applied.empty() ? std::string("nothing to apply")
                                    : "applied: " + fmt::format("{}", fmt::join(applied, ", "));
  if (!plan.rejected.empty()) {
    out += fmt::format("; not reloadable, changed on disk and NOT applied (restart to apply): {}",
                       fmt::join(plan.rejected, ", "));
  }
  return out;
}

Result<NodeFile> load_node_config(const ConfigSource& source) {
  auto file = load_node_file(source.path);
  if (!file) return file.error();
  if (source.getenv) {
    if (Status s = apply_overrides(*file, overrides_from_env(source.getenv), "environment"); !s.is_ok()) {
      return s;
    }
  }
  if (Status s = apply_overrides(*file, source.flags, "flag"); !s.is_ok()) return s;
  return file;
}

ConfigReloader::ConfigReloader(ConfigSource source, NodeFile running, ReloadTarget& target, Log& log)
    : source_(std::move(source)), target_(target), log_(log), running_(std::move(running)) {}

NodeFile ConfigReloader::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

Status ConfigReloader::set_log_level(LogLevel level) {
  std::lock_guard lock(mu_);
  if (Status s = target_.set_log_level(level); !s.is_ok()) return s;
  running_.log_level = level;
  return Status::ok();
}

Result<std::string> ConfigReloader::reload() {
  std::lock_guard lock(mu_);
  auto loaded = load_node_config(source_);
  if (!loaded) {
    ALYS_LOG(log_, kError, "config reload refused, nothing changed: {}", loaded.error().message());
    return status_like(loaded.error(),
                       "config reload refused, nothing changed: " + loaded.error().message());
  }
  const ReloadPlan plan = plan_reload(running_, *loaded);
  const std::string summary = describe_reload(plan, running_);
  if (Status s = apply_reload(plan, running_, target_); !s.is_ok()) {
    ALYS_LOG(log_, kError, "config reload failed, old configuration kept: {}", s.message());
    return status_like(s, "config reload failed, old configuration kept: " + s.message());
  }
  // What runs now: the old file with the reloaded keys taken from the new one (a key
  // that needs a restart keeps its old value, and is reported again next time).
  running_.log_level = loaded->log_level;
  running_.peers = loaded->peers;
  for (const auto& [key, capacity] : plan.mailboxes) running_.limits[key] = capacity;
  running_.rpc_rate_per_sec = loaded->rpc_rate_per_sec;
  running_.rpc_burst = loaded->rpc_burst;
  if (plan.rejected.empty()) {
    ALYS_LOG(log_, kInfo, "config reloaded: {}", summary);
  } else {
    ALYS_LOG(log_, kWarn, "config reloaded: {}", summary);
  }
  return summary;
}

}  // namespace alys::node
