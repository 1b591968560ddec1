// How the chain actor relays a gossiped block once it is imported (core/chain/chain_actor.cc,
// on_imported): in the very frame it arrived in while the tree's copy is still the block
// that frame decodes to (the codec is canonical, so re-encoding would give the same bytes:
// the relay skips that work, and in the simulator every node then shares one buffer and
// one gossip id), and re-encoded when approvals that came first were merged into it.
// The node under test and its engine: gated_chain_node.h.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "core/network/frame_codec.h"
#include "runtime-sim/tests/gated_chain_node.h"

namespace alys::sim {
namespace {

using namespace std::chrono_literals;
using testing::ChainNode;
using testing::kPeer;
using testing::ThreeAuthorities;

struct RelayedBlock {
  SignedBlock block;
  std::optional<NodeId> except;
  SharedFrame frame;
};

chain::ChainRoutes capture_block_relays(std::shared_ptr<std::vector<RelayedBlock>> out) {
  chain::ChainRoutes routes;
  routes.gossip = [out](WireMessage m, std::optional<NodeId> except, SharedFrame frame) {
    // Relays only (a relay names the peer it came from): not the node's own proposals.
    auto* nb = std::get_if<NewBlock>(&m);
    if (nb != nullptr && except) out->push_back({nb->block, except, std::move(frame)});
  };
  return routes;
}

TEST(ChainBlockRelay, AnUnchangedBlockGoesOnInItsFrameAndAMergedOneIsEncodedAgain) {
  ThreeAuthorities net(17);
  World& w = net.w;
  const std::uint64_t slot_x = net.next_slot_of(1);  // B's block X
  const std::uint64_t slot_y = net.next_slot_of(2);  // C's block Y, a sibling of X

  SignedBlock x = net.block_on_genesis(slot_x, {});
  const Hash256 x_hash = block_hash(x.block);
  x.approvals.push_back(sign_approval(SchnorrSigner(net.b), 1, x_hash, Hash256{}));
  SignedBlock y = net.block_on_genesis(slot_y, {});
  const Hash256 y_hash = block_hash(y.block);
  y.approvals.push_back(sign_approval(SchnorrSigner(net.c), 2, y_hash, Hash256{}));
  const SharedFrame x_frame = share_frame(encode_frame(WireMessage{NewBlock{x}}));
  const SharedFrame y_frame = share_frame(encode_frame(WireMessage{NewBlock{y}}));

  auto relayed = std::make_shared<std::vector<RelayedBlock>>();
  ChainNode& node =
      net.start(net.slot_start(std::max(slot_x, slot_y)) + 100ms, capture_block_relays(relayed));

  // X arrives alone: relayed to everyone but its sender, in the frame it came in.
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, x, x_frame}).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(node.actor().tree()->contains(x_hash));
  ASSERT_EQ(relayed->size(), 1u);
  EXPECT_EQ((*relayed)[0].except, std::optional<NodeId>(kPeer));
  EXPECT_EQ((*relayed)[0].frame.get(), x_frame.get()) << "an unchanged block was encoded again";
  EXPECT_EQ((*relayed)[0].block, x);

  // B's approval of Y comes before Y: the tree's Y then carries two approvals, which the
  // received frame does not, so the relay must not pass that frame on.
  const Approval b_on_y = sign_approval(SchnorrSigner(net.b), 1, y_hash, Hash256{});
  const chain::InboundApproval early{kPeer, ApproveBlock{y_hash, b_on_y}, nullptr};
  ASSERT_TRUE(node.chain().tell(early).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, y, y_frame}).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(node.actor().tree()->contains(y_hash));
  ASSERT_EQ(relayed->size(), 2u);
  EXPECT_EQ((*relayed)[1].frame, nullptr) << "the received frame lacks the merged approval";
  EXPECT_EQ((*relayed)[1].block.approvals.size(), 2u);
  EXPECT_EQ((*relayed)[1].block.block, y.block);
}

}  // namespace
}  // namespace alys::sim
