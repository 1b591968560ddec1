// BucketTable: the ledger's ordered key -> value store, cheap to copy and cheap to hash.
//
// The embedded engine keeps one ledger state per known block, and computes a state root
// once per block. A plain std::map would make both O(all accounts) per block. Instead the
// keys are spread over kBuckets fixed buckets (by a portable mix of every key byte), each a
// sorted vector held by shared_ptr:
//   - copying a table copies kBuckets pointers and digests, never the entries; a write
//     clones only the one bucket it touches if another copy still shares it
//     (copy-on-write), so a block that touches k accounts costs O(k * bucket size);
//   - each bucket's digest is cached and recomputed only when the bucket changed, so the
//     root costs one hash over the kBuckets digests plus the dirty buckets.
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
// Thread rules: copies share buckets, and write access decides "shared?" by use_count(), so
// a table and every copy of it must be used from one thread at a time (one node's engine).
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

  BucketTable() : buckets_(kBuckets), digests_(kBuckets) {}

  std::size_t size() const { return size_; }

  // The value under `key`, or nullptr. The pointer is valid until the next write.
  const V* find(const K& key) const {
    const auto& bucket = buckets_[Traits::bucket_of(key)];
    if (!bucket) return nullptr;
    auto it = lower(*bucket, key);
    return (it != bucket->end() && it->first == key) ? &it->second : nullptr;
  }

  // Inserts or replaces.
  void put(const K& key, const V& value) {
    const std::size_t index = Traits::bucket_of(key);
    Bucket& bucket = writable(index);
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
    for (const auto& bucket : buckets_) {
      if (!bucket) continue;
      for (const Entry& e : *bucket) f(e.first, e.second);
    }
  }

  // tagged_hash(root_tag, size u64 || digest of bucket 0 || ... || digest of bucket N-1),
  // where an empty bucket's digest is all zeros and a non-empty one is
  // tagged_hash(bucket_tag, index u32 || entries in key order). Refreshes the cached
  // digests of changed buckets (hence `mutable` caches; see the thread rules above).
  // The root itself is cached too: most blocks leave a table unchanged (no peg-ins, or no
  // transactions), and hashing the 256 digests then dominated a simulated block.
  Hash256 root(std::string_view bucket_tag, std::string_view root_tag) const {
    if (dirty_.any()) {
      refresh(bucket_tag);
      root_cache_.reset();
    }
    if (root_cache_ && root_cache_->first == root_tag) return root_cache_->second;
    // Streamed into the hasher (the same bytes as the tagged_hash above): no 8 KB buffer to
    // allocate and copy per root.
    static_assert(sizeof(Hash256) == Hash256::kSize, "digests_ is contiguous digest bytes");
    std::array<std::uint8_t, 8> size_le{};
    for (std::size_t b = 0; b < size_le.size(); ++b) {
      size_le[b] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(size_) >> (8 * b));
    }
    Sha256 h = tagged_hasher(root_tag);
    h.update(ByteView(size_le.data(), size_le.size()));
    h.update(ByteView(reinterpret_cast<const std::uint8_t*>(digests_.data()),
                      digests_.size() * Hash256::kSize));
    const Hash256 root = h.finalize();
    root_cache_.emplace(std::string(root_tag), root);
    return root;
  }

 private:
  static typename Bucket::const_iterator lower(const Bucket& b, const K& key) {
    return std::lower_bound(b.begin(), b.end(), key,
                            [](const Entry& e, const K& k) { return e.first < k; });
  }
  static typename Bucket::iterator lower(Bucket& b, const K& key) {
    return std::lower_bound(b.begin(), b.end(), key,
                            [](const Entry& e, const K& k) { return e.first < k; });
  }

  // The bucket at `index`, exclusively owned by this table (cloned if shared), marked dirty.
  Bucket& writable(std::size_t index) {
    ALYS_ASSERT(index < kBuckets, "bucket index out of range");
    auto& slot = buckets_[index];
    if (!slot) {
      slot = std::make_shared<Bucket>();
    } else if (slot.use_count() > 1) {
      slot = std::make_shared<Bucket>(*slot);
    }
    dirty_.set(index);
    return *slot;
  }

  void refresh(std::string_view bucket_tag) const {
    const Sha256 prefix = tagged_hasher(bucket_tag);
    ByteWriter w;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      if (!dirty_.test(i)) continue;
      const auto& bucket = buckets_[i];
      if (!bucket || bucket->empty()) {
        digests_[i] = Hash256{};
        continue;
      }
      w = ByteWriter();
      w.u32le(static_cast<std::uint32_t>(i));
      for (const Entry& e : *bucket) Traits::digest_entry(w, e.first, e.second);
      Sha256 h = prefix;
      digests_[i] = h.update(w.data()).finalize();
    }
    dirty_.reset();
  }

  std::vector<std::shared_ptr<Bucket>> buckets_;
  std::size_t size_ = 0;
  mutable std::vector<Hash256> digests_;
  mutable std::bitset<kBuckets> dirty_;
  mutable std::optional<std::pair<std::string, Hash256>> root_cache_;  // valid while !dirty_
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
