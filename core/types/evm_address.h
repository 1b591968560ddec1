// EvmAddress: the 20-byte account address of the execution layer (Alys's EVM addresses).
// Peg-ins name one in their OP_RETURN output; ledger accounts are keyed by it.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace alys {

using EvmAddress = std::array<std::uint8_t, 20>;

// "0x" + 40 lowercase hex digits.
std::string evm_address_hex(const EvmAddress& address);

}  // namespace alys
