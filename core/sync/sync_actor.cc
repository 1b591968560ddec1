#include "core/sync/sync_actor.h"

#include <algorithm>
#include <set>

#include "core/chain/limits.h"
#include "core/runtime/env.h"

namespace alys::sync {

namespace {
constexpr int kPenaltySlowRange = 5;
constexpr int kPenaltyBadRange = 20;
}  // namespace

std::string_view sync_state_name(SyncState s) {
  switch (s) {
    case SyncState::kIdle: return "idle";
    case SyncState::kDiscovering: return "discovering";
    case SyncState::kSyncing: return "syncing";
    case SyncState::kSynced: return "synced";
  }
  return "?";
}

Status SyncActor::pre_start() {
  ALYS_ASSERT(config_.range_blocks > 0 && config_.range_blocks <= limits::kMaxBlocksPerRange,
              "sync: range_blocks out of bounds");
  start_timer(config_.status_interval, SyncTick{});
  refresh_local();
  return Status::ok();
}

Status SyncActor::receive(SyncMsg& message) {
  if (auto* m = std::get_if<PeerReady>(&message)) {
    peers_[m->peer];
    if (routes_.send) routes_.send(m->peer, WireMessage{StatusRequest{}});
    return Status::ok();
  }
  if (auto* m = std::get_if<PeerGone>(&message)) {
    on_peer_gone(m->peer);
    return Status::ok();
  }
  if (auto* m = std::get_if<PeerStatus>(&message)) return on_status(*m);
  if (auto* m = std::get_if<RangeResponse>(&message)) return on_response(*m);
  if (auto* m = std::get_if<BehindHint>(&message)) {
    // A block just came from this peer, so it is connected even if we never heard its
    // PeerReady: a restarted sync actor (its network actor kept running) learns its peers
    // again this way, or it would never sync again.
    peers_[m->peer];
    if (routes_.send) routes_.send(m->peer, WireMessage{StatusRequest{}});
    return Status::ok();
  }
  if (auto* m = std::get_if<LocalStatus>(&message)) {
    local_ = m->status;
    schedule();
    return Status::ok();
  }
  if (auto* m = std::get_if<BatchImported>(&message)) return on_imported(*m);
  if (auto* m = std::get_if<RangeTimeout>(&message)) return on_timeout(*m);
  if (std::holds_alternative<SyncTick>(message)) {
    start_timer(config_.status_interval, SyncTick{});
    if (importing_ && env().clock().now() - import_started_ > config_.import_timeout) {
      // The chain actor lost the batch (it restarted): fetch again from finality.
      ALYS_LOG(env().log(), kWarn, "sync: the chain did not answer a batch from h{} in {}; restarting the download",
               next_import_height_, format_duration(config_.import_timeout));
      importing_ = false;
      restart_from_finalized();
    }
    for (const auto& [peer, state] : peers_) {
      if (routes_.send) routes_.send(peer, WireMessage{StatusRequest{}});
    }
    refresh_local();
    return Status::ok();
  }
  if (auto* m = std::get_if<GetProgress>(&message)) {
    if (m->done) m->done(progress());
    return Status::ok();
  }
  if (auto* m = std::get_if<HeadersResponse>(&message)) return on_headers(*m);
  if (auto* m = std::get_if<HeadersTimeout>(&message)) {
    if (headers_request_ != m->request_id) return Status::ok();
    headers_request_.reset();
    headers_failed(headers_peer_, "sync: headers_by_range timed out");
    return Status::ok();
  }
  return Status::failed_precondition("sync: crash requested by test hook");
}

void SyncActor::refresh_local() {
  auto self_ref = self();
  (void)tell(chain_, chain::GetStatus{[self_ref](StatusMessage s) {
    (void)self_ref.tell(LocalStatus{s});
  }});
}

Status SyncActor::on_status(const PeerStatus& m) {
  if (local_ && m.status.genesis != local_->genesis) {
    if (routes_.penalize) routes_.penalize(m.peer, kPenaltyBadRange, "sync: status: other genesis");
    return Status::ok();
  }
  peers_[m.peer].status = m.status;
  if (local_ && m.status.head_height > local_->head_height) refresh_local();
  schedule();
  return Status::ok();
}

std::uint64_t SyncActor::best_peer_height() const {
  std::uint64_t best = 0;
  for (const auto& [peer, state] : peers_) {
    if (state.status) best = std::max(best, state.status->head_height);
  }
  return best;
}

void SyncActor::schedule() {
  if (!local_) return;
  const std::uint64_t target = best_peer_height();
  if (target <= local_->head_height && in_flight_.empty() && ready_.empty() && !importing_) {
    next_request_height_ = next_import_height_ = 0;  // synced: restart cleanly next time
    unassigned_.clear();
    return;
  }
  if (fetching_headers()) return;
  if (next_import_height_ == 0) {
    next_import_height_ = next_request_height_ = local_->head_height + 1;
  }
  // Ranges that lost their peer first: the import waits for them.
  for (auto it = unassigned_.begin();
       it != unassigned_.end() && in_flight_.size() < config_.parallel_ranges;) {
    const auto [start, count] = *it;
    if (!pick_peer(start, std::nullopt)) break;  // nobody has even its start yet
    it = unassigned_.erase(it);
    request(start, count, std::nullopt);
  }
  while (in_flight_.size() < config_.parallel_ranges && next_request_height_ <= target &&
         buffered_ < config_.buffered_blocks_max) {
    const std::uint64_t left = target - next_request_height_ + 1;
    const auto count = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, config_.range_blocks));
    const std::uint64_t start = next_request_height_;
    if (!pick_peer(start + count - 1, std::nullopt)) break;
    request(start, count, std::nullopt);
    next_request_height_ += count;
  }
}

