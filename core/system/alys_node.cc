#include "core/system/alys_node.h"

#include "core/crypto/hash_salt.h"
#include "core/execution/embedded_engine.h"
#include "core/execution/ledger.h"

namespace alys {

using actor::ActorRef;
using actor::ChildOptions;
using actor::Strategy;
using actor::SupervisorOptions;

// Refs the route functions reach through: filled after every actor is spawned, read only
// when a message flows (after start).
struct AlysNode::Refs {
  ActorRef<chain::ChainMsg> chain;
  ActorRef<net::NetworkMsg> network;
  ActorRef<sync::SyncMsg> sync;
  std::optional<ActorRef<bridge::FederationMsg>> federation;
};

namespace {
// A registered child with default policies; callers set backoff / breaker.
ChildOptions child(std::string name) {
  ChildOptions o;
  o.name = std::move(name);
  o.registered = true;
  return o;
}
ChildOptions with_breaker(ChildOptions o, actor::CircuitBreakerConfig b) {
  o.breaker = b;
  return o;
}
ChildOptions with_backoff(ChildOptions o, actor::BackoffConfig b) {
  o.backoff = b;
  return o;
}
ChildOptions with_mailbox(ChildOptions o, std::uint32_t capacity) {
  o.mailbox.capacity = capacity;
  return o;
}
}  // namespace

Result<SignedBlock> genesis_of(const ChainSpec& spec) {
  auto ledger = Ledger::from_genesis(spec.allocations);
  if (!ledger) return ledger.error();
  return make_genesis(spec, ledger->state_root());
}

AlysNode::AlysNode(Env& env, NodeConfig config)
    : env_(env),
      config_(std::move(config)),
      refs_(std::make_shared<Refs>()),
      byzantine_(std::make_shared<chain::ByzantineSwitch>()),
      live_peers_(std::make_shared<net::LivePeers>(config_.peers)) {
  ALYS_ASSERT(config_.spec != nullptr, "AlysNode: no chain spec");
  ALYS_ASSERT(config_.node_key.has_value(), "AlysNode: no node key");
  auto genesis = genesis_of(*config_.spec);
  ALYS_ASSERT(genesis.has_value(), "AlysNode: invalid genesis allocations");
  genesis_state_root_ = genesis->block.payload.state_root;
  genesis_hash_ = block_hash(genesis->block);
  // Should the simulator make this node Byzantine, every other peer gets its twin blocks
  // first, so the federation's view of each of its slots splits.
  for (std::size_t i = 0; i < config_.peers.size(); i += 2) {
    byzantine_->twin_first.push_back(config_.peers[i]);
  }
}

AlysNode::~AlysNode() = default;

void AlysNode::start() {
  build_tree();
  system_->start();
}

bool AlysNode::set_equivocating(bool on) {
  if (!authority_index_of(*config_.spec, *config_.node_key)) return false;
  byzantine_->equivocate.store(on, std::memory_order_relaxed);
  return true;
}

Status AlysNode::set_peers(std::vector<NodeId> peers) {
  live_peers_->set(peers);
  return network_.tell(net::SetPeers{std::move(peers)});
}

bool AlysNode::set_usurping(bool on) {
  if (!authority_index_of(*config_.spec, *config_.node_key)) return false;
  byzantine_->usurp.store(on, std::memory_order_relaxed);
  return true;
}

void AlysNode::build_tree() {
  fence_ = std::make_shared<storage::FencedStorage>(env_.storage());
  actor::SystemConfig sys_config;
  sys_config.root_name = "alys";
  sys_config.root = SupervisorOptions{Strategy::kOneForAll, 3, 60s};
  // A tree that cannot recover (a disk that keeps failing, a corruption it cannot repair)
  // ends the process; the service manager (modelled by the simulator) starts a fresh one.
  sys_config.exit_process_on_root_failure = true;
  sys_config.handle_observer = config_.handle_observer;
  system_ = std::make_unique<actor::ActorSystem>(env_, sys_config);
  auto root = system_->root();

  // Storage first: the chain loads from it.
  auto storage_sup = root.spawn_supervisor(child("storage-sup"),
                                           SupervisorOptions{Strategy::kOneForOne, 5, 30s});
  storage_ = storage_sup.spawn<storage::StorageActor>(
      [this] {
        ChildOptions o = storage::storage_actor_options("storage");  // batched writes
        o.registered = true;
        o.mailbox.capacity = config_.mailboxes.storage;
        return o;
      }(),
      fence_);

  // The bridge before the chain: the chain asks it about peg-ins.
  if (config_.bridge) {
    auto bridge_sup = root.spawn_supervisor(child("bridge-sup"),
                                            SupervisorOptions{Strategy::kOneForOne, 10, 30s});
    bridge_ = bridge_sup.spawn<bridge::BridgeActor>(
        with_mailbox(with_breaker(child("bridge"), actor::CircuitBreakerConfig{5, 10s, 1}),
                     config_.mailboxes.bridge),
        config_.bridge->config, config_.bridge->rpc, config_.bridge->routes, storage_);
    if (auto member = authority_index_of(*config_.spec, *config_.node_key)) {
      bridge::FederationConfig fed = config_.bridge->federation;
      fed.member_index = *member;
      fed.key = *config_.node_key;
      fed.observer = config_.observer;
      fed.min_confirmations = config_.bridge->config.required_confirmations;
      auto federation = federation_of(*config_.spec);
      ALYS_ASSERT(federation.has_value(), "AlysNode: the spec's authorities are no federation");
      auto refs = refs_;
      bridge::FederationRoutes routes;
      routes.gossip = [refs](WireMessage msg, std::optional<NodeId> except, SharedFrame frame) {
        (void)refs->network.tell(net::Gossip{std::move(msg), except, std::move(frame)});
      };
      routes.penalize = [refs](NodeId peer, int points, std::string reason) {
        (void)refs->network.tell(net::Penalize{peer, points, std::move(reason)});
      };
      federation_ = bridge_sup.spawn<bridge::FederationActor>(
          with_mailbox(with_breaker(child("federation"), actor::CircuitBreakerConfig{5, 10s, 1}),
                       config_.mailboxes.federation),
          std::move(fed), std::move(*federation), config_.bridge->rpc, std::move(routes),
          storage_);
      refs_->federation = federation_;
    }
  }

  auto chain_sup = root.spawn_supervisor(child("chain-sup"),
                                         SupervisorOptions{Strategy::kOneForOne, 10, 30s});
  const ChainSpec spec = *config_.spec;
  const Hash256 genesis_hash = genesis_hash_;
  auto engine_cache =
      config_.engine_verify_cache
          ? config_.engine_verify_cache
          : std::make_shared<VerifyCache>(VerifyCache::kDefaultCapacity,
                                          derive_hash_salt(*config_.node_key, "engine-verify"));
  auto execution_memo = config_.execution_memo;
  execution::EngineFactory engine_factory = [spec, genesis_hash, engine_cache,
                                             execution_memo](Env& env) {
    auto ledger = Ledger::from_genesis(spec.allocations);
    ledger->set_planted_bug(env.planted_bug());
    auto engine = std::make_unique<execution::EmbeddedEngine>(env.executor(), genesis_hash,
                                                              std::move(*ledger));
    engine->set_signature_check([engine_cache](const LedgerTx& tx, const Hash256& tx_hash) {
      return engine_cache->verify_keyed(tx_hash, [&] { return verify_ledger_tx_signature(tx); });
    });
    if (execution_memo && env.planted_bug() == PlantedBug::kNone) {
      engine->set_execution_memo(execution_memo);
    }
    return engine;
  };
  engine_ = chain_sup.spawn<execution::EngineActor>(
      with_mailbox(with_breaker(child("engine"), actor::CircuitBreakerConfig{5, 10s, 1}),
                   config_.mailboxes.engine),
      engine_factory);

  auto chain_config = std::make_shared<chain::ChainConfig>();
  chain_config->spec = spec;
  chain_config->genesis_state_root = genesis_state_root_;
  chain_config->authority_index = authority_index_of(spec, *config_.node_key);
  if (chain_config->authority_index) chain_config->authority_key = config_.node_key;
  chain_config->mempool_max = config_.mempool_max;
  chain_config->engine_timeout = config_.engine_timeout;
  chain_config->storage_timeout = config_.storage_timeout;
  chain_config->fee_recipient = config_.fee_recipient;
  chain_config->observer = config_.observer;
  chain_config->verify_cache =
      config_.chain_verify_cache
          ? config_.chain_verify_cache
          : std::make_shared<VerifyCache>(VerifyCache::kDefaultCapacity,
                                          derive_hash_salt(*config_.node_key, "chain-verify"));
  chain_config->hash_salt = derive_hash_salt(*config_.node_key, "mempool");
  chain_config->byzantine = byzantine_;

  auto refs = refs_;
  chain::ChainRoutes chain_routes;
  chain_routes.gossip = [refs](WireMessage msg, std::optional<NodeId> except, SharedFrame frame) {
    (void)refs->network.tell(net::Gossip{std::move(msg), except, std::move(frame)});
  };
  chain_routes.send = [refs](NodeId peer, WireMessage msg) {
    (void)refs->network.tell(net::SendTo{peer, std::move(msg)});
  };
  chain_routes.penalize = [refs](NodeId peer, int points, std::string reason) {
    (void)refs->network.tell(net::Penalize{peer, points, std::move(reason)});
  };
  chain_routes.behind = [refs](NodeId peer) { (void)refs->sync.tell(sync::BehindHint{peer}); };
  std::shared_ptr<const chain::ChainConfig> const_chain_config = chain_config;
  chain_ = chain_sup.spawn<chain::ChainActor>(
      with_mailbox(with_backoff(child("chain"), actor::BackoffConfig{100ms, 5s, 200, 0, 0, 30s}),
                   config_.mailboxes.chain),
      const_chain_config, chain_routes, engine_, storage_, bridge_, federation_);
  auxpow_ = chain_sup.spawn<chain::AuxPowActor>(
      with_mailbox(child("auxpow"), config_.mailboxes.auxpow), chain_, config_.fee_recipient);

  auto network_sup = root.spawn_supervisor(child("network-sup"),
                                           SupervisorOptions{Strategy::kRestForOne, 10, 30s});
  net::NetworkConfig net_config;
  net_config.chain_id = spec.chain_id;
  net_config.genesis = genesis_hash_;
  net_config.node_key = config_.node_key;
  net_config.peers = config_.peers;
  net_config.live_peers = live_peers_;
  net_config.seen_cache_max = config_.seen_cache_max;
  // Only a memo the caller shares (the simulator's, or the real node's kShared one): the
  // default chain memo above is single-threaded and the chain actor's alone.
  net_config.verify_cache = config_.chain_verify_cache;
  net::InboundRoutes inbound;
  inbound.on_peer_ready = [refs](NodeId p) {
    (void)refs->sync.tell(sync::PeerReady{p});
    (void)refs->chain.tell(chain::PeerJoined{p});
  };
  inbound.on_peer_gone = [refs](NodeId p) { (void)refs->sync.tell(sync::PeerGone{p}); };
  inbound.on_message = [refs](NodeId from, WireMessage msg, const SharedFrame& frame) {
    std::visit(
        [&](auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, NewBlock>) {
            (void)refs->chain.tell(chain::InboundBlock{from, std::move(m.block), frame});
          } else if constexpr (std::is_same_v<T, ApproveBlock>) {
            (void)refs->chain.tell(chain::InboundApproval{from, m, frame});
          } else if constexpr (std::is_same_v<T, NewTx>) {
            (void)refs->chain.tell(chain::InboundTx{from, std::move(m.tx), frame});
          } else if constexpr (std::is_same_v<T, QueuePow>) {
            (void)refs->chain.tell(chain::InboundPow{from, std::move(m.header), frame});
          } else if constexpr (std::is_same_v<T, StatusRequest>) {
            (void)refs->chain.tell(chain::ServeStatus{from});
          } else if constexpr (std::is_same_v<T, StatusMessage>) {
            (void)refs->sync.tell(sync::PeerStatus{from, m});
          } else if constexpr (std::is_same_v<T, BlocksByRangeRequest>) {
            (void)refs->chain.tell(chain::ServeBlocksByRange{from, m});
          } else if constexpr (std::is_same_v<T, BlocksByRangeResponse>) {
            (void)refs->sync.tell(sync::RangeResponse{from, std::move(m)});
          } else if constexpr (std::is_same_v<T, HeadersByRangeRequest>) {
            (void)refs->chain.tell(chain::ServeHeadersByRange{from, m});
          } else if constexpr (std::is_same_v<T, HeadersByRangeResponse>) {
            (void)refs->sync.tell(sync::HeadersResponse{from, std::move(m)});
          }
          else if constexpr (std::is_same_v<T, PegoutSignatures>) {
            // Members collect and relay them; other nodes have no use for them.
            if (refs->federation) {
              (void)refs->federation->tell(bridge::InboundPegoutSignatures{from, std::move(m), frame});
            }
          }
          // Hello, Ping, Pong, Goodbye never reach here (the network handles them).
        },
        msg);
  };
  network_ = network_sup.spawn<net::NetworkActor>(
      with_mailbox(with_breaker(child("network"), actor::CircuitBreakerConfig{5, 10s, 1}),
                   config_.mailboxes.network),
      net_config, inbound);

  sync::SyncRoutes sync_routes;
  sync_routes.send = chain_routes.send;
  sync_routes.penalize = chain_routes.penalize;
  sync_routes.pre_verify = config_.pre_verify;
  sync_ = network_sup.spawn<sync::SyncActor>(
      with_mailbox(with_backoff(child("sync"), actor::BackoffConfig{100ms, 5s, 200, 0, 0, 30s}),
                   config_.mailboxes.sync),
      config_.sync, sync_routes, chain_);

  refs_->chain = chain_;
  refs_->network = network_;
  refs_->sync = sync_;
}

}  // namespace alys
