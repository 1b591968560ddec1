// BucketTable: the ledger's ordered key -> value store, cheap to copy and cheap to hash.
//
// The embedded engine keeps one ledger state per known block, and computes a state root
// once per block. A plain std::map would make both O(all accounts) per block. Instead the
// keys are spread over kBuckets fixed buckets (by a portable mix of every key byte), each a
// sorted vector, in groups of kGroupSize buckets; groups and buckets are held by
// shared_ptr and shared between copies:
//   - copying a table copies kBuckets / kGroupSize group pointers, never the buckets nor
//     the entries; a write clones the one group and the one bucket it touches if another
//     copy still shares them (copy-on-write), so a block that touches k accounts costs
//     O(k * (kGroupSize + bucket size)), and keeping or dropping a state per block costs
//     a few reference counts (a flat table of kBuckets pointers made each engine state
//     cost kBuckets of them: a tenth of a syncing node's import);
//   - each bucket's digest, and each group's digest, is cached in its group and recomputed
//     only when a bucket in it changed, so the root costs the dirty buckets, their groups,
//     and one hash over the kBuckets / kGroupSize group digests.
// The root depends only on the set of (key, value) pairs: buckets are chosen by key and
// entries sorted by key, so insertion order never matters.
//
// Adversarial keys: anyone may create an account at any address (a transfer's `to`), so an
// attacker can put many keys in one bucket. That bucket then costs O(its size) to copy on
// write, which is never worse than copying the whole table; it slows, never breaks.
//
// Traits (static): `std::size_t bucket_of(const K&)` in [0, kBuckets), and
// `void digest_entry(ByteWriter&, const K&, const V&)` writing the entry's canonical bytes.
//
// Thread rules: copies share groups and buckets, write access decides "shared?" by
// use_count(), and root() fills the caches of shared groups (with what every sharer would
// compute), so a table and every copy of it must be used from one thread at a time (one
// node's engine).
#pragma once

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bitcoin/serialize.h"
#include "core/crypto/digest_memo.h"
#include "core/crypto/tagged_hash.h"
#include "core/runtime/assert.h"
#include "core/types/hash256.h"

namespace alys {

template <typename K, typename V, typename Traits, std::size_t kBuckets>
class BucketTable {
 public:
  using Entry = std::pair<K, V>;
  using Bucket = std::vector<Entry>;
  static constexpr std::size_t kBucketCount = kBuckets;
  // Buckets per group of the root's second level (see root()).
  static constexpr std::size_t kGroupSize = 16;
  static constexpr std::size_t kGroups = kBuckets / kGroupSize;
  static_assert(kBuckets % kGroupSize == 0, "whole groups of buckets");

  BucketTable() = default;

  std::size_t size() const { return size_; }

  // The value under `key`, or nullptr. The pointer is valid until the next write.
  const V* find(const K& key) const {
    const std::size_t index = Traits::bucket_of(key);
    const auto& group = groups_[index / kGroupSize];
    if (!group) return nullptr;
    const auto& bucket = group->buckets[index % kGroupSize];
    if (!bucket) return nullptr;
    auto it = lower(*bucket, key);
    return (it != bucket->end() && it->first == key) ? &it->second : nullptr;
  }

  // Inserts or replaces.
  void put(const K& key, const V& value) {
    Bucket& bucket = writable(Traits::bucket_of(key));
    auto it = lower(bucket, key);
    if (it != bucket.end() && it->first == key) {
      it->second = value;
    } else {
      bucket.insert(it, Entry{key, value});
      ++size_;
    }
  }

