// A proposer's build that the head outruns (core/chain/chain_actor.cc, on_built): the
// authority asks the engine for a payload on its head X, and before the answer an approval
// makes a sibling Y the head, abandoning X. The answer's verdicts are about X: a
// transaction "stale" there was in X, and the reorg has just put it back in the mempool.
// The build must be dropped whole: neither its verdicts applied (dropping that transaction
// lost it for good: nothing else holds it), nor its payload proposed on Y (whose state it
// is not); the slot builds again on Y.
// Also: an AuxPoW header that arrives while the engine builds must not go into the block,
// whose payload was built without it (its fee recipient changes the state).
// The node under test and the held-back builds: gated_chain_node.h.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "runtime-sim/tests/gated_chain_node.h"

namespace alys::sim {
namespace {

using namespace std::chrono_literals;
using testing::ChainNode;
using testing::kPeer;
using testing::ThreeAuthorities;

TEST(ChainBuildRace, ABuildTheHeadOutranIsDroppedAndLosesNoTransaction) {
  ThreeAuthorities net(11);
  World& w = net.w;
  auto& gate = net.gate;
  const SecretKey& b = net.b;
  const SecretKey& c = net.c;
  const std::uint64_t slot_x = net.next_slot_of(1);              // B proposes X
  const std::uint64_t slot_mine = net.next_slot_of(0, slot_x + 1);  // then we build on X
  const std::uint64_t slot_y = slot_x - 2;                          // C's earlier slot: Y wins ties
  ASSERT_EQ(aura_proposer(net.spec, slot_y), 2u);

  // X (by B, approved by B and C) holds the sender's transfer T; Y (by C, approved by C
  // only, so not yet the head) holds nothing. Same height: once both are approved, Y's
  // lower slot makes it the head.
  const LedgerTx t = signed_transfer(net.sender, 0, EvmAddress{}, Wei::from_u64(1000), Wei::from_u64(0));
  SignedBlock x = net.block_on_genesis(slot_x, {t});
  SignedBlock y = net.block_on_genesis(slot_y, {});
  const Hash256 x_hash = block_hash(x.block);
  const Hash256 y_hash = block_hash(y.block);
  x.approvals.push_back(sign_approval(SchnorrSigner(b), 1, x_hash, Hash256{}));
  x.approvals.push_back(sign_approval(SchnorrSigner(c), 2, x_hash, Hash256{}));
  y.approvals.push_back(sign_approval(SchnorrSigner(c), 2, y_hash, Hash256{}));

  ChainNode& node = net.start(net.slot_start(slot_x) + 100ms);
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, x}).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, y}).is_ok());
  w.run_for(100ms);
  ASSERT_EQ(node.actor().tree()->head().hash, x_hash);
  // T comes back by gossip though X holds it (a restarted peer resubmitting its journal):
  // the pool takes it without asking the state, and the next build finds it stale.
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{kPeer, t}).is_ok());
  w.run_for(100ms);
  ASSERT_TRUE(node.actor().mempool().contains(ledger_tx_hash(t)));

  // Our slot: the build on X is asked, and its answer held.
  gate->closed = true;
  w.run_until(net.slot_start(slot_mine) + 100ms);
  ASSERT_EQ(gate->held.size(), 1u) << "no build was asked in our slot";
  ASSERT_EQ(gate->candidates.back(), std::vector<LedgerTx>{t});
  // B's approval of Y: Y is approved, and the head (lower slot), abandoning X and its T.
  ASSERT_TRUE(node.chain()
                  .tell(chain::InboundApproval{kPeer, ApproveBlock{y_hash, sign_approval(SchnorrSigner(b), 1, y_hash, Hash256{})}})
                  .is_ok());
  w.run_for(50ms);
  ASSERT_EQ(node.actor().tree()->head().hash, y_hash);
  ASSERT_TRUE(node.actor().mempool().is_local(ledger_tx_hash(t))) << "the reorg put T back";

  // The answer about X arrives: T was stale there. It stays, nothing is proposed on Y with
  // X's state, and the slot builds again, on Y, where T applies: our block, Y's child.
  gate->release();
  w.run_for(200ms);
  EXPECT_TRUE(node.actor().mempool().contains(ledger_tx_hash(t))) << "the build's verdict on X dropped T";
  EXPECT_EQ(node.actor().tree()->head().hash, y_hash);
  ASSERT_EQ(gate->candidates.size(), 2u) << "no second build in the slot";
  EXPECT_EQ(gate->candidates.back(), std::vector<LedgerTx>{t});
  const std::vector<Hash256>& on_y = node.actor().tree()->children(y_hash);
  ASSERT_EQ(on_y.size(), 1u);
  const SignedBlock& ours = node.actor().tree()->get(on_y[0])->block;
  EXPECT_EQ(ours.block.slot, slot_mine);
  EXPECT_EQ(ours.block.payload.transactions, std::vector<LedgerTx>{t});
}


