#include "core/crypto/verify_cache.h"

#include "core/crypto/sha256.h"

namespace alys {

namespace {
// Locks a kShared cache's shard; does nothing for a kSingleThread one.
std::unique_lock<std::mutex> lock_if(std::mutex& mu, VerifyCache::Threading threading) {
  return threading == VerifyCache::Threading::kShared ? std::unique_lock<std::mutex>(mu)
                                                      : std::unique_lock<std::mutex>();
}
}  // namespace

VerifyCache::VerifyCache(std::size_t capacity, std::uint64_t salt, Threading threading)
    : threading_(threading),
      salt_(salt),
      shard_count_(threading == Threading::kShared ? kShards : 1),
      shards_(std::make_unique<Shard[]>(shard_count_)) {
  for (std::size_t i = 0; i < shard_count_; ++i) {
    shards_[i].capacity = (capacity + shard_count_ - 1) / shard_count_;
    shards_[i].results = std::unordered_map<Hash256, bool, Hash256Hasher>(0, Hash256Hasher{salt});
  }
}

bool VerifyCache::verify(const XOnlyPublicKey& key, ByteView message,
                         const SchnorrSignature& sig) {
  Sha256 h;
  h.update(key.view());
  h.update(sig.view());
  h.update(message);
  const Hash256 id = h.finalize();
  return verify_keyed(id, [&] { return schnorr_verify(key, message, sig); });
}

VerifyCache::Shard& VerifyCache::shard_of(const Hash256& identity) const {
  if (shard_count_ == 1) return shards_[0];
  // The high bits of the salted hash: the table itself buckets by the low ones.
  return shards_[(Hash256Hasher{salt_}(identity) >> 32) % shard_count_];
}

std::optional<bool> VerifyCache::find_in(const Shard& shard, const Hash256& identity) const {
  auto lock = lock_if(shard.mu, threading_);
  auto it = shard.results.find(identity);
  if (it == shard.results.end()) return std::nullopt;
  return it->second;
}

std::optional<bool> VerifyCache::find(const Hash256& identity) const {
  return find_in(shard_of(identity), identity);
}

std::size_t VerifyCache::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    auto lock = lock_if(shards_[i].mu, threading_);
    n += shards_[i].results.size();
  }
  return n;
}

void VerifyCache::remember_made(const Hash256& identity) {
  insert(shard_of(identity), identity, true);
}

void VerifyCache::remember(Shard& shard, const Hash256& key, bool ok) {
  misses_.fetch_add(1, std::memory_order_relaxed);
  insert(shard, key, ok);
}

void VerifyCache::insert(Shard& shard, const Hash256& key, bool ok) {
  if (shard.capacity == 0) return;
  auto lock = lock_if(shard.mu, threading_);
  // Present if another thread computed it meanwhile (kShared) or it was made here and
  // remembered twice: keep the one entry.
  if (!shard.results.emplace(key, ok).second) return;
  shard.order.push_back(key);
  if (shard.results.size() > shard.capacity) {
    shard.results.erase(shard.order.front());
    shard.order.pop_front();
  }
}

}  // namespace alys
