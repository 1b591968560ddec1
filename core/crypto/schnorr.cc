#include "core/crypto/schnorr.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include <fmt/format.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "core/crypto/fixed_base_signing.h"
#include "core/crypto/secp256k1_context.h"
#include "core/runtime/assert.h"
#include "core/types/hex.h"

namespace alys {

using crypto_internal::secp256k1_ctx;

Result<SchnorrSignature> SchnorrSignature::from_bytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::invalid_argument(
        fmt::format("schnorr signature: expected {} bytes, got {}", kSize, bytes.size()));
  }
  SchnorrSignature sig;
  std::copy(bytes.begin(), bytes.end(), sig.bytes_.begin());
  return sig;
}

Result<SchnorrSignature> SchnorrSignature::from_hex(std::string_view hex) {
  auto bytes = alys::from_hex(hex);
  if (!bytes) return bytes.error();
  return from_bytes(*bytes);
}

std::string SchnorrSignature::to_hex() const { return alys::to_hex(view()); }

namespace {
std::atomic<std::uint64_t> g_signs{0};
std::atomic<std::uint64_t> g_verifies{0};

// BIP-340 signing with a prepared keypair: the one body both signing entry points share.
std::array<std::uint8_t, SchnorrSignature::kSize> sign_with(const secp256k1_keypair& keypair,
                                                          ByteView message,
                                                          const Hash256& aux_rand) {
  g_signs.fetch_add(1, std::memory_order_relaxed);
  if (variable_time_signing_enabled()) {  // the simulator's choice: fixed_base_signing.h
    std::array<std::uint8_t, 96> raw;
    std::memcpy(raw.data(), &keypair, sizeof(keypair));
    if (auto sig = crypto_internal::fixed_base_schnorr_sign(raw, message, aux_rand)) return *sig;
  }
  secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
  // libsecp256k1 takes a non-const pointer but only reads the 32 bytes.
  std::array<std::uint8_t, 32> aux = aux_rand.bytes();
  params.ndata = aux.data();
  std::array<std::uint8_t, SchnorrSignature::kSize> sig{};
  ALYS_ASSERT(secp256k1_schnorrsig_sign_custom(secp256k1_ctx(), sig.data(), message.data(),
                                               message.size(), &keypair, &params) == 1,
              "schnorrsig_sign_custom failed");
  return sig;
}

secp256k1_keypair make_keypair(const SecretKey& key) {
  secp256k1_keypair keypair;
  ALYS_ASSERT(secp256k1_keypair_create(secp256k1_ctx(), &keypair, key.bytes().data()) == 1,
              "keypair_create failed on a validated secret key");
  return keypair;
}
}  // namespace

SchnorrSignature schnorr_sign(const SecretKey& key, ByteView message, const Hash256& aux_rand) {
  SchnorrSignature sig;
  sig.bytes_ = sign_with(make_keypair(key), message, aux_rand);
  return sig;
}

namespace {
std::array<std::uint8_t, 96> keypair_bytes(const SecretKey& key) {
  static_assert(sizeof(secp256k1_keypair) == 96, "keypair layout");
  const secp256k1_keypair keypair = make_keypair(key);
  std::array<std::uint8_t, 96> out;
  std::memcpy(out.data(), &keypair, sizeof(keypair));
  return out;
}
}  // namespace

// One point multiplication (the keypair's), not two: the public key is read off the keypair.
SchnorrSigner::SchnorrSigner(const SecretKey& key)
    : keypair_(keypair_bytes(key)), public_key_(crypto_internal::xonly_of_keypair(keypair_)) {}

SchnorrSignature SchnorrSigner::sign(ByteView message, const Hash256& aux_rand) const {
  secp256k1_keypair keypair;
  std::memcpy(&keypair, keypair_.data(), sizeof(keypair));
  SchnorrSignature sig;
  sig.bytes_ = sign_with(keypair, message, aux_rand);
  return sig;
}

bool schnorr_verify(const XOnlyPublicKey& key, ByteView message, const SchnorrSignature& sig) {
  secp256k1_xonly_pubkey pubkey;
  static_assert(sizeof(pubkey) == sizeof(key.parsed()), "secp256k1_xonly_pubkey layout");
  std::memcpy(&pubkey, key.parsed().data(), sizeof(pubkey));
  g_verifies.fetch_add(1, std::memory_order_relaxed);
  return secp256k1_schnorrsig_verify(secp256k1_ctx(), sig.bytes().data(), message.data(),
                                     message.size(), &pubkey) == 1;
}

SchnorrOpCounts schnorr_op_counts() {
  return {g_signs.load(std::memory_order_relaxed), g_verifies.load(std::memory_order_relaxed)};
}

}  // namespace alys
