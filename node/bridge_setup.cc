#include "node/bridge_setup.h"

#include <fmt/format.h>

#include "runtime-real/bitcoind_client.h"

namespace alys::node {

Result<NodeConfig::Bridge> bridge_of(const NodeFile& file, const ChainSpec& spec) {
  if (!file.bitcoin) return Status::invalid_argument("bitcoin: no [bitcoin] section: the node runs no bridge");
  auto federation = federation_of(spec);
  if (!federation) {
    return Status::invalid_argument(
        fmt::format("authorities: no federation: {}", federation.error().message()));
  }
  NodeConfig::Bridge b;
  b.config.federation_script_pubkey = federation->script_pubkey();
  b.config.start_height = file.bridge.start_height;
  b.config.required_confirmations = file.bridge.required_confirmations;
  b.config.poll_interval = std::chrono::milliseconds(file.bridge.poll_interval_ms);
  if (Status s = bridge::validate(b.config); !s.is_ok()) return s;
  b.federation.fee_conf_target = file.bridge.fee_conf_target;
  real::BitcoindOptions o;
  o.host = file.bitcoin->rpc.host;
  o.port = file.bitcoin->rpc.port;
  o.user = file.bitcoin->user;
  o.password = file.bitcoin->password;
  o.wallet = file.bitcoin->wallet;
  o.network = spec.bitcoin_network;
  b.rpc = [o](Env& env) -> std::unique_ptr<bridge::BitcoinRpc> {
    return std::make_unique<real::BitcoindClient>(o, env.executor());
  };
  return b;
}

}  // namespace alys::node
