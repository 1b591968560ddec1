// BIP-340 Schnorr signatures over secp256k1 (libsecp256k1's schnorrsig module).
//
// Messages may be any length (BIP-340 as amended in 2022). Signing is deterministic given
// (key, message, aux_rand): callers that want BIP-340's recommended randomness pass 32
// bytes from Env's Random; passing zeros is allowed and still secure against key leakage
// from nonce reuse (the nonce is derived from the key and message).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/keys.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

class SchnorrSignature {
 public:
  static constexpr std::size_t kSize = 64;
  // Errors: wrong length. (Whether r/s are in range is decided by verification.)
  static Result<SchnorrSignature> from_bytes(ByteView bytes);
  static Result<SchnorrSignature> from_hex(std::string_view hex);

  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }
  ByteView view() const { return {bytes_.data(), bytes_.size()}; }
  std::string to_hex() const;

  friend bool operator==(const SchnorrSignature&, const SchnorrSignature&) = default;

 private:
  friend SchnorrSignature schnorr_sign(const SecretKey&, ByteView, const Hash256&);
  friend class SchnorrSigner;
  SchnorrSignature() = default;
  std::array<std::uint8_t, kSize> bytes_{};
};

// BIP-340 Sign(sk, m) with auxiliary randomness `aux_rand`.
SchnorrSignature schnorr_sign(const SecretKey& key, ByteView message, const Hash256& aux_rand);

// A secret key with its keypair precomputed: signing with it skips the public-key
// derivation schnorr_sign(SecretKey, ...) does on every call (half of its cost). Same
// signatures as schnorr_sign with the same key, message and aux_rand.
class SchnorrSigner {
 public:
  explicit SchnorrSigner(const SecretKey& key);
  const XOnlyPublicKey& public_key() const { return public_key_; }
  SchnorrSignature sign(ByteView message, const Hash256& aux_rand) const;

 private:
  std::array<std::uint8_t, 96> keypair_{};  // libsecp256k1's opaque secp256k1_keypair
  XOnlyPublicKey public_key_;
};

// BIP-340 Verify(pk, m, sig). True iff the signature is valid.
bool schnorr_verify(const XOnlyPublicKey& key, ByteView message, const SchnorrSignature& sig);

// Signatures made and checked by this process so far (relaxed atomic counts, any thread).
// For measuring what a workload costs in signature work alone (harness/bench); they never
// feed back into behaviour.
struct SchnorrOpCounts {
  std::uint64_t signs = 0;
  std::uint64_t verifies = 0;
};
SchnorrOpCounts schnorr_op_counts();

}  // namespace alys
