#include "core/bitcoin/federation.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/bitcoin/script.h"
#include "core/bitcoin/taproot_sighash.h"
#include "core/runtime/assert.h"

namespace alys {

Result<Federation> Federation::create(std::vector<XOnlyPublicKey> members, std::size_t threshold) {
  if (members.empty()) return Status::invalid_argument("federation: no members");
  if (members.size() > kFederationMembersMax) {
    return Status::invalid_argument(fmt::format("federation: {} members exceeds the maximum {}",
                                                members.size(), kFederationMembersMax));
  }
  std::vector<XOnlyPublicKey> sorted = members;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Status::invalid_argument("federation: duplicate member key");
  }
  if (threshold == 0 || threshold > members.size()) {
    return Status::invalid_argument(fmt::format("federation: threshold {} not in 1..{}",
                                                threshold, members.size()));
  }
  Bytes script;
  for (std::size_t i = 0; i < members.size(); ++i) {
    script_push_data(script, members[i].view());
    script.push_back(i == 0 ? op::kCheckSig : op::kCheckSigAdd);
  }
  script_push_int(script, static_cast<std::int64_t>(threshold));
  script.push_back(op::kGreaterThanOrEqual);

  auto internal = XOnlyPublicKey::from_hex(kNumsInternalKeyHex);
  ALYS_ASSERT(internal.has_value(), "federation: NUMS key does not parse");
  const Hash256 leaf = tap_leaf_hash(kTapLeafVersionTapscript, script);
  auto output = taproot_output_key(*internal, leaf);
  if (!output) return output.error();
  Bytes control = taproot_control_block(kTapLeafVersionTapscript, output->parity_odd, *internal, {});
  return Federation(std::move(members), threshold, *internal, std::move(script), leaf, *output,
                    std::move(control));
}

Bytes Federation::script_pubkey() const {
  Bytes spk{op::k1, 0x20};
  append(spk, output_key_.key.view());
  return spk;
}

Result<std::string> Federation::address(BitcoinNetwork network) const {
  const WitnessProgram wp{1, Bytes(output_key_.key.view().begin(), output_key_.key.view().end())};
  return encode_segwit_address(network, wp);
}

Result<Hash256> Federation::sighash(const Transaction& tx, std::size_t input_index,
                                    std::span<const TxOut> spent_outputs) const {
  return taproot_sighash(tx, input_index, spent_outputs, kSighashDefault,
                         TapscriptPath{leaf_hash_, 0xffffffff});
}

Result<std::vector<Bytes>> Federation::assemble_witness(
    std::span<const std::optional<SchnorrSignature>> signatures_by_member) const {
  if (signatures_by_member.size() != members_.size()) {
    return Status::invalid_argument(fmt::format("federation witness: {} signature slots for {} members",
                                                signatures_by_member.size(), members_.size()));
  }
  const auto present = static_cast<std::size_t>(
      std::count_if(signatures_by_member.begin(), signatures_by_member.end(),
                    [](const auto& s) { return s.has_value(); }));
  if (present != threshold_) {
    return Status::invalid_argument(fmt::format(
        "federation witness: {} signatures, exactly {} required", present, threshold_));
  }
  std::vector<Bytes> witness;
  witness.reserve(members_.size() + 2);
  for (std::size_t i = signatures_by_member.size(); i-- > 0;) {
    const auto& sig = signatures_by_member[i];
    witness.push_back(sig ? Bytes(sig->view().begin(), sig->view().end()) : Bytes{});
  }
  witness.push_back(script_);
  witness.push_back(control_block_);
  return witness;
}

Status Federation::check_input(const Transaction& tx, std::size_t input_index,
                               std::span<const TxOut> spent_outputs) const {
  const std::string ctx = fmt::format("federation input {}", input_index);
  auto hash = sighash(tx, input_index, spent_outputs);
  if (!hash) return with_context(ctx, hash.error());
  const auto& witness = tx.inputs[input_index].witness;
  if (witness.size() != members_.size() + 2) {
    return Status::invalid_argument(fmt::format("{}: {} witness items, expected {}", ctx,
                                                witness.size(), members_.size() + 2));
  }
  std::size_t signatures = 0;
  for (std::size_t slot = 0; slot < members_.size(); ++slot) {
    const Bytes& item = witness[slot];
    if (item.empty()) continue;
    const XOnlyPublicKey& key = members_[members_.size() - 1 - slot];
    auto sig = SchnorrSignature::from_bytes(item);
    if (!sig) return Status::invalid_argument(fmt::format("{}: item {}: not a 64-byte signature", ctx, slot));
    if (!schnorr_verify(key, hash->view(), *sig)) {
      return Status::invalid_argument(fmt::format("{}: item {}: signature does not verify", ctx, slot));
    }
    ++signatures;
  }
  if (signatures != threshold_) {
    return Status::invalid_argument(
        fmt::format("{}: {} signatures, exactly {} required", ctx, signatures, threshold_));
  }
  if (witness[members_.size()] != script_ || witness[members_.size() + 1] != control_block_) {
    return Status::invalid_argument(fmt::format("{}: witness script or control block mismatch", ctx));
  }
  return Status::ok();
}

}  // namespace alys
