// A wallet's resubmission of a transfer to a node that already holds it.
#include <gtest/gtest.h>

#include <optional>

#include "core/chain/chain_actor.h"
#include "runtime-sim/sim_network.h"
#include "scenarios/chain_scenario.h"
#include "scenarios/tests/tx_landing.h"

namespace alys::scenarios {
namespace {

// A transfer sent to a full node while a partition cut it off reached no proposer; its
// wallet resends it to the same node after the heal. That node held it and ignored the
// resend, and, never proposing, kept it forever: the transfer was lost (chain chaos seed
// 10, 6 min: three resends all picked the two full nodes that held it). A held transfer
// resubmitted locally is announced again.
TEST(TxResubmitScenario, ResendToAFollowerThatHoldsTheTransferReachesTheProposers) {
  ChainOptions o;
  o.seed = 5;
  o.duration = 2min;
  LedgerTx tx;
  tx.nonce = 0;
  // To itself and without a fee: the workload accounts' balances stay as it expects.
  tx.to = workload_address(0);
  tx.value = Wei::from_sat(1234);
  sign_ledger_tx(tx, workload_key(0), Hash256{});
  auto submit = [tx](sim::World& world) {
    auto* program = dynamic_cast<AlysNode*>(world.program(5));
    ASSERT_NE(program, nullptr);
    (void)program->chain().tell(chain::InboundTx{std::nullopt, tx});
  };
  bool held_by_authority = false;
  std::optional<std::uint64_t> landed_at;
  o.setup = [&](sim::World& world) {
    auto at = [&world](Duration t, std::function<void()> f) {
      world.schedule_at(Instant{} + t, sim::EventKind::kCustom, 5, std::move(f));
    };
    at(10s, [&world] { world.network().partition({{5}, {0, 1, 2, 3, 4, 6}}); });
    at(11s, [&world, submit] { submit(world); });
    at(20s, [&world] { world.network().heal(); });
    at(40s, [&] {
      for (NodeId n = 0; n < 5; ++n) {
        held_by_authority |= chain_actor_of(world, n)->mempool().contains(ledger_tx_hash(tx));
      }
      submit(world);  // the wallet's resend, to the node it used before
    });
    at(110s, [&] { landed_at = testing::landed_at(*chain_actor_of(world, 0)->tree(), tx); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  EXPECT_FALSE(held_by_authority) << "the partition should have kept it from the proposers";
  EXPECT_TRUE(landed_at.has_value()) << "the resent transfer never landed";
}

}  // namespace
}  // namespace alys::scenarios
