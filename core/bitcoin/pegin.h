// Peg-in detection: a Bitcoin transaction that pays the federation and names, in an
// OP_RETURN output, the EVM address to mint to (Alys: crates/federation/src/lib.rs,
// Bridge::pegin_info).
//
// Rules, as Alys applies them:
//  - amount: the value of the FIRST output whose scriptPubKey is the federation's
//    (`vout` is that output's index; Alys does not report it, we need it for dedupe);
//  - EVM address: from the FIRST output that is OP_RETURN and whose LAST operation is a
//    non-empty data push whose data is either
//      * valid UTF-8 text that is an address: 40 hex digits, optionally "0x"-prefixed, or
//      * not valid UTF-8 and exactly 20 bytes (the raw address).
//    Faithful quirk: 20 raw bytes that happen to be valid UTF-8 (e.g. all below 0x80) are
//    read as text and rejected.
// parse_pegin is total: any transaction gives a PegIn or an error naming why not.
#pragma once

#include <array>
#include <cstdint>

#include "core/bitcoin/transaction.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"

namespace alys {

struct PegIn {
  Hash256 txid;
  std::uint32_t vout = 0;
  std::int64_t amount_sat = 0;
  EvmAddress evm_address{};

  friend bool operator==(const PegIn&, const PegIn&) = default;
};

Result<PegIn> parse_pegin(const Transaction& tx, ByteView federation_script_pubkey);

// The EVM address an OP_RETURN scriptPubKey carries under the rules above, or an error.
Result<EvmAddress> evm_address_from_op_return(ByteView script_pubkey);

// OP_RETURN <20 raw bytes>: the output a depositor adds (the form Alys's own tests use).
Bytes pegin_op_return_script(const EvmAddress& address);

}  // namespace alys
