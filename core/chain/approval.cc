#include "core/chain/approval.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/crypto/digest_memo.h"
#include "core/crypto/schnorr.h"
#include "core/runtime/assert.h"
#include "core/crypto/sha256.h"
#include "core/crypto/tagged_hash.h"

namespace alys {

Hash256 approval_message(const Hash256& block_hash) {
  return tagged_hash("alys/approval", block_hash.view());
}

namespace {
// What check_approval memoizes a verification under: the authority's key, the block hash
// (which fixes the signed message) and the signature, each fixed-size, so a hit is exactly
// the call verified (or made) before. Every node checks every approval, some twice (alone,
// then inside the block), so the identity itself comes from a per-thread memo.
Hash256 approval_identity(ByteView key, const Hash256& block_hash, ByteView signature) {
  std::array<std::uint8_t, 32 + Hash256::kSize + 64> input;
  ALYS_ASSERT(key.size() == 32 && signature.size() == 64, "approval_identity: field sizes");
  std::copy(key.begin(), key.end(), input.begin());
  std::copy(block_hash.bytes().begin(), block_hash.bytes().end(), input.begin() + 32);
  std::copy(signature.begin(), signature.end(), input.begin() + 32 + Hash256::kSize);
  return memoized_tagged_hash("alys/approval-identity", ByteView(input.data(), input.size()));
}
}  // namespace

Approval sign_approval(const SchnorrSigner& signer, std::uint32_t authority_index,
                       const Hash256& block_hash, const Hash256& aux_rand,
                       VerifyCache* made_here) {
  const Hash256 msg = approval_message(block_hash);
  const SchnorrSignature sig = signer.sign(msg.view(), aux_rand);
  if (made_here != nullptr) {
    made_here->remember_made(approval_identity(signer.public_key().view(), block_hash, sig.view()));
  }
  Approval out;
  out.authority_index = authority_index;
  out.signature = sig.bytes();
  return out;
}

Status check_approval_index(const ChainSpec& spec, const Approval& approval) {
  if (approval.authority_index < spec.authorities.size()) return Status::ok();
  return Status::invalid_argument(fmt::format("approval: authority index {} out of range ({})",
                                              approval.authority_index, spec.authorities.size()));
}

Status check_approval(const ChainSpec& spec, const Hash256& block_hash, const Approval& approval,
                      VerifyCache* cache) {
  if (Status s = check_approval_index(spec, approval); !s) return s;
  const auto& raw = spec.authorities[approval.authority_index];
  auto verify = [&] {
    const Hash256 msg = approval_message(block_hash);
    auto key = XOnlyPublicKey::from_bytes(ByteView{raw.data(), raw.size()});
    auto sig = SchnorrSignature::from_bytes(
        ByteView{approval.signature.data(), approval.signature.size()});
    return key && sig && schnorr_verify(*key, msg.view(), *sig);
  };
  bool ok = false;
  if (cache != nullptr) {
    ok = cache->verify_keyed(
        approval_identity(ByteView{raw.data(), raw.size()}, block_hash,
                          ByteView{approval.signature.data(), approval.signature.size()}),
        verify);
  } else {
    ok = verify();
  }
  if (!ok) {
    return Status::invalid_argument(
        fmt::format("approval: bad signature of authority {}", approval.authority_index));
  }
  return Status::ok();
}

}  // namespace alys
