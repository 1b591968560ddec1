// secp256k1 keys as validated value types.
//
//  SecretKey      32-byte scalar k with 0 < k < n.
//  XOnlyPublicKey 32-byte x coordinate of a curve point (BIP-340); the point is the one
//                 with even y.
//  PublicKey      a full point, held in 33-byte compressed SEC1 form (parsed from 33-byte
//                 compressed or 65-byte uncompressed input), for ECDSA.
//
// Every constructor from bytes validates and returns an error naming what was wrong; an
// existing object is always valid, so operations on it cannot fail on input grounds.
// Secret keys are plain values here: the simulator derives them from seeds; nothing in
// core tries to hide them from memory dumps.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

class XOnlyPublicKey;

namespace crypto_internal {
// The x-only public key of a libsecp256k1 keypair (its 96 opaque bytes): read off the
// keypair, which already holds the point, so no point multiplication is done again.
XOnlyPublicKey xonly_of_keypair(const std::array<std::uint8_t, 96>& keypair);
}  // namespace crypto_internal
class PublicKey;

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;
  // Errors: wrong length, zero, or >= the curve order.
  static Result<SecretKey> from_bytes(ByteView bytes);
  static Result<SecretKey> from_hex(std::string_view hex);

  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }
  ByteView view() const { return {bytes_.data(), bytes_.size()}; }

  XOnlyPublicKey xonly_public_key() const;
  PublicKey public_key() const;

  friend bool operator==(const SecretKey&, const SecretKey&) = default;

 private:
  SecretKey() = default;
  std::array<std::uint8_t, kSize> bytes_{};
};

class XOnlyPublicKey {
 public:
  static constexpr std::size_t kSize = 32;
  // Errors: wrong length, or not the x coordinate of a curve point (incl. x >= p).
  static Result<XOnlyPublicKey> from_bytes(ByteView bytes);
  static Result<XOnlyPublicKey> from_hex(std::string_view hex);

  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }
  ByteView view() const { return {bytes_.data(), bytes_.size()}; }
  std::string to_hex() const;

  // Equality and order are those of the 32 bytes.
  friend bool operator==(const XOnlyPublicKey& a, const XOnlyPublicKey& b) {
    return a.bytes_ == b.bytes_;
  }
  friend auto operator<=>(const XOnlyPublicKey& a, const XOnlyPublicKey& b) {
    return a.bytes_ <=> b.bytes_;
  }

  // libsecp256k1's parsed form (secp256k1_xonly_pubkey, 64 opaque bytes), kept so that
  // verifying with a key does not decompress the point again (a field square root).
  const std::array<std::uint8_t, 64>& parsed() const { return parsed_; }

 private:
  friend class SecretKey;
  friend class PublicKey;
  friend XOnlyPublicKey crypto_internal::xonly_of_keypair(const std::array<std::uint8_t, 96>&);
  XOnlyPublicKey() = default;
  std::array<std::uint8_t, kSize> bytes_{};
  std::array<std::uint8_t, 64> parsed_{};
};

class PublicKey {
 public:
  static constexpr std::size_t kCompressedSize = 33;
  // Accepts SEC1 compressed (33 bytes) or uncompressed (65 bytes). Errors name the cause.
  static Result<PublicKey> from_bytes(ByteView bytes);
  static Result<PublicKey> from_hex(std::string_view hex);

  const std::array<std::uint8_t, kCompressedSize>& compressed() const { return bytes_; }
  ByteView view() const { return {bytes_.data(), bytes_.size()}; }
  XOnlyPublicKey xonly() const;

  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  friend class SecretKey;
  PublicKey() = default;
  std::array<std::uint8_t, kCompressedSize> bytes_{};
};

}  // namespace alys
