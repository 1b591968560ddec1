#include "core/chain/block_validation.h"

#include <fmt/format.h>

#include <vector>

#include "core/bitcoin/auxpow.h"
#include "core/chain/approval.h"

namespace alys {

Status check_block_header(const ChainSpec& spec, const SignedBlock& signed_block,
                          const Hash256& hash, const ParentInfo& parent, std::uint64_t local_slot,
                          VerifyCache* cache, bool check_proposer, bool check_signatures) {
  const ConsensusBlock& b = signed_block.block;
  if (b.parent_hash != parent.hash) return Status::invalid_argument("block: parent: mismatch");
  if (b.height != parent.height + 1) {
    return Status::invalid_argument(
        fmt::format("block: height: expected {}, got {}", parent.height + 1, b.height));
  }
  if (b.slot <= parent.slot) {
    return Status::invalid_argument(
        fmt::format("block: slot: {} not above parent slot {}", b.slot, parent.slot));
  }
  if (b.slot > local_slot + 1) {
    // Contextual (the local clock), not invalid: failed_precondition.
    return Status::failed_precondition(
        fmt::format("block: slot: {} is from the future (local slot {})", b.slot, local_slot));
  }
  if (signed_block.approvals.empty()) return Status::invalid_argument("block: approvals: none");
  const std::uint32_t proposer = aura_proposer(spec, b.slot);
  if (check_proposer && signed_block.approvals[0].authority_index != proposer) {
    return Status::invalid_argument(fmt::format("block: proposer: slot {} belongs to {}, signed by {}",
                                                b.slot, proposer,
                                                signed_block.approvals[0].authority_index));
  }
  if (signed_block.approvals.size() > spec.authorities.size()) {
    return Status::invalid_argument("block: approvals: more than authorities");
  }
  std::vector<bool> seen(spec.authorities.size(), false);
  for (const Approval& a : signed_block.approvals) {
    const Status s = check_signatures ? check_approval(spec, hash, a, cache)
                                      : check_approval_index(spec, a);
    if (!s) return with_context("block", s);
    if (seen[a.authority_index]) {
      return Status::invalid_argument(
          fmt::format("block: approvals: authority {} twice", a.authority_index));
    }
    seen[a.authority_index] = true;
  }
  if (b.payload.transactions.size() > spec.max_txs_per_block) {
    return Status::invalid_argument(fmt::format("block: payload: {} txs above limit {}",
                                                b.payload.transactions.size(),
                                                spec.max_txs_per_block));
  }
  return Status::ok();
}

Status check_auxpow_header(const ChainSpec& spec, const AuxPowHeader& header,
                           const PowContext& context) {
  if (!header.auxpow) return Status::invalid_argument("auxpow header: auxpow: missing");
  if (context.unfinalized.empty() || header.range_start != context.unfinalized[0]) {
    return Status::invalid_argument("auxpow header: range_start: not the first unfinalized block");
  }
  std::size_t end = context.unfinalized.size();
  for (std::size_t i = 0; i < context.unfinalized.size(); ++i) {
    if (context.unfinalized[i] == header.range_end) {
      end = i;
      break;
    }
  }
  if (end == context.unfinalized.size()) {
    return Status::invalid_argument("auxpow header: range_end: not an unfinalized block");
  }
  if (header.height != context.first_height + end) {
    return Status::invalid_argument(fmt::format("auxpow header: height: expected {}, got {}",
                                                context.first_height + end, header.height));
  }
  if (header.chain_id != spec.chain_id) {
    return Status::invalid_argument(fmt::format("auxpow header: chain_id: expected {}, got {}",
                                                spec.chain_id, header.chain_id));
  }
  if (header.bits != context.expected_bits) {
    return Status::invalid_argument(fmt::format("auxpow header: bits: expected {:#x}, got {:#x}",
                                                context.expected_bits, header.bits));
  }
  const Hash256 aux_hash = auxpow_aggregate_hash(context.unfinalized.first(end + 1));
  if (Status s = check_auxpow(*header.auxpow, aux_hash, spec.chain_id); !s) {
    return with_context("auxpow header", s);
  }
  if (Status s = check_auxpow_pow(*header.auxpow, header.bits); !s) {
    return with_context("auxpow header", s);
  }
  return Status::ok();
}

}  // namespace alys
