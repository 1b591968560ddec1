// Segwit addresses (BIP-173 / BIP-350) and the witness-program scriptPubKeys they encode.
//
// A witness program is (version 0..16, program of 2..40 bytes; exactly 20 or 32 for v0).
// Version 0 uses Bech32, versions 1..16 Bech32m. decode_segwit_address() requires the
// expected HRP for the network (so a testnet address never decodes as mainnet) and names
// the failure: wrong HRP, bad checksum / wrong checksum kind for the version, bad witness
// version, bad program length, bad padding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

enum class BitcoinNetwork { kMainnet, kTestnet, kSignet, kRegtest };

// "bc", "tb", "tb", "bcrt".
std::string_view segwit_hrp(BitcoinNetwork network);

struct WitnessProgram {
  std::uint8_t version = 0;
  Bytes program;

  friend bool operator==(const WitnessProgram&, const WitnessProgram&) = default;
};

// Ok iff version <= 16, 2 <= size <= 40, and v0 programs are 20 or 32 bytes.
Status validate_witness_program(const WitnessProgram& wp);

Result<std::string> encode_segwit_address(std::string_view hrp, const WitnessProgram& wp);
Result<std::string> encode_segwit_address(BitcoinNetwork network, const WitnessProgram& wp);
Result<WitnessProgram> decode_segwit_address(std::string_view hrp, std::string_view address);
Result<WitnessProgram> decode_segwit_address(BitcoinNetwork network, std::string_view address);

// scriptPubKey: OP_0 / OP_1..OP_16, then a direct push of the program.
// REQUIRES: validate_witness_program(wp) is ok (asserted).
Bytes witness_program_script(const WitnessProgram& wp);
// The witness program a scriptPubKey pays to, or an error if it is not one.
Result<WitnessProgram> parse_witness_program_script(ByteView script_pubkey);

}  // namespace alys
