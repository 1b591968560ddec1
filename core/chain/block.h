// The sidechain's consensus block, as Alys's app/src/block.rs shapes it (alys-domain.md).
//
//   ConsensusBlock  what the proposer builds and signs: parent, height, Aura slot,
//                   execution payload, peg-ins, an optional peg-out payment proposal,
//                   finalized peg-outs, an optional AuxPoW header.
//   SignedBlock     the block plus authority approvals. Alys aggregates BLS approvals;
//                   ours is a list of BIP-340 signatures over block_hash(), one per
//                   authority index, the proposer's first. A block is approved once it
//                   carries approval_quorum(n) distinct authorities.
//   AuxPowHeader    finalizes the range [range_start, range_end] of blocks; `auxpow` is
//                   the merged-mining proof (absent while the range is only proposed).
//   ConsensusHeader what block_hash() covers directly: parent, height, slot, state root,
//                   and body_root, which commits to the rest of the block. A chain of
//                   headers is checked by its hash links without the bodies (a syncing
//                   node checks the headers below its assume-valid block first).
// block_hash() = header_hash(consensus_header(block)): it covers everything but the
// approvals.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bitcoin/auxpow.h"
#include "core/bitcoin/transaction.h"
#include "core/execution/ledger_tx.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"

namespace alys {

// A peg-in the proposer claims: Bitcoin txid and the Bitcoin block that confirmed it (as
// Alys), plus what it mints (**ours**: so a block executes without a Bitcoin lookup; every
// importer checks the claim against its own view of Bitcoin before executing it).
struct PegInRef {
  Hash256 txid;
  Hash256 block_hash;
  EvmAddress to{};
  std::int64_t amount_sat = 0;  // 1..limits::kMaxMoneySat
  friend bool operator==(const PegInRef&, const PegInRef&) = default;
};

// A peg-out payment a proposer puts in its block (Alys: the unsigned payment tx).
// **Ours**: it also states what each input spends (its value; the script is always the
// federation's) and which peg-out requests it pays (output i pays request_ids[i]; a last
// output, if any, is the federation's change), so every node checks it, and every member
// signs it, from the chain alone (AN-264: validity must not depend on a local wallet).
struct PegOutProposal {
  Transaction tx;                          // unsigned: no witnesses
  std::vector<std::int64_t> input_values;  // one per input, in input order
  std::vector<Hash256> request_ids;        // the burns' ledger tx hashes, in output order
  friend bool operator==(const PegOutProposal&, const PegOutProposal&) = default;
};

struct AuxPowHeader {
  Hash256 range_start;
  Hash256 range_end;
  std::uint32_t bits = 0;
  std::uint32_t chain_id = 0;
  std::uint64_t height = 0;  // height of range_end
  std::optional<AuxPow> auxpow;
  EvmAddress fee_recipient{};
  friend bool operator==(const AuxPowHeader&, const AuxPowHeader&) = default;
};

struct ExecutionPayload {
  Hash256 state_root;  // ledger state after executing `transactions` and the peg-in mints
  std::vector<LedgerTx> transactions;
  friend bool operator==(const ExecutionPayload&, const ExecutionPayload&) = default;
};

struct ConsensusBlock {
  Hash256 parent_hash;
  std::uint64_t height = 0;
  std::uint64_t slot = 0;
  ExecutionPayload payload;
  std::vector<PegInRef> pegins;
  std::optional<PegOutProposal> pegout_proposal;  // unsigned Bitcoin payment
  std::vector<Transaction> finalized_pegouts;      // signed payments of earlier proposals
  std::optional<AuxPowHeader> auxpow_header;
  friend bool operator==(const ConsensusBlock&, const ConsensusBlock&) = default;
};

struct Approval {
  std::uint32_t authority_index = 0;
  SigBytes signature{};
  friend bool operator==(const Approval&, const Approval&) = default;
};

struct SignedBlock {
  ConsensusBlock block;
  std::vector<Approval> approvals;
  friend bool operator==(const SignedBlock&, const SignedBlock&) = default;
};

struct ConsensusHeader {
  Hash256 parent_hash;
  std::uint64_t height = 0;
  std::uint64_t slot = 0;
  Hash256 state_root;  // the payload's
  // tagged_hash("alys/block-body", the block's transactions, peg-ins, peg-out proposal,
  // finalized peg-outs and AuxPoW header, in their canonical encoding: codec.h
  // write_block_body).
  Hash256 body_root;
  friend bool operator==(const ConsensusHeader&, const ConsensusHeader&) = default;
};

Hash256 block_body_root(const ConsensusBlock& block);
ConsensusHeader consensus_header(const ConsensusBlock& block);
// tagged_hash("alys/block", parent_hash || height u64le || slot u64le || state_root ||
// body_root).
Hash256 header_hash(const ConsensusHeader& header);
Hash256 block_hash(const ConsensusBlock& block);

// Alys's approval threshold: ((2n) + 2) / 3 authorities (about two thirds).
// REQUIRES: n > 0.
std::size_t approval_quorum(std::size_t authority_count);

}  // namespace alys
