#include "core/crypto/sha256.h"

#include <openssl/evp.h>

#include "core/runtime/assert.h"

namespace alys {

namespace {
// OpenSSL 3 resolves EVP_sha256() to a provider implementation on every init, under a
// global lock (a third of a sim run's hashing time). Fetch it once: an immutable handle,
// initialised thread-safely, never freed (it lives as long as the process).
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    ALYS_ASSERT(fetched != nullptr, "sha256: EVP_MD_fetch failed");
    return fetched;
  }();
  return md;
}
}  // namespace

void Sha256::CtxDeleter::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  ALYS_ASSERT(ctx_ != nullptr, "sha256: EVP_MD_CTX_new failed");
  ALYS_ASSERT(EVP_DigestInit_ex(ctx_.get(), sha256_md(), nullptr) == 1,
              "sha256: EVP_DigestInit_ex failed");
}

Sha256::Sha256(const Sha256& other) : ctx_(EVP_MD_CTX_new()), finalized_(other.finalized_) {
  ALYS_ASSERT(ctx_ != nullptr, "sha256: EVP_MD_CTX_new failed");
  ALYS_ASSERT(EVP_MD_CTX_copy_ex(ctx_.get(), other.ctx_.get()) == 1,
              "sha256: EVP_MD_CTX_copy_ex failed");
}

Sha256& Sha256::operator=(const Sha256& other) {
  if (this != &other) {
    Sha256 copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Sha256& Sha256::update(ByteView data) {
  ALYS_ASSERT(ctx_ != nullptr && !finalized_, "sha256: update after finalize or move");
  if (!data.empty()) {
    ALYS_ASSERT(EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) == 1,
                "sha256: EVP_DigestUpdate failed");
  }
  return *this;
}

Hash256 Sha256::finalize() {
  ALYS_ASSERT(ctx_ != nullptr && !finalized_, "sha256: finalize twice or after move");
  Hash256 out;
  unsigned int len = 0;
  ALYS_ASSERT(EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) == 1 && len == Hash256::kSize,
              "sha256: EVP_DigestFinal_ex failed");
  finalized_ = true;
  return out;
}

Hash256 sha256(ByteView data) {
  Hash256 out;
  unsigned int len = 0;
  ALYS_ASSERT(EVP_Digest(data.data(), data.size(), out.data(), &len, sha256_md(), nullptr) == 1 &&
                  len == Hash256::kSize,
              "sha256: EVP_Digest failed");
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
