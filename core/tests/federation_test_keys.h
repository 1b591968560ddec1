// Test fixtures shared by the core, runtime-sim and scenarios tests of the peg: fixed
// federation member keys and the majority federation they form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/bitcoin/federation.h"
#include "core/crypto/keys.h"
#include "core/types/bytes.h"

namespace alys::testing {

// Member i's key (0-based): the secret whose last byte is 0x41 + i, the rest zero.
inline SecretKey federation_member_key(std::size_t i) {
  Bytes raw(32, 0);
  raw[31] = static_cast<std::uint8_t>(0x41 + i);
  return *SecretKey::from_bytes(raw);
}

// Members 0..n-1 with Alys's majority threshold (3 of 5 by default).
inline Federation federation_of_members(std::size_t n = 5) {
  std::vector<XOnlyPublicKey> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back(federation_member_key(i).xonly_public_key());
  return *Federation::create(std::move(keys), Federation::majority(n));
}

}  // namespace alys::testing
