#include "core/chain/chain_spec.h"

#include <fmt/format.h>

#include "core/bitcoin/serialize.h"
#include "core/crypto/tagged_hash.h"

namespace alys {

Hash256 spec_commitment(const ChainSpec& spec) {
  ByteWriter w;
  w.u32le(spec.chain_id);
  w.u64le(spec.slot_duration_ms);
  w.compact_size(spec.authorities.size());
  for (const auto& key : spec.authorities) w.bytes(ByteView{key.data(), key.size()});
  w.u64le(spec.max_blocks_without_pow);
  return tagged_hash("alys/spec", w.data());
}

SignedBlock make_genesis(const ChainSpec& spec, const Hash256& genesis_state_root) {
  SignedBlock genesis;
  genesis.block.parent_hash = spec_commitment(spec);
  genesis.block.height = 0;
  genesis.block.slot = 0;
  genesis.block.payload.state_root = genesis_state_root;
  return genesis;
}

Result<Federation> federation_of(const ChainSpec& spec) {
  std::vector<XOnlyPublicKey> members;
  members.reserve(spec.authorities.size());
  for (std::size_t i = 0; i < spec.authorities.size(); ++i) {
    auto key = XOnlyPublicKey::from_bytes(spec.authorities[i]);
    if (!key) return with_context(fmt::format("authority {}", i), key.error());
    members.push_back(*key);
  }
  // Not in the call: the order in which arguments are evaluated is unspecified, and with
  // `members` moved into the first parameter before the second is computed (Clang's
  // order) the threshold was majority(0) = 1: another script, another address.
  const std::size_t threshold = Federation::majority(members.size());
  return Federation::create(std::move(members), threshold);
}

}  // namespace alys
