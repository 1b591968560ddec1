// ExecutionMemo: recent block executions, shared by the simulated nodes of one run
// (DESIGN.md §5: pure functions may be memoized across nodes; it changes cost, never
// behaviour).
//
// Executing a block is a function of the state it runs on and of the block: in a run of
// 7 nodes, 6 verify each block the proposer built, on the same parent state. The first
// engine to execute (parent state root, block hash, context, payload) remembers the state
// it reached and its answer; the others take a copy of that state (copy-on-write buckets,
// so a copy costs a few reference counts) instead of executing again. A hit needs every
// input equal in full, and the parent's state root is computed from the state itself, so
// a node whose state went wrong (a bug, a planted bug) misses and executes for itself.
// Only successful executions are kept; at most kEntries, the oldest forgotten first.
//
// Not for states whose execution depends on more than their root: a ledger with a
// planted bug keeps mint history outside its root (Ledger::set_planted_bug), so the node
// gives such engines no memo. Thread rules: not thread-safe, and the states it hands out
// share buckets with each other (BucketTable's one-thread rule), so all engines sharing one
// must run on one thread: the simulator's.
#pragma once

#include <cstddef>
#include <vector>

#include "core/execution/engine.h"
#include "core/execution/ledger.h"
#include "core/types/hash256.h"

namespace alys::execution {

class ExecutionMemo {
 public:
  static constexpr std::size_t kEntries = 32;

  struct Inputs {
    Hash256 parent_state_root;  // computed from the parent state, never the stated one
    Hash256 block_hash;
    BlockContext context;
    ExecutionPayload payload;
  };
  struct Outcome {
    Ledger state;  // after the block
    ExecutedPayload result;
  };

  // The outcome remembered for exactly these inputs, or nullptr.
  const Outcome* find(const Hash256& parent_state_root, const Hash256& block_hash,
                      const BlockContext& context, const ExecutionPayload& payload) const;
  // Remembers a successful execution (its state is copied: buckets shared).
  void remember(Inputs inputs, Outcome outcome);

  std::size_t hits() const { return hits_; }
  std::size_t misses() const { return misses_; }

 private:
  struct Item {
    Inputs inputs;
    Outcome outcome;
  };
  std::vector<Item> items_;  // a ring of up to kEntries
  std::size_t next_ = 0;     // where the next remember() goes once full
  mutable std::size_t hits_ = 0;
  mutable std::size_t misses_ = 0;
};

}  // namespace alys::execution
