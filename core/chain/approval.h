// Authority signatures on blocks. The proposer's signature is the block's first approval;
// other authorities add theirs after importing it (Alys's ApproveBlock). Each signs
// approval_message(block_hash) = tagged_hash("alys/approval", block_hash) with BIP-340.
#pragma once

#include "core/chain/block.h"
#include "core/chain/chain_spec.h"
#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/verify_cache.h"
#include "core/runtime/status.h"

namespace alys {

Hash256 approval_message(const Hash256& block_hash);

// With `made_here`, the new signature is remembered there as valid (remember_made, keyed
// by the signer's own key), so verifying it again costs a lookup.
Approval sign_approval(const SchnorrSigner& signer, std::uint32_t authority_index,
                       const Hash256& block_hash, const Hash256& aux_rand,
                       VerifyCache* made_here = nullptr);

// Ok iff the index names an authority of `spec` (kInvalidArgument naming the index).
Status check_approval_index(const ChainSpec& spec, const Approval& approval);

// Ok iff the index names an authority of `spec` and the signature is that authority's over
// `block_hash`. Errors name the index. With a cache, a signature verified before (by any
// user of the cache) is not verified again.
Status check_approval(const ChainSpec& spec, const Hash256& block_hash, const Approval& approval,
                      VerifyCache* cache = nullptr);

}  // namespace alys
