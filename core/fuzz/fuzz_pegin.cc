// libFuzzer target: parse_pegin on decoded transactions (core/bitcoin/pegin.h).
//
// The input is a transaction (parse_transaction); the federation scriptPubKey is the
// regtest federation of Alys's own peg-in fixture, and, second, whatever output 0 pays
// (so the "pays the federation" rule is met and the OP_RETURN rules get exercised).
// Checks on success: vout is the FIRST output paying the federation and amount its value;
// the EVM address is the one evm_address_from_op_return reads from the FIRST output that
// carries one; txid is the transaction's. On failure: the error names a reason.
#include <array>

#include "core/bitcoin/pegin.h"
#include "core/bitcoin/transaction.h"
#include "core/fuzz/fuzz_util.h"

namespace {

using namespace alys;

// OP_1 <32 bytes>: bcrt1pnv0qv2q86ny0my4tycezez7e72jnjns2ays3l4w98v6l383k2h7q0lwmyh.
constexpr std::array<std::uint8_t, 34> kFederationSpk = {
    0x51, 0x20, 0x9b, 0x1e, 0x06, 0x28, 0x07, 0xd4, 0xc8, 0xfd, 0x92, 0xab,
    0x26, 0x32, 0x2c, 0x8b, 0xd9, 0xf2, 0xa5, 0x39, 0x4e, 0x0a, 0xe9, 0x21,
    0x1f, 0xd5, 0xc5, 0x3b, 0x35, 0xf8, 0x9e, 0x36, 0x55, 0xfc};

void check(const Transaction& tx, ByteView federation) {
  auto pegin = parse_pegin(tx, federation);
  if (!pegin) {
    FUZZ_CHECK(!pegin.error().message().empty(), "pegin: error without a message");
    return;
  }
  FUZZ_CHECK(pegin->vout < tx.outputs.size(), "pegin: vout out of range");
  for (std::size_t i = 0; i < pegin->vout; ++i) {
    FUZZ_CHECK(!equal_bytes(tx.outputs[i].script_pubkey, federation),
               "pegin: an earlier output pays the federation");
  }
  const TxOut& paid = tx.outputs[pegin->vout];
  FUZZ_CHECK(equal_bytes(paid.script_pubkey, federation), "pegin: vout does not pay it");
  FUZZ_CHECK(pegin->amount_sat == paid.value, "pegin: amount is not the output's value");
  FUZZ_CHECK(pegin->txid == txid(tx), "pegin: wrong txid");
  bool found = false;
  for (const TxOut& out : tx.outputs) {
    auto address = evm_address_from_op_return(out.script_pubkey);
    if (!address) continue;
    FUZZ_CHECK(*address == pegin->evm_address, "pegin: not the first OP_RETURN address");
    found = true;
    break;
  }
  FUZZ_CHECK(found, "pegin: no output carries the reported address");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto tx = parse_transaction(fuzz::input_bytes(data, size));
  if (!tx) return 0;
  check(*tx, kFederationSpk);
  if (!tx->outputs.empty()) check(*tx, tx->outputs[0].script_pubkey);
  return 0;
}
