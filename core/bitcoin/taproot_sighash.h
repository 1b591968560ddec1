// BIP-341 signature hash (taproot key path and BIP-342 tapscript script path).
//
// taproot_sigmsg() builds SigMsg prefixed with the epoch byte 0x00, exactly the bytes the
// BIP-341 wallet vectors call "sigMsg"; taproot_sighash() is TapSighash(sigmsg). For a
// script-path spend pass `script_path` (the leaf hash and the last executed
// OP_CODESEPARATOR position, 0xffffffff if none). Errors (never crashes) name the cause:
// unsupported hash type, input index out of range, wrong number of spent outputs,
// SIGHASH_SINGLE without a matching output.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/bitcoin/transaction.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

inline constexpr std::uint8_t kSighashDefault = 0x00;
inline constexpr std::uint8_t kSighashAll = 0x01;
inline constexpr std::uint8_t kSighashNone = 0x02;
inline constexpr std::uint8_t kSighashSingle = 0x03;
inline constexpr std::uint8_t kSighashAnyoneCanPay = 0x80;

struct TapscriptPath {
  Hash256 leaf_hash;
  std::uint32_t codesep_pos = 0xffffffff;
};

// The five transaction-wide single-SHA256 hashes BIP-341 precomputes.
struct TaprootPrecomputed {
  Hash256 prevouts, amounts, script_pubkeys, sequences, outputs;
};

// REQUIRES: spent_outputs.size() == tx.inputs.size() (else the sighash functions error).
TaprootPrecomputed taproot_precompute(const Transaction& tx, std::span<const TxOut> spent_outputs);

Result<Bytes> taproot_sigmsg(const Transaction& tx, std::size_t input_index,
                             std::span<const TxOut> spent_outputs, std::uint8_t hash_type,
                             const std::optional<TapscriptPath>& script_path = std::nullopt,
                             const std::optional<Bytes>& annex = std::nullopt);

Result<Hash256> taproot_sighash(const Transaction& tx, std::size_t input_index,
                                std::span<const TxOut> spent_outputs, std::uint8_t hash_type,
                                const std::optional<TapscriptPath>& script_path = std::nullopt,
                                const std::optional<Bytes>& annex = std::nullopt);

}  // namespace alys
