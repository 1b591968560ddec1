#include "core/bitcoin/address.h"

#include <fmt/format.h>

#include "core/bitcoin/bech32.h"
#include "core/runtime/assert.h"

namespace alys {

namespace {
constexpr std::uint8_t kOp0 = 0x00;
constexpr std::uint8_t kOp1 = 0x51;
constexpr std::uint8_t kOp16 = 0x60;
}  // namespace

std::string_view segwit_hrp(BitcoinNetwork network) {
  switch (network) {
    case BitcoinNetwork::kMainnet: return "bc";
    case BitcoinNetwork::kTestnet: return "tb";
    case BitcoinNetwork::kSignet: return "tb";
    case BitcoinNetwork::kRegtest: return "bcrt";
  }
  return "bc";
}

Status validate_witness_program(const WitnessProgram& wp) {
  if (wp.version > 16) {
    return Status::invalid_argument(fmt::format("segwit: invalid witness version {}", wp.version));
  }
  if (wp.program.size() < 2 || wp.program.size() > 40) {
    return Status::invalid_argument(
        fmt::format("segwit: invalid program length {}", wp.program.size()));
  }
  if (wp.version == 0 && wp.program.size() != 20 && wp.program.size() != 32) {
    return Status::invalid_argument(
        fmt::format("segwit: invalid program length {} for witness version 0", wp.program.size()));
  }
  return Status::ok();
}

Result<std::string> encode_segwit_address(std::string_view hrp, const WitnessProgram& wp) {
  Status valid = validate_witness_program(wp);
  if (!valid) return valid;
  auto five = convert_bits(wp.program, 8, 5, true);
  if (!five) return five.error();
  std::vector<std::uint8_t> values;
  values.reserve(five->size() + 1);
  values.push_back(wp.version);
  values.insert(values.end(), five->begin(), five->end());
  const Bech32Encoding enc = wp.version == 0 ? Bech32Encoding::kBech32 : Bech32Encoding::kBech32m;
  return bech32_encode(enc, hrp, values);
}

Result<std::string> encode_segwit_address(BitcoinNetwork network, const WitnessProgram& wp) {
  return encode_segwit_address(segwit_hrp(network), wp);
}

Result<WitnessProgram> decode_segwit_address(std::string_view hrp, std::string_view address) {
  auto decoded = bech32_decode(address);
  if (!decoded) return Status::invalid_argument(fmt::format("segwit: {}", decoded.error().message()));
  if (decoded->hrp != hrp) {
    return Status::invalid_argument(
        fmt::format("segwit: human-readable part '{}' is not '{}'", decoded->hrp, hrp));
  }
  if (decoded->values.empty()) return Status::invalid_argument("segwit: empty data section");
  WitnessProgram wp;
  wp.version = decoded->values[0];
  if (wp.version > 16) {
    return Status::invalid_argument(fmt::format("segwit: invalid witness version {}", wp.version));
  }
  const Bech32Encoding want =
      wp.version == 0 ? Bech32Encoding::kBech32 : Bech32Encoding::kBech32m;
  if (decoded->encoding != want) {
    return Status::invalid_argument(fmt::format(
        "segwit: invalid checksum: version {} requires {}", wp.version,
        want == Bech32Encoding::kBech32 ? "bech32" : "bech32m"));
  }
  auto program = convert_bits(std::span(decoded->values).subspan(1), 5, 8, false);
  if (!program) return Status::invalid_argument(fmt::format("segwit: {}", program.error().message()));
  wp.program = std::move(*program);
  Status valid = validate_witness_program(wp);
  if (!valid) return valid;
  return wp;
}

Result<WitnessProgram> decode_segwit_address(BitcoinNetwork network, std::string_view address) {
  return decode_segwit_address(segwit_hrp(network), address);
}

Bytes witness_program_script(const WitnessProgram& wp) {
  ALYS_ASSERT(validate_witness_program(wp).is_ok(), "witness_program_script: invalid program");
  Bytes script;
  script.reserve(2 + wp.program.size());
  script.push_back(wp.version == 0 ? kOp0 : static_cast<std::uint8_t>(kOp1 + wp.version - 1));
  script.push_back(static_cast<std::uint8_t>(wp.program.size()));
  append(script, wp.program);
  return script;
}

Result<WitnessProgram> parse_witness_program_script(ByteView script) {
  if (script.size() < 4 || script.size() > 42) {
    return Status::invalid_argument("witness script: wrong size for a witness program");
  }
  const std::uint8_t op = script[0];
  if (op != kOp0 && (op < kOp1 || op > kOp16)) {
    return Status::invalid_argument("witness script: first opcode is not OP_0..OP_16");
  }
  if (script[1] + 2u != script.size()) {
    return Status::invalid_argument("witness script: push length does not cover the rest");
  }
  WitnessProgram wp;
  wp.version = op == kOp0 ? 0 : static_cast<std::uint8_t>(op - kOp1 + 1);
  wp.program.assign(script.begin() + 2, script.end());
  Status valid = validate_witness_program(wp);
  if (!valid) return valid;
  return wp;
}

}  // namespace alys
