// A simulated authority for chain tests that need to hold a build back: node A (authority
// 0 of three) runs the real ChainActor, StorageActor and EngineActor over an EmbeddedEngine
// whose build answers the test can hold (BuildGate) and whose build requests it records.
// The test holds the other two authorities' keys (B, C) to make their blocks and approvals,
// and a funded sender's. Used by chain_build_race_test.cc and chain_build_order_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/actor/system.h"
#include "core/chain/approval.h"
#include "core/bitcoin/auxpow.h"
#include "core/chain/chain_actor.h"
#include "core/crypto/sha256.h"
#include "core/execution/block_execution.h"
#include "core/execution/embedded_engine.h"
#include "core/execution/engine_actor.h"
#include "core/storage/storage_actor.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim::testing {

constexpr std::uint64_t kSlotMs = 1000;
constexpr NodeId kPeer = 7;

inline SecretKey key_of(const char* name) {
  return SecretKey::from_bytes(sha256(as_bytes(std::string("alys/test/build-race/") + name)).view()).value();
}

// Holds every build answer while closed; release() delivers them in order.
struct BuildGate {
  bool closed = false;
  std::vector<std::function<void()>> held;
  std::vector<std::vector<LedgerTx>> candidates;  // of every build asked, in order
  void release() {
    closed = false;
    auto answers = std::move(held);
    held.clear();
    for (auto& answer : answers) answer();
  }
};

class GatedEngine final : public execution::ExecutionEngine {
 public:
  GatedEngine(std::unique_ptr<execution::EmbeddedEngine> inner, std::shared_ptr<BuildGate> gate)
      : inner_(std::move(inner)), gate_(std::move(gate)) {}
  void build_payload(const Hash256& parent, execution::BuildRequest request,
                     execution::Callback<execution::BuiltPayload> done) override {
    gate_->candidates.push_back(request.candidates);
    inner_->build_payload(parent, std::move(request),
                          [gate = gate_, done = std::move(done)](Result<execution::BuiltPayload> r) mutable {
                            if (!gate->closed) return done(std::move(r));
                            gate->held.push_back([done = std::move(done), r = std::move(r)]() mutable {
                              done(std::move(r));
                            });
                          });
  }
  void execute_payload(const Hash256& parent, const Hash256& block, BlockContext context,
                       ExecutionPayload payload, execution::Callback<execution::ExecutedPayload> done) override {
    inner_->execute_payload(parent, block, std::move(context), std::move(payload), std::move(done));
  }
  void forkchoice_updated(const Hash256& head, const Hash256& finalized, execution::StatusCallback done) override {
    inner_->forkchoice_updated(head, finalized, std::move(done));
  }
  void account(const Hash256& block, const EvmAddress& address, execution::Callback<Account> done) override {
    inner_->account(block, address, std::move(done));
  }
  void set_fault(const execution::EngineFault& fault) override { inner_->set_fault(fault); }

 private:
  std::unique_ptr<execution::EmbeddedEngine> inner_;
  std::shared_ptr<BuildGate> gate_;
};

class ChainNode final : public NodeProgram {
 public:
  ChainNode(Env& env, std::shared_ptr<const chain::ChainConfig> config, Hash256 genesis,
            std::shared_ptr<BuildGate> gate, chain::ChainRoutes routes = {})
      : system_(env) {
    storage_ = system_.root().spawn<storage::StorageActor>(storage::storage_actor_options());
    const ChainSpec spec = config->spec;
    execution::EngineFactory factory = [spec, genesis, gate](Env& e) -> std::unique_ptr<execution::ExecutionEngine> {
      auto inner = std::make_unique<execution::EmbeddedEngine>(e.executor(), genesis,
                                                                std::move(*Ledger::from_genesis(spec.allocations)));
      return std::make_unique<GatedEngine>(std::move(inner), gate);
    };
    actor::ChildOptions eo;
    eo.name = "engine";
    engine_ = system_.root().spawn<execution::EngineActor>(eo, std::move(factory));
    actor::ChildOptions co;
    co.name = "chain";
    chain_ = system_.root().spawn<chain::ChainActor>(co, std::move(config), std::move(routes),
                                                     engine_, storage_);
  }
  void start() override { system_.start(); }
  actor::ActorRef<chain::ChainMsg>& chain() { return chain_; }
  const chain::ChainActor& actor() {
    return *dynamic_cast<const chain::ChainActor*>(chain_.cell().instance());
  }

