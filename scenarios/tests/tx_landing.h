// Where a transaction landed on a node's canonical chain, for scenario tests that submit
// one and check it was applied.
#pragma once

#include <cstdint>
#include <optional>

#include "core/chain/block_tree.h"
#include "core/execution/ledger_tx.h"

namespace alys::scenarios::testing {

// The height of the canonical block holding `tx` (the last one, should there be two).
inline std::optional<std::uint64_t> landed_at(const BlockTree& tree, const LedgerTx& tx) {
  std::optional<std::uint64_t> at;
  for (std::uint64_t h = 1; h <= tree.head_height(); ++h) {
    for (const LedgerTx& t : tree.get(*tree.canonical_at(h))->block.block.payload.transactions) {
      if (t == tx) at = h;
    }
  }
  return at;
}

}  // namespace alys::scenarios::testing
