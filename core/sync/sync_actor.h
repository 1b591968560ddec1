// SyncActor: catching up with peers (Alys app/src/network/ + chain sync; eth2-style
// Status / BlocksByRange).
//
// Peers report their head in StatusMessage (asked on handshake and every status_interval).
// When the best peer's head is above ours, the actor downloads the missing heights in
// ranges of `range_blocks`, up to `parallel_ranges` at once, each from a different peer
// whose head covers it (round robin), with a per-range timeout. A range that times out, or
// whose peer goes away, is asked again from another peer (the slow peer is penalized); a
// short answer is completed by a new request for the rest. A range no peer can serve right
// now (its only peer went away) waits, unassigned, and is asked again first once a peer
// covers it: a lost range would stall the import forever. Ranges are handed to the chain
// actor strictly in height order (a reorder buffer holds early arrivals), one batch at a
// time. A batch the chain refuses (e.g. we were on a fork) restarts the download from just
// above our finalized height: the fork point is never below finality.
//
// Assume-valid (core/sync/assume_valid.h): with config.assume_valid set and our head
// below it, once a peer's head reaches it the actor first fetches the headers from our
// head up to it, from one peer at a time, in HeadersByRange requests, checking them as
// they come (HeaderChainCheck); block ranges wait meanwhile. A chain that checks out goes
// to the chain actor (AssumeValidHashes) and the download goes on; a peer whose headers
// do not check out is penalized and another one asked; after kHeaderAttemptsMax failed
// attempts the node verifies every block instead. Blocks at or below the checked range
// are not handed to the pre-verifier: their signatures will not be checked.
//
// SyncState (the seed's): kIdle (no peers), kDiscovering (waiting for statuses),
// kSyncing (downloading), kSynced (no peer is ahead). SyncProgress is the queryable view.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/actor/actor.h"
#include "core/chain/chain_actor.h"
#include "core/network/messages.h"
#include "core/sync/assume_valid.h"

namespace alys::sync {

enum class SyncState : std::uint8_t { kIdle, kDiscovering, kSyncing, kSynced };
std::string_view sync_state_name(SyncState s);

struct SyncProgress {
  SyncState state = SyncState::kIdle;
  std::uint64_t head_height = 0;
  std::uint64_t target_height = 0;
  std::uint64_t blocks_imported = 0;  // by sync, this incarnation
  std::uint32_t peers = 0;
  std::uint32_t ranges_in_flight = 0;
  std::uint64_t range_retries = 0;
};

struct PeerReady {
  NodeId peer;
};
struct PeerGone {
  NodeId peer;
};
struct PeerStatus {
  NodeId peer;
  StatusMessage status;
};
struct RangeResponse {
  NodeId peer;
  BlocksByRangeResponse response;
};
struct BehindHint {
  NodeId peer;
};
struct LocalStatus {
  StatusMessage status;
};
struct BatchImported {
  std::uint64_t import_id = 0;  // answers that import; a stale one (given up on) is ignored
  std::uint64_t start_height = 0;
  Result<std::uint64_t> head_height;
};
struct RangeTimeout {
  std::uint64_t request_id = 0;
};
struct HeadersResponse {
  NodeId peer;
  HeadersByRangeResponse response;
};
struct HeadersTimeout {
  std::uint64_t request_id = 0;
};
struct SyncTick {};
struct GetProgress {
  std::function<void(SyncProgress)> done;
};
struct SyncCrashForTest {};

using SyncMsg = std::variant<PeerReady, PeerGone, PeerStatus, RangeResponse, BehindHint,
                             LocalStatus, BatchImported, RangeTimeout, SyncTick, GetProgress,
                             SyncCrashForTest, HeadersResponse, HeadersTimeout>;

struct SyncRoutes {
  std::function<void(NodeId, WireMessage)> send;
  std::function<void(NodeId, int points, std::string reason)> penalize;
  // Optional (the real node's signature pre-verifier; empty in the simulator): called in
  // the handler with each run of blocks a peer answered, in height order, as soon as it
  // arrives and before any of it goes to the chain. It only reads the blocks; whatever it
  // does elsewhere may change what the import costs, never its outcome.
  std::function<void(std::span<const SignedBlock>)> pre_verify;
};

struct SyncConfig {
  std::uint32_t range_blocks = 128;  // <= limits::kMaxBlocksPerRange
  std::uint32_t parallel_ranges = 4;
  Duration range_timeout = 5s;
  Duration status_interval = 10s;  // gossip reveals lag sooner (orphans); this is the backstop
  std::size_t buffered_blocks_max = 4096;  // reorder buffer bound
  // A batch the chain has not answered for this long is given up (checked each status
  // tick): the chain actor restarted with it, and its answer will never come.
  Duration import_timeout = 30s;
  // The block the operator vouches for (assume_valid.h); none: every block is verified.
  std::optional<AssumeValid> assume_valid;
};

// Header chains asked for at most, per assume-valid block and incarnation, before the node
// gives up on it and verifies every block.
inline constexpr std::uint32_t kHeaderAttemptsMax = 3;

class SyncActor final : public actor::Actor<SyncMsg> {
 public:
  SyncActor(SyncConfig config, SyncRoutes routes, actor::ActorRef<chain::ChainMsg> chain)
      : config_(config), routes_(std::move(routes)), chain_(std::move(chain)) {}

