// Bitcoin's wire encoding primitives: little-endian integers, CompactSize, length-prefixed
// byte strings, 32-byte hashes.
//
// ByteWriter appends to a Bytes buffer and cannot fail.
// ByteReader is a cursor over a ByteView whose every read is total: it returns the value
// or an invalid_argument Status naming the field ("<field>: truncated: need 4 bytes, 2
// left"). A failed read leaves the cursor where it was. Nothing is allocated before the
// input has been checked to hold it: var_bytes() checks the length against remaining()
// first, and count() refuses counts that the remaining bytes could not possibly hold.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

// Bitcoin Core's MAX_SIZE: no CompactSize read from the wire may exceed it.
inline constexpr std::uint64_t kMaxCompactSize = 0x02000000;

// Bytes a CompactSize encoding of n takes (1, 3, 5 or 9).
std::size_t compact_size_len(std::uint64_t n);

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(std::size_t reserve_bytes) { out_.reserve(reserve_bytes); }

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16le(std::uint16_t v) { le(v, 2); }
  void u32le(std::uint32_t v) { le(v, 4); }
  void u64le(std::uint64_t v) { le(v, 8); }
  void i32le(std::int32_t v) { le(static_cast<std::uint32_t>(v), 4); }
  void i64le(std::int64_t v) { le(static_cast<std::uint64_t>(v), 8); }
  void compact_size(std::uint64_t n);
  void bytes(ByteView b) { append(out_, b); }
  void var_bytes(ByteView b) {
    compact_size(b.size());
    bytes(b);
  }
  void hash(const Hash256& h) { bytes(h.view()); }

  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }
  // Empties the writer and keeps its buffer, to write the next piece without allocating.
  void clear() { out_.clear(); }

 private:
  void le(std::uint64_t v, int n) {
    // One size change, then plain stores (push_back per byte re-checked capacity 8 times).
    const std::size_t at = out_.size();
    out_.resize(at + static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out_[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  Bytes out_;
};

class ByteReader {
 public:
  explicit ByteReader(ByteView in) : in_(in) {}

  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }

  Result<std::uint8_t> u8(std::string_view field);
  Result<std::uint16_t> u16le(std::string_view field);
  Result<std::uint32_t> u32le(std::string_view field);
  Result<std::uint64_t> u64le(std::string_view field);
  Result<std::int32_t> i32le(std::string_view field);
  Result<std::int64_t> i64le(std::string_view field);
  // Canonical (minimal) CompactSize, at most kMaxCompactSize.
  Result<std::uint64_t> compact_size(std::string_view field);
  // The next `n` bytes, borrowed from the input.
  Result<ByteView> take(std::size_t n, std::string_view field);
  // CompactSize length then that many bytes. Errors if the length exceeds `max_len` or the
  // bytes left.
  Result<Bytes> var_bytes(std::string_view field, std::size_t max_len = kMaxCompactSize);
  Result<Hash256> hash(std::string_view field);
  // A CompactSize element count for a list whose every element takes at least
  // `min_element_bytes` bytes. Errors if count > max_count or count * min_element_bytes
  // exceeds remaining(): the caller may then safely reserve(count).
  Result<std::uint64_t> count(std::string_view field, std::size_t min_element_bytes,
                              std::uint64_t max_count = kMaxCompactSize);
  // Ok iff every byte was consumed; otherwise names the trailing byte count.
  Status expect_end(std::string_view what) const;

 private:
  Status truncated(std::string_view field, std::size_t need) const;
  std::uint64_t read_le(int n);
  ByteView in_;
  std::size_t pos_ = 0;
};

// Prefixes a decoder error with context: "tx: input 3: " + "script_sig: truncated...".
Status with_context(std::string_view context, const Status& error);

}  // namespace alys
