// libFuzzer target: parse_transaction / read_transaction (core/bitcoin/transaction.h).
//
// Checks:
//  - every rejection is an error naming the field ("tx: ...");
//  - read_transaction (trailing bytes allowed) and parse_transaction (exactly one tx) agree:
//    parse succeeds iff read succeeds and consumes everything, with the same result;
//  - whatever read_transaction accepts re-serializes to exactly the bytes it consumed (the
//    wire form is canonical: minimal CompactSize, segwit form iff some witness is
//    non-empty, the empty-inputs ambiguity resolved as Bitcoin Core does);
//  - txid/wtxid/weight are computable; without witnesses wtxid == txid and weight is 4x size;
//  - with >= 1 input, the witness-stripped (legacy) form parses back to the stripped tx.
#include "core/bitcoin/transaction.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);

  ByteReader r(in);
  auto read = read_transaction(r);
  auto parsed = parse_transaction(in);
  FUZZ_CHECK(parsed.has_value() == (read.has_value() && r.empty()),
             "transaction: parse and read disagree on acceptance");
  if (!read) {
    FUZZ_CHECK(read.error().message().starts_with("tx: "), "transaction: error names no field");
    return 0;
  }
  const Transaction& tx = *read;
  FUZZ_CHECK(equal_bytes(serialize_transaction(tx), in.first(r.position())),
             "transaction: re-serialization differs from the bytes read");
  if (!parsed) return 0;
  FUZZ_CHECK(*parsed == tx, "transaction: parse and read give different transactions");

  const Hash256 id = txid(tx);
  const Hash256 wid = wtxid(tx);
  const std::size_t legacy_size =
      serialize_transaction(tx, TxSerialization::kWithoutWitness).size();
  if (!tx.has_witness()) {
    FUZZ_CHECK(id == wid, "transaction: wtxid != txid without witnesses");
    FUZZ_CHECK(transaction_weight(tx) == 4 * legacy_size, "transaction: weight != 4 * size");
  } else {
    FUZZ_CHECK(transaction_weight(tx) > 4 * legacy_size, "transaction: witness adds no weight");
  }
  if (!tx.inputs.empty()) {
    Transaction stripped = tx;
    for (auto& input : stripped.inputs) input.witness.clear();
    auto legacy = parse_transaction(serialize_transaction(tx, TxSerialization::kWithoutWitness));
    FUZZ_CHECK(legacy.has_value() && *legacy == stripped,
               "transaction: legacy form does not parse back to the stripped tx");
    FUZZ_CHECK(txid(stripped) == id, "transaction: stripping witnesses changed the txid");
  }
  return 0;
}
