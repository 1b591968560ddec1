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
#include <cstring>
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

  // Word-wise (the defaulted form called memcmp; hashes are compared on every lookup).
  friend bool operator==(const Hash256& a, const Hash256& b) {
    std::uint64_t x[4], y[4];
    std::memcpy(x, a.bytes_.data(), kSize);
    std::memcpy(y, b.bytes_.data(), kSize);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
  }
  // Lexicographic over the bytes, as the defaulted form, but a word at a time: hashes key
  // the chain's maps and the defaulted form called memcmp for every comparison.
  friend std::strong_ordering operator<=>(const Hash256& a, const Hash256& b) {
    for (std::size_t i = 0; i < kSize; i += 8) {
      const std::uint64_t x = a.be64(i);
      const std::uint64_t y = b.be64(i);
      if (x != y) return x < y ? std::strong_ordering::less : std::strong_ordering::greater;
    }
    return std::strong_ordering::equal;
  }

 private:
  // Bytes [i, i+8) as a big-endian integer (so integer order is byte order).
  std::uint64_t be64(std::size_t i) const {
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < 8; ++k) v = (v << 8) | bytes_[i + k];
    return v;
  }
  std::array<std::uint8_t, kSize> bytes_{};
};

// For hash tables keyed by hashes (block hashes, tx hashes, SHA-256 identities): their
// bytes are already uniform, so eight of them, salted and mixed (splitmix64's bijective
// finalizer), place the key. With a salt a peer does not know, a peer that grinds hashes
// of its own messages (transactions, gossip) cannot aim them at one bucket; keys no peer
// chooses can use salt 0. Only for containers that are never iterated where order could
// matter (DESIGN.md §5): the salt changes placement, never answers.
struct Hash256Hasher {
  std::uint64_t salt = 0;
  std::size_t operator()(const Hash256& h) const noexcept {
    std::uint64_t x;
    std::memcpy(&x, h.data(), sizeof x);
    x ^= salt;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<std::size_t>(x ^ (x >> 31));
  }
};

}  // namespace alys
