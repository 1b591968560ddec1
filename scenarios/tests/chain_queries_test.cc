// The read-only queries tools outside the actor system use (the node's JSON-RPC), on the
// simulator: blocks by height and hash, the account at the head, the peer list, the
// mempool's admission answer for a submitted transaction, and the bridge's status and peg
// operations. Each is a message whose callback runs on the answering actor's strand;
// here that is the simulator's one thread, so the answers land in the test's variables.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "core/chain/chain_actor.h"
#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

AlysNode* node_of(sim::World& world, NodeId id) { return dynamic_cast<AlysNode*>(world.program(id)); }

TEST(ChainQueries, BlocksAccountsPeersAndTxAdmissionAnswerByMessage) {
  ChainOptions o;
  o.seed = 17;
  o.authorities = 3;
  o.full_nodes = 1;
  o.duration = 1min;
  std::optional<StatusMessage> status;
  std::optional<chain::BlockView> by_height;
  std::optional<chain::BlockView> by_hash;
  bool above_answered = false;
  std::optional<chain::BlockView> above;
  bool unknown_answered = false;
  std::optional<chain::BlockView> unknown;
  std::optional<Result<chain::AccountAtHead>> account;
  std::optional<Result<chain::AccountAtHead>> account_later;
  std::optional<Result<chain::AccountAtHead>> account_finalized;
  std::optional<StatusMessage> status_later;
  std::optional<std::vector<net::PeerView>> peers;
  std::vector<Status> admissions;

  // A self-transfer without a fee: the workload's accounting stays as it expects.
  LedgerTx tx;
  tx.nonce = 0;
  tx.to = workload_address(0);
  tx.value = Wei::from_sat(1000);
  sign_ledger_tx(tx, workload_key(0), Hash256{});
  LedgerTx forged = tx;
  forged.signature[0] ^= 1;

  o.setup = [&](sim::World& world) {
    world.schedule_at(Instant{} + 30s, sim::EventKind::kCustom, 1, [&] {
      AlysNode* node = node_of(world, 0);
      ASSERT_NE(node, nullptr);
      auto chain = node->chain();
      (void)chain.tell(chain::GetStatus{[&, chain](StatusMessage s) {
        status = s;
        (void)chain.tell(chain::GetBlockByHeight{s.head_height, [&](auto b) { by_height = b; }});
        (void)chain.tell(chain::GetBlockByHash{s.head_hash, [&](auto b) { by_hash = b; }});
        (void)chain.tell(chain::GetBlockByHeight{s.head_height + 1000, [&](auto b) {
          above_answered = true;
          above = b;
        }});
        (void)chain.tell(chain::GetBlockByHash{Hash256{}, [&](auto b) {
          unknown_answered = true;
          unknown = b;
        }});
      }});
      (void)chain.tell(chain::GetAccount{workload_address(1), [&](auto a) { account = a; }});
      (void)node->network().tell(net::GetPeers{[&](auto p) { peers = p; }});
      for (const LedgerTx& t : {tx, tx, forged}) {
        (void)chain.tell(chain::InboundTx{std::nullopt, t, nullptr,
                                          [&](Status s) { admissions.push_back(s); }});
      }
    });
    world.schedule_at(Instant{} + 55s, sim::EventKind::kCustom, 1, [&] {
      auto chain = node_of(world, 0)->chain();
      (void)chain.tell(chain::GetAccount{workload_address(0), [&](auto a) { account_later = a; }});
      (void)chain.tell(chain::GetStatus{[&](StatusMessage s) { status_later = s; }});
      (void)chain.tell(chain::GetAccount{workload_address(0), [&](auto a) { account_finalized = a; },
                                         chain::StateAt::kFinalized});
    });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);

  ASSERT_TRUE(status.has_value());
  EXPECT_GT(status->head_height, 5u);
  ASSERT_TRUE(by_height.has_value());
  EXPECT_EQ(by_height->hash, status->head_hash);
  EXPECT_EQ(by_height->hash, block_hash(by_height->block.block));
  EXPECT_EQ(by_height->block.block.height, status->head_height);
  EXPECT_TRUE(by_height->canonical);
  EXPECT_TRUE(by_height->approved);
  ASSERT_TRUE(by_hash.has_value());
  EXPECT_EQ(by_hash->block, by_height->block);
  EXPECT_TRUE(above_answered);
  EXPECT_FALSE(above.has_value()) << "no block above the head";
  EXPECT_TRUE(unknown_answered);
  EXPECT_FALSE(unknown.has_value()) << "no block of that hash";

  ASSERT_TRUE(account.has_value());
  ASSERT_TRUE(account->has_value()) << account->error().to_string();
  EXPECT_EQ((*account)->account.balance, workload_initial_balance());
  EXPECT_EQ((*account)->account.nonce, 0u);
  EXPECT_GT((*account)->head.height, 0u);

  ASSERT_TRUE(peers.has_value());
  ASSERT_EQ(peers->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*peers)[i].id, static_cast<NodeId>(i + 1));
    EXPECT_EQ((*peers)[i].state, net::PeerState::kReady);
  }

  ASSERT_EQ(admissions.size(), 3u);
  EXPECT_TRUE(admissions[0].is_ok()) << admissions[0].to_string();
  EXPECT_TRUE(admissions[1].is_ok()) << "a transaction already held is admitted: " << admissions[1].to_string();
  EXPECT_EQ(admissions[2].code(), StatusCode::kInvalidArgument);
  EXPECT_NE(admissions[2].message().find("signature"), std::string::npos) << admissions[2].message();
  // The admitted transfer was applied (the forged one never was: the nonce moved once).
  ASSERT_TRUE(account_later.has_value());
  ASSERT_TRUE(account_later->has_value());
  EXPECT_EQ((*account_later)->account.nonce, 1u);
  EXPECT_EQ((*account_later)->account.balance, workload_initial_balance());
  // Read at the finalized block instead: that block, below the head.
  ASSERT_TRUE(status_later.has_value());
  ASSERT_TRUE(account_finalized.has_value());
  ASSERT_TRUE(account_finalized->has_value()) << account_finalized->error().to_string();
  EXPECT_EQ((*account_finalized)->head.hash, status_later->finalized_hash);
  EXPECT_EQ((*account_finalized)->head.height, status_later->finalized_height);
  EXPECT_GT(status_later->finalized_height, 0u);
  EXPECT_LT(status_later->finalized_height, (*account_later)->head.height);
}