 private:
  actor::ActorSystem system_;
  actor::ActorRef<storage::StorageMsg> storage_;
  actor::ActorRef<execution::EngineMsg> engine_;
  actor::ActorRef<chain::ChainMsg> chain_;
};

// Three authorities A (index 0: the node under test), B and C, whose keys the test holds to
// make the others' blocks and approvals, and a funded sender; A runs over a GatedEngine.
struct ThreeAuthorities {
  ThreeAuthorities(std::uint64_t seed, const std::function<void(ChainSpec&)>& tweak_spec = {})
      : w(testing::config_with_seed(seed)) {
    spec.slot_duration_ms = kSlotMs;
    if (tweak_spec) tweak_spec(spec);
    for (const SecretKey* k : {&me, &b, &c}) spec.authorities.push_back(k->xonly_public_key().bytes());
    spec.allocations.push_back(GenesisAllocation{account_address(sender.xonly_public_key()), Wei::from_sat(1'000'000)});
    genesis_state = std::move(*Ledger::from_genesis(spec.allocations));
    genesis_hash = block_hash(make_genesis(spec, genesis_state.state_root()).block);
    auto cfg = std::make_shared<chain::ChainConfig>();
    cfg->spec = spec;
    cfg->genesis_state_root = genesis_state.state_root();
    cfg->authority_index = 0;
    cfg->authority_key = me;
    cfg->verify_cache = std::make_shared<VerifyCache>();
    config = std::move(cfg);
  }

  Instant slot_start(std::uint64_t slot) const {
    const auto epoch_ms = static_cast<std::uint64_t>(w.config().clocks.epoch_unix_ms);
    return kTimeZero + std::chrono::milliseconds(slot * kSlotMs - epoch_ms);
  }
  // The first slot of `who` at or after `from` (default: the start).
  std::uint64_t next_slot_of(std::uint32_t who, std::optional<std::uint64_t> from = std::nullopt) const {
    std::uint64_t slot = from.value_or(aura_slot(spec, w.config().clocks.epoch_unix_ms));
    while (aura_proposer(spec, slot) != who) ++slot;
    return slot;
  }
  // An unapproved block at height 1 holding `txs`, with its true state root.
  SignedBlock block_on_genesis(std::uint64_t slot, std::vector<LedgerTx> txs) const {
    SignedBlock blk;
    blk.block.parent_hash = genesis_hash;
    blk.block.height = 1;
    blk.block.slot = slot;
    auto executed = execute_block(genesis_state, BlockContext{1, std::nullopt, {}}, txs, ExecutionMode::kVerify);
    EXPECT_TRUE(executed.has_value());
    blk.block.payload.state_root = executed->state_root;
    blk.block.payload.transactions = std::move(txs);
    return blk;
  }
  // Starts A (with `routes`: none by default) and runs until `until` (past its load of the
  // empty stored chain).
  ChainNode& start(Instant until, chain::ChainRoutes routes = {}) {
    w.add_node([config = config, genesis = genesis_hash, gate = gate, routes](Env& env) {
      return std::make_unique<ChainNode>(env, config, genesis, gate, routes);
    });
    w.run_until(until);
    return static_cast<ChainNode&>(*w.program(0));
  }

  const SecretKey me = key_of("a");
  const SecretKey b = key_of("b");
  const SecretKey c = key_of("c");
  const SecretKey sender = key_of("sender");
  ChainSpec spec;
  Ledger genesis_state;
  Hash256 genesis_hash;
  std::shared_ptr<const chain::ChainConfig> config;
  std::shared_ptr<BuildGate> gate = std::make_shared<BuildGate>();
  World w;
};

}  // namespace alys::sim::testing
