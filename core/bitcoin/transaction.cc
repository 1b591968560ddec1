#include "core/bitcoin/transaction.h"

#include <fmt/format.h>

#include "core/crypto/sha256.h"

namespace alys {

namespace {

// Smallest encodings, used to bound element counts by the bytes left.
constexpr std::size_t kMinTxInBytes = 32 + 4 + 1 + 4;
constexpr std::size_t kMinTxOutBytes = 8 + 1;
constexpr std::size_t kMinWitnessItemBytes = 1;

Result<std::vector<TxIn>> read_inputs(ByteReader& r) {
  auto n = r.count("tx: input count", kMinTxInBytes);
  if (!n) return n.error();
  std::vector<TxIn> inputs;
  inputs.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    // Context strings are only built on the error path.
    auto ctx = [i] { return fmt::format("tx: input {}", i); };
    TxIn in;
    auto txid = r.hash("prevout txid");
    if (!txid) return with_context(ctx(), txid.error());
    auto vout = r.u32le("prevout vout");
    if (!vout) return with_context(ctx(), vout.error());
    auto script = r.var_bytes("script_sig");
    if (!script) return with_context(ctx(), script.error());
    auto seq = r.u32le("sequence");
    if (!seq) return with_context(ctx(), seq.error());
    in.prevout = OutPoint{*txid, *vout};
    in.script_sig = std::move(*script);
    in.sequence = *seq;
    inputs.push_back(std::move(in));
  }
  return inputs;
}

Result<std::vector<TxOut>> read_outputs(ByteReader& r) {
  auto n = r.count("tx: output count", kMinTxOutBytes);
  if (!n) return n.error();
  std::vector<TxOut> outputs;
  outputs.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto ctx = [i] { return fmt::format("tx: output {}", i); };
    auto value = r.i64le("value");
    if (!value) return with_context(ctx(), value.error());
    auto script = r.var_bytes("script_pubkey");
    if (!script) return with_context(ctx(), script.error());
    outputs.push_back(TxOut{*value, std::move(*script)});
  }
  return outputs;
}

Status read_witnesses(ByteReader& r, std::vector<TxIn>& inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto ctx = [i] { return fmt::format("tx: witness {}", i); };
    auto n = r.count("item count", kMinWitnessItemBytes);
    if (!n) return with_context(ctx(), n.error());
    auto& stack = inputs[i].witness;
    stack.reserve(static_cast<std::size_t>(*n));
    for (std::uint64_t k = 0; k < *n; ++k) {
      auto item = r.var_bytes("item");
      if (!item) return with_context(fmt::format("{}: item {}", ctx(), k), item.error());
      stack.push_back(std::move(*item));
    }
  }
  return Status::ok();
}

}  // namespace

bool Transaction::has_witness() const {
  for (const auto& in : inputs) {
    if (!in.witness.empty()) return true;
  }
  return false;
}

void write_transaction(ByteWriter& w, const Transaction& tx, TxSerialization mode) {
  const bool witness = mode == TxSerialization::kWithWitness && tx.has_witness();
  w.i32le(tx.version);
  if (witness) {
    w.u8(0x00);  // marker
    w.u8(0x01);  // flag
  }
  w.compact_size(tx.inputs.size());
  for (const auto& in : tx.inputs) {
    w.hash(in.prevout.txid);
    w.u32le(in.prevout.vout);
    w.var_bytes(in.script_sig);
    w.u32le(in.sequence);
  }
  w.compact_size(tx.outputs.size());
  for (const auto& out : tx.outputs) {
    w.i64le(out.value);
    w.var_bytes(out.script_pubkey);
  }
  if (witness) {
    for (const auto& in : tx.inputs) {
      w.compact_size(in.witness.size());
      for (const auto& item : in.witness) w.var_bytes(item);
    }
  }
  w.u32le(tx.lock_time);
}

Bytes serialize_transaction(const Transaction& tx, TxSerialization mode) {
  ByteWriter w;
  write_transaction(w, tx, mode);
  return w.take();
}

Result<Transaction> read_transaction(ByteReader& r) {
  Transaction tx;
  auto version = r.i32le("tx: version");
  if (!version) return version.error();
  tx.version = *version;

  auto inputs = read_inputs(r);
  if (!inputs) return inputs.error();
  tx.inputs = std::move(*inputs);

  std::uint8_t flags = 0;
  if (tx.inputs.empty()) {
    // Either a dummy (segwit marker) or a genuinely empty input list.
    auto flag = r.u8("tx: segwit flag");
    if (!flag) return flag.error();
    flags = *flag;
    if (flags != 0) {
      auto real_inputs = read_inputs(r);
      if (!real_inputs) return real_inputs.error();
      tx.inputs = std::move(*real_inputs);
      auto outputs = read_outputs(r);
      if (!outputs) return outputs.error();
      tx.outputs = std::move(*outputs);
    }
  } else {
    auto outputs = read_outputs(r);
    if (!outputs) return outputs.error();
    tx.outputs = std::move(*outputs);
  }

  if (flags & 1) {
    flags ^= 1;
    Status st = read_witnesses(r, tx.inputs);
    if (!st) return st;
    if (!tx.has_witness()) {
      return Status::invalid_argument("tx: witness: superfluous witness record (all empty)");
    }
  }
  if (flags != 0) {
    return Status::invalid_argument(
        fmt::format("tx: segwit flag: unknown optional data 0x{:02x}", flags));
  }
  auto lock_time = r.u32le("tx: lock_time");
  if (!lock_time) return lock_time.error();
  tx.lock_time = *lock_time;
  return tx;
}

Result<Transaction> parse_transaction(ByteView bytes) {
  ByteReader r(bytes);
  auto tx = read_transaction(r);
  if (!tx) return tx;
  Status end = r.expect_end("tx");
  if (!end) return end;
  return tx;
}

Hash256 txid(const Transaction& tx) {
  return sha256d(serialize_transaction(tx, TxSerialization::kWithoutWitness));
}

Hash256 wtxid(const Transaction& tx) {
  return sha256d(serialize_transaction(tx, TxSerialization::kWithWitness));
}

std::size_t transaction_weight(const Transaction& tx) {
  const std::size_t base = serialize_transaction(tx, TxSerialization::kWithoutWitness).size();
  const std::size_t total = serialize_transaction(tx, TxSerialization::kWithWitness).size();
  return base * 3 + total;
}

}  // namespace alys
