// SHA-256 (FIPS 180-4) and Bitcoin's double SHA-256, backed by OpenSSL libcrypto.
//
// Sha256 is an incremental hasher: update() any number of times, then finalize() once.
// REQUIRES: no update()/finalize() after finalize() (asserted). A Sha256 can be copied
// to fork a midstate (used by tagged hashes); copies are plain value copies. Hashing
// accepts every byte string; OpenSSL failures are bugs (asserted).
//
// Implementation: OpenSSL's one-shot SHA256_* primitives rather than EVP. EVP allocates a
// context and dispatches through a provider on every digest, which cost more than the
// hashing itself for the short inputs we hash most (block ids, tagged hashes, signature
// memo keys): same digests, several times faster. Those primitives are deprecated in
// OpenSSL 3 but stable; only sha256.cc includes them.
#pragma once

#include <array>
#include <cstdint>

#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = default;
  Sha256& operator=(const Sha256&) = default;

  Sha256& update(ByteView data);
  Hash256 finalize();

 private:
  // OpenSSL's SHA256_CTX (112 bytes on every platform we build), held opaquely so this
  // header does not pull in OpenSSL.
  alignas(8) std::array<std::uint8_t, 128> ctx_{};
  bool finalized_ = false;
};

// SHA256(data).
Hash256 sha256(ByteView data);

// SHA256(SHA256(data)): Bitcoin's txid, block hash and merkle node hash.
Hash256 sha256d(ByteView data);

// SHA256d of the 64-byte concatenation left || right (a merkle tree node).
Hash256 sha256d_pair(const Hash256& left, const Hash256& right);

}  // namespace alys
