// BIP-340 tagged hashes: hash_tag(x) = SHA256(SHA256(tag) || SHA256(tag) || x).
//
// tagged_hasher(tag) returns a Sha256 already fed with the 64-byte tag prefix, for callers
// that hash several pieces (BIP-341 TapLeaf/TapBranch/TapTweak/TapSighash). Tags are ASCII
// names such as "BIP0340/challenge" or "TapTweak".
#pragma once

#include <string_view>

#include "core/crypto/sha256.h"

namespace alys {

Sha256 tagged_hasher(std::string_view tag);

Hash256 tagged_hash(std::string_view tag, ByteView data);

}  // namespace alys
