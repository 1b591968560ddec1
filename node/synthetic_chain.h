// Synthetic chains: a long, valid Alys chain made in seconds, without running consensus in
// real time, for benchmarks and tests of the real node (sync, reload).
//
// make_synthetic_network derives (from `seed`, deterministically) `authorities` authority
// keys and `senders` funded sender keys, and a spec over them: regtest Bitcoin and AuxPoW
// difficulty (initial bits 0x207fffff, so proofs are found in a few nonces), every sender
// allocated kSyntheticSenderBalanceSat.
//
// build_synthetic_chain makes heights 1..options.blocks on the spec's genesis, each block
// exactly as a node accepts it on import (core/chain/block_validation.h, the engine):
//   - slots options.first_slot, first_slot + 1, ... (long past by the wall clock, so no
//     importer finds them "from the future"); the proposer is the slot's Aura authority;
//   - approvals: the proposer's first, then the next authorities by index until
//     approval_quorum(n) sign, so every block is approved and becomes head on arrival;
//   - `txs_per_block` signed transfers (BIP-340, zero aux randomness: deterministic),
//     senders in turn with consecutive nonces, to recipients cycling over
//     kSyntheticRecipients numbered addresses;
//   - with pow_every > 0, every block whose height is a multiple of it (from 2 on) carries an
//     AuxPoW header finalizing every block since the previous header's range: range_start
//     .. range_end = the parent, bits as alys_next_work_required computes them, and a real
//     merged-mining proof (build_auxpow); its fee recipient collects the fee pot. Without
//     headers nothing is ever finalized, and an importer's engine keeps one state per
//     block: chains above execution::kMaxEngineStates blocks need pow_every > 0.
//   - the state root is the embedded ledger's after executing the block (execute_block,
//     kVerify). Generation does not verify its own signatures (it just made them).
// Errors (kInvalidArgument naming the option): blocks == 0; txs_per_block == 0 or above
// spec.max_txs_per_block; no sender keys; authority keys that are not the spec's, in
// order; first_slot == 0. An AuxPoW that cannot be mined within build_auxpow's nonce budget
// (a spec with real difficulty) is passed on from build_auxpow.
//
// write_synthetic_chain stores a chain the way a node's StorageActor leaves it after
// importing it (core/storage/chain_store.h keys): blocks, canonical index 1..K, then the
// head and finalized pointers last, in a sync write, so an interrupted write leaves a store
// that loads as the empty chain. REQUIRES: `storage` holds no chain of another spec.
// Errors: the Storage's.
//
// Thread rules: pure functions, any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/chain/block.h"
#include "core/chain/chain_spec.h"
#include "core/crypto/keys.h"
#include "core/runtime/status.h"
#include "core/runtime/storage.h"
#include "core/storage/chain_types.h"

namespace alys::node {

inline constexpr std::uint64_t kSyntheticSenderBalanceSat = 10'000'000'000;  // 100 BTC each
inline constexpr std::uint32_t kSyntheticRecipients = 4096;
// Blocks per WriteBatch when storing a chain (a bound on one batch's size: ~2.5 KB per
// block of 10 transfers).
inline constexpr std::size_t kSyntheticWriteChunkBlocks = 512;

struct SyntheticNetwork {
  std::shared_ptr<const ChainSpec> spec;
  std::vector<SecretKey> authority_keys;  // in spec->authorities order
  std::vector<SecretKey> sender_keys;     // each funded in spec->allocations
};

// REQUIRES: 1 <= authorities <= limits::kMaxAuthorities, senders >= 1.
SyntheticNetwork make_synthetic_network(std::uint32_t authorities, std::uint32_t senders,
                                        std::string_view seed);

// A secret key derived from `seed` and `index` that is none of make_synthetic_network's
// (for full nodes: their handshake identity).
SecretKey synthetic_node_key(std::string_view seed, std::uint32_t index);

struct SyntheticChainOptions {
  std::uint64_t blocks = 0;
  std::uint32_t txs_per_block = 10;
  std::uint64_t pow_every = 0;  // 0: no AuxPoW headers
  std::uint64_t first_slot = 1;
};

struct SyntheticChain {
  std::vector<SignedBlock> blocks;  // heights 1..K, in order
  std::vector<Hash256> hashes;      // block_hash of each
  storage::ChainPointer head;
  std::optional<storage::ChainPointer> finalized;  // the newest header's range end
  std::uint64_t transactions = 0;
};

Result<SyntheticChain> build_synthetic_chain(const SyntheticNetwork& network,
                                             const SyntheticChainOptions& options);

Status write_synthetic_chain(Storage& storage, const SyntheticChain& chain);

}  // namespace alys::node
