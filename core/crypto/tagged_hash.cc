#include "core/crypto/tagged_hash.h"

namespace alys {

Sha256 tagged_hasher(std::string_view tag) {
  const Hash256 tag_hash = sha256(as_bytes(tag));
  Sha256 hasher;
  hasher.update(tag_hash.view());
  hasher.update(tag_hash.view());
  return hasher;
}

Hash256 tagged_hash(std::string_view tag, ByteView data) {
  return tagged_hasher(tag).update(data).finalize();
}

}  // namespace alys
