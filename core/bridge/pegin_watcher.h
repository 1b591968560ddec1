// PegInWatcher: the bridge's view of Bitcoin for peg-ins, as pure state (no I/O). The
// BridgeActor feeds it blocks fetched over BitcoinRpc and persists its encoding.
//
// The view is a chain of Bitcoin block hashes from `start_height` up to the scanned tip
// (Alys scans from bitcoinStartHeight). A block must extend the scanned tip; when Bitcoin
// reorganised, the actor first rewinds the view to the fork point (`rewind_to`).
//
// Each peg-in (core/bitcoin/pegin.h: a transaction paying the federation with an OP_RETURN
// EVM address) is tracked by txid through these states:
//   kSeen        in a block of the view, not yet `required_confirmations` deep;
//   kConfirmed   deep enough: offered to the chain for minting (`mintable`). The first
//                time a txid becomes confirmed it is reported (returned by `advance`); if a
//                reorg orphans it and it confirms again elsewhere it is mintable again but
//                not reported again;
//   kMinted      the chain minted it (`mark_minted`);
//   kOrphaned    its block left the view before it was minted: never offered again unless
//                the transaction reappears in a block of the view (then kSeen again, with
//                the new block, and it must earn its confirmations again);
//   kFlagged     its block left the view AFTER it was minted: Bitcoin no longer holds the
//                deposit the chain minted. It stays flagged (checkers and operators see it).
// A txid is tracked once, whatever happens: a peg-in is never reported twice, and the
// encoding carries all of it, so the same holds across restarts.
//
// Limits: the view keeps at most kMaxViewBlocks hashes (older ones are dropped; a reorg
// deeper than that cannot be followed and `rewind_to` refuses it), and at most
// kMaxTrackedPegIns peg-ins (beyond that new ones are refused with an error, so nothing is
// silently forgotten).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "core/bitcoin/block.h"
#include "core/bitcoin/pegin.h"
#include "core/chain/block.h"
#include "core/execution/ledger_types.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys::bridge {

inline constexpr std::size_t kMaxViewBlocks = 4096;
inline constexpr std::size_t kMaxTrackedPegIns = 1u << 20;

enum class PegInState : std::uint8_t {
  kSeen = 1,
  kConfirmed = 2,
  kMinted = 3,
  kOrphaned = 4,
  kFlagged = 5,
};
std::string_view pegin_state_name(PegInState s);

struct TrackedPegIn {
  PegIn pegin;
  Hash256 block_hash;          // the block of the view that holds it (last one seen)
  std::uint64_t height = 0;    // that block's height
  PegInState state = PegInState::kSeen;
  bool reported = false;       // advance() returned it once
  friend bool operator==(const TrackedPegIn&, const TrackedPegIn&) = default;
};

class PegInWatcher {
 public:
  // Scanning starts at `start_height`; a peg-in needs `required_confirmations` (>= 1)
  // blocks: its own and those above it.
  PegInWatcher(ByteView federation_script_pubkey, std::uint64_t start_height,
               std::uint32_t required_confirmations);

  // The next height to fetch, and the hash the block there must build on (nullopt when
  // nothing has been scanned yet: any block at start_height is accepted).
  std::uint64_t next_height() const;
  std::optional<Hash256> tip_hash() const;
  // The hash of the view at `height`, if the view holds it.
  std::optional<Hash256> hash_at(std::uint64_t height) const;
  std::uint64_t lowest_height() const;  // the oldest height the view still holds

  // Adds the block at next_height(). Errors (kFailedPrecondition): it does not build on
  // tip_hash(); too many peg-ins tracked. Nothing changes on error.
  Status add_block(const Block& block);
  // Drops the view at and above `next` (so next_height() becomes `next`), orphaning or
  // flagging the peg-ins of the dropped blocks. Errors (kFailedPrecondition): `next` is
  // below lowest_height() (a reorg deeper than the view). A `next` at or above
  // next_height() changes nothing.
  Status truncate(std::uint64_t next);
  // truncate(height + 1): keeps the view up to and including `height`.
  Status rewind_to(std::uint64_t height) { return truncate(height + 1); }
  // The peg-ins that just became confirmed, in (height, txid) order. Confirmations count
  // the blocks of the view only (a block and those scanned above it): Bitcoin's tip beyond
  // what was scanned is not evidence yet. Each txid is returned at most once in the
  // watcher's life.
  std::vector<PegIn> advance();
  // Blocks of the view at and above the peg-in's block (0 if the view lost it).
  std::uint64_t confirmations(const TrackedPegIn& t) const;

  // The chain minted `txid` (a no-op for an unknown or already minted txid).
  void mark_minted(const Hash256& txid);
  // The peg-ins in `state`, in (height, txid) order.
  std::vector<TrackedPegIn> in_state(PegInState state) const;
  // Confirmed and not yet minted: what a proposer may include.
  std::vector<TrackedPegIn> mintable() const { return in_state(PegInState::kConfirmed); }
  // Flagged peg-ins (minted, then their block left Bitcoin's best chain).
  std::vector<TrackedPegIn> flagged() const { return in_state(PegInState::kFlagged); }
  const TrackedPegIn* find(const Hash256& txid) const;
  std::size_t tracked() const { return pegins_.size(); }
  const std::map<Hash256, TrackedPegIn>& all() const { return pegins_; }  // by txid

  // An importer's check of a peg-in a block claims: ok with what to mint if `ref` names a
  // confirmed (or minted) peg-in of the view in that block. kInvalidArgument if the view
  // holds that block and it has no such peg-in; kUnavailable if the view cannot tell yet
  // (block not scanned, not deep enough): ask again later.
  Result<PegInMint> verify(const PegInRef& ref) const;

  // Canonical, versioned encoding of the whole state (view, peg-ins, parameters);
  // decode() refuses anything else, naming the field, and parameters that differ from the
  // caller's (a changed federation or start height needs an explicit reset, not a merge).
  Bytes encode() const;
  static Result<PegInWatcher> decode(ByteView bytes, ByteView federation_script_pubkey,
                                     std::uint64_t start_height,
                                     std::uint32_t required_confirmations);

  friend bool operator==(const PegInWatcher&, const PegInWatcher&) = default;

 private:
  Bytes federation_script_;
  std::uint64_t start_height_;
  std::uint32_t required_confirmations_;
  std::uint64_t lowest_height_;         // height of view_.front()
  std::deque<Hash256> view_;            // view_[i] is the block at lowest_height_ + i
  std::map<Hash256, TrackedPegIn> pegins_;  // by txid
};

}  // namespace alys::bridge
