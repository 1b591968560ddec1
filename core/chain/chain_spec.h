// ChainSpec: what every node of one chain must agree on (Alys's chain.json / spec.rs).
//
// The genesis block commits to the spec: its parent_hash is spec_commitment(spec), so two
// nodes with different authorities, chain id or slot length have different genesis hashes
// and refuse each other at the handshake.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/bitcoin/address.h"
#include "core/bitcoin/alys_retarget.h"
#include "core/bitcoin/federation.h"
#include "core/chain/block.h"
#include "core/execution/ledger_tx.h"
#include "core/execution/ledger_types.h"
#include "core/types/evm_address.h"
#include "core/types/wei.h"

namespace alys {

struct ChainSpec {
  std::uint32_t chain_id = 212121;
  std::uint64_t slot_duration_ms = 2000;    // Alys docs: 2 s
  std::vector<KeyBytes> authorities;        // x-only keys, federation order
  std::uint64_t max_blocks_without_pow = 50'000;
  std::uint64_t max_txs_per_block = 1000;
  AlysRetargetParams retarget;
  std::vector<GenesisAllocation> allocations;
  // The Bitcoin network of the peg: peg-out addresses must be of it (a consensus rule).
  BitcoinNetwork bitcoin_network = BitcoinNetwork::kRegtest;
};

// The peg's federation: the authorities, in order, with Alys's majority threshold.
// Errors: an authority key that is not a valid x-only key, or duplicates.
Result<Federation> federation_of(const ChainSpec& spec);

// tagged_hash("alys/spec", chain_id, slot_duration_ms, authorities, max_blocks_without_pow).
Hash256 spec_commitment(const ChainSpec& spec);

// The genesis block: height 0, slot 0, parent = spec_commitment, no transactions, the
// given state root (the engine's root of the allocations), no approvals.
SignedBlock make_genesis(const ChainSpec& spec, const Hash256& genesis_state_root);

// Aura (Alys app/src/aura.rs): slot = unix_ms / slot_duration; proposer = slot mod n.
inline std::uint64_t aura_slot(const ChainSpec& spec, std::int64_t unix_ms) {
  return unix_ms <= 0 ? 0 : static_cast<std::uint64_t>(unix_ms) / spec.slot_duration_ms;
}
// REQUIRES: authorities non-empty.
inline std::uint32_t aura_proposer(const ChainSpec& spec, std::uint64_t slot) {
  return static_cast<std::uint32_t>(slot % spec.authorities.size());
}
// Milliseconds from `unix_ms` to the start of the next slot (>= 1).
inline std::int64_t ms_until_next_slot(const ChainSpec& spec, std::int64_t unix_ms) {
  const auto d = static_cast<std::int64_t>(spec.slot_duration_ms);
  return d - (unix_ms % d + d) % d;
}

}  // namespace alys
