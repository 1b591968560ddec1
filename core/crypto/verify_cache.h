// VerifyCache: a bounded memo of BIP-340 verification results (DESIGN.md §5: pure
// functions may be memoized across nodes; it changes cost, never behaviour).
//
// The key is SHA-256 over (public key, message, signature), so a hit is exactly the call
// that was verified before; ledger transactions may instead be keyed by their tx hash,
// which covers sender key, every field and the signature. At most `capacity` results are
// kept; the oldest is forgotten first (FIFO), so memory is bounded and, given the same
// calls, the same results are cached (lookups never affect outcomes anyway).
//
// Thread rules: NOT thread-safe. The simulator shares one instance across all nodes (one
// thread); the real node gives each actor that verifies its own instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>

#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/types/hash256.h"

namespace alys {

class VerifyCache {
 public:
  // `salt` keys the table's hash (Hash256Hasher): identities include peers' signatures.
  static constexpr std::size_t kDefaultCapacity = std::size_t{1} << 17;
  explicit VerifyCache(std::size_t capacity = kDefaultCapacity, std::uint64_t salt = 0)
      : capacity_(capacity), results_(0, Hash256Hasher{salt}) {}

  // schnorr_verify(key, message, sig), memoized.
  bool verify(const XOnlyPublicKey& key, ByteView message, const SchnorrSignature& sig);
  // `verify()` for a result keyed by an identity that already commits to key, message and
  // signature (a ledger tx hash): computes with `compute` on a miss.
  template <typename F>
  bool verify_keyed(const Hash256& identity, F&& compute) {
    if (auto it = results_.find(identity); it != results_.end()) {
      ++hits_;
      return it->second;
    }
    const bool ok = compute();
    remember(identity, ok);
    return ok;
  }

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }
  std::size_t size() const { return results_.size(); }

 private:
  void remember(const Hash256& key, bool ok);

  std::size_t capacity_;
  std::unordered_map<Hash256, bool, Hash256Hasher> results_;
  std::deque<Hash256> order_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace alys