  Status pre_start() override;
  Status receive(SyncMsg& message) override;
  // For tests and metrics on a single-threaded runtime (the actor's strand otherwise).
  SyncProgress progress() const;
  // Peers with a range request in flight, in id order (tests: "kill the server").
  std::vector<NodeId> serving_peers() const;
  // A batch handed to the chain actor still awaits its answer (tests).
  bool importing() const { return importing_; }

 private:
  struct Peer {
    std::optional<StatusMessage> status;
    std::uint32_t in_flight = 0;
  };
  struct Range {
    std::uint64_t start = 0;
    std::uint32_t count = 0;
    NodeId peer;
    TimerId timer;
  };

  Status on_status(const PeerStatus& m);
  // Assume-valid: true while the header chain is being fetched (block ranges wait).
  bool fetching_headers();
  Status on_headers(HeadersResponse& m);
  void headers_failed(std::optional<NodeId> penalize, const std::string& why);
  Status on_response(RangeResponse& m);
  Status on_timeout(const RangeTimeout& m);
  Status on_imported(const BatchImported& m);
  void on_peer_gone(NodeId peer);
  void refresh_local();
  void schedule();
  std::optional<NodeId> pick_peer(std::uint64_t range_end, std::optional<NodeId> avoid);
  void request(std::uint64_t start, std::uint32_t count, std::optional<NodeId> avoid);
  void import_next();
  void restart_from_finalized();
  std::uint64_t best_peer_height() const;

  SyncConfig config_;
  SyncRoutes routes_;
  actor::ActorRef<chain::ChainMsg> chain_;
  std::map<NodeId, Peer> peers_;
  std::optional<StatusMessage> local_;
  std::map<std::uint64_t, Range> in_flight_;                // by request id
  std::map<std::uint64_t, std::vector<SignedBlock>> ready_;  // by start height
  std::map<std::uint64_t, std::uint32_t> unassigned_;        // start -> count: no peer yet
  std::size_t buffered_ = 0;
  std::uint64_t next_request_height_ = 0;  // next height not yet requested
  std::uint64_t next_import_height_ = 0;   // next height to hand to the chain
  bool importing_ = false;
  std::uint64_t import_id_ = 0;  // of the batch in the chain's hands
  Instant import_started_{};
  std::uint64_t next_request_id_ = 1;
  std::uint64_t rr_ = 0;  // round-robin cursor over peers
  std::uint64_t blocks_imported_ = 0;
  std::uint64_t retries_ = 0;
  // Assume-valid: the check in progress, its request, and how it ended.
  std::optional<HeaderChainCheck> headers_;
  std::optional<std::uint64_t> headers_request_;
  NodeId headers_peer_ = kNoNode;
  TimerId headers_timer_{};
  std::uint32_t header_attempts_ = 0;
  bool assume_valid_settled_ = false;  // the hashes went to the chain, or we gave up
  std::uint64_t assumed_valid_top_ = 0;  // the highest height the chain skips checks at
};

}  // namespace alys::sync
