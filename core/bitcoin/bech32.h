// Bech32 (BIP-173) and Bech32m (BIP-350) strings.
//
// bech32_decode checks, in this order, and names the failure: overall length <= 90,
// characters in 33..126, not mixed case, a '1' separator with a non-empty human-readable
// part (HRP) and at least 6 data characters after it, every data character in the
// alphabet, and a checksum valid for Bech32 or Bech32m (reported in `encoding`). The HRP
// is returned lowercased; `values` are the 5-bit data values without the checksum.
// bech32_encode produces lowercase text; it rejects an HRP outside 33..126 or with
// uppercase letters, values >= 32, and results longer than 90 characters.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

enum class Bech32Encoding { kBech32, kBech32m };

inline constexpr std::size_t kBech32MaxLength = 90;

struct Bech32Decoded {
  Bech32Encoding encoding = Bech32Encoding::kBech32;
  std::string hrp;
  std::vector<std::uint8_t> values;  // 5-bit groups
};

Result<std::string> bech32_encode(Bech32Encoding encoding, std::string_view hrp,
                                  std::span<const std::uint8_t> values);
Result<Bech32Decoded> bech32_decode(std::string_view text);

// Regroups bits: from `from_bits`-bit groups to `to_bits`-bit groups (8->5 with padding
// when encoding; 5->8 without, rejecting more than 4 padding bits or non-zero padding).
Result<std::vector<std::uint8_t>> convert_bits(std::span<const std::uint8_t> in, int from_bits,
                                               int to_bits, bool pad);

}  // namespace alys
