#include "core/chain/approval.h"

#include <fmt/format.h>

#include "core/crypto/schnorr.h"
#include "core/crypto/tagged_hash.h"

namespace alys {

Hash256 approval_message(const Hash256& block_hash) {
  return tagged_hash("alys/approval", block_hash.view());
}

Approval sign_approval(const SecretKey& key, std::uint32_t authority_index,
                       const Hash256& block_hash, const Hash256& aux_rand) {
  const Hash256 msg = approval_message(block_hash);
  const SchnorrSignature sig = schnorr_sign(key, msg.view(), aux_rand);
  Approval out;
  out.authority_index = authority_index;
  out.signature = sig.bytes();
  return out;
}

Status check_approval(const ChainSpec& spec, const Hash256& block_hash, const Approval& approval) {
  if (approval.authority_index >= spec.authorities.size()) {
    return Status::invalid_argument(fmt::format("approval: authority index {} out of range ({})",
                                                approval.authority_index, spec.authorities.size()));
  }
  const auto& raw = spec.authorities[approval.authority_index];
  auto key = XOnlyPublicKey::from_bytes(ByteView{raw.data(), raw.size()});
  if (!key) return Status::invalid_argument("approval: authority key invalid in spec");
  auto sig = SchnorrSignature::from_bytes(
      ByteView{approval.signature.data(), approval.signature.size()});
  if (!sig) return Status::invalid_argument("approval: signature malformed");
  const Hash256 msg = approval_message(block_hash);
  if (!schnorr_verify(*key, msg.view(), *sig)) {
    return Status::invalid_argument(
        fmt::format("approval: bad signature of authority {}", approval.authority_index));
  }
  return Status::ok();
}

}  // namespace alys
