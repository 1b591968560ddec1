// Fixed secret keys for tests: the same key every run, named by a byte.
#pragma once

#include <cstdint>

#include <gtest/gtest.h>

#include "core/crypto/keys.h"
#include "core/types/bytes.h"

namespace alys::test {

// The key whose 32 bytes are all `pattern` (0x00 and 0xff are not valid keys: a test
// failure, and a placeholder key is returned).
inline SecretKey key_of(std::uint8_t pattern) {
  auto k = SecretKey::from_bytes(Bytes(32, pattern));
  EXPECT_TRUE(k.has_value()) << "no secret key is 32 bytes of " << int{pattern};
  return k ? *k : *SecretKey::from_bytes(Bytes(32, 0x01));
}

}  // namespace alys::test
