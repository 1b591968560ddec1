#include "core/bitcoin/serialize.h"

#include <fmt/format.h>

namespace alys {

std::size_t compact_size_len(std::uint64_t n) {
  if (n < 0xfd) return 1;
  if (n <= 0xffff) return 3;
  if (n <= 0xffffffffULL) return 5;
  return 9;
}

void ByteWriter::compact_size(std::uint64_t n) {
  if (n < 0xfd) {
    u8(static_cast<std::uint8_t>(n));
  } else if (n <= 0xffff) {
    u8(0xfd);
    u16le(static_cast<std::uint16_t>(n));
  } else if (n <= 0xffffffffULL) {
    u8(0xfe);
    u32le(static_cast<std::uint32_t>(n));
  } else {
    u8(0xff);
    u64le(n);
  }
}

Status ByteReader::truncated(std::string_view field, std::size_t need) const {
  return Status::invalid_argument(
      fmt::format("{}: truncated: need {} bytes, {} left", field, need, remaining()));
}

std::uint64_t ByteReader::read_le(int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(in_[pos_ + i]) << (8 * i);
  pos_ += static_cast<std::size_t>(n);
  return v;
}

Result<std::uint8_t> ByteReader::u8(std::string_view field) {
  if (remaining() < 1) return truncated(field, 1);
  return static_cast<std::uint8_t>(read_le(1));
}
Result<std::uint16_t> ByteReader::u16le(std::string_view field) {
  if (remaining() < 2) return truncated(field, 2);
  return static_cast<std::uint16_t>(read_le(2));
}
Result<std::uint32_t> ByteReader::u32le(std::string_view field) {
  if (remaining() < 4) return truncated(field, 4);
  return static_cast<std::uint32_t>(read_le(4));
}
Result<std::uint64_t> ByteReader::u64le(std::string_view field) {
  if (remaining() < 8) return truncated(field, 8);
  return read_le(8);
}
Result<std::int32_t> ByteReader::i32le(std::string_view field) {
  if (remaining() < 4) return truncated(field, 4);
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(read_le(4)));
}
Result<std::int64_t> ByteReader::i64le(std::string_view field) {
  if (remaining() < 8) return truncated(field, 8);
  return static_cast<std::int64_t>(read_le(8));
}

Result<std::uint64_t> ByteReader::compact_size(std::string_view field) {
  const std::size_t start = pos_;
  auto first = u8(field);
  if (!first) return first.error();
  std::uint64_t n = *first;
  std::uint64_t min = 0;
  int width = 0;
  if (n == 0xfd) {
    width = 2;
    min = 0xfd;
  } else if (n == 0xfe) {
    width = 4;
    min = 0x10000;
  } else if (n == 0xff) {
    width = 8;
    min = 0x100000000ULL;
  }
  if (width > 0) {
    if (remaining() < static_cast<std::size_t>(width)) {
      Status err = truncated(field, static_cast<std::size_t>(width));
      pos_ = start;
      return err;
    }
    n = read_le(width);
    if (n < min) {
      pos_ = start;
      return Status::invalid_argument(fmt::format("{}: non-canonical CompactSize", field));
    }
  }
  if (n > kMaxCompactSize) {
    pos_ = start;
    return Status::invalid_argument(
        fmt::format("{}: size {} exceeds the maximum {}", field, n, kMaxCompactSize));
  }
  return n;
}

Result<ByteView> ByteReader::take(std::size_t n, std::string_view field) {
  if (remaining() < n) return truncated(field, n);
  ByteView out = in_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Result<Bytes> ByteReader::var_bytes(std::string_view field, std::size_t max_len) {
  const std::size_t start = pos_;
  auto len = compact_size(field);
  if (!len) return len.error();
  if (*len > max_len) {
    pos_ = start;
    return Status::invalid_argument(
        fmt::format("{}: length {} exceeds the maximum {}", field, *len, max_len));
  }
  auto body = take(static_cast<std::size_t>(*len), field);
  if (!body) {
    Status err = body.error();
    pos_ = start;
    return err;
  }
  return Bytes(body->begin(), body->end());
}

Result<Hash256> ByteReader::hash(std::string_view field) {
  auto body = take(Hash256::kSize, field);
  if (!body) return body.error();
  return Hash256::from_bytes(*body);
}

Result<std::uint64_t> ByteReader::count(std::string_view field, std::size_t min_element_bytes,
                                        std::uint64_t max_count) {
  const std::size_t start = pos_;
  auto n = compact_size(field);
  if (!n) return n.error();
  if (*n > max_count) {
    pos_ = start;
    return Status::invalid_argument(
        fmt::format("{}: count {} exceeds the maximum {}", field, *n, max_count));
  }
  if (min_element_bytes > 0 && *n > remaining() / min_element_bytes) {
    pos_ = start;
    return Status::invalid_argument(fmt::format(
        "{}: count {} cannot fit in the {} bytes left", field, *n, remaining()));
  }
  return *n;
}

Status ByteReader::expect_end(std::string_view what) const {
  if (remaining() == 0) return Status::ok();
  return Status::invalid_argument(fmt::format("{}: {} trailing bytes", what, remaining()));
}

Status with_context(std::string_view context, const Status& error) {
  return Status::invalid_argument(fmt::format("{}: {}", context, error.message()));
}

}  // namespace alys
