#include "core/crypto/verify_cache.h"

#include "core/crypto/sha256.h"

namespace alys {

bool VerifyCache::verify(const XOnlyPublicKey& key, ByteView message,
                         const SchnorrSignature& sig) {
  Sha256 h;
  h.update(key.view());
  h.update(sig.view());
  h.update(message);
  const Hash256 id = h.finalize();
  return verify_keyed(id, [&] { return schnorr_verify(key, message, sig); });
}

void VerifyCache::remember(const Hash256& key, bool ok) {
  ++misses_;
  if (capacity_ == 0) return;
  if (results_.size() >= capacity_) {
    results_.erase(order_.front());
    order_.pop_front();
  }
  results_.emplace(key, ok);
  order_.push_back(key);
}

}  // namespace alys