bool SyncActor::fetching_headers() {
  if (!config_.assume_valid || assume_valid_settled_) return false;
  const AssumeValid& anchor = *config_.assume_valid;
  if (local_->head_height >= anchor.height) {
    assume_valid_settled_ = true;  // nothing below it is left to import
    return false;
  }
  if (headers_request_) return true;
  // Only a peer that has the block can serve the chain up to it; until one does, blocks
  // come (and are verified) as usual.
  const std::optional<NodeId> avoid =
      headers_peer_ == kNoNode ? std::nullopt : std::optional<NodeId>(headers_peer_);
  std::optional<NodeId> peer = pick_peer(anchor.height, avoid);
  if (!peer) return headers_.has_value();
  if (!headers_) {
    headers_.emplace(assume_valid_first_height(local_->head_height, anchor), anchor);
    ALYS_LOG(env().log(), kInfo, "sync: checking the headers h{}..h{} up to the assume-valid block {}",
             headers_->first_height(), anchor.height, anchor.hash.to_hex().substr(0, 12));
  }
  const std::uint64_t id = next_request_id_++;
  const auto count = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(headers_->missing(), limits::kMaxHeadersPerRange));
  headers_request_ = id;
  headers_peer_ = *peer;
  headers_timer_ = start_timer(config_.range_timeout, HeadersTimeout{id});
  if (routes_.send) {
    routes_.send(*peer, WireMessage{HeadersByRangeRequest{id, headers_->next_height(), count}});
  }
  return true;
}

Status SyncActor::on_headers(HeadersResponse& m) {
  if (!headers_request_ || m.response.request_id != *headers_request_ || m.peer != headers_peer_) {
    return Status::ok();  // late, or not ours
  }
  headers_request_.reset();
  (void)cancel_timer(headers_timer_);
  if (m.response.headers.empty()) {
    // The peer no longer has that chain (it reorged, or lost its blocks): not its fault.
    headers_failed(std::nullopt, "sync: headers_by_range: the peer has none");
    return Status::ok();
  }
  if (Status s = headers_->add(m.response.headers); !s) {
    const bool peer_fault = s.code() == StatusCode::kInvalidArgument;
    headers_failed(peer_fault ? std::optional<NodeId>(m.peer) : std::nullopt,
                   "sync: headers_by_range: " + s.message());
    return Status::ok();
  }
  if (headers_->done()) {
    const std::uint64_t first = headers_->first_height();
    std::vector<Hash256> hashes = headers_->take_hashes();
    headers_.reset();
    assume_valid_settled_ = true;
    assumed_valid_top_ = config_.assume_valid->height;
    ALYS_LOG(env().log(), kInfo,
             "sync: headers h{}..h{} lead to the assume-valid block: their blocks' signatures "
             "will not be verified", first, assumed_valid_top_);
    (void)tell(chain_, chain::AssumeValidHashes{first, std::move(hashes)});
  }
  schedule();
  return Status::ok();
}

