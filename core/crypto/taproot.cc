#include "core/crypto/taproot.h"

#include <secp256k1_extrakeys.h>

#include "core/crypto/secp256k1_context.h"
#include "core/crypto/tagged_hash.h"
#include "core/runtime/assert.h"

namespace alys {

using crypto_internal::secp256k1_ctx;

namespace {

// Bitcoin's CompactSize length prefix (scripts are far below 2^32 bytes).
void write_compact_size(Sha256& hasher, std::size_t n) {
  std::uint8_t buf[9];
  std::size_t len = 0;
  if (n < 0xfd) {
    buf[len++] = static_cast<std::uint8_t>(n);
  } else if (n <= 0xffff) {
    buf[len++] = 0xfd;
    for (int i = 0; i < 2; ++i) buf[len++] = static_cast<std::uint8_t>(n >> (8 * i));
  } else if (n <= 0xffffffffULL) {
    buf[len++] = 0xfe;
    for (int i = 0; i < 4; ++i) buf[len++] = static_cast<std::uint8_t>(n >> (8 * i));
  } else {
    buf[len++] = 0xff;
    for (int i = 0; i < 8; ++i) buf[len++] = static_cast<std::uint8_t>(n >> (8 * i));
  }
  hasher.update(ByteView(buf, len));
}

}  // namespace

Hash256 tap_leaf_hash(std::uint8_t leaf_version, ByteView script) {
  Sha256 hasher = tagged_hasher("TapLeaf");
  const std::uint8_t version = leaf_version;
  hasher.update(ByteView(&version, 1));
  write_compact_size(hasher, script.size());
  hasher.update(script);
  return hasher.finalize();
}

Hash256 tap_branch_hash(const Hash256& a, const Hash256& b) {
  Sha256 hasher = tagged_hasher("TapBranch");
  if (b < a) {
    hasher.update(b.view()).update(a.view());
  } else {
    hasher.update(a.view()).update(b.view());
  }
  return hasher.finalize();
}

Hash256 tap_tweak_hash(const XOnlyPublicKey& internal_key,
                       const std::optional<Hash256>& merkle_root) {
  Sha256 hasher = tagged_hasher("TapTweak");
  hasher.update(internal_key.view());
  if (merkle_root) hasher.update(merkle_root->view());
  return hasher.finalize();
}

Result<TaprootOutputKey> taproot_output_key(const XOnlyPublicKey& internal_key,
                                            const std::optional<Hash256>& merkle_root) {
  const auto* ctx = secp256k1_ctx();
  secp256k1_xonly_pubkey internal;
  ALYS_ASSERT(secp256k1_xonly_pubkey_parse(ctx, &internal, internal_key.bytes().data()) == 1,
              "xonly_pubkey_parse failed on a validated key");
  const Hash256 tweak = tap_tweak_hash(internal_key, merkle_root);
  secp256k1_pubkey tweaked;
  if (secp256k1_xonly_pubkey_tweak_add(ctx, &tweaked, &internal, tweak.data()) != 1) {
    return Status::invalid_argument("taproot: tweak out of range or output key at infinity");
  }
  secp256k1_xonly_pubkey tweaked_xonly;
  int parity = 0;
  ALYS_ASSERT(secp256k1_xonly_pubkey_from_pubkey(ctx, &tweaked_xonly, &parity, &tweaked) == 1,
              "xonly_pubkey_from_pubkey failed");
  std::uint8_t out[32];
  ALYS_ASSERT(secp256k1_xonly_pubkey_serialize(ctx, out, &tweaked_xonly) == 1,
              "xonly_pubkey_serialize failed");
  auto key = XOnlyPublicKey::from_bytes(ByteView(out, sizeof(out)));
  ALYS_ASSERT(key.has_value(), "tweaked key does not re-parse");
  return TaprootOutputKey{*key, parity == 1};
}

Result<SecretKey> taproot_tweak_secret_key(const SecretKey& internal_key,
                                           const std::optional<Hash256>& merkle_root) {
  const auto* ctx = secp256k1_ctx();
  secp256k1_keypair keypair;
  ALYS_ASSERT(secp256k1_keypair_create(ctx, &keypair, internal_key.bytes().data()) == 1,
              "keypair_create failed on a validated secret key");
  const Hash256 tweak = tap_tweak_hash(internal_key.xonly_public_key(), merkle_root);
  if (secp256k1_keypair_xonly_tweak_add(ctx, &keypair, tweak.data()) != 1) {
    return Status::invalid_argument("taproot: tweak out of range or tweaked key is zero");
  }
  std::uint8_t out[32];
  ALYS_ASSERT(secp256k1_keypair_sec(ctx, out, &keypair) == 1, "keypair_sec failed");
  return SecretKey::from_bytes(ByteView(out, sizeof(out)));
}

Bytes taproot_control_block(std::uint8_t leaf_version, bool output_parity_odd,
                            const XOnlyPublicKey& internal_key, std::span<const Hash256> path) {
  ALYS_ASSERT((leaf_version & 1) == 0, "taproot: leaf version must be even");
  ALYS_ASSERT(path.size() <= 128, "taproot: control block path longer than 128");
  Bytes out;
  out.reserve(1 + 32 + 32 * path.size());
  out.push_back(static_cast<std::uint8_t>(leaf_version | (output_parity_odd ? 1 : 0)));
  append(out, internal_key.view());
  for (const auto& h : path) append(out, h.view());
  return out;
}

}  // namespace alys
