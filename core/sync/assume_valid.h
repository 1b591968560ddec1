// Assume-valid (Bitcoin Core's -assumevalid, for this chain): an operator names a block,
// by height and hash, that it vouches for. A node syncing below that block first fetches
// the block headers up to it and checks that they form one chain ending in it
// (HeaderChainCheck); the blocks of that chain are then imported without verifying their
// signatures (approvals and transfers), since the named hash already commits to every
// one of them. Everything else about them is still checked and executed: links,
// heights, slots, proposers, approval indices and quorum, AuxPoW, peg-ins, state roots.
// A block not on that chain (another branch, or above the named block) is verified as
// always. Without a peer that serves the chain, the node verifies everything.
//
// Why: a block of 10 transfers and one approval needs 11 BIP-340 verifications, ~0.35 ms
// of one core; that caps a full check at a few thousand blocks a second on two cores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/chain/block.h"
#include "core/runtime/status.h"
#include "core/types/hash256.h"

namespace alys::sync {

struct AssumeValid {
  std::uint64_t height = 0;  // >= 1
  Hash256 hash;
  friend bool operator==(const AssumeValid&, const AssumeValid&) = default;
};

// "HEIGHT:HASH" (decimal height >= 1, 64 hex digits). Errors (kInvalidArgument) say what
// is wrong with the text; the caller names the field.
Result<AssumeValid> parse_assume_valid(std::string_view text);

// Headers checked at most: the hashes kept cost 32 bytes per height (128 MB at the cap).
// A node further below the named block checks the last kMaxAssumeValidHeaders heights up
// to it and verifies the blocks before them in full.
inline constexpr std::uint64_t kMaxAssumeValidHeaders = 4'000'000;

// The first height a node whose head is at `head_height` checks headers from.
// REQUIRES: head_height < anchor.height.
std::uint64_t assume_valid_first_height(std::uint64_t head_height, const AssumeValid& anchor);

// Checks headers first_height..anchor.height as they arrive, in order and in pieces:
// each must be at the next height and name the previous one's hash as its parent; the
// one at anchor.height must hash to anchor.hash. Keeps only the hashes.
class HeaderChainCheck {
 public:
  // REQUIRES: 1 <= first_height <= anchor.height.
  HeaderChainCheck(std::uint64_t first_height, AssumeValid anchor);

  // Errors, naming the height: kInvalidArgument (the sender's fault) for a header not at
  // next_height(), one not linking to the header before it, or one past the anchor;
  // kFailedPrecondition for a chain that reaches the anchor's height with another hash
  // (another chain, or a wrong anchor). After an error the check is spent: start anew.
  Status add(std::span<const ConsensusHeader> headers);
  std::uint64_t next_height() const { return first_height_ + hashes_.size(); }
  // Headers still missing (0 once done()).
  std::uint64_t missing() const { return anchor_.height + 1 - next_height(); }
  bool done() const { return missing() == 0; }
  std::uint64_t first_height() const { return first_height_; }
  // REQUIRES: done(). The hashes of heights first_height()..anchor.height, in order.
  std::vector<Hash256> take_hashes();

 private:
  std::uint64_t first_height_;
  AssumeValid anchor_;
  std::vector<Hash256> hashes_;
};

}  // namespace alys::sync
