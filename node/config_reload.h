// Hot reload of the node file (DESIGN.md §8): on SIGHUP, or from the JSON-RPC method
// admin_reloadConfig, the running node re-reads its file, applies the environment and
// its original command-line flags over it again, validates it all, and applies only what a
// running node can change safely:
//   log_level               the node's Log (every actor logs through it)
//   peers                   add / remove / readdress: the transport's addresses, then the
//                           network actor (net::SetPeers, also kept for its restarts)
//   limits.mailbox_*        the actors' mailbox bounds (actor::CellBase::set_mailbox_capacity)
//   rpc_rate_per_sec,       the JSON-RPC server's per-client rate limit (when the node
//   rpc_burst               runs one: ReloadTarget::set_rpc_rate_limit)
// Every other key that changed on disk (id, key, spec, data_dir, listen, profile-driven or
// explicit limits that size structures built at start, bitcoin.*, bridge.*, rpc_listen,
// rpc_token...) is reported by name, in the log and in the result, and not applied: the
// node keeps running with its old value until it is restarted.
//
// All or nothing: a reload whose file does not load or validate changes nothing (the error
// names the key). When applying one part fails, the parts already applied are undone, in
// reverse order, and the running configuration stays the old one.
//
// The pure half (plan_reload, apply_reload over a ReloadTarget) needs no node; the node's
// own ReloadTarget is in node/node_reload_target.h.
// Threading: ConfigReloader::reload() may be called from any thread; calls are serialized.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/log.h"
#include "core/runtime/node_id.h"
#include "core/runtime/status.h"
#include "node/node_files.h"

namespace alys::node {

// What a reload changes, from the running file to the newly loaded one.
struct ReloadPlan {
  std::optional<LogLevel> log_level;  // set: the level changed to this
  // Set: the peer set or an address changed; the whole new set.
  std::optional<std::map<NodeId, real::TcpPeerAddress>> peers;
  std::vector<NodeId> peers_added, peers_removed, peers_readdressed;
  // Mailbox bounds that changed: limit key ("mailbox_network") -> new capacity.
  std::map<std::string, std::uint32_t> mailboxes;
  struct RpcRate {
    std::uint32_t per_sec = 0;
    std::uint32_t burst = 0;
    friend bool operator==(const RpcRate&, const RpcRate&) = default;
  };
  struct RpcRateChange {
    RpcRate from;  // restored by a rollback
    RpcRate to;
  };
  std::optional<RpcRateChange> rpc_rate;
  // Keys that changed on disk but need a restart ("listen", "bitcoin.rpc",
  // "limits.mempool_max"), in the node file's order.
  std::vector<std::string> rejected;

  bool applies_anything() const {
    return log_level || peers || !mailboxes.empty() || rpc_rate;
  }
};
ReloadPlan plan_reload(const NodeFile& running, const NodeFile& loaded);

// The running node, as far as a reload touches it. Each setter applies one part and
// returns an error if it could not (the reload then rolls back).
class ReloadTarget {
 public:
  virtual ~ReloadTarget() = default;
  virtual Status set_log_level(LogLevel level) = 0;
  virtual Status set_peers(const std::map<NodeId, real::TcpPeerAddress>& peers) = 0;
  // `key` is a limit key of the mailbox_* family.
  virtual Status set_mailbox_capacity(std::string_view key, std::uint32_t capacity) = 0;
  virtual Status set_rpc_rate_limit(std::uint32_t per_sec, std::uint32_t burst) = 0;
};

// Applies `plan` to `target`; `running` holds the values to restore. On the first step
// that fails, undoes the steps already applied (latest first) and returns that step's
// error (with any undo that failed too named after it).
Status apply_reload(const ReloadPlan& plan, const NodeFile& running, ReloadTarget& target);

// One line for the log and the RPC answer: what was applied, what needs a restart.
std::string describe_reload(const ReloadPlan& plan, const NodeFile& running);

// Where the node's settings come from, to be read again at each reload.
struct ConfigSource {
  std::string path;      // the node file
  NodeOverrides flags;   // the command line's, as given at start
  std::function<const char*(const char*)> getenv;  // null: no environment layer
};

// Loads `source` the way `alys-node run` does: the file, then the environment, then the
// flags. Errors name the file and key, or the layer and key.
Result<NodeFile> load_node_config(const ConfigSource& source);

class ConfigReloader {
 public:
  // REQUIRES: `target` and `log` outlive the reloader; `running` is what the node runs.
  ConfigReloader(ConfigSource source, NodeFile running, ReloadTarget& target, Log& log);

  // Reads, validates, plans and applies (see the header comment). The summary of what
  // changed, or the error (nothing applied, or everything rolled back). Any thread.
  Result<std::string> reload();
  // An operator's change of the log level while the node runs (admin_setLogLevel): applied
  // through the target and recorded as running, so the next reload compares the file with
  // the level in force. Any thread.
  Status set_log_level(LogLevel level);
  NodeFile running() const;

 private:
  const ConfigSource source_;
  ReloadTarget& target_;
  Log& log_;
  mutable std::mutex mu_;
  NodeFile running_;  // guarded by mu_
};

}  // namespace alys::node