void SyncActor::headers_failed(std::optional<NodeId> penalize, const std::string& why) {
  if (penalize && routes_.penalize) routes_.penalize(*penalize, kPenaltyBadRange, why);
  headers_.reset();
  if (++header_attempts_ >= kHeaderAttemptsMax) {
    assume_valid_settled_ = true;
    ALYS_LOG(env().log(), kWarn,
             "sync: {} (attempt {} of {}); giving up on the assume-valid block: verifying every block",
             why, header_attempts_, kHeaderAttemptsMax);
  } else {
    ALYS_LOG(env().log(), kInfo, "sync: {} (attempt {} of {}); asking another peer", why,
             header_attempts_, kHeaderAttemptsMax);
  }
  schedule();
}

std::optional<NodeId> SyncActor::pick_peer(std::uint64_t range_end, std::optional<NodeId> avoid) {
  std::vector<NodeId> able;
  for (const auto& [peer, state] : peers_) {
    if (avoid && peer == *avoid) continue;
    if (state.status && state.status->head_height >= range_end) able.push_back(peer);
  }
  if (able.empty() && avoid) return pick_peer(range_end, std::nullopt);
  if (able.empty()) return std::nullopt;
  // Least loaded first, round robin among equals.
  std::uint32_t least = UINT32_MAX;
  for (NodeId p : able) least = std::min(least, peers_[p].in_flight);
  std::vector<NodeId> best;
  for (NodeId p : able) {
    if (peers_[p].in_flight == least) best.push_back(p);
  }
  return best[rr_++ % best.size()];
}

void SyncActor::request(std::uint64_t start, std::uint32_t count, std::optional<NodeId> avoid) {
  auto peer = pick_peer(start + count - 1, avoid);
  if (!peer) peer = pick_peer(start, avoid);
  if (!peer) {
    // Planted bug (core/runtime/planted.h): sync-stall-on-disconnect, the defect fixed by
    // 1e928c1. The range is dropped ("the next status round re-plans") although
    // next_request_height_ is already past it: nobody ever asks for it again, so the
    // import waits at its start forever.
    if (planted(env(), PlantedBug::kSyncStallOnDisconnect)) return;
    unassigned_[start] = count;  // schedule() asks again once a peer has it
    return;
  }
  const std::uint64_t id = next_request_id_++;
  Range range{start, count, *peer, start_timer(config_.range_timeout, RangeTimeout{id})};
  in_flight_[id] = range;
  ++peers_[*peer].in_flight;
  if (routes_.send) routes_.send(*peer, WireMessage{BlocksByRangeRequest{id, start, count}});
}

Status SyncActor::on_response(RangeResponse& m) {
  auto it = in_flight_.find(m.response.request_id);
  if (it == in_flight_.end() || it->second.peer != m.peer) return Status::ok();  // late
  const Range range = it->second;
  in_flight_.erase(it);
  (void)cancel_timer(range.timer);
  if (peers_.count(m.peer) != 0 && peers_[m.peer].in_flight > 0) --peers_[m.peer].in_flight;
  std::vector<SignedBlock>& blocks = m.response.blocks;
  // Keep the in-order prefix that matches the request; anything else is the peer's fault.
  std::size_t good = 0;
  while (good < blocks.size() && good < range.count &&
         blocks[good].block.height == range.start + good) {
    ++good;
  }
  if (good < blocks.size() && routes_.penalize) {
    routes_.penalize(m.peer, kPenaltyBadRange, "sync: blocks_by_range: heights out of order");
  }
  blocks.resize(good);
  if (good > 0 && routes_.pre_verify) {
    // Blocks below the assume-valid block are imported without their signatures checked.
    const auto below = static_cast<std::size_t>(std::clamp<std::uint64_t>(
        assumed_valid_top_ >= range.start ? assumed_valid_top_ - range.start + 1 : 0, 0, good));
    if (below < good) routes_.pre_verify(std::span<const SignedBlock>(blocks).subspan(below));
  }
  if (good < range.count) {
    // Short answer: ask someone for the rest.
    ++retries_;
    request(range.start + good, static_cast<std::uint32_t>(range.count - good), m.peer);
  }
  if (good > 0) {
    buffered_ += good;
    ready_[range.start] = std::move(blocks);
  }
  import_next();
  schedule();
  return Status::ok();
}

