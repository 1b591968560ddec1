#include "core/crypto/fixed_base_signing.h"

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include "core/crypto/secp256k1_context.h"
#include "core/crypto/tagged_hash.h"
#include "core/runtime/assert.h"

namespace alys {

using crypto_internal::secp256k1_ctx;

namespace {

constexpr int kWindowBits = 8;
constexpr int kWindows = 256 / kWindowBits;               // one per byte of the scalar
constexpr int kEntriesPerWindow = (1 << kWindowBits) - 1;  // j = 1..255 (0 adds nothing)

// table[w][j-1] = j * 256^w * G, in libsecp256k1's 64-byte affine encoding.
class FixedBaseTable {
 public:
  FixedBaseTable() : points_(static_cast<std::size_t>(kWindows) * kEntriesPerWindow) {
    const secp256k1_context* ctx = secp256k1_ctx();
    for (int w = 0; w < kWindows; ++w) {
      std::array<std::uint8_t, 32> base{};
      base[static_cast<std::size_t>(31 - w)] = 1;  // 256^w, big-endian
      ALYS_ASSERT(secp256k1_ec_pubkey_create(ctx, &at(w, 1), base.data()) == 1,
                  "fixed-base table: 256^w is a valid scalar");
      // Each entry is the one before plus the window's base: an addition, not a
      // multiplication, so the whole table costs ~8k additions.
      for (int j = 2; j <= kEntriesPerWindow; ++j) {
        const secp256k1_pubkey* terms[2] = {&at(w, j - 1), &at(w, 1)};
        ALYS_ASSERT(secp256k1_ec_pubkey_combine(ctx, &at(w, j), terms, 2) == 1,
                    "fixed-base table: j * 256^w * G is never infinity");
      }
    }
  }

  // k*G for a scalar 0 < k < n (big-endian). False only if k*G were infinity, i.e. k = 0.
  bool multiply(const std::array<std::uint8_t, 32>& k, secp256k1_pubkey& out) const {
    const secp256k1_pubkey* terms[kWindows];
    std::size_t count = 0;
    for (int w = 0; w < kWindows; ++w) {
      const int j = k[static_cast<std::size_t>(31 - w)];
      if (j != 0) terms[count++] = &at(w, j);
    }
    return count != 0 && secp256k1_ec_pubkey_combine(secp256k1_ctx(), &out, terms, count) == 1;
  }

 private:
  secp256k1_pubkey& at(int w, int j) {
    return points_[static_cast<std::size_t>(w * kEntriesPerWindow + j - 1)];
  }
  const secp256k1_pubkey& at(int w, int j) const {
    return points_[static_cast<std::size_t>(w * kEntriesPerWindow + j - 1)];
  }

  std::vector<secp256k1_pubkey> points_;
};

std::once_flag g_table_once;
const FixedBaseTable* g_table = nullptr;  // built once, never freed (shared by forked workers)
std::atomic<bool> g_enabled{false};

const FixedBaseTable& table() {
  std::call_once(g_table_once, [] { g_table = new FixedBaseTable(); });
  return *g_table;
}

// BIP-340's tagged hash of the concatenation of `parts`.
template <std::size_t N>
std::array<std::uint8_t, 32> tagged(std::string_view tag, const ByteView (&parts)[N]) {
  Sha256 h = tagged_hasher(tag);
  for (const ByteView part : parts) h.update(part);
  return h.finalize().bytes();
}

}  // namespace

void use_variable_time_signing(bool on) {
  if (on) (void)table();
  g_enabled.store(on, std::memory_order_release);
}

bool variable_time_signing_enabled() { return g_enabled.load(std::memory_order_acquire); }

std::optional<std::array<std::uint8_t, 33>> crypto_internal::fixed_base_point(
    const std::array<std::uint8_t, 32>& k) {
  secp256k1_pubkey point;
  if (!table().multiply(k, point)) return std::nullopt;
  std::array<std::uint8_t, 33> out{};
  std::size_t size = out.size();
  ALYS_ASSERT(secp256k1_ec_pubkey_serialize(secp256k1_ctx(), out.data(), &size, &point,
                                            SECP256K1_EC_COMPRESSED) == 1 &&
                  size == out.size(),
              "pubkey_serialize failed");
  return out;
}

std::optional<std::array<std::uint8_t, 64>> crypto_internal::fixed_base_schnorr_sign(
    const std::array<std::uint8_t, 96>& keypair_bytes, ByteView message,
    const Hash256& aux_rand) {
  const secp256k1_context* ctx = secp256k1_ctx();
  secp256k1_keypair keypair;
  static_assert(sizeof(keypair) == 96, "secp256k1_keypair layout");
  std::memcpy(&keypair, keypair_bytes.data(), sizeof(keypair));

  // d: the secret key, negated if its point P has an odd y (BIP-340 keys are x-only).
  std::array<std::uint8_t, 32> d;
  secp256k1_xonly_pubkey p_xonly;
  int p_odd = 0;
  std::array<std::uint8_t, 32> p_x;
  if (secp256k1_keypair_sec(ctx, d.data(), &keypair) != 1 ||
      secp256k1_keypair_xonly_pub(ctx, &p_xonly, &p_odd, &keypair) != 1 ||
      secp256k1_xonly_pubkey_serialize(ctx, p_x.data(), &p_xonly) != 1) {
    return std::nullopt;
  }
  if (p_odd != 0 && secp256k1_ec_seckey_negate(ctx, d.data()) != 1) return std::nullopt;

  // k = H_nonce(d xor H_aux(aux) || P.x || m). libsecp256k1 reduces it mod n; one at or
  // above n (or zero) is left to it, so `k` here is always the same scalar.
  std::array<std::uint8_t, 32> masked = tagged("BIP0340/aux", {aux_rand.view()});
  for (std::size_t i = 0; i < masked.size(); ++i) masked[i] ^= d[i];
  std::array<std::uint8_t, 32> k = tagged("BIP0340/nonce", {ByteView(masked), ByteView(p_x), message});
  if (secp256k1_ec_seckey_verify(ctx, k.data()) != 1) return std::nullopt;

  // R = k*G; k is negated if R has an odd y, so that the signature's R is x-only.
  secp256k1_pubkey r;
  if (!table().multiply(k, r)) return std::nullopt;
  secp256k1_xonly_pubkey r_xonly;
  int r_odd = 0;
  std::array<std::uint8_t, 64> sig{};
  if (secp256k1_xonly_pubkey_from_pubkey(ctx, &r_xonly, &r_odd, &r) != 1 ||
      secp256k1_xonly_pubkey_serialize(ctx, sig.data(), &r_xonly) != 1) {
    return std::nullopt;
  }
  if (r_odd != 0 && secp256k1_ec_seckey_negate(ctx, k.data()) != 1) return std::nullopt;

  // e = H_challenge(R.x || P.x || m) mod n (again: one at or above n is left to libsecp256k1,
  // and so is e = 0, which tweak_mul refuses); s = k + e*d mod n (s = 0 is refused too).
  const std::array<std::uint8_t, 32> e =
      tagged("BIP0340/challenge", {ByteView(sig.data(), 32), ByteView(p_x), message});
  std::array<std::uint8_t, 32> s = d;
  if (secp256k1_ec_seckey_tweak_mul(ctx, s.data(), e.data()) != 1 ||
      secp256k1_ec_seckey_tweak_add(ctx, s.data(), k.data()) != 1) {
    return std::nullopt;
  }
  std::memcpy(sig.data() + 32, s.data(), 32);
  return sig;
}

}  // namespace alys
