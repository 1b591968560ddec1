#include "core/bitcoin/taproot_sighash.h"

#include <fmt/format.h>

#include "core/bitcoin/serialize.h"
#include "core/crypto/sha256.h"
#include "core/crypto/tagged_hash.h"

namespace alys {

namespace {

bool valid_hash_type(std::uint8_t t) {
  return t == 0x00 || t == 0x01 || t == 0x02 || t == 0x03 || t == 0x81 || t == 0x82 ||
         t == 0x83;
}

}  // namespace

TaprootPrecomputed taproot_precompute(const Transaction& tx,
                                      std::span<const TxOut> spent_outputs) {
  ByteWriter prevouts, amounts, scripts, sequences, outputs;
  for (const auto& in : tx.inputs) {
    prevouts.hash(in.prevout.txid);
    prevouts.u32le(in.prevout.vout);
    sequences.u32le(in.sequence);
  }
  for (const auto& spent : spent_outputs) {
    amounts.i64le(spent.value);
    scripts.var_bytes(spent.script_pubkey);
  }
  for (const auto& out : tx.outputs) {
    outputs.i64le(out.value);
    outputs.var_bytes(out.script_pubkey);
  }
  return TaprootPrecomputed{sha256(prevouts.data()), sha256(amounts.data()),
                            sha256(scripts.data()), sha256(sequences.data()),
                            sha256(outputs.data())};
}

Result<Bytes> taproot_sigmsg(const Transaction& tx, std::size_t input_index,
                             std::span<const TxOut> spent_outputs, std::uint8_t hash_type,
                             const std::optional<TapscriptPath>& script_path,
                             const std::optional<Bytes>& annex) {
  if (!valid_hash_type(hash_type)) {
    return Status::invalid_argument(fmt::format("sighash: unsupported hash type 0x{:02x}", hash_type));
  }
  if (input_index >= tx.inputs.size()) {
    return Status::invalid_argument(fmt::format("sighash: input index {} out of range ({} inputs)",
                                                input_index, tx.inputs.size()));
  }
  if (spent_outputs.size() != tx.inputs.size()) {
    return Status::invalid_argument(fmt::format("sighash: {} spent outputs for {} inputs",
                                                spent_outputs.size(), tx.inputs.size()));
  }
  const std::uint8_t output_type = hash_type == kSighashDefault ? kSighashAll : (hash_type & 0x03);
  const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
  if (output_type == kSighashSingle && input_index >= tx.outputs.size()) {
    return Status::invalid_argument("sighash: SIGHASH_SINGLE without a matching output");
  }

  ByteWriter w(256);
  w.u8(0x00);  // epoch
  w.u8(hash_type);
  w.i32le(tx.version);
  w.u32le(tx.lock_time);
  if (!anyone_can_pay || output_type == kSighashAll) {
    const TaprootPrecomputed pre = taproot_precompute(tx, spent_outputs);
    if (!anyone_can_pay) {
      w.hash(pre.prevouts);
      w.hash(pre.amounts);
      w.hash(pre.script_pubkeys);
      w.hash(pre.sequences);
    }
    if (output_type == kSighashAll) w.hash(pre.outputs);
  }
  const std::uint8_t ext_flag = script_path ? 1 : 0;
  w.u8(static_cast<std::uint8_t>(ext_flag * 2 + (annex ? 1 : 0)));
  if (anyone_can_pay) {
    const TxIn& in = tx.inputs[input_index];
    w.hash(in.prevout.txid);
    w.u32le(in.prevout.vout);
    w.i64le(spent_outputs[input_index].value);
    w.var_bytes(spent_outputs[input_index].script_pubkey);
    w.u32le(in.sequence);
  } else {
    w.u32le(static_cast<std::uint32_t>(input_index));
  }
  if (annex) {
    ByteWriter a;
    a.var_bytes(*annex);
    w.hash(sha256(a.data()));
  }
  if (output_type == kSighashSingle) {
    ByteWriter o;
    o.i64le(tx.outputs[input_index].value);
    o.var_bytes(tx.outputs[input_index].script_pubkey);
    w.hash(sha256(o.data()));
  }
  if (script_path) {
    w.hash(script_path->leaf_hash);
    w.u8(0x00);  // key_version
    w.u32le(script_path->codesep_pos);
  }
  return w.take();
}

Result<Hash256> taproot_sighash(const Transaction& tx, std::size_t input_index,
                                std::span<const TxOut> spent_outputs, std::uint8_t hash_type,
                                const std::optional<TapscriptPath>& script_path,
                                const std::optional<Bytes>& annex) {
  auto msg = taproot_sigmsg(tx, input_index, spent_outputs, hash_type, script_path, annex);
  if (!msg) return msg.error();
  return tagged_hash("TapSighash", *msg);
}

}  // namespace alys
