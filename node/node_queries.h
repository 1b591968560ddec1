// NodeQueries: what the node's HTTP endpoints (JSON-RPC, /metrics, /health) may ask a
// running AlysNode, each a message to one actor (node/actor_query.h) answered before a
// deadline. Nothing here reads actor state directly; the health tree and dead-letter
// counts are the actor system's any-thread snapshots (atomics).
//
// Each ask_* sends at once and returns a PendingAnswer, so a caller can send several and
// then wait for all (alys_status asks chain, network and sync in parallel).
// REQUIRES: the node was started (its tree exists) and outlives this object; ask only
// while the node's executor runs (an answer needs it).
// Threading: any thread but an actor strand.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/actor/system.h"
#include "core/bridge/bridge_actor.h"
#include "core/chain/auxpow_actor.h"
#include "core/chain/chain_actor.h"
#include "core/network/network_actor.h"
#include "core/sync/sync_actor.h"
#include "core/system/alys_node.h"
#include "node/actor_query.h"

namespace alys::node {

// An actor's ok-or-why answer (a Status cannot be a Result's value).
struct Outcome {
  Status status;
};

// Fixed facts about the node, read once at construction.
struct NodeFacts {
  NodeId node_id = 0;
  std::optional<std::uint32_t> authority;  // index in the spec's authorities
  std::uint32_t chain_id = 0;
  Hash256 genesis;
  std::shared_ptr<const ChainSpec> spec;
  bool has_bridge = false;
};

class NodeQueries {
 public:
  explicit NodeQueries(AlysNode& node);

  const NodeFacts& facts() const { return facts_; }

  PendingAnswer<StatusMessage> ask_chain_status() const;
  PendingAnswer<std::optional<chain::BlockView>> ask_block(std::uint64_t height) const;
  PendingAnswer<std::optional<chain::BlockView>> ask_block(const Hash256& hash) const;
  PendingAnswer<Result<chain::AccountAtHead>> ask_account(
      const EvmAddress& address, chain::StateAt at = chain::StateAt::kHead) const;
  // `done` gets whether the mempool took the transaction (chain::InboundTx::done).
  PendingAnswer<Outcome> submit_tx(const LedgerTx& tx) const;
  PendingAnswer<sync::SyncProgress> ask_sync() const;
  PendingAnswer<std::vector<net::PeerView>> ask_peers() const;
  // Sizes of the bounded structures and drop counters (/metrics).
  PendingAnswer<chain::ChainStats> ask_chain_stats() const;
  PendingAnswer<net::NetworkStats> ask_network_stats() const;
  PendingAnswer<Result<chain::AuxWork>> create_aux_block(const EvmAddress& fee_recipient) const;
  PendingAnswer<Outcome> submit_aux_block(const Hash256& aux_hash, AuxPow auxpow) const;
  // Without a bridge (facts().has_bridge false) these answer kUnavailable at once.
  PendingAnswer<bridge::BridgeStatus> ask_bridge_status() const;
  PendingAnswer<std::optional<bridge::PegOperation>> ask_peg_operation(const Hash256& id) const;

  // Any-thread snapshots of the actor system.
  actor::HealthNode health() const { return system_->health(); }
  std::uint64_t dead_letter_total() const { return system_->dead_letter_total(); }
  std::uint64_t dead_letters(actor::DeadLetterReason reason) const {
    return system_->dead_letter_count(reason);
  }
  // Posts every actor's health_check() (results show in later health() snapshots).
  void run_health_checks() const { system_->run_health_checks(); }

 private:
  NodeFacts facts_;
  actor::ActorSystem* system_;
  actor::ActorRef<chain::ChainMsg> chain_;
  actor::ActorRef<chain::AuxPowMsg> auxpow_;
  actor::ActorRef<net::NetworkMsg> network_;
  actor::ActorRef<sync::SyncMsg> sync_;
  std::optional<actor::ActorRef<bridge::BridgeMsg>> bridge_;
};

}  // namespace alys::node
