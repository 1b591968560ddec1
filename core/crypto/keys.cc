#include "core/crypto/keys.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <secp256k1_extrakeys.h>

#include "core/crypto/secp256k1_context.h"
#include "core/runtime/assert.h"
#include "core/types/hex.h"

namespace alys {

using crypto_internal::secp256k1_ctx;

Result<SecretKey> SecretKey::from_bytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::invalid_argument(
        fmt::format("secret key: expected {} bytes, got {}", kSize, bytes.size()));
  }
  if (secp256k1_ec_seckey_verify(secp256k1_ctx(), bytes.data()) != 1) {
    return Status::invalid_argument("secret key: zero or not below the curve order");
  }
  SecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  return key;
}

Result<SecretKey> SecretKey::from_hex(std::string_view hex) {
  auto bytes = alys::from_hex(hex);
  if (!bytes) return bytes.error();
  return from_bytes(*bytes);
}

XOnlyPublicKey SecretKey::xonly_public_key() const {
  secp256k1_keypair keypair;
  ALYS_ASSERT(secp256k1_keypair_create(secp256k1_ctx(), &keypair, bytes_.data()) == 1,
              "keypair_create failed on a validated secret key");
  static_assert(sizeof(keypair) == 96, "secp256k1_keypair layout");
  std::array<std::uint8_t, 96> raw;
  std::memcpy(raw.data(), &keypair, sizeof(keypair));
  return crypto_internal::xonly_of_keypair(raw);
}

XOnlyPublicKey crypto_internal::xonly_of_keypair(const std::array<std::uint8_t, 96>& raw) {
  secp256k1_keypair keypair;
  std::memcpy(&keypair, raw.data(), sizeof(keypair));
  secp256k1_xonly_pubkey xonly;
  ALYS_ASSERT(secp256k1_keypair_xonly_pub(secp256k1_ctx(), &xonly, nullptr, &keypair) == 1,
              "keypair_xonly_pub failed");
  XOnlyPublicKey out;
  ALYS_ASSERT(secp256k1_xonly_pubkey_serialize(secp256k1_ctx(), out.bytes_.data(), &xonly) == 1,
              "xonly_pubkey_serialize failed");
  static_assert(sizeof(xonly) == sizeof(out.parsed_), "secp256k1_xonly_pubkey layout");
  std::memcpy(out.parsed_.data(), &xonly, sizeof(xonly));
  return out;
}

PublicKey SecretKey::public_key() const {
  secp256k1_pubkey pubkey;
  ALYS_ASSERT(secp256k1_ec_pubkey_create(secp256k1_ctx(), &pubkey, bytes_.data()) == 1,
              "ec_pubkey_create failed on a validated secret key");
  PublicKey out;
  std::size_t len = out.bytes_.size();
  ALYS_ASSERT(secp256k1_ec_pubkey_serialize(secp256k1_ctx(), out.bytes_.data(), &len, &pubkey,
                                            SECP256K1_EC_COMPRESSED) == 1 &&
                  len == PublicKey::kCompressedSize,
              "ec_pubkey_serialize failed");
  return out;
}

namespace {
// Parsing an x-only key decompresses the point (a field square root), and the same few
// keys (authorities, busy accounts) are parsed again and again as they arrive in approvals
// and transactions. A direct-mapped memo of valid keys, per thread so it needs no lock; a
// pure memo: a miss or a collision only costs the parse.
class ParsedKeyMemo {
 public:
  const XOnlyPublicKey* find(ByteView bytes) const {
    const std::optional<XOnlyPublicKey>& s = slots_[index(bytes)];
    if (s && std::equal(bytes.begin(), bytes.end(), s->bytes().begin())) return &*s;
    return nullptr;
  }
  void remember(const XOnlyPublicKey& key) { slots_[index(key.view())] = key; }

 private:
  static constexpr std::size_t kSlots = 256;
  static std::size_t index(ByteView bytes) {
    std::uint64_t x;
    std::memcpy(&x, bytes.data(), sizeof x);
    return static_cast<std::size_t>((x * 0x9e3779b97f4a7c15ULL) >> 56);
  }
  std::array<std::optional<XOnlyPublicKey>, kSlots> slots_{};
};
}  // namespace

Result<XOnlyPublicKey> XOnlyPublicKey::from_bytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::invalid_argument(
        fmt::format("x-only public key: expected {} bytes, got {}", kSize, bytes.size()));
  }
  thread_local ParsedKeyMemo memo;
  if (const XOnlyPublicKey* known = memo.find(bytes)) return *known;
  secp256k1_xonly_pubkey parsed;
  if (secp256k1_xonly_pubkey_parse(secp256k1_ctx(), &parsed, bytes.data()) != 1) {
    return Status::invalid_argument("x-only public key: not the x coordinate of a curve point");
  }
  XOnlyPublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  static_assert(sizeof(parsed) == sizeof(key.parsed_), "secp256k1_xonly_pubkey layout");
  std::memcpy(key.parsed_.data(), &parsed, sizeof(parsed));
  memo.remember(key);
  return key;
}

Result<XOnlyPublicKey> XOnlyPublicKey::from_hex(std::string_view hex) {
  auto bytes = alys::from_hex(hex);
  if (!bytes) return bytes.error();
  return from_bytes(*bytes);
}

std::string XOnlyPublicKey::to_hex() const { return alys::to_hex(view()); }

Result<PublicKey> PublicKey::from_bytes(ByteView bytes) {
  if (bytes.size() != 33 && bytes.size() != 65) {
    return Status::invalid_argument(
        fmt::format("public key: expected 33 or 65 bytes, got {}", bytes.size()));
  }
  secp256k1_pubkey parsed;
  if (secp256k1_ec_pubkey_parse(secp256k1_ctx(), &parsed, bytes.data(), bytes.size()) != 1) {
    return Status::invalid_argument("public key: not a valid SEC1 curve point");
  }
  PublicKey key;
  std::size_t len = key.bytes_.size();
  ALYS_ASSERT(secp256k1_ec_pubkey_serialize(secp256k1_ctx(), key.bytes_.data(), &len, &parsed,
                                            SECP256K1_EC_COMPRESSED) == 1,
              "ec_pubkey_serialize failed");
  return key;
}

Result<PublicKey> PublicKey::from_hex(std::string_view hex) {
  auto bytes = alys::from_hex(hex);
  if (!bytes) return bytes.error();
  return from_bytes(*bytes);
}

XOnlyPublicKey PublicKey::xonly() const {
  // The x coordinate of a valid point is a valid x-only key.
  auto out = XOnlyPublicKey::from_bytes(ByteView{bytes_.data() + 1, XOnlyPublicKey::kSize});
  ALYS_ASSERT(out.has_value(), "x-only form of a valid point failed to parse");
  return *out;
}

}  // namespace alys
