// LoadNodes: the nodes a load run talks to. Either attached (running nodes at the given
// host:port addresses) or a devnet this run starts: `alys-node devnet` as a child process
// (this executable; node/devnet.h) in a directory, with every node's JSON-RPC rate limit
// raised to kMaxRpcRate, so the run measures the nodes rather than their limiter (the
// limiter still runs: its cost is in the figures), and stopped with SIGINT at the end.
// Threading: one owner thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime/status.h"
#include "node/child_process.h"
#include "node/load/load_options.h"
#include "node/rpc_client.h"

namespace alys::node::load {

// How long a started devnet may take to produce blocks with every node connected.
inline constexpr std::chrono::seconds kDevnetReadyTimeout{120};
// How long a started devnet may take to stop after SIGINT.
inline constexpr std::chrono::seconds kDevnetStopTimeout{60};

class LoadNodes {
 public:
  // Attaches (options.rpc) or starts a devnet. Errors: a bad --rpc address (kInvalidArgument),
  // the devnet's directory or process (named).
  static Result<std::unique_ptr<LoadNodes>> open(const LoadOptions& options);
  ~LoadNodes();  // a devnet still running is stopped (SIGINT, then SIGKILL)

  const std::vector<JsonRpcEndpoint>& endpoints() const { return endpoints_; }
  bool started_devnet() const { return devnet_.has_value(); }
  // The started devnet's directory (empty when attached).
  const std::string& dir() const { return dir_; }

  // Waits until every node answers alys_status with a head above genesis and every other
  // node as a peer. Errors: not by `deadline`, or the devnet exited (naming what is missing).
  Status wait_ready(std::chrono::steady_clock::time_point deadline);
  // False once a started devnet's process has exited (always true when attached).
  bool devnet_running();
  // Stops a started devnet (SIGINT) and returns its exit code (0: every node stopped
  // cleanly and none died); nullopt when attached.
  std::optional<int> stop_devnet();
  // Removes a started devnet's directory if this run made it (no --dir given).
  void remove_temporary_dir();

 private:
  LoadNodes() = default;

  std::vector<JsonRpcEndpoint> endpoints_;
  std::optional<ChildProcess> devnet_;
  std::string dir_;
  bool temporary_dir_ = false;
};

}  // namespace alys::node::load
