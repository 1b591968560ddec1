// See sha256.h for why the SHA256_* primitives and not EVP.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/crypto/sha256.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "core/runtime/assert.h"

namespace alys {

namespace {
static_assert(sizeof(SHA256_CTX) <= 128, "SHA256_CTX does not fit Sha256's storage");

SHA256_CTX* ctx_of(std::array<std::uint8_t, 128>& storage) {
  return reinterpret_cast<SHA256_CTX*>(storage.data());
}
}  // namespace

Sha256::Sha256() {
  ALYS_ASSERT(SHA256_Init(ctx_of(ctx_)) == 1, "sha256: SHA256_Init failed");
}

Sha256& Sha256::update(ByteView data) {
  ALYS_ASSERT(!finalized_, "sha256: update after finalize");
  if (!data.empty()) {
    ALYS_ASSERT(SHA256_Update(ctx_of(ctx_), data.data(), data.size()) == 1,
                "sha256: SHA256_Update failed");
  }
  return *this;
}

Hash256 Sha256::finalize() {
  ALYS_ASSERT(!finalized_, "sha256: finalize twice");
  Hash256 out;
  ALYS_ASSERT(SHA256_Final(out.data(), ctx_of(ctx_)) == 1, "sha256: SHA256_Final failed");
  finalized_ = true;
  return out;
}

Hash256 sha256(ByteView data) {
  // Not the one-shot SHA256(): in OpenSSL 3 it goes through EVP (fetch, locks).
  SHA256_CTX ctx;
  ALYS_ASSERT(SHA256_Init(&ctx) == 1 && SHA256_Update(&ctx, data.data(), data.size()) == 1,
              "sha256: SHA256_Init/Update failed");
  Hash256 out;
  ALYS_ASSERT(SHA256_Final(out.data(), &ctx) == 1, "sha256: SHA256_Final failed");
  return out;
}

Hash256 sha256d(ByteView data) { return sha256(sha256(data).view()); }

Hash256 sha256d_pair(const Hash256& left, const Hash256& right) {
  std::uint8_t buf[2 * Hash256::kSize];
  std::copy(left.bytes().begin(), left.bytes().end(), buf);
  std::copy(right.bytes().begin(), right.bytes().end(), buf + Hash256::kSize);
  return sha256d(ByteView(buf, sizeof(buf)));
}

}  // namespace alys
