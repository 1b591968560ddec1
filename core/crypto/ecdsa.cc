#include "core/crypto/ecdsa.h"

#include "core/crypto/secp256k1_context.h"
#include "core/runtime/assert.h"

namespace alys {

using crypto_internal::secp256k1_ctx;

Status ecdsa_verify(const PublicKey& key, ByteView der_signature, const Hash256& message_hash) {
  const auto* ctx = secp256k1_ctx();
  secp256k1_pubkey pubkey;
  ALYS_ASSERT(secp256k1_ec_pubkey_parse(ctx, &pubkey, key.compressed().data(),
                                        key.compressed().size()) == 1,
              "ec_pubkey_parse failed on a validated key");
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ecdsa_signature_parse_der(ctx, &sig, der_signature.data(),
                                          der_signature.size()) != 1) {
    return Status::invalid_argument("ecdsa: signature is not strict DER");
  }
  secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
  if (secp256k1_ecdsa_verify(ctx, &sig, message_hash.data(), &pubkey) != 1) {
    return Status::invalid_argument("ecdsa: signature does not verify");
  }
  return Status::ok();
}

}  // namespace alys
