// NodeConfig: what one node needs to run the Alys tree (core/system). The node binary
// fills it from defaults, TOML, environment and flags (issue 8); the simulator fills it
// from the scenario.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/actor/handle_observer.h"
#include "core/actor/mailbox.h"
#include "core/bridge/bridge_actor.h"
#include "core/bridge/federation_actor.h"
#include "core/chain/chain_observer.h"
#include "core/chain/chain_spec.h"
#include "core/crypto/keys.h"
#include "core/crypto/verify_cache.h"
#include "core/runtime/node_id.h"
#include "core/runtime/time.h"
#include "core/sync/sync_actor.h"

namespace alys {
namespace execution {
class ExecutionMemo;
}

struct NodeConfig {
  std::shared_ptr<const ChainSpec> spec;
  // The node's identity for the handshake. If its x-only key is one of spec->authorities,
  // the node is that authority and signs blocks with it.
  std::optional<SecretKey> node_key;
  std::vector<NodeId> peers;
  EvmAddress fee_recipient{};
  ChainObserver* observer = nullptr;  // not owned
  // Sees every message the node's actors handle (actor::SystemConfig::handle_observer):
  // the simulator's trace recorder; null in the real node. Not owned.
  actor::HandleObserver* handle_observer = nullptr;
  // Signature-check memos (DESIGN.md §5). Absent: the node makes one per verifying actor.
  // The simulator passes one shared instance to every node (single-threaded, so safe);
  // a multi-threaded runtime may share one between actors only if it is
  // VerifyCache::Threading::kShared (the real node's, node/pre_verifier.h).
  std::shared_ptr<VerifyCache> chain_verify_cache;
  std::shared_ptr<VerifyCache> engine_verify_cache;
  // Block executions shared between engines (execution::ExecutionMemo): the simulator
  // passes one to every node of a run; absent in the real node. Not used by a node with a
  // planted bug (its ledger keeps history outside the state root).
  std::shared_ptr<execution::ExecutionMemo> execution_memo;
  // Real runtime only; empty in the simulator (whose runs it must not change): the sync
  // actor calls it with every run of blocks a peer sent, in height order, before the
  // chain imports them, so their signatures can be verified ahead on other threads into
  // the memos above (SyncRoutes::pre_verify). It must not block.
  std::function<void(std::span<const SignedBlock>)> pre_verify;

  // The bridge (peg-ins, peg-out broadcasting): absent, the node runs no BridgeActor,
  // proposes no peg-ins and refuses blocks that carry some (it cannot check them). On an
  // authority it also runs the member's FederationActor (peg-out signing) with `federation`
  // (its member index, key and observer are filled in from the node's).
  struct Bridge {
    bridge::BridgeConfig config;
    bridge::BitcoinRpcFactory rpc;  // REQUIRED: the node's bitcoind client
    bridge::BridgeRoutes routes;    // observers of confirmed / flagged peg-ins (optional)
    bridge::FederationConfig federation;
  };
  std::optional<Bridge> bridge;

  // Limits (TigerStyle: every queue bounded).
  std::size_t mempool_max = 20'000;
  std::size_t seen_cache_max = 16'384;
  Duration engine_timeout = 10s;
  Duration storage_timeout = 10s;
  // Mailbox bound of each actor of the tree (the real node may change them while it runs:
  // actor::CellBase::set_mailbox_capacity). Each > 0.
  struct Mailboxes {
    static constexpr std::uint32_t kDefault = actor::MailboxConfig::kCapacityDefault;
    std::uint32_t storage = kDefault;
    std::uint32_t engine = kDefault;
    std::uint32_t chain = kDefault;
    std::uint32_t auxpow = kDefault;
    std::uint32_t network = kDefault;
    std::uint32_t sync = kDefault;
    std::uint32_t bridge = kDefault;
    std::uint32_t federation = kDefault;
  };
  Mailboxes mailboxes;
  sync::SyncConfig sync;
};

// The authority index of `key` in `spec`, if any.
std::optional<std::uint32_t> authority_index_of(const ChainSpec& spec, const SecretKey& key);

}  // namespace alys
