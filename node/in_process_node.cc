#include "node/in_process_node.h"

#include <utility>

#include "core/runtime/assert.h"
#include "core/system/alys_node.h"
#include "node/commands.h"
#include "node/pre_verifier.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/real_env.h"

namespace alys::node {

Result<std::unique_ptr<InProcessNode>> InProcessNode::open(const InProcessNodeOptions& options) {
  ALYS_ASSERT(options.spec != nullptr, "InProcessNode: no chain spec");
  ALYS_ASSERT(options.key.has_value(), "InProcessNode: no node key");
  std::unique_ptr<InProcessNode> n(new InProcessNode());
  n->pool_ = std::make_unique<real::AsioPool>(options.threads);
  real::RealEnvOptions eo;
  eo.id = options.id;
  eo.data_dir = options.data_dir;
  eo.listen_port = options.listen_port;
  eo.transport.network_id = options.spec->chain_id;
  eo.log_level = options.log_level;
  auto env = real::RealEnv::open(n->pool_->context(), eo);
  if (!env) return env.error();
  n->env_ = std::move(*env);
  n->port_ = n->env_->port();
  NodeConfig config;
  config.spec = options.spec;
  config.node_key = options.key;
  config.observer = options.observer;
  config.sync.assume_valid = options.assume_valid;
  for (const auto& [id, address] : options.peers) {
    n->env_->transport().set_peer_address(id, address);
    config.peers.push_back(id);
  }
  if (options.pre_verify) {
    n->pre_verifier_ = install_pre_verifier(
        config, options.verify_threads > 0 ? options.verify_threads : verify_threads_for(0));
  }
  n->node_ = std::make_unique<AlysNode>(n->env_->env(), std::move(config));
  return n;
}

InProcessNode::~InProcessNode() { (void)stop(); }

void InProcessNode::start() {
  ALYS_ASSERT(!started_, "InProcessNode::start: already started");
  started_ = true;
  pool_->start();
  node_->start();
}

bool InProcessNode::stop(std::chrono::steady_clock::duration limit) {
  if (!pool_) return true;
  bool stopped = true;
  if (started_) stopped = stop_actors(*node_, limit);
  pool_->stop();
  if (pre_verifier_) pre_verifier_->stop();
  node_.reset();
  pre_verifier_.reset();
  env_.reset();
  pool_.reset();
  return stopped;
}

}  // namespace alys::node
