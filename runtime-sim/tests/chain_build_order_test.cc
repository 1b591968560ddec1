// A proposer holding one sender's transfers out of nonce order puts them all in its block.
// Its pool lists them in arrival order, and a build tries candidates once, in order: before
// the chain actor put them in nonce order (core/chain/build_order.h), a nonce met before
// its predecessor was skipped as early, and each block took a few of a backlog it held
// whole (the crash test's proposers: 1 to 5 of ~300 per block).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "runtime-sim/tests/gated_chain_node.h"

namespace alys::sim {
namespace {

using namespace std::chrono_literals;
using testing::ChainNode;
using testing::kPeer;
using testing::ThreeAuthorities;

std::vector<std::uint64_t> nonces(const std::vector<LedgerTx>& txs) {
  std::vector<std::uint64_t> out;
  for (const LedgerTx& tx : txs) out.push_back(tx.nonce);
  return out;
}

TEST(ChainBuildOrder, TransfersHeldOutOfNonceOrderLandInOneBlockInNonceOrder) {
  ThreeAuthorities net(21);
  World& w = net.w;
  const std::uint64_t slot_mine = net.next_slot_of(0, net.next_slot_of(1) + 1);  // not the first slot
  std::vector<LedgerTx> t;
  for (std::uint64_t n = 0; n < 4; ++n) {
    t.push_back(signed_transfer(net.sender, n, EvmAddress{}, Wei::from_u64(1000 + n), Wei::from_u64(0)));
  }
  ChainNode& node = net.start(net.slot_start(slot_mine) - 500ms);
  // Arrival order 3, 1, 0, 2: two acknowledged here, two from a peer's gossip.
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{std::nullopt, t[3]}).is_ok());
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{kPeer, t[1]}).is_ok());
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{std::nullopt, t[0]}).is_ok());
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{kPeer, t[2]}).is_ok());
  w.run_for(100ms);
  ASSERT_EQ(node.actor().mempool().size(), 4u);

  w.run_until(net.slot_start(slot_mine) + 200ms);
  ASSERT_EQ(net.gate->candidates.size(), 1u) << "no build in our slot";
  EXPECT_EQ(nonces(net.gate->candidates.back()), nonces(t)) << "candidates not in nonce order";
  const std::vector<Hash256>& on_genesis = node.actor().tree()->children(net.genesis_hash);
  ASSERT_EQ(on_genesis.size(), 1u) << "we proposed nothing";
  const std::vector<LedgerTx>& in_block = node.actor().tree()->get(on_genesis[0])->block.block.payload.transactions;
  EXPECT_EQ(nonces(in_block), nonces(t));
  EXPECT_EQ(in_block, t);
}

}  // namespace
}  // namespace alys::sim
