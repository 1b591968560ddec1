#include "core/storage/chain_keys.h"

#include <fmt/format.h>

#include "core/types/hex.h"

namespace alys::storage {

namespace {

Bytes prefixed(std::string_view prefix, ByteView tail) {
  Bytes out;
  out.reserve(prefix.size() + tail.size());
  append(out, as_bytes(prefix));
  append(out, tail);
  return out;
}

Bytes number_key(std::uint8_t prefix, std::uint64_t n) {
  Bytes out;
  out.reserve(kHeightKeyBytes);
  out.push_back(prefix);
  put_be64(out, n);
  return out;
}

std::string escaped(ByteView key) {
  std::string out;
  for (const std::uint8_t c : key) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

Status wrong_length(ByteView key, std::size_t want, std::size_t got) {
  return Status::corruption(fmt::format("chain store: key {}: value is {} bytes, want {}",
                                        describe_key(key), got, want));
}

}  // namespace

Status with_context(const Status& s, std::string_view context) {
  // Errors from the store's own helpers already start with "chain store: ": say it once.
  constexpr std::string_view kPrefix = "chain store: ";
  std::string_view inner = s.message();
  if (inner.substr(0, kPrefix.size()) == kPrefix) inner.remove_prefix(kPrefix.size());
  std::string msg = fmt::format("{}{}: {}", kPrefix, context, inner);
  switch (s.code()) {
    case StatusCode::kNotFound: return Status::not_found(std::move(msg));
    case StatusCode::kCorruption: return Status::corruption(std::move(msg));
    case StatusCode::kIoError: return Status::io_error(std::move(msg));
    case StatusCode::kInvalidArgument: return Status::invalid_argument(std::move(msg));
    case StatusCode::kUnavailable: return Status::unavailable(std::move(msg));
    case StatusCode::kTimeout: return Status::timeout(std::move(msg));
    case StatusCode::kFailedPrecondition: return Status::failed_precondition(std::move(msg));
    case StatusCode::kOk: break;
  }
  return s;
}

void put_be64(Bytes& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

std::uint64_t read_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

Bytes block_key(const Hash256& hash) {
  const std::uint8_t prefix[1] = {kBlockPrefix};
  return concat(ByteView(prefix, 1), hash.view());
}

Bytes canonical_key(std::uint64_t height) { return number_key(kCanonicalPrefix, height); }

Bytes signed_slot_key(std::uint64_t slot) { return number_key(kSignedPrefix, slot); }

Bytes snapshot_key(const Hash256& hash) { return prefixed(kSnapshotPrefix, hash.view()); }

Bytes pegout_spend_key(const Hash256& coin_txid, std::uint32_t vout) {
  Bytes key = prefixed(kPegoutSpendPrefix, coin_txid.view());
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<std::uint8_t>(vout >> shift));
  return key;
}

std::optional<std::uint64_t> key_number(ByteView key, std::uint8_t prefix) {
  if (key.size() != kHeightKeyBytes || key[0] != prefix) return std::nullopt;
  return read_be64(key.data() + 1);
}

std::string describe_key(ByteView key) {
  if (auto h = key_number(key, kCanonicalPrefix)) return fmt::format("h/{}", *h);
  if (auto s = key_number(key, kSignedPrefix)) return fmt::format("s/{}", *s);
  if (key.size() == 1 + Hash256::kSize && key[0] == kBlockPrefix) {
    return "b/" + to_hex(key.subspan(1));
  }
  const ByteView x = as_bytes(kSnapshotPrefix);
  if (key.size() == x.size() + Hash256::kSize && equal_bytes(key.first(x.size()), x)) {
    return "x/" + to_hex(key.subspan(x.size()));
  }
  return escaped(key);
}

Bytes encode_pointer(const ChainPointer& pointer) {
  Bytes out;
  out.reserve(kPointerValueBytes);
  append(out, pointer.hash.view());
  put_be64(out, pointer.height);
  return out;
}

Result<Hash256> decode_hash_value(ByteView key, ByteView value) {
  if (value.size() != Hash256::kSize) return wrong_length(key, Hash256::kSize, value.size());
  return Hash256::from_bytes(value);
}

Result<std::uint64_t> decode_u64_value(ByteView key, ByteView value) {
  if (value.size() != 8) return wrong_length(key, 8, value.size());
  return read_be64(value.data());
}

Result<ChainPointer> decode_pointer(ByteView key, ByteView value) {
  if (value.size() != kPointerValueBytes) {
    return wrong_length(key, kPointerValueBytes, value.size());
  }
  Result<Hash256> hash = Hash256::from_bytes(value.first(Hash256::kSize));
  if (!hash) return hash.error();
  return ChainPointer{*hash, read_be64(value.data() + Hash256::kSize)};
}

}  // namespace alys::storage
