#include "core/crypto/secp256k1_context.h"

#include "core/runtime/assert.h"

namespace alys::crypto_internal {

namespace {
const secp256k1_context* create_context() {
  const secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  ALYS_ASSERT(ctx != nullptr, "secp256k1_context_create failed");
  return ctx;
}
}  // namespace

const secp256k1_context* secp256k1_ctx() {
  // Immutable after creation: the pointer is const and the context is never mutated.
  static const secp256k1_context* const ctx = create_context();
  return ctx;
}

}  // namespace alys::crypto_internal
