// Variable-time BIP-340 signing for the simulator: the same signatures as libsecp256k1's
// constant-time signer, in about half the time.
//
// Nearly all of a BIP-340 signature's cost is one fixed-base point multiplication, R = k*G.
// libsecp256k1 (0.2, as packaged) does it in constant time with a small table it scans in
// full at every step. Here R is a sum of 32 points read from a table of every multiple
// j * 256^w * G (w < 32, 1 <= j < 256): 32 point additions and one inversion. The rest of
// BIP-340 (nonce and challenge hashes, the parities, s = k + e*d) follows the BIP and
// libsecp256k1's public scalar functions, so a signature is the same bytes either way; the
// tests compare the two over random keys, messages and aux values and the BIP's vectors.
//
// WHY ONLY THE SIMULATOR: the table entries read are picked by the bytes of the secret
// nonce, so the cache lines touched leak the nonce, and one leaked nonce gives the key. The
// simulator's keys guard nothing, and a sweep signs ~2,800 times a seed. A node holding
// real keys never turns this on (the Asio runtime and alys-node do not call it).
//
// use_variable_time_signing(true) builds the table (~0.5 MB, ~15 ms, once per process) and
// from then on schnorr.h's signers in this process take this path. alys-sim calls it before
// it forks its workers, so that they share the table instead of each building it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

// On: builds the table if not yet built and switches this process's Schnorr signing to it.
// Off: back to libsecp256k1's constant-time signer (the table stays). Thread-safe; the
// signatures are the same bytes either way, so switching never changes behaviour.
void use_variable_time_signing(bool on);
bool variable_time_signing_enabled();

namespace crypto_internal {

// BIP-340 Sign with the secret key inside `keypair` (libsecp256k1's opaque 96-byte
// secp256k1_keypair), `message` of any length and `aux_rand`, through the table (built on
// first use, whether or not the process switch is on). nullopt in the cases left to
// libsecp256k1, each with a chance of about 2^-128 per signature: a nonce or challenge hash
// not below the group order, or an s of zero.
std::optional<std::array<std::uint8_t, 64>> fixed_base_schnorr_sign(
    const std::array<std::uint8_t, 96>& keypair, ByteView message, const Hash256& aux_rand);

// k*G through the table, compressed (33 bytes), for 0 < k < n (big-endian); nullopt for
// k = 0. What the signer uses for R, exposed so tests can reach scalars no nonce hash can be
// steered to (1, n - 1, a single nonzero byte in any window).
std::optional<std::array<std::uint8_t, 33>> fixed_base_point(const std::array<std::uint8_t, 32>& k);

}  // namespace crypto_internal
}  // namespace alys
