// The chain actor's import queue under a flood of gossiped blocks (core/chain/chain_actor.h,
// Memory): while one import waits for the engine, gossiped blocks queue up; past
// gossip_queue_max more are dropped (and counted), so a peer flooding blocks cannot grow
// the queue without bound. A simulated node runs the real ChainActor and StorageActor
// with an engine that never answers, which holds the first import in flight.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <utility>

#include "core/actor/system.h"
#include "core/chain/approval.h"
#include "core/chain/chain_actor.h"
#include "core/crypto/sha256.h"
#include "core/storage/storage_actor.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kQueueMax = 8;

SecretKey authority_key() {
  return SecretKey::from_bytes(sha256(as_bytes("alys/test/gossip-queue/authority")).view()).value();
}

// Takes every request and answers none: the import in flight stays in flight.
class SilentEngine final : public actor::Actor<execution::EngineMsg> {
 public:
  Status receive(execution::EngineMsg& /*m*/) override { return Status::ok(); }
};

class ChainNode final : public NodeProgram {
 public:
  ChainNode(Env& env, std::shared_ptr<const chain::ChainConfig> config) : system_(env) {
    storage_ = system_.root().spawn<storage::StorageActor>(storage::storage_actor_options());
    actor::ChildOptions e;
    e.name = "engine";
    engine_ = system_.root().spawn<SilentEngine>(e);
    actor::ChildOptions c;
    c.name = "chain";
    c.mailbox.capacity = 4096;
    chain_ = system_.root().spawn<chain::ChainActor>(c, std::move(config), chain::ChainRoutes{},
                                                     engine_, storage_);
  }
  void start() override { system_.start(); }
  actor::ActorRef<chain::ChainMsg>& chain() { return chain_; }

 private:
  actor::ActorSystem system_;
  actor::ActorRef<storage::StorageMsg> storage_;
  actor::ActorRef<execution::EngineMsg> engine_;
  actor::ActorRef<chain::ChainMsg> chain_;
};

TEST(ChainGossipQueue, GossipedBlocksPastTheCapAreDroppedWhileAnImportWaits) {
  auto spec = std::make_shared<ChainSpec>();
  spec->slot_duration_ms = 1000;
  spec->authorities.push_back(authority_key().xonly_public_key().bytes());
  auto config = std::make_shared<chain::ChainConfig>();
  config->spec = *spec;
  config->genesis_state_root = sha256(as_bytes("alys/test/gossip-queue/root"));
  config->verify_cache = std::make_shared<VerifyCache>();
  config->gossip_queue_max = kQueueMax;
  config->engine_timeout = 1h;  // the import stays in flight for the whole test
  const Hash256 genesis = block_hash(make_genesis(*spec, config->genesis_state_root).block);

  World w(testing::config_with_seed(3));
  w.add_node([config](Env& env) { return std::make_unique<ChainNode>(env, config); });
  w.run_until(kTimeZero + 1s);  // the stored (empty) chain is loaded
  auto& chain = static_cast<ChainNode&>(*w.program(0)).chain();

  // A valid block on genesis goes to the engine, which never answers.
  SignedBlock first;
  first.block.parent_hash = genesis;
  first.block.height = 1;
  first.block.slot = 1;
  first.approvals.push_back(
      sign_approval(SchnorrSigner(authority_key()), 0, block_hash(first.block), Hash256{}));
  ASSERT_TRUE(chain.tell(chain::InboundBlock{7, first}).is_ok());
  w.run_for(100ms);
  // Then a flood of blocks (whatever they hold: they wait unchecked behind the import).
  constexpr std::size_t kFlood = 100;
  for (std::size_t k = 0; k < kFlood; ++k) {
    SignedBlock b = first;
    b.block.slot = 2 + k;
    ASSERT_TRUE(chain.tell(chain::InboundBlock{7, b}).is_ok());
  }
  w.run_for(100ms);
  std::optional<chain::ChainStats> stats;
  ASSERT_TRUE(chain.tell(chain::GetChainStats{[&](chain::ChainStats s) { stats = s; }}).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->gossip_blocks_queued, kQueueMax);
  EXPECT_EQ(stats->import_queue, kQueueMax);
  EXPECT_EQ(stats->gossip_blocks_dropped, kFlood - kQueueMax);
}

}  // namespace
}  // namespace alys::sim
