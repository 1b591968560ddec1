// The chain store's keys (layout and its rationale: core/storage/chain_store.h) and the
// codecs of its small values: be64 integers, (hash, height) pointers, 32-byte hashes.
// Key names in error messages come from describe_key().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/runtime/status.h"
#include "core/storage/chain_types.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys::storage {

inline constexpr std::uint8_t kBlockPrefix = 'b';
inline constexpr std::uint8_t kCanonicalPrefix = 'h';
inline constexpr std::uint8_t kSignedPrefix = 's';
inline constexpr std::string_view kSnapshotPrefix = "x/";
inline constexpr std::string_view kHeadKey = "m/head";
inline constexpr std::string_view kFinalKey = "m/final";
inline constexpr std::string_view kSignedMaxKey = "m/signed_max";
inline constexpr std::string_view kBridgeStateKey = "m/bridge";
// "o/" + txid 32 + be32 vout -> the payment txid this member signed spending that coin.
inline constexpr std::string_view kPegoutSpendPrefix = "o/";

// Sizes of the fixed-size keys and values.
inline constexpr std::size_t kHeightKeyBytes = 1 + 8;           // "h"/"s" + be64
inline constexpr std::size_t kPointerValueBytes = Hash256::kSize + 8;

Bytes block_key(const Hash256& hash);
Bytes canonical_key(std::uint64_t height);
Bytes signed_slot_key(std::uint64_t slot);
Bytes snapshot_key(const Hash256& hash);
Bytes pegout_spend_key(const Hash256& coin_txid, std::uint32_t vout);

void put_be64(Bytes& out, std::uint64_t v);
// REQUIRES: at least 8 bytes at `p`.
std::uint64_t read_be64(const std::uint8_t* p);

// A readable name for a key in error messages: "b/<hex>", "h/12", "s/7", "x/<hex>",
// "m/head"; anything else as escaped bytes.
std::string describe_key(ByteView key);

// The height (or slot) of an "h"/"s" key; nullopt if `key` is not exactly prefix + be64.
std::optional<std::uint64_t> key_number(ByteView key, std::uint8_t prefix);

// hash(32) + be64(height).
Bytes encode_pointer(const ChainPointer& pointer);

// Same code as `s`, message prefixed: "chain store: <context>: <message>".
Status with_context(const Status& s, std::string_view context);

// Value decoders: kCorruption naming `key` when the length is wrong.
Result<Hash256> decode_hash_value(ByteView key, ByteView value);
Result<std::uint64_t> decode_u64_value(ByteView key, ByteView value);
Result<ChainPointer> decode_pointer(ByteView key, ByteView value);

}  // namespace alys::storage
