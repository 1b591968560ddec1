// AuxPoW (merged mining) as Alys uses it (app/src/auxpow.rs, a port of Namecoin's CAuxPow).
//
// Structure and wire form (Namecoin's, in this order): the parent coinbase transaction, the
// parent block hash (carried, never checked, as in Alys), the coinbase merkle branch
// (hashes + side mask), the aux-chain merkle branch (hashes + side mask), the 80-byte parent
// header. A side mask's bit k set means the sibling at level k goes on the left.
//
// Validation (validate_auxpow), in Alys's order, first failure wins:
//  1. kParentHasChainId   parent header version / 2^16 equals our chain id
//  2. kChainBranchTooLong more than 30 aux-chain branch hashes
//  3. kNotAGenerate       (ours, from Namecoin) coinbase side mask != 0: the committed tx
//                         must be the parent block's coinbase; Alys omits this check
//  4. kMerkleRootIncorrect the coinbase txid folded through its branch != parent merkle root
//  5. kCoinbaseOutputs    the coinbase has no output 2 (or output 2 is not a commitment and
//                         there is no output 3)
//  6. kMissingCommitment  output 2, else output 3, is not exactly the 44-byte commitment
//                         fa be 6d 6d || chain root (natural byte order) || size LE32 ||
//                         nonce LE32 with the root the aux hash folds to (Alys, like
//                         Marathon's pool, commits in an output, not Namecoin's scriptSig)
//  7. kMerkleSizeMismatch size != 2^(aux-chain branch length)
//  8. kWrongIndex         aux-chain side mask != Alys's expected index(nonce, chain id, height)
// Proof of work is checked separately (check_auxpow_pow), as in Alys.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/bitcoin/block.h"
#include "core/bitcoin/serialize.h"
#include "core/bitcoin/transaction.h"
#include "core/runtime/status.h"
#include "core/types/hash256.h"

namespace alys {

inline constexpr std::size_t kAuxPowChainBranchMax = 30;  // Namecoin/Alys consensus limit
inline constexpr std::size_t kAuxPowBranchDecodeMax = 64;  // decoder cap for either branch
inline constexpr std::uint8_t kMergedMiningMagic[4] = {0xfa, 0xbe, 0x6d, 0x6d};
inline constexpr std::size_t kMergedMiningCommitmentSize = 44;

struct MerkleBranchProof {
  std::vector<Hash256> hashes;
  std::uint32_t side_mask = 0;

  Hash256 fold(const Hash256& leaf) const;
  friend bool operator==(const MerkleBranchProof&, const MerkleBranchProof&) = default;
};

struct AuxPow {
  Transaction coinbase;
  Hash256 parent_block_hash;  // carried for wire compatibility; not validated
  MerkleBranchProof coinbase_branch;
  MerkleBranchProof chain_branch;
  BlockHeader parent_header;

  std::uint32_t parent_chain_id() const {
    return static_cast<std::uint32_t>(parent_header.version) >> 16;
  }
  friend bool operator==(const AuxPow&, const AuxPow&) = default;
};

enum class AuxPowError {
  kNone = 0,
  kParentHasChainId,
  kChainBranchTooLong,
  kNotAGenerate,
  kMerkleRootIncorrect,
  kCoinbaseOutputs,
  kMissingCommitment,
  kMerkleSizeMismatch,
  kWrongIndex,
};

std::string_view auxpow_error_name(AuxPowError e);

AuxPowError validate_auxpow(const AuxPow& auxpow, const Hash256& aux_hash, std::uint32_t chain_id);
// validate_auxpow as a Status ("auxpow: <reason>").
Status check_auxpow(const AuxPow& auxpow, const Hash256& aux_hash, std::uint32_t chain_id);
// The parent header's hash meets `bits` (negative or overflowing bits never do), like
// Alys's check_proof_of_work (no pow-limit check).
Status check_auxpow_pow(const AuxPow& auxpow, std::uint32_t bits);

// Alys's get_expected_index (differs from Namecoin's: reduces mod 2^h after each step).
std::uint64_t auxpow_expected_index(std::uint32_t nonce, std::uint32_t chain_id, unsigned height);

// Alys's AuxPow::aggregate_hash: SHA256d over the concatenated block hashes (natural order,
// no length prefix), committing to a bundle of unfinalized blocks.
Hash256 auxpow_aggregate_hash(std::span<const Hash256> block_hashes);

struct MergedMiningCommitment {
  Hash256 chain_root;  // natural byte order, as committed
  std::uint32_t merkle_size = 0;
  std::uint32_t merkle_nonce = 0;
};

// Alys's CoinbaseVout::parse_coinbase: the commitment to `chain_root` in coinbase output 2,
// else output 3. Errors: kCoinbaseOutputs or kMissingCommitment (see above).
AuxPowError find_merged_mining_commitment(const Transaction& coinbase, const Hash256& chain_root,
                                          MergedMiningCommitment& out);

// The 44-byte commitment script for `chain_root`.
Bytes merged_mining_commitment(const Hash256& chain_root, std::uint32_t merkle_size,
                               std::uint32_t merkle_nonce);

void write_auxpow(ByteWriter& w, const AuxPow& auxpow);
Bytes serialize_auxpow(const AuxPow& auxpow);
Result<AuxPow> read_auxpow(ByteReader& r);
Result<AuxPow> parse_auxpow(ByteView bytes);

// Builder for the simulated miner: a parent block whose coinbase commits to `aux_hash` for
// `chain_id` (single aux chain: empty chain branch), with `extra_parent_txids` after the
// coinbase in the parent block, and a parent nonce searched from 0 until the header meets
// `bits`. Deterministic. Errors: parent_chain_id == chain_id, unusable bits, or no nonce
// within `max_nonce_tries`.
struct AuxPowBuildParams {
  Hash256 aux_hash;
  std::uint32_t chain_id = 0;
  std::uint32_t parent_chain_id = 1;
  std::uint32_t bits = 0x207fffff;
  std::uint32_t parent_time = 0;
  Hash256 parent_prev_block;
  std::vector<Hash256> extra_parent_txids;
  std::uint64_t max_nonce_tries = 1u << 20;
};
Result<AuxPow> build_auxpow(const AuxPowBuildParams& params);

}  // namespace alys
