// Hash256: a 32-byte value (SHA-256 output, txid, block hash, x-only key material...).
//
// Bytes are kept in "natural" order, the order the hash function produced them and the
// order they are serialized on the wire. Bitcoin *displays* txids and block hashes reversed
// (RPC, explorers): use from_display_hex / to_display_hex for those strings, and
// from_hex / to_hex for everything else (BIP-340/341 vectors, tagged hashes, keys).
// Ordering (<=>) is lexicographic over the natural-order bytes.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

class Hash256 {
 public:
  static constexpr std::size_t kSize = 32;

  // All zeros.
  constexpr Hash256() = default;
  explicit constexpr Hash256(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}

  // Errors: `bytes` is not exactly 32 bytes long.
  static Result<Hash256> from_bytes(ByteView bytes);
  // 64 hex digits in natural order. Errors: bad hex or wrong length.
  static Result<Hash256> from_hex(std::string_view hex);
  // 64 hex digits in Bitcoin's reversed display order (as printed by bitcoind).
  static Result<Hash256> from_display_hex(std::string_view hex);

  std::string to_hex() const;          // natural order
  std::string to_display_hex() const;  // reversed, as Bitcoin prints txids/block hashes

  // The same bytes reversed.
  Hash256 reversed() const;

  bool is_zero() const;
  ByteView view() const { return {bytes_.data(), bytes_.size()}; }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }
  static constexpr std::size_t size() { return kSize; }

  friend bool operator==(const Hash256&, const Hash256&) = default;
  friend auto operator<=>(const Hash256&, const Hash256&) = default;

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

}  // namespace alys
