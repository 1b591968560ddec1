// Helpers shared by the primitives tests (core/types, core/crypto, core/bitcoin):
// hex literals that must parse, and loading vector files from core/tests/data.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/types/bytes.h"
#include "core/types/hash256.h"
#include "core/types/hex.h"

namespace alys::test {

// Hex that is known good (a literal in a test). Aborts the test binary if it is not.
inline Bytes hex_bytes(std::string_view hex) {
  auto r = from_hex(hex);
  EXPECT_TRUE(r.has_value()) << "bad hex literal: " << hex;
  return r.has_value() ? *r : Bytes{};
}

inline Hash256 hash_hex(std::string_view hex) {
  auto r = Hash256::from_hex(hex);
  EXPECT_TRUE(r.has_value()) << "bad hash literal: " << hex;
  return r.has_value() ? *r : Hash256{};
}

inline Hash256 display_hash(std::string_view hex) {
  auto r = Hash256::from_display_hex(hex);
  EXPECT_TRUE(r.has_value()) << "bad hash literal: " << hex;
  return r.has_value() ? *r : Hash256{};
}

// Whole contents of core/tests/data/<name>; empty (and a test failure) if unreadable.
inline std::string read_data_file(std::string_view name) {
  const std::string path = std::string(ALYS_CORE_TEST_DATA) + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace alys::test
