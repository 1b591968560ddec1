// ECDSA verification over secp256k1, as Bitcoin needs it (legacy and segwit v0 inputs).
//
// The signature is strict DER (BIP-66) without the trailing sighash-type byte. High-S
// signatures are normalized before verification, as consensus allows them (low-S is only
// relay policy). Returns an error naming why a signature was rejected; ok means valid.
#pragma once

#include "core/crypto/keys.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

Status ecdsa_verify(const PublicKey& key, ByteView der_signature, const Hash256& message_hash);

}  // namespace alys
