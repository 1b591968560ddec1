// ChainObserver: what a node's chain actor reports as it happens, for the simulator's
// checkers and the node's metrics. Called on the chain actor's strand; implementations
// must not call back into the actor. Default methods do nothing.
#pragma once

#include <cstdint>

#include <vector>

#include "core/bitcoin/transaction.h"
#include "core/chain/block.h"
#include "core/runtime/node_id.h"

namespace alys {

class ChainObserver {
 public:
  virtual ~ChainObserver() = default;
  // A block passed validation and execution and entered the node's tree.
  virtual void on_block_imported(NodeId /*node*/, const SignedBlock& /*block*/,
                                 const Hash256& /*hash*/) {}
  // The node's head moved.
  virtual void on_head(NodeId /*node*/, const Hash256& /*hash*/, std::uint64_t /*height*/) {}
  // Finality moved to (hash, height).
  virtual void on_finalized(NodeId /*node*/, const Hash256& /*hash*/, std::uint64_t /*height*/) {}
  // This node's authority key signed `hash` for `slot` (as proposer or approver).
  virtual void on_signed(NodeId /*node*/, std::uint32_t /*authority*/, std::uint64_t /*slot*/,
                         const Hash256& /*hash*/, bool /*as_proposer*/) {}
  // Federation member `member` (on `node`) released its signatures of peg-out payment
  // `payment_txid`, which spends `coins` (the evidence for "no conflicting spend signed").
  virtual void on_pegout_signed(NodeId /*node*/, std::uint32_t /*member*/,
                                const Hash256& /*payment_txid*/,
                                const std::vector<OutPoint>& /*coins*/) {}
  // A block was refused (the evidence a failure report cites). kInvalidArgument: invalid
  // anywhere (signature, proposer, execution...); kFailedPrecondition: refused here for a
  // local reason (below this node's finality, from the future by its clock). `block` is
  // the envelope refused: blocks are named by their content's hash, so one hash may come
  // with different approvals (a usurper's signature on the slot owner's empty block).
  virtual void on_block_rejected(NodeId /*node*/, const SignedBlock& /*block*/,
                                 const Hash256& /*hash*/, const Status& /*why*/) {}
};

}  // namespace alys
