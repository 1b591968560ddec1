// BIP-341 taproot hashing and key tweaking.
//
//  tap_leaf_hash     TapLeaf(leaf_version || compact_size(len) || script)
//  tap_branch_hash   TapBranch(min(a,b) || max(a,b))   (children sorted lexicographically)
//  tap_tweak_hash    TapTweak(internal_key || merkle_root), or TapTweak(internal_key) when
//                    there is no script tree (key-path only output)
//  taproot_output_key   Q = P + t*G as an x-only key plus the parity of Q's y (the parity
//                       goes into the control block of script-path spends)
//  taproot_tweak_secret_key  the secret key for Q when P = xonly(sk*G) (key-path signing)
//
// Tweaking fails (an error, never a crash) only when t >= n or Q is infinity, which
// happens with negligible probability for honest inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/crypto/keys.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

inline constexpr std::uint8_t kTapLeafVersionTapscript = 0xc0;

Hash256 tap_leaf_hash(std::uint8_t leaf_version, ByteView script);
Hash256 tap_branch_hash(const Hash256& a, const Hash256& b);
Hash256 tap_tweak_hash(const XOnlyPublicKey& internal_key,
                       const std::optional<Hash256>& merkle_root);

struct TaprootOutputKey {
  XOnlyPublicKey key;
  bool parity_odd = false;  // y(Q) is odd
};

Result<TaprootOutputKey> taproot_output_key(const XOnlyPublicKey& internal_key,
                                            const std::optional<Hash256>& merkle_root);

Result<SecretKey> taproot_tweak_secret_key(const SecretKey& internal_key,
                                           const std::optional<Hash256>& merkle_root);

// BIP-341 control block for a script-path spend: (leaf_version | parity) || internal key
// || the sibling hashes on the path from the leaf to the root, bottom first.
// REQUIRES: leaf_version is even (asserted) and path.size() <= 128 (asserted).
Bytes taproot_control_block(std::uint8_t leaf_version, bool output_parity_odd,
                            const XOnlyPublicKey& internal_key, std::span<const Hash256> path);

}  // namespace alys
