// The process-wide libsecp256k1 context.
//
// Created once, on first use, and never modified afterwards (no randomization, no
// callbacks), so sharing it is deterministic and thread-safe. It is the only static in
// core/crypto. Callers outside core/crypto should use keys.h / schnorr.h / ecdsa.h instead.
#pragma once

#include <secp256k1.h>

namespace alys::crypto_internal {

// REQUIRES: nothing. Never null (creation failure is a bug and aborts).
const secp256k1_context* secp256k1_ctx();

}  // namespace alys::crypto_internal
