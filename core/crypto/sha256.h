// SHA-256 (FIPS 180-4) and Bitcoin's double SHA-256, backed by OpenSSL libcrypto (EVP).
//
// Sha256 is an incremental hasher: update() any number of times, then finalize() once.
// REQUIRES: no update()/finalize() after finalize() (asserted). A Sha256 can be copied
// to fork a midstate (used by tagged hashes). OpenSSL failures are bugs (asserted), never
// input errors: hashing accepts every byte string.
#pragma once

#include <memory>

#include "core/types/bytes.h"
#include "core/types/hash256.h"

struct evp_md_ctx_st;

namespace alys {

class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256& other);
  Sha256& operator=(const Sha256& other);
  Sha256(Sha256&&) noexcept = default;
  Sha256& operator=(Sha256&&) noexcept = default;
  ~Sha256() = default;

  Sha256& update(ByteView data);
  Hash256 finalize();

 private:
  struct CtxDeleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, CtxDeleter> ctx_;
  bool finalized_ = false;
};

// SHA256(data).
Hash256 sha256(ByteView data);

// SHA256(SHA256(data)): Bitcoin's txid, block hash and merkle node hash.
Hash256 sha256d(ByteView data);

// SHA256d of the 64-byte concatenation left || right (a merkle tree node).
Hash256 sha256d_pair(const Hash256& left, const Hash256& right);

}  // namespace alys
