// VerifyCache: a bounded memo of BIP-340 verification results (DESIGN.md §5: pure
// functions may be memoized across nodes; it changes cost, never behaviour).
//
// The key is SHA-256 over (public key, message, signature), so a hit is exactly the call
// that was verified before; ledger transactions may instead be keyed by their tx hash,
// which covers sender key, every field and the signature. At most `capacity` results are
// kept; the oldest is forgotten first (FIFO), so memory is bounded and, given the same
// calls, the same results are cached (lookups never affect outcomes anyway).
//
// Thread rules, chosen at construction:
//   kSingleThread (the default) NOT thread-safe, no locking. The simulator shares one
//                 instance across all nodes (one thread); a real node that has no shared
//                 memo gives each verifying actor its own instance.
//   kShared       every method may be called from any thread at once. The table is split
//                 into kShards shards, each with its own lock, FIFO and capacity/kShards
//                 (rounded up) entries, so `capacity` is met up to that rounding and
//                 "oldest first" holds per shard. `compute` runs outside any lock, so two
//                 threads may compute the same identity at once; both get the result, it
//                 is kept once and both count as misses. The real node's chain actor,
//                 engine and signature pre-verifier share one (node/pre_verifier.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/types/hash256.h"

namespace alys {

class VerifyCache {
 public:
  enum class Threading : std::uint8_t { kSingleThread, kShared };
  // `salt` keys the table's hash (Hash256Hasher): identities include peers' signatures.
  static constexpr std::size_t kDefaultCapacity = std::size_t{1} << 17;
  // Shards of a kShared cache: enough that a few verifying threads rarely wait on a lock.
  static constexpr std::size_t kShards = 16;
  explicit VerifyCache(std::size_t capacity = kDefaultCapacity, std::uint64_t salt = 0,
                       Threading threading = Threading::kSingleThread);
  VerifyCache(const VerifyCache&) = delete;
  VerifyCache& operator=(const VerifyCache&) = delete;

  // schnorr_verify(key, message, sig), memoized.
  bool verify(const XOnlyPublicKey& key, ByteView message, const SchnorrSignature& sig);
  // `verify()` for a result keyed by an identity that already commits to key, message and
  // signature (a ledger tx hash): computes with `compute` on a miss.
  template <typename F>
  bool verify_keyed(const Hash256& identity, F&& compute) {
    Shard& shard = shard_of(identity);
    if (std::optional<bool> known = find_in(shard, identity)) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return *known;
    }
    const bool ok = compute();
    remember(shard, identity, ok);
    return ok;
  }
  // Records `identity` as valid without verifying: for a signature this process has just
  // made with libsecp256k1 (BIP-340's correctness: a signature made with a key's secret
  // verifies under that key), as Bitcoin Core's signature cache holds what it checked at
  // mempool entry. The identity must be computed from the SIGNER'S OWN public key, so a
  // signer whose key differs from the one a verifier expects still misses and is checked.
  // Counts neither a hit nor a miss; an identity already present is left as it is.
  void remember_made(const Hash256& identity);
  // The memoized result for `identity`, if any (counts neither a hit nor a miss).
  std::optional<bool> find(const Hash256& identity) const;

  Threading threading() const { return threading_; }
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  std::size_t size() const;

 private:
  struct Shard {
    std::size_t capacity = 0;
    std::unordered_map<Hash256, bool, Hash256Hasher> results;
    std::deque<Hash256> order;
    mutable std::mutex mu;  // taken only by a kShared cache
  };

  Shard& shard_of(const Hash256& identity) const;
  std::optional<bool> find_in(const Shard& shard, const Hash256& identity) const;
  void remember(Shard& shard, const Hash256& key, bool ok);
  void insert(Shard& shard, const Hash256& key, bool ok);

  Threading threading_;
  std::uint64_t salt_;
  std::size_t shard_count_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace alys
