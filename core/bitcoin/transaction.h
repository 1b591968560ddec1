// Bitcoin transactions: the data model, legacy and BIP-144 (segwit) serialization, txid,
// wtxid and weight.
//
// Serialization follows Bitcoin Core exactly: the segwit form (marker 0x00, flag 0x01,
// witness stacks after the outputs) is used iff some input has a non-empty witness;
// txid hashes the legacy form, wtxid the full form. parse_transaction() mirrors Core's
// decoder, including its two rejections of the segwit form (all witnesses empty:
// "superfluous witness record"; flag other than 1: "unknown optional data"), and
// additionally requires that the whole input is consumed. It is total: any byte string
// gives a Transaction or an error naming the field, and it never reserves more elements
// than the remaining bytes could encode.
//
// Ambiguity inherited from Bitcoin: a transaction with zero inputs and at least one output
// serializes (legacy form) to bytes that parse as a segwit transaction. Bitcoin never
// relays such transactions; round-trips are guaranteed for transactions with >= 1 input.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bitcoin/serialize.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

struct OutPoint {
  Hash256 txid;  // natural byte order (as serialized)
  std::uint32_t vout = 0;

  bool is_null() const { return txid.is_zero() && vout == 0xffffffff; }
  friend bool operator==(const OutPoint&, const OutPoint&) = default;
  friend auto operator<=>(const OutPoint&, const OutPoint&) = default;
};

struct TxIn {
  OutPoint prevout;
  Bytes script_sig;
  std::uint32_t sequence = 0xffffffff;
  std::vector<Bytes> witness;  // stack items, bottom first

  friend bool operator==(const TxIn&, const TxIn&) = default;
};

struct TxOut {
  std::int64_t value = 0;  // satoshis
  Bytes script_pubkey;

  friend bool operator==(const TxOut&, const TxOut&) = default;
};

struct Transaction {
  std::int32_t version = 2;
  std::vector<TxIn> inputs;
  std::vector<TxOut> outputs;
  std::uint32_t lock_time = 0;

  bool has_witness() const;
  bool is_coinbase() const { return inputs.size() == 1 && inputs[0].prevout.is_null(); }
  friend bool operator==(const Transaction&, const Transaction&) = default;
};

enum class TxSerialization { kWithWitness, kWithoutWitness };

void write_transaction(ByteWriter& w, const Transaction& tx,
                       TxSerialization mode = TxSerialization::kWithWitness);
Bytes serialize_transaction(const Transaction& tx,
                            TxSerialization mode = TxSerialization::kWithWitness);

// Reads one transaction from the cursor (used inside blocks and AuxPoW).
Result<Transaction> read_transaction(ByteReader& r);
// Parses exactly one transaction; trailing bytes are an error.
Result<Transaction> parse_transaction(ByteView bytes);

Hash256 txid(const Transaction& tx);
Hash256 wtxid(const Transaction& tx);

// BIP-141 weight: 3 * size without witness + size with witness.
std::size_t transaction_weight(const Transaction& tx);

}  // namespace alys
