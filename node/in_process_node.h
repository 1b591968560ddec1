// InProcessNode: one Alys node on the production runtime inside this process (its own Asio
// pool, as if its own process; RealEnv: LevelDB in `data_dir`, TCP on loopback, wall
// clock), for tests and benchmarks that need several real nodes without child processes.
//
// open() opens the store and binds the listener (port 0: any free port, see port()) and
// builds the AlysNode; nothing runs until start(). stop() (and the destructor) follow the
// teardown rule of ActorSystem: stop the actors, then the pool, then destroy the node and
// the environment; afterwards the data directory can be opened again. The signature
// pre-verifier's workers stop with the pool.
// Errors: open() passes on RealEnv::open's (the directory, the address).
// Thread rules: call from one thread; observers run on the node's threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/chain/chain_observer.h"
#include "core/chain/chain_spec.h"
#include "core/crypto/keys.h"
#include "core/runtime/log.h"
#include "core/runtime/node_id.h"
#include "core/runtime/status.h"
#include "core/sync/assume_valid.h"
#include "runtime-real/tcp_transport.h"

namespace alys {
class AlysNode;
}  // namespace alys

namespace alys::real {
class AsioPool;
class RealEnv;
}  // namespace alys::real

namespace alys::node {

class PreVerifier;

struct InProcessNodeOptions {
  NodeId id = 0;
  std::string data_dir;
  std::uint16_t listen_port = 0;
  std::shared_ptr<const ChainSpec> spec;  // REQUIRED
  std::optional<SecretKey> key;           // REQUIRED; an authority's key makes the node one
  std::map<NodeId, real::TcpPeerAddress> peers;  // dialled and kept connected
  ChainObserver* observer = nullptr;      // not owned; must outlive the node
  std::size_t threads = 2;                // the pool (alys-node run: max(2, cores))
  // Signature pre-verification while syncing (node/pre_verifier.h), as alys-node run has
  // it: verify_threads workers (0: verify_threads_for's default). Off: the actors verify
  // everything themselves, each with its own memo (the node before issue 8).
  bool pre_verify = true;
  unsigned verify_threads = 0;
  LogLevel log_level = LogLevel::kWarn;
  std::optional<sync::AssumeValid> assume_valid;  // as the node file's assume_valid
};

class InProcessNode {
 public:
  static Result<std::unique_ptr<InProcessNode>> open(const InProcessNodeOptions& options);
  ~InProcessNode();
  InProcessNode(const InProcessNode&) = delete;
  InProcessNode& operator=(const InProcessNode&) = delete;

  // Starts the pool and the node's supervision tree. REQUIRES: called once.
  void start();
  // Stops and releases everything; false if the actors did not stop within `limit` (the
  // pool is stopped anyway). Idempotent.
  bool stop(std::chrono::steady_clock::duration limit = std::chrono::seconds(30));

  std::uint16_t port() const { return port_; }
  AlysNode& node() { return *node_; }
  real::RealEnv& env() { return *env_; }
  // Null when options.pre_verify was false.
  PreVerifier* pre_verifier() { return pre_verifier_.get(); }

 private:
  InProcessNode() = default;

  std::unique_ptr<real::AsioPool> pool_;
  std::unique_ptr<real::RealEnv> env_;
  std::shared_ptr<PreVerifier> pre_verifier_;
  std::unique_ptr<AlysNode> node_;
  std::uint16_t port_ = 0;
  bool started_ = false;
};

}  // namespace alys::node
