// The operator's files (DESIGN.md §8): a chain spec, shared by every node of one network,
// and a node file, one per node. Both TOML, read with config::TomlReader, so every mistake
// is reported at once as "file:line:col: key: why" and an unknown key is an error.
//
// Chain spec (spec.toml):
//   chain_id = 212121                      slot_ms = 2000
//   max_blocks_without_pow = 50000         max_txs_per_block = 1000
//   bitcoin_network = "regtest"            pow_initial_bits = 0x207fffff   (optional)
//   authorities = ["<x-only key hex>", ...]            (federation order, at least one)
//   [[allocations]]  address = "0x<20 bytes hex>"  wei = "<decimal>"
//
// Node file (node.toml):
//   id = 0                                  spec = "spec.toml"   (relative to this file)
//   key = "<secret key hex>"                data_dir = "data"    (relative to this file)
//   listen = "127.0.0.1:7000"               log_level = "info"   (optional)
//   [[peers]]  id = 1  address = "127.0.0.1:7001"
//
// Layers, later wins: the file, then ALYS_DATA_DIR / ALYS_LISTEN / ALYS_LOG_LEVEL from the
// environment, then the command line (apply_overrides). Every layer is validated alike.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/chain/chain_spec.h"
#include "core/crypto/keys.h"
#include "core/runtime/log.h"
#include "core/runtime/node_id.h"
#include "core/runtime/status.h"
#include "runtime-real/tcp_transport.h"

namespace alys::node {

Result<ChainSpec> load_chain_spec(const std::string& path);
std::string chain_spec_toml(const ChainSpec& spec);

struct NodeFile {
  NodeId id = 0;
  std::optional<SecretKey> key;  // always set by load_node_file
  std::string spec_path;  // as resolved (relative paths against the node file's folder)
  std::string data_dir;   // likewise
  real::TcpPeerAddress listen{"127.0.0.1", 0};
  std::map<NodeId, real::TcpPeerAddress> peers;
  LogLevel log_level = LogLevel::kInfo;
};

Result<NodeFile> load_node_file(const std::string& path);
// The file for `node`, with spec_path and data_dir written as given.
std::string node_file_toml(const NodeFile& node);

// What the environment and the command line may change, each absent when not given.
struct NodeOverrides {
  std::optional<std::string> data_dir;
  std::optional<std::string> listen;     // "host:port"
  std::optional<std::string> log_level;  // trace|debug|info|warn|error|off
};
// ALYS_DATA_DIR, ALYS_LISTEN, ALYS_LOG_LEVEL from `getenv` (a parameter for tests).
NodeOverrides overrides_from_env(const std::function<const char*(const char*)>& getenv);
// Applies `o` over `node`; errors name the source (`source` is "environment" or "flag")
// and the key.
Status apply_overrides(NodeFile& node, const NodeOverrides& o, std::string_view source);

// "host:port" with port 1..65535 (or 0 when `allow_any_port`).
Result<real::TcpPeerAddress> parse_host_port(std::string_view text, bool allow_any_port);

}  // namespace alys::node