TEST(ChainQueries, TheBridgeAnswersStatusAndPegOperationsByCallback) {
  ChainOptions o;
  o.seed = 4;
  o.authorities = 3;
  o.full_nodes = 0;
  o.duration = 12min;
  o.bitcoin = true;
  o.bitcoin_block_mean = 30s;
  o.pegin_confirmations = 3;
  std::optional<Hash256> deposit;
  std::optional<bridge::BridgeStatus> queried, direct;
  bool op_answered = false, none_answered = false;
  std::optional<bridge::PegOperation> op, op_direct, none;
  o.bitcoin_setup = [&](sim::World& world, sim::SimBitcoin&, PegInWorkload& w) {
    world.schedule_at(Instant{} + 1min, sim::EventKind::kCustom, 1, [&] {
      EvmAddress to{};
      to.fill(0x5a);
      auto d = w.deposit_now(to, 500'000);
      ASSERT_TRUE(d.has_value());
      deposit = d->txid;
    });
    world.schedule_at(Instant{} + 11min, sim::EventKind::kCustom, 1, [&] {
      auto bridge = node_of(world, 1)->bridge();
      ASSERT_TRUE(bridge.has_value());
      (void)bridge->tell(bridge::QueryBridgeStatus{[&](bridge::BridgeStatus s) {
        queried = s;
        direct = bridge_actor_of(world, 1)->status();  // the same strand, the same moment
      }});
      (void)bridge->tell(bridge::QueryPegOperation{*deposit, [&](auto answer) {
        op_answered = true;
        op = answer;
        if (const auto* found = bridge_actor_of(world, 1)->operations().find(*deposit)) op_direct = *found;
      }});
      (void)bridge->tell(bridge::QueryPegOperation{Hash256{}, [&](auto answer) {
        none_answered = true;
        none = answer;
      }});
    });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  ASSERT_TRUE(queried.has_value());
  ASSERT_TRUE(direct.has_value());
  EXPECT_TRUE(queried->loaded);
  EXPECT_EQ(queried->pegins_by_state, direct->pegins_by_state);
  EXPECT_EQ(queried->next_height, direct->next_height);
  EXPECT_EQ(queried->rounds, direct->rounds);
  ASSERT_TRUE(op_answered);
  ASSERT_TRUE(op.has_value()) << "the deposit is tracked";
  ASSERT_TRUE(op_direct.has_value());
  EXPECT_EQ(*op, *op_direct);
  EXPECT_EQ(op->kind, bridge::PegKind::kPegIn);
  EXPECT_EQ(op->amount_sat, 500'000);
  EXPECT_EQ(op->state, bridge::PegState::kCompleted) << "minted and final after ten minutes";
  EXPECT_TRUE(none_answered);
  EXPECT_FALSE(none.has_value());
}

}  // namespace
}  // namespace alys::scenarios