  // Every entry, in bucket order then key order (not global key order: callers that need
  // one sort the result).
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& group : groups_) {
      if (!group) continue;
      for (const auto& bucket : group->buckets) {
        if (!bucket) continue;
        for (const Entry& e : *bucket) f(e.first, e.second);
      }
    }
  }

  // Two levels over the bucket digests, so a block that touches a few accounts rehashes a
  // few groups instead of all kBuckets digests (that was 7% of a simulated chaos seed):
  //   root    = tagged_hash(root_tag, size u64 || group digest 0 || ... || group digest G-1)
  //   group g = all zeros if its kGroupSize buckets are all empty, else
  //             tagged_hash(group_tag, g u32 || digest of each of its buckets, in order)
  //   bucket  = all zeros if empty, else tagged_hash(bucket_tag, index u32 || entries in
  //             key order)
  // Refreshes the cached digests of changed buckets and their groups (hence `mutable`
  // caches; see the thread rules above). The root itself is cached too: most blocks leave a
  // table unchanged (no peg-ins, or no transactions). A table must always be hashed with
  // the same tags: no cache keys on them.
  Hash256 root(std::string_view bucket_tag, std::string_view group_tag,
               std::string_view root_tag) const {
    if (root_cache_) return *root_cache_;
    // Every digest goes through memoized_tagged_hash: each node that executes a block
    // computes the same ones, and the simulator runs them all in one thread.
    std::array<std::uint8_t, 8 + kGroups * Hash256::kSize> input{};
    const auto size_le = le_bytes<8>(size_);
    std::copy(size_le.begin(), size_le.end(), input.begin());
    for (std::size_t g = 0; g < kGroups; ++g) {
      if (!groups_[g]) continue;  // all zeros, as the input already holds
      const Hash256& d = refresh(*groups_[g], g, bucket_tag, group_tag);
      std::copy(d.bytes().begin(), d.bytes().end(), input.begin() + 8 + g * Hash256::kSize);
    }
    root_cache_ = memoized_tagged_hash(root_tag, ByteView(input.data(), input.size()));
    return *root_cache_;
  }

 private:
  // kGroupSize buckets and their cached digests. A group reached by a write is owned by
  // that table alone (cloned if shared), so its staleness marks are its own.
  struct Group {
    std::array<std::shared_ptr<Bucket>, kGroupSize> buckets{};
    std::array<Hash256, kGroupSize> digests{};  // valid where the bit of `stale` is clear
    Hash256 digest{};                           // valid iff `stale` is empty
    std::bitset<kGroupSize> stale;
  };

  static typename Bucket::const_iterator lower(const Bucket& b, const K& key) {
    return std::lower_bound(b.begin(), b.end(), key,
                            [](const Entry& e, const K& k) { return e.first < k; });
  }
  static typename Bucket::iterator lower(Bucket& b, const K& key) {
    return std::lower_bound(b.begin(), b.end(), key,
                            [](const Entry& e, const K& k) { return e.first < k; });
  }

  // The bucket at `index`, exclusively owned by this table (its group and itself cloned if
  // shared), marked stale.
  Bucket& writable(std::size_t index) {
    ALYS_ASSERT(index < kBuckets, "bucket index out of range");
    auto& group = groups_[index / kGroupSize];
    if (!group) {
      group = std::make_shared<Group>();
    } else if (group.use_count() > 1) {
      group = std::make_shared<Group>(*group);
    }
    const std::size_t slot_index = index % kGroupSize;
    auto& slot = group->buckets[slot_index];
    if (!slot) {
      slot = std::make_shared<Bucket>();
    } else if (slot.use_count() > 1) {
      slot = std::make_shared<Bucket>(*slot);
    }
    group->stale.set(slot_index);
    root_cache_.reset();
    return *slot;
  }

  template <std::size_t N>
  static std::array<std::uint8_t, N> le_bytes(std::uint64_t v) {
    std::array<std::uint8_t, N> out{};
    for (std::size_t b = 0; b < N; ++b) out[b] = static_cast<std::uint8_t>(v >> (8 * b));
    return out;
  }
  // `count` consecutive digests as bytes: hashed in place, never copied into a buffer.
  static ByteView digest_bytes(const Hash256* first, std::size_t count) {
    static_assert(sizeof(Hash256) == Hash256::kSize, "digests are contiguous bytes");
    return ByteView(reinterpret_cast<const std::uint8_t*>(first), count * Hash256::kSize);
  }

  // Group `g`'s digest, recomputing its stale bucket digests first.
  static const Hash256& refresh(Group& group, std::size_t g, std::string_view bucket_tag,
                                std::string_view group_tag) {
    if (group.stale.none()) return group.digest;
    ByteWriter w(256);  // a bucket of a few entries fits: no regrowth per entry
    for (std::size_t i = 0; i < kGroupSize; ++i) {
      if (!group.stale.test(i)) continue;
      const auto& bucket = group.buckets[i];
      if (!bucket || bucket->empty()) {
        group.digests[i] = Hash256{};
        continue;
      }
      w.clear();  // one buffer for all of the group's stale buckets
      w.u32le(static_cast<std::uint32_t>(g * kGroupSize + i));
      for (const Entry& e : *bucket) Traits::digest_entry(w, e.first, e.second);
      group.digests[i] = memoized_tagged_hash(bucket_tag, w.data());
    }
    group.stale.reset();
    const auto& digests = group.digests;
    if (std::all_of(digests.begin(), digests.end(), [](const Hash256& d) { return d == Hash256{}; })) {
      group.digest = Hash256{};
      return group.digest;
    }
    std::array<std::uint8_t, 4 + kGroupSize * Hash256::kSize> input;
    const auto index_le = le_bytes<4>(g);
    std::copy(index_le.begin(), index_le.end(), input.begin());
    const ByteView bytes = digest_bytes(digests.data(), kGroupSize);
    std::copy(bytes.begin(), bytes.end(), input.begin() + 4);
    group.digest = memoized_tagged_hash(group_tag, ByteView(input.data(), input.size()));
    return group.digest;
  }

  // Null: every bucket of the group is empty (its digest is all zeros).
  std::array<std::shared_ptr<Group>, kGroups> groups_{};
  std::size_t size_ = 0;
  mutable std::optional<Hash256> root_cache_;  // valid while no write since
};

// Bucket index from every byte of a fixed-size key: a portable SplitMix-style fold, so
// sequential test addresses (0x..01, 0x..02) spread out as well as hash-derived ones.
// Part of consensus: it decides which bucket digest an entry is hashed into.
template <std::size_t kBuckets, typename ByteArray>
std::size_t bucket_index_of_bytes(const ByteArray& bytes) {
  static_assert((kBuckets & (kBuckets - 1)) == 0, "bucket count must be a power of two");
  std::uint64_t h = 0x243F6A8885A308D3ull;  // fractional bits of pi: an arbitrary start
  for (std::uint8_t b : bytes) {
    h = (h ^ b) * 0x100000001B3ull;  // FNV-1a step
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;  // MurmurHash3 finalizer: every input bit reaches the top bits
  h ^= h >> 33;
  return static_cast<std::size_t>(h >> 32) & (kBuckets - 1);
}

}  // namespace alys
