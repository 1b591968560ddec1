#include "core/bitcoin/bech32.h"

#include <fmt/format.h>

namespace alys {

namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32Const = 1;
constexpr std::uint32_t kBech32mConst = 0x2bc830a3;
constexpr std::size_t kChecksumLength = 6;

int charset_index(char c) {
  for (int i = 0; i < 32; ++i) {
    if (kCharset[i] == c) return i;
  }
  return -1;
}

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
  constexpr std::uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

std::vector<std::uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
  return out;
}

std::uint32_t encoding_const(Bech32Encoding e) {
  return e == Bech32Encoding::kBech32 ? kBech32Const : kBech32mConst;
}

}  // namespace

Result<std::string> bech32_encode(Bech32Encoding encoding, std::string_view hrp,
                                  std::span<const std::uint8_t> values) {
  if (hrp.empty()) return Status::invalid_argument("bech32: empty human-readable part");
  for (char c : hrp) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126) return Status::invalid_argument("bech32: hrp character out of range");
    if (c >= 'A' && c <= 'Z') return Status::invalid_argument("bech32: hrp must be lowercase");
  }
  for (std::uint8_t v : values) {
    if (v >= 32) return Status::invalid_argument("bech32: data value is not 5 bits");
  }
  const std::size_t length = hrp.size() + 1 + values.size() + kChecksumLength;
  if (length > kBech32MaxLength) {
    return Status::invalid_argument(fmt::format("bech32: length {} exceeds {}", length,
                                                kBech32MaxLength));
  }
  std::vector<std::uint8_t> check = hrp_expand(hrp);
  check.insert(check.end(), values.begin(), values.end());
  check.insert(check.end(), kChecksumLength, 0);
  const std::uint32_t mod = polymod(check) ^ encoding_const(encoding);
  std::string out(hrp);
  out.push_back('1');
  for (std::uint8_t v : values) out.push_back(kCharset[v]);
  for (std::size_t i = 0; i < kChecksumLength; ++i) {
    out.push_back(kCharset[(mod >> (5 * (5 - i))) & 31]);
  }
  return out;
}

Result<Bech32Decoded> bech32_decode(std::string_view text) {
  if (text.size() > kBech32MaxLength) {
    return Status::invalid_argument(
        fmt::format("bech32: length {} exceeds {}", text.size(), kBech32MaxLength));
  }
  bool lower = false, upper = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126) return Status::invalid_argument("bech32: character out of range");
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return Status::invalid_argument("bech32: mixed case");
  const std::size_t sep = text.rfind('1');
  if (sep == std::string_view::npos) return Status::invalid_argument("bech32: no separator");
  if (sep == 0) return Status::invalid_argument("bech32: empty human-readable part");
  if (text.size() - sep - 1 < kChecksumLength) {
    return Status::invalid_argument("bech32: checksum too short");
  }
  Bech32Decoded out;
  out.hrp.reserve(sep);
  for (std::size_t i = 0; i < sep; ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out.hrp.push_back(c);
  }
  std::vector<std::uint8_t> data;
  data.reserve(text.size() - sep - 1);
  for (std::size_t i = sep + 1; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const int v = charset_index(c);
    if (v < 0) {
      return Status::invalid_argument(
          fmt::format("bech32: invalid data character at position {}", i));
    }
    data.push_back(static_cast<std::uint8_t>(v));
  }
  std::vector<std::uint8_t> check = hrp_expand(out.hrp);
  check.insert(check.end(), data.begin(), data.end());
  const std::uint32_t mod = polymod(check);
  if (mod == kBech32Const) {
    out.encoding = Bech32Encoding::kBech32;
  } else if (mod == kBech32mConst) {
    out.encoding = Bech32Encoding::kBech32m;
  } else {
    return Status::invalid_argument("bech32: invalid checksum");
  }
  data.resize(data.size() - kChecksumLength);
  out.values = std::move(data);
  return out;
}

Result<std::vector<std::uint8_t>> convert_bits(std::span<const std::uint8_t> in, int from_bits,
                                               int to_bits, bool pad) {
  std::uint32_t acc = 0;
  int bits = 0;
  const std::uint32_t max_value = (1u << to_bits) - 1;
  std::vector<std::uint8_t> out;
  out.reserve(in.size() * static_cast<std::size_t>(from_bits) / static_cast<std::size_t>(to_bits) + 1);
  for (std::uint8_t v : in) {
    if ((v >> from_bits) != 0) return Status::invalid_argument("convert_bits: value out of range");
    acc = ((acc << from_bits) | v) & 0xffffff;
    bits += from_bits;
    while (bits >= to_bits) {
      bits -= to_bits;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & max_value));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to_bits - bits)) & max_value));
  } else {
    if (bits >= from_bits) return Status::invalid_argument("convert_bits: more than 4 padding bits");
    if (((acc << (to_bits - bits)) & max_value) != 0) {
      return Status::invalid_argument("convert_bits: non-zero padding");
    }
  }
  return out;
}

}  // namespace alys
