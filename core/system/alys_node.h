// AlysNode: the Alys node's supervision tree (DESIGN.md §3) as a NodeProgram, the one
// thing both runtimes run per node: AlysNode::start() is `AlysSystem::start(Env&,
// NodeConfig)`.
//
//   alys (OneForAll)
//   ├── storage-sup (OneForOne): storage
//   ├── chain-sup (OneForOne):   engine (CircuitBreaker), chain (ExponentialBackoff), auxpow
//   ├── network-sup (RestForOne): network (CircuitBreaker), sync (ExponentialBackoff)
//   └── bridge-sup (OneForOne), with a bridge: bridge (CircuitBreaker) and, on an
//       authority, federation (CircuitBreaker); spawned before chain-sup
// Storage starts first (the chain loads from it at start) and stops last; the seed lists
// it last but a dependency must start before its users (OTP start order). MetricsActor,
// StreamActor and the bridge supervisor come with their issues (8, 6).
//
// Wiring: actors reach each other only by ActorRef and the route functions built here
// (network inbound -> chain / sync; chain and sync -> network). Nothing is shared but
// messages.
#pragma once

#include <memory>

#include "core/actor/system.h"
#include "core/chain/auxpow_actor.h"
#include "core/chain/chain_actor.h"
#include "core/config/node_config.h"
#include "core/execution/engine_actor.h"
#include "core/network/network_actor.h"
#include "core/runtime/program.h"
#include "core/storage/storage_actor.h"
#include "core/sync/sync_actor.h"

namespace alys {

// The genesis block of `spec` (its state root from the allocations). Errors: bad
// allocations (named by the ledger).
Result<SignedBlock> genesis_of(const ChainSpec& spec);

class AlysNode final : public NodeProgram {
 public:
  // REQUIRES: config.spec and config.node_key set; the spec's allocations valid (asserted).
  AlysNode(Env& env, NodeConfig config);
  ~AlysNode() override;
  void start() override;

  actor::ActorSystem& system() { return *system_; }
  const Hash256& genesis_hash() const { return genesis_hash_; }
  actor::ActorRef<chain::ChainMsg> chain() const { return chain_; }
  actor::ActorRef<chain::AuxPowMsg> auxpow() const { return auxpow_; }
  actor::ActorRef<execution::EngineMsg> engine() const { return engine_; }
  actor::ActorRef<storage::StorageMsg> storage() const { return storage_; }
  actor::ActorRef<net::NetworkMsg> network() const { return network_; }
  actor::ActorRef<sync::SyncMsg> sync() const { return sync_; }
  // Only with config().bridge set.
  std::optional<actor::ActorRef<bridge::BridgeMsg>> bridge() const { return bridge_; }
  // Only with config().bridge set, on an authority.
  std::optional<actor::ActorRef<bridge::FederationMsg>> federation() const { return federation_; }
  const NodeConfig& config() const { return config_; }

  // Fault injection (the simulator's chaos::Equivocate; an operator never reaches this):
  // on, this authority turns Byzantine and signs a second, different block for each slot
  // it proposes in (chain::ByzantineSwitch). The switch outlives restarts of the chain
  // actor (and of the whole tree), not the node: a restarted node starts honest. Returns
  // false, changing nothing, on a node that is no authority (it has nothing to sign).
  bool set_equivocating(bool on);
  // The same for usurping (chaos::Usurp): the authority also signs blocks in slots other
  // authorities own (chain::ByzantineSwitch::usurp).
  bool set_usurping(bool on);

  // Hot reload (the real node): the configured peers are now `peers`, for the running
  // network actor (net::SetPeers) and for every later restart of it (net::LivePeers).
  // config() keeps the list the node started with. Any thread, after start(). Errors:
  // the network actor's mailbox refused the message (the live list is set regardless,
  // so call again with the old list to undo).
  Status set_peers(std::vector<NodeId> peers);

 private:
  struct Refs;
  void build_tree();

  Env& env_;
  NodeConfig config_;
  Hash256 genesis_hash_;
  Hash256 genesis_state_root_;
  std::shared_ptr<Refs> refs_;
  std::shared_ptr<chain::ByzantineSwitch> byzantine_;
  std::shared_ptr<net::LivePeers> live_peers_;
  // Every write of this process goes through it (storage/write_fence.h).
  std::shared_ptr<storage::FencedStorage> fence_;
  std::unique_ptr<actor::ActorSystem> system_;
  actor::ActorRef<chain::ChainMsg> chain_;
  actor::ActorRef<chain::AuxPowMsg> auxpow_;
  actor::ActorRef<execution::EngineMsg> engine_;
  actor::ActorRef<storage::StorageMsg> storage_;
  actor::ActorRef<net::NetworkMsg> network_;
  actor::ActorRef<sync::SyncMsg> sync_;
  std::optional<actor::ActorRef<bridge::BridgeMsg>> bridge_;
  std::optional<actor::ActorRef<bridge::FederationMsg>> federation_;
};

}  // namespace alys
