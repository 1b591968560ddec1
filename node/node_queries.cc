#include "node/node_queries.h"

namespace alys::node {

namespace {
// An answer that failed before anything was sent.
template <typename T>
PendingAnswer<T> refused(std::string what, Status why) {
  PendingAnswer<T> p(std::move(what), std::make_shared<std::promise<T>>());
  p.fail(std::move(why));
  return p;
}
}  // namespace

NodeQueries::NodeQueries(AlysNode& node)
    : system_(&node.system()),
      chain_(node.chain()),
      auxpow_(node.auxpow()),
      network_(node.network()),
      sync_(node.sync()),
      bridge_(node.bridge()) {
  const NodeConfig& config = node.config();
  facts_.node_id = node.system().env().id();
  facts_.authority = authority_index_of(*config.spec, *config.node_key);
  facts_.chain_id = config.spec->chain_id;
  facts_.genesis = node.genesis_hash();
  facts_.spec = config.spec;
  facts_.has_bridge = bridge_.has_value();
}

PendingAnswer<StatusMessage> NodeQueries::ask_chain_status() const {
  return ask_actor<StatusMessage>(
      chain_, [](auto done) { return chain::GetStatus{std::move(done)}; }, "chain");
}

PendingAnswer<std::optional<chain::BlockView>> NodeQueries::ask_block(std::uint64_t height) const {
  return ask_actor<std::optional<chain::BlockView>>(
      chain_, [height](auto done) { return chain::GetBlockByHeight{height, std::move(done)}; },
      "chain");
}

PendingAnswer<std::optional<chain::BlockView>> NodeQueries::ask_block(const Hash256& hash) const {
  return ask_actor<std::optional<chain::BlockView>>(
      chain_, [&hash](auto done) { return chain::GetBlockByHash{hash, std::move(done)}; },
      "chain");
}

PendingAnswer<Result<chain::AccountAtHead>> NodeQueries::ask_account(const EvmAddress& address,
                                                                     chain::StateAt at) const {
  return ask_actor<Result<chain::AccountAtHead>>(
      chain_, [&address, at](auto done) { return chain::GetAccount{address, std::move(done), at}; },
      "chain");
}

PendingAnswer<Outcome> NodeQueries::submit_tx(const LedgerTx& tx) const {
  return ask_actor<Outcome>(
      chain_,
      [&tx](auto done) {
        return chain::InboundTx{std::nullopt, tx, nullptr,
                                [done](Status s) { done(Outcome{std::move(s)}); }};
      },
      "chain");
}

PendingAnswer<sync::SyncProgress> NodeQueries::ask_sync() const {
  return ask_actor<sync::SyncProgress>(
      sync_, [](auto done) { return sync::GetProgress{std::move(done)}; }, "sync");
}

PendingAnswer<std::vector<net::PeerView>> NodeQueries::ask_peers() const {
  return ask_actor<std::vector<net::PeerView>>(
      network_, [](auto done) { return net::GetPeers{std::move(done)}; }, "network");
}

PendingAnswer<chain::ChainStats> NodeQueries::ask_chain_stats() const {
  return ask_actor<chain::ChainStats>(
      chain_, [](auto done) { return chain::GetChainStats{std::move(done)}; }, "chain");
}

PendingAnswer<net::NetworkStats> NodeQueries::ask_network_stats() const {
  return ask_actor<net::NetworkStats>(
      network_, [](auto done) { return net::GetNetworkStats{std::move(done)}; }, "network");
}

PendingAnswer<Result<chain::AuxWork>> NodeQueries::create_aux_block(
    const EvmAddress& fee_recipient) const {
  return ask_actor<Result<chain::AuxWork>>(
      auxpow_,
      [&fee_recipient](auto done) { return chain::CreateAuxBlock{std::move(done), fee_recipient}; },
      "auxpow");
}

PendingAnswer<Outcome> NodeQueries::submit_aux_block(const Hash256& aux_hash, AuxPow auxpow) const {
  return ask_actor<Outcome>(
      auxpow_,
      [&](auto done) {
        return chain::SubmitAuxBlock{aux_hash, std::move(auxpow),
                                     [done](Status s) { done(Outcome{std::move(s)}); }};
      },
      "auxpow");
}

PendingAnswer<bridge::BridgeStatus> NodeQueries::ask_bridge_status() const {
  if (!bridge_) {
    return refused<bridge::BridgeStatus>("bridge", Status::unavailable("this node runs no bridge"));
  }
  return ask_actor<bridge::BridgeStatus>(
      *bridge_, [](auto done) { return bridge::QueryBridgeStatus{std::move(done)}; }, "bridge");
}

PendingAnswer<std::optional<bridge::PegOperation>> NodeQueries::ask_peg_operation(
    const Hash256& id) const {
  if (!bridge_) {
    return refused<std::optional<bridge::PegOperation>>(
        "bridge", Status::unavailable("this node runs no bridge"));
  }
  return ask_actor<std::optional<bridge::PegOperation>>(
      *bridge_, [&id](auto done) { return bridge::QueryPegOperation{id, std::move(done)}; },
      "bridge");
}

}  // namespace alys::node
