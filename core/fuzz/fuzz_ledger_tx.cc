// libFuzzer target: decode_ledger_tx / read_ledger_tx (core/chain/codec.h).
//
// Checks: a rejection carries a message; the versioned and unversioned decoders agree
// (decode = version byte + read + nothing left); whatever decodes re-encodes to exactly the
// input (the wire form is canonical); the hashes and signature check are total on any
// decoded transaction (keys and signatures are not validated by the decoder).
#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);
  auto tx = decode_ledger_tx(in);
  if (!in.empty() && in[0] == limits::kWireVersion) {
    ByteReader r(in.subspan(1));
    auto read = read_ledger_tx(r);
    FUZZ_CHECK(tx.has_value() == (read.has_value() && r.empty()),
               "ledger_tx: decode and read disagree on acceptance");
  }
  if (!tx) {
    FUZZ_CHECK(!tx.error().message().empty(), "ledger_tx: error without a message");
    return 0;
  }
  FUZZ_CHECK(equal_bytes(encode_ledger_tx(*tx), in), "ledger_tx: re-encoding differs");
  FUZZ_CHECK(tx->bitcoin_address.size() <= limits::kMaxBitcoinAddressChars,
             "ledger_tx: address above the cap");
  (void)ledger_tx_hash(*tx);
  (void)verify_ledger_tx_signature(*tx);
  return 0;
}
