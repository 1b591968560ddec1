// Salts for hash tables keyed by peer-influenced hashes (Hash256Hasher): derived from the
// node's secret key, so they are stable across restarts and replays of a seed, differ
// between nodes and purposes, and are unknown to peers.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/crypto/keys.h"
#include "core/crypto/tagged_hash.h"

namespace alys {

// The first 8 bytes of tagged_hash("alys/hash-salt/<purpose>", secret key).
inline std::uint64_t derive_hash_salt(const SecretKey& key, std::string_view purpose) {
  std::string tag = "alys/hash-salt/";
  tag.append(purpose);
  const Hash256 h = tagged_hash(tag, key.view());
  std::uint64_t salt = 0;
  for (int i = 0; i < 8; ++i) salt = (salt << 8) | h.data()[i];
  return salt;
}

}  // namespace alys
