// Consensus checks of an imported block that need no execution (Alys app/src/chain.rs,
// aura.rs). Execution (state root, transactions, mints) is the engine's; AuxPoW headers
// are checked by check_auxpow_header with the chain's view of the unfinalized range.
//
// check_block_header verifies, in order, and names the first failure:
//   parent     parent_hash is the given parent; height = parent.height + 1
//   slot       strictly above the parent's slot; at most one slot ahead of `local_slot`
//              (Alys rejects a block from the future beyond one slot)
//   proposer   approvals[0] is the Aura proposer of the slot (authorities[slot mod n])
//   approvals  every approval signs this hash, indices distinct and in range, at most n
//   shape      at most spec.max_txs_per_block transactions
// Errors are kInvalidArgument (the block is invalid anywhere) except "from the future",
// which depends on the local clock: kFailedPrecondition. `check_proposer` false skips the
// proposer check: only the planted bug accept-wrong-proposer passes it (test builds).
// `check_signatures` false skips the approvals' BIP-340 verifications (their indices are
// still checked): for a block below the node's assume-valid block only (ChainActor).
#pragma once

#include <cstdint>
#include <span>

#include "core/chain/block.h"
#include "core/chain/chain_spec.h"
#include "core/crypto/verify_cache.h"
#include "core/runtime/status.h"

namespace alys {

struct ParentInfo {
  Hash256 hash;
  std::uint64_t height = 0;
  std::uint64_t slot = 0;
};

Status check_block_header(const ChainSpec& spec, const SignedBlock& block, const Hash256& hash,
                          const ParentInfo& parent, std::uint64_t local_slot,
                          VerifyCache* cache = nullptr, bool check_proposer = true,
                          bool check_signatures = true);

// The unfinalized range an AuxPoW header must cover, from the importer's chain: the hashes
// of the blocks after the last finalized one up to (and including) some block of it.
struct PowContext {
  std::span<const Hash256> unfinalized;  // in height order, starting right after finalized
  std::uint64_t first_height = 0;        // height of unfinalized[0]
  std::uint32_t expected_bits = 0;       // alys_next_work_required for this range
};

// An AuxPoW header finalizes unfinalized[0 ..= k]: range_start = unfinalized[0],
// range_end = unfinalized[k], height = first_height + k, chain id = spec.chain_id,
// bits = expected_bits, and the AuxPoW commits to auxpow_aggregate_hash(range) for the
// chain id and meets bits.
Status check_auxpow_header(const ChainSpec& spec, const AuxPowHeader& header,
                           const PowContext& context);

}  // namespace alys
