// alys-node's commands (DESIGN.md §8). Each returns the process exit code: 0 success,
// 1 the node failed while running, 2 bad input (a file, a flag, the environment), with the
// reason on stderr naming the file and key or the flag.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/config_reload.h"
#include "node/node_files.h"

namespace alys {
class AlysNode;
}  // namespace alys

namespace alys::node {

// A new secret key from OS entropy; prints it and its x-only public key.
int keygen_command();

struct InitOptions {
  std::size_t nodes = 3;
  std::string dir;
  std::uint16_t base_port = 7000;
  std::uint16_t rpc_base_port = 8545;  // node i serves JSON-RPC on 127.0.0.1:rpc_base_port+i
  std::uint64_t slot_ms = 2000;
  std::uint32_t chain_id = 212121;
  // Given (--bitcoin-rpc): every node file gets a [bitcoin] section with these.
  std::optional<std::string> bitcoin_rpc;  // "host:port"
  std::string bitcoin_user;
  std::string bitcoin_password;
};
// A local federation in memory: the chain spec and one node file per node, each an
// authority with a fresh key, listening on 127.0.0.1:base_port+i (JSON-RPC on
// rpc_base_port+i), every other node its peer. Errors: kInvalidArgument naming the flag.
struct LocalNetwork {
  ChainSpec spec;
  std::vector<NodeFile> nodes;  // node i is nodes[i]; spec_path and data_dir relative
};
Result<LocalNetwork> plan_local_network(const InitOptions& options);
// Writes dir/spec.toml and dir/n<i>/node.toml. Refuses (kInvalidArgument) a directory that
// already holds a spec.toml; kIoError naming the path it could not write.
Status write_local_network(const std::string& dir, const LocalNetwork& network);
// plan_local_network, then write_local_network into options.dir.
int init_command(const InitOptions& options);

// Stops `node`'s actors (in reverse start order) and waits up to `limit` for its tree to
// report stopped; false if it did not. The caller then stops the Asio pool and destroys the
// node (ActorSystem's teardown rule).
bool stop_actors(AlysNode& node, std::chrono::steady_clock::duration limit);

// Runs the node of `node_file` (overrides already applied) until SIGINT or SIGTERM, then
// stops its actors, syncs and exits 0; exits with the tree's code if its root supervisor
// gives up. With a [bitcoin] section it runs the bridge on that bitcoind. On SIGHUP it
// reloads its configuration from `source` (node/config_reload.h) and keeps running
// whatever the outcome (a refused reload changes nothing).
int run_command(const NodeFile& node_file, const ConfigSource& source);

}  // namespace alys::node
