#include "core/execution/execution_memo.h"

#include <utility>

namespace alys::execution {

const ExecutionMemo::Outcome* ExecutionMemo::find(const Hash256& parent_state_root,
                                                  const Hash256& block_hash,
                                                  const BlockContext& context,
                                                  const ExecutionPayload& payload) const {
  for (const Item& item : items_) {
    const Inputs& in = item.inputs;
    if (in.block_hash == block_hash && in.parent_state_root == parent_state_root &&
        in.context == context && in.payload == payload) {
      ++hits_;
      return &item.outcome;
    }
  }
  ++misses_;
  return nullptr;
}

void ExecutionMemo::remember(Inputs inputs, Outcome outcome) {
  Item item{std::move(inputs), std::move(outcome)};
  if (items_.size() < kEntries) {
    items_.push_back(std::move(item));
    return;
  }
  items_[next_] = std::move(item);
  next_ = (next_ + 1) % kEntries;
}

}  // namespace alys::execution