Status SyncActor::on_timeout(const RangeTimeout& m) {
  auto it = in_flight_.find(m.request_id);
  if (it == in_flight_.end()) return Status::ok();
  const Range range = it->second;
  in_flight_.erase(it);
  if (peers_.count(range.peer) != 0 && peers_[range.peer].in_flight > 0) {
    --peers_[range.peer].in_flight;
  }
  if (routes_.penalize) routes_.penalize(range.peer, kPenaltySlowRange, "sync: range timed out");
  ++retries_;
  request(range.start, range.count, range.peer);
  return Status::ok();
}

void SyncActor::on_peer_gone(NodeId peer) {
  peers_.erase(peer);
  if (headers_request_ && headers_peer_ == peer) {
    headers_request_.reset();
    (void)cancel_timer(headers_timer_);
    headers_failed(std::nullopt, "sync: the peer serving headers went away");
  }
  std::vector<Range> lost;
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (it->second.peer == peer) {
      (void)cancel_timer(it->second.timer);
      lost.push_back(it->second);
      it = in_flight_.erase(it);
    } else {
      ++it;
    }
  }
  for (const Range& r : lost) {
    ++retries_;
    request(r.start, r.count, peer);
  }
}

void SyncActor::import_next() {
  if (importing_) return;
  auto it = ready_.find(next_import_height_);
  if (it == ready_.end()) return;
  std::vector<SignedBlock> blocks = std::move(it->second);
  ready_.erase(it);
  buffered_ -= blocks.size();
  const std::uint64_t start = next_import_height_;
  next_import_height_ += blocks.size();
  importing_ = true;
  import_started_ = env().clock().now();
  const std::uint64_t id = ++import_id_;
  auto self_ref = self();
  const NodeId from = kNoNode;
  (void)tell(chain_, chain::SyncedBlocks{from, std::move(blocks),
                                         [self_ref, id, start](Result<std::uint64_t> head) {
                                           (void)self_ref.tell(BatchImported{id, start, std::move(head)});
                                         }});
}

Status SyncActor::on_imported(const BatchImported& m) {
  if (!importing_ || m.import_id != import_id_) return Status::ok();  // given up on
  importing_ = false;
  if (!m.head_height) {
    restart_from_finalized();
    return Status::ok();
  }
  blocks_imported_ += next_import_height_ > m.start_height ? next_import_height_ - m.start_height : 0;
  if (local_) local_->head_height = m.head_height.value();
  import_next();
  schedule();
  if (in_flight_.empty() && ready_.empty() && !importing_) refresh_local();
  return Status::ok();
}

void SyncActor::restart_from_finalized() {
  // Our chain forked from the peers' above finality: fetch again from just above it.
  for (auto& [id, range] : in_flight_) (void)cancel_timer(range.timer);
  in_flight_.clear();
  for (auto& [peer, state] : peers_) state.in_flight = 0;
  ready_.clear();
  unassigned_.clear();
  buffered_ = 0;
  const std::uint64_t from = local_ ? local_->finalized_height + 1 : 1;
  next_import_height_ = next_request_height_ = from;
  refresh_local();
  schedule();
}

std::vector<NodeId> SyncActor::serving_peers() const {
  std::set<NodeId> out;
  for (const auto& [id, range] : in_flight_) out.insert(range.peer);
  return {out.begin(), out.end()};
}

SyncProgress SyncActor::progress() const {
  SyncProgress p;
  p.peers = static_cast<std::uint32_t>(peers_.size());
  p.head_height = local_ ? local_->head_height : 0;
  p.target_height = best_peer_height();
  p.blocks_imported = blocks_imported_;
  p.ranges_in_flight = static_cast<std::uint32_t>(in_flight_.size());
  p.range_retries = retries_;
  if (peers_.empty()) {
    p.state = SyncState::kIdle;
  } else if (p.target_height == 0 && !local_) {
    p.state = SyncState::kDiscovering;
  } else if (p.target_height > p.head_height || !in_flight_.empty() || importing_) {
    p.state = SyncState::kSyncing;
  } else {
    p.state = SyncState::kSynced;
  }
  return p;
}

}  // namespace alys::sync
