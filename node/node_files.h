// The operator's files (DESIGN.md §8): a chain spec, shared by every node of one network,
// and a node file, one per node. Both TOML, read with config::TomlReader, so every mistake
// is reported at once as "file:line:col: key: why" and an unknown key is an error.
//
// Chain spec (spec.toml):
//   chain_id = 212121                      slot_ms = 2000
//   max_blocks_without_pow = 50000         max_txs_per_block = 1000
//   bitcoin_network = "regtest"            pow_initial_bits = 0x207fffff   (optional; a
//                                           usable target: pow.h target_from_bits)
//   pow_no_retargeting = false             (optional: true keeps pow_initial_bits forever,
//                                           a devnet's fixed difficulty)
//   authorities = ["<x-only key hex>", ...]            (federation order, at least one,
//                                                       each once, at most kFederationMembersMax)
//   [[allocations]]  address = "0x<20 bytes hex>"  wei = "<decimal>"
//
// Node file (node.toml):
//   id = 0                                  spec = "spec.toml"   (relative to this file)
//   key = "<secret key hex>"                data_dir = "data"    (relative to this file)
//   listen = "127.0.0.1:7000"               log_level = "info"   (optional)
//   profile = "low-latency"                 (optional: high-throughput | low-latency |
//                                            resource-conservative; core/config/node_limits.h)
//   [[peers]]  id = 1  address = "127.0.0.1:7001"
//   rpc_listen = "127.0.0.1:8545"           (optional: JSON-RPC, /metrics, /health; absent:
//                                            no server; port 0: any free port)
//   rpc_token = "<secret>"                  (optional: admin methods' bearer token; absent:
//                                            admin methods refused)
//   rpc_rate_per_sec = 100  rpc_burst = 200 (optional: per-client rate limit, 1..1000000)
//   assume_valid = "HEIGHT:HASH"            (optional: a block the operator vouches for; the
//                                            chain below it syncs without its signatures
//                                            checked: core/sync/assume_valid.h)
//   [limits]   mempool_max = 50000 ...      (optional: any key of config::limit_keys())
//   [bitcoin]  rpc = "127.0.0.1:18443"  user = "alys"  password = "..."  wallet = "fed"
//              (optional: absent, the node runs no bridge; wallet optional)
//   [bridge]   start_height = 0  required_confirmations = 6  poll_interval_ms = 30000
//              fee_conf_target = 6          (optional, only with [bitcoin])
//
// Layers, later wins: the file, then the environment (ALYS_DATA_DIR, ALYS_LISTEN,
// ALYS_LOG_LEVEL, ALYS_RPC_LISTEN, ALYS_PROFILE, ALYS_LIMITS="key=value,...", ALYS_BITCOIN_RPC,
// ALYS_BITCOIN_USER, ALYS_BITCOIN_PASSWORD, ALYS_ASSUME_VALID), then the command line
// (apply_overrides).
// Every layer is validated alike. The limits layer on the profile whichever layer chose it:
// defaults → profile → [limits] → ALYS_LIMITS → --limit (limits_of).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bridge/bridge_actor.h"
#include "core/bridge/federation_actor.h"
#include "core/chain/chain_spec.h"
#include "core/config/node_limits.h"
#include "core/crypto/keys.h"
#include "core/runtime/log.h"
#include "core/runtime/node_id.h"
#include "core/runtime/status.h"
#include "core/sync/assume_valid.h"
#include "runtime-real/tcp_transport.h"

namespace alys::node {

Result<ChainSpec> load_chain_spec(const std::string& path);
// The same from text in memory; `file_name` names it in errors (what load_chain_spec does
// once it has read the file).
Result<ChainSpec> parse_chain_spec(std::string_view text, const std::string& file_name);
std::string chain_spec_toml(const ChainSpec& spec);

// The JSON-RPC server's per-client rate limit unless the node file sets one.
inline constexpr std::uint32_t kDefaultRpcRatePerSec = 100;
inline constexpr std::uint32_t kDefaultRpcBurst = 200;
inline constexpr std::uint32_t kMaxRpcRate = 1'000'000;

struct NodeFile {
  NodeId id = 0;
  std::optional<SecretKey> key;  // always set by load_node_file
  std::string spec_path;  // as resolved (relative paths against the node file's folder)
  std::string data_dir;   // likewise
  real::TcpPeerAddress listen{"127.0.0.1", 0};
  std::map<NodeId, real::TcpPeerAddress> peers;
  LogLevel log_level = LogLevel::kInfo;
  std::optional<config::Profile> profile;
  config::LimitSettings limits;  // the keys set explicitly, by any layer
  // The bridge's bitcoind; absent: no bridge.
  struct Bitcoin {
    real::TcpPeerAddress rpc;
    std::string user;
    std::string password;
    std::string wallet;  // empty: bitcoind's default wallet
    friend bool operator==(const Bitcoin&, const Bitcoin&) = default;
  };
  std::optional<Bitcoin> bitcoin;
  struct Bridge {
    std::uint64_t start_height = bridge::BridgeConfig{}.start_height;
    std::uint32_t required_confirmations = bridge::BridgeConfig{}.required_confirmations;
    std::uint64_t poll_interval_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(bridge::BridgeConfig{}.poll_interval).count());
    std::uint32_t fee_conf_target = bridge::FederationConfig{}.fee_conf_target;
    friend bool operator==(const Bridge&, const Bridge&) = default;
  };
  Bridge bridge;
  // The node's HTTP API (node/rpc_server.h); absent: no server.
  std::optional<real::TcpPeerAddress> rpc_listen;
  std::string rpc_token;  // empty: admin methods refused
  std::uint32_t rpc_rate_per_sec = kDefaultRpcRatePerSec;
  std::uint32_t rpc_burst = kDefaultRpcBurst;
  std::optional<sync::AssumeValid> assume_valid;
};

// The node's tunables: defaults, then its profile, then its explicit limits.
config::NodeLimits limits_of(const NodeFile& node);

Result<NodeFile> load_node_file(const std::string& path);
// The same from text in memory: `file_name` names it in errors, and relative spec and
// data_dir paths resolve against its folder, as they would for a file at that path.
Result<NodeFile> parse_node_file(std::string_view text, const std::string& file_name);
// The file for `node`, with spec_path and data_dir written as given.
std::string node_file_toml(const NodeFile& node);

// What the environment and the command line may change, each absent when not given.
struct NodeOverrides {
  std::optional<std::string> data_dir;
  std::optional<std::string> listen;     // "host:port"
  std::optional<std::string> log_level;  // trace|debug|info|warn|error|off
  std::optional<std::string> rpc_listen;  // "host:port"
  std::optional<std::string> profile;    // config::profile_names()
  std::vector<std::string> limits;       // each "key=value[,key=value...]"
  std::optional<std::string> bitcoin_rpc;  // "host:port"; adds [bitcoin] if absent
  std::optional<std::string> bitcoin_user;
  std::optional<std::string> bitcoin_password;
  std::optional<std::string> assume_valid;  // "HEIGHT:HASH"
};
// The ALYS_* variables above from `getenv` (a parameter for tests).
NodeOverrides overrides_from_env(const std::function<const char*(const char*)>& getenv);
// Applies `o` over `node`; errors name the source (`source` is "environment" or "flag")
// and the key.
Status apply_overrides(NodeFile& node, const NodeOverrides& o, std::string_view source);

// "host:port" with port 1..65535 (or 0 when `allow_any_port`).
Result<real::TcpPeerAddress> parse_host_port(std::string_view text, bool allow_any_port);

}  // namespace alys::node