// The build on X is asked with no AuxPoW queued (fees stay in the pot); a header arrives
// before the answer. The block must carry what the payload was built with: with the new
// header (and so its fee recipient) the state differs, and our own import rejected the
// block ("state_root: expected ..., got ..."): a lost slot, seen in the crash test's logs.
TEST(ChainBuildRace, AnAuxPowArrivingDuringTheBuildStaysOutOfThatBlock) {
  ThreeAuthorities net(12, [](ChainSpec& spec) {
    spec.retarget.initial_bits = 0x207fffff;  // regtest work: the test mines its header
    spec.retarget.pow_no_retargeting = true;
  });
  World& w = net.w;
  auto& gate = net.gate;
  const ChainSpec& spec = net.spec;
  const std::uint64_t slot_x = net.next_slot_of(1);
  const std::uint64_t slot_mine = net.next_slot_of(0, slot_x + 1);

  // X: B's empty block at h1, approved by B and C.
  SignedBlock x = net.block_on_genesis(slot_x, {});
  const Hash256 x_hash = block_hash(x.block);
  x.approvals.push_back(sign_approval(SchnorrSigner(net.b), 1, x_hash, Hash256{}));
  x.approvals.push_back(sign_approval(SchnorrSigner(net.c), 2, x_hash, Hash256{}));
  // A transfer with a fee: where the fee goes is what the header changes.
  const LedgerTx t = signed_transfer(net.sender, 0, EvmAddress{}, Wei::from_u64(1000), Wei::from_u64(5000));
  // The header finalizing X, paying fees to `miner`.
  AuxPowHeader header;
  header.range_start = x_hash;
  header.range_end = x_hash;
  header.bits = spec.retarget.initial_bits;
  header.chain_id = spec.chain_id;
  header.height = 1;
  header.fee_recipient[0] = 0xfe;
  AuxPowBuildParams mining;
  mining.aux_hash = auxpow_aggregate_hash(std::vector<Hash256>{x_hash});
  mining.chain_id = spec.chain_id;
  mining.bits = header.bits;
  auto mined = build_auxpow(mining);
  ASSERT_TRUE(mined.has_value()) << mined.error().to_string();
  header.auxpow = *mined;

  ChainNode& node = net.start(net.slot_start(slot_x) + 100ms);
  ASSERT_TRUE(node.chain().tell(chain::InboundBlock{kPeer, x}).is_ok());
  ASSERT_TRUE(node.chain().tell(chain::InboundTx{std::nullopt, t}).is_ok());
  w.run_for(100ms);
  ASSERT_EQ(node.actor().tree()->head().hash, x_hash);

  gate->closed = true;
  w.run_until(net.slot_start(slot_mine) + 100ms);
  ASSERT_EQ(gate->held.size(), 1u) << "no build was asked in our slot";
  ASSERT_TRUE(node.chain().tell(chain::InboundPow{kPeer, header}).is_ok());
  w.run_for(50ms);
  gate->release();
  w.run_for(200ms);

  // Our block is in the tree (valid: our own import accepted it), with T and no header.
  const std::vector<Hash256>& on_x = node.actor().tree()->children(x_hash);
  ASSERT_EQ(on_x.size(), 1u) << "our block was rejected by our own import";
  const SignedBlock& ours = node.actor().tree()->get(on_x[0])->block;
  EXPECT_EQ(ours.block.slot, slot_mine);
  EXPECT_EQ(ours.block.payload.transactions, std::vector<LedgerTx>{t});
  EXPECT_FALSE(ours.block.auxpow_header.has_value());
}

}  // namespace
}  // namespace alys::sim
