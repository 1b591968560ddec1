#include "core/bridge/pegin_watcher.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "core/bitcoin/serialize.h"
#include "core/runtime/assert.h"

namespace alys::bridge {

namespace {

constexpr std::uint8_t kEncodingVersion = 1;
// Bytes one encoded peg-in takes: txid, vout, amount, address, block hash, height, state,
// reported.
constexpr std::size_t kPegInBytes = 32 + 4 + 8 + 20 + 32 + 8 + 1 + 1;

std::string short_txid(const Hash256& txid) { return txid.to_display_hex().substr(0, 16); }

bool by_height_then_txid(const TrackedPegIn& a, const TrackedPegIn& b) {
  return std::tie(a.height, a.pegin.txid) < std::tie(b.height, b.pegin.txid);
}

}  // namespace

std::string_view pegin_state_name(PegInState s) {
  switch (s) {
    case PegInState::kSeen:
      return "seen";
    case PegInState::kConfirmed:
      return "confirmed";
    case PegInState::kMinted:
      return "minted";
    case PegInState::kOrphaned:
      return "orphaned";
    case PegInState::kFlagged:
      return "flagged";
  }
  return "unknown";
}

PegInWatcher::PegInWatcher(ByteView federation_script_pubkey, std::uint64_t start_height,
                           std::uint32_t required_confirmations)
    : federation_script_(federation_script_pubkey.begin(), federation_script_pubkey.end()),
      start_height_(start_height),
      required_confirmations_(required_confirmations),
      lowest_height_(start_height) {
  ALYS_ASSERT(required_confirmations_ >= 1, "PegInWatcher: required_confirmations must be >= 1");
}

std::uint64_t PegInWatcher::next_height() const { return lowest_height_ + view_.size(); }

std::optional<Hash256> PegInWatcher::tip_hash() const {
  if (view_.empty()) return std::nullopt;
  return view_.back();
}

std::optional<Hash256> PegInWatcher::hash_at(std::uint64_t height) const {
  if (height < lowest_height_ || height >= next_height()) return std::nullopt;
  return view_[height - lowest_height_];
}

std::uint64_t PegInWatcher::lowest_height() const { return lowest_height_; }

std::uint64_t PegInWatcher::confirmations(const TrackedPegIn& t) const {
  return next_height() > t.height ? next_height() - t.height : 0;
}

Status PegInWatcher::add_block(const Block& block) {
  const Hash256 hash = alys::block_hash(block.header);
  if (!view_.empty() && block.header.prev_block != view_.back()) {
    return Status::failed_precondition(
        fmt::format("bridge: block {} at height {} does not build on {}",
                    hash.to_display_hex().substr(0, 16), next_height(),
                    view_.back().to_display_hex().substr(0, 16)));
  }
  const std::uint64_t height = next_height();
  std::vector<PegIn> found;
  for (const Transaction& tx : block.transactions) {
    if (tx.is_coinbase()) continue;
    Result<PegIn> p = parse_pegin(tx, federation_script_);
    if (p) found.push_back(*p);
  }
  std::size_t fresh = 0;
  for (const PegIn& p : found) fresh += pegins_.count(p.txid) == 0 ? 1 : 0;
  if (pegins_.size() + fresh > kMaxTrackedPegIns) {
    return Status::failed_precondition(
        fmt::format("bridge: more than {} peg-ins tracked", kMaxTrackedPegIns));
  }
  for (const PegIn& p : found) {
    auto [it, inserted] = pegins_.try_emplace(p.txid, TrackedPegIn{p, hash, height});
    if (inserted) continue;
    TrackedPegIn& t = it->second;
    // Back in a block of the view after a reorg dropped it: it earns its confirmations
    // again there. A flagged one keeps its flag (the chain minted it while Bitcoin did not
    // hold it); it only records where the deposit is now.
    if (t.state == PegInState::kOrphaned || t.state == PegInState::kFlagged) {
      t.block_hash = hash;
      t.height = height;
      if (t.state == PegInState::kOrphaned) t.state = PegInState::kSeen;
    }
  }
  view_.push_back(hash);
  if (view_.size() > kMaxViewBlocks) {
    view_.pop_front();
    ++lowest_height_;
  }
  return Status::ok();
}

Status PegInWatcher::truncate(std::uint64_t next) {
  if (next < lowest_height_) {
    return Status::failed_precondition(
        fmt::format("bridge: cannot drop the view from height {}: it only goes back to {}",
                    next, lowest_height_));
  }
  if (next >= next_height()) return Status::ok();
  while (next_height() > next) view_.pop_back();
  for (auto& [txid, t] : pegins_) {
    if (t.height < next) continue;
    switch (t.state) {
      case PegInState::kSeen:
      case PegInState::kConfirmed:
        t.state = PegInState::kOrphaned;
        break;
      case PegInState::kMinted:
        t.state = PegInState::kFlagged;
        break;
      case PegInState::kOrphaned:
      case PegInState::kFlagged:
        break;
    }
  }
  return Status::ok();
}

std::vector<PegIn> PegInWatcher::advance() {
  std::vector<TrackedPegIn> newly;
  for (auto& [txid, t] : pegins_) {
    if (t.state != PegInState::kSeen) continue;
    if (confirmations(t) < required_confirmations_) continue;
    t.state = PegInState::kConfirmed;
    if (t.reported) continue;
    t.reported = true;
    newly.push_back(t);
  }
  std::sort(newly.begin(), newly.end(), by_height_then_txid);
  std::vector<PegIn> out;
  out.reserve(newly.size());
  for (const TrackedPegIn& t : newly) out.push_back(t.pegin);
  return out;
}

void PegInWatcher::mark_minted(const Hash256& txid) {
  auto it = pegins_.find(txid);
  if (it == pegins_.end()) return;
  TrackedPegIn& t = it->second;
  switch (t.state) {
    case PegInState::kSeen:
    case PegInState::kConfirmed:
      t.state = PegInState::kMinted;
      break;
    case PegInState::kOrphaned:
      t.state = PegInState::kFlagged;  // minted while this view no longer holds it
      break;
    case PegInState::kMinted:
    case PegInState::kFlagged:
      break;
  }
}

std::vector<TrackedPegIn> PegInWatcher::in_state(PegInState state) const {
  std::vector<TrackedPegIn> out;
  for (const auto& [txid, t] : pegins_) {
    if (t.state == state) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), by_height_then_txid);
  return out;
}

const TrackedPegIn* PegInWatcher::find(const Hash256& txid) const {
  auto it = pegins_.find(txid);
  return it == pegins_.end() ? nullptr : &it->second;
}

Result<PegInMint> PegInWatcher::verify(const PegInRef& ref) const {
  const TrackedPegIn* t = find(ref.txid);
  if (t != nullptr && t->block_hash == ref.block_hash && hash_at(t->height) == ref.block_hash) {
    if (t->state == PegInState::kConfirmed || t->state == PegInState::kMinted) {
      return PegInMint{t->pegin.txid, t->pegin.evm_address, t->pegin.amount_sat};
    }
    return Status::unavailable(fmt::format("peg-in {}: {} confirmation(s) of {} so far",
                                           short_txid(ref.txid), confirmations(*t),
                                           required_confirmations_));
  }
  if (std::find(view_.begin(), view_.end(), ref.block_hash) != view_.end()) {
    return Status::invalid_argument(fmt::format("peg-in {}: not a peg-in of block {}",
                                                short_txid(ref.txid),
                                                ref.block_hash.to_display_hex().substr(0, 16)));
  }
  return Status::unavailable(fmt::format("peg-in {}: block {} not on this node's Bitcoin view",
                                         short_txid(ref.txid),
                                         ref.block_hash.to_display_hex().substr(0, 16)));
}

Bytes PegInWatcher::encode() const {
  ByteWriter w(64 + federation_script_.size() + 32 * view_.size() + kPegInBytes * pegins_.size());
  w.u8(kEncodingVersion);
  w.var_bytes(federation_script_);
  w.u64le(start_height_);
  w.u32le(required_confirmations_);
  w.u64le(lowest_height_);
  w.compact_size(view_.size());
  for (const Hash256& h : view_) w.hash(h);
  w.compact_size(pegins_.size());
  for (const auto& [txid, t] : pegins_) {
    w.hash(t.pegin.txid);
    w.u32le(t.pegin.vout);
    w.i64le(t.pegin.amount_sat);
    w.bytes(ByteView(t.pegin.evm_address.data(), t.pegin.evm_address.size()));
    w.hash(t.block_hash);
    w.u64le(t.height);
    w.u8(static_cast<std::uint8_t>(t.state));
    w.u8(t.reported ? 1 : 0);
  }
  return w.take();
}

Result<PegInWatcher> PegInWatcher::decode(ByteView bytes, ByteView federation_script_pubkey,
                                          std::uint64_t start_height,
                                          std::uint32_t required_confirmations) {
  auto fail = [](const Status& s) { return with_context("bridge state", s); };
  ByteReader r(bytes);
  auto version = r.u8("version");
  if (!version) return fail(version.error());
  if (*version != kEncodingVersion) {
    return Status::invalid_argument(fmt::format("bridge state: version: unsupported {}", *version));
  }
  auto script = r.var_bytes("federation script", 10'000);
  if (!script) return fail(script.error());
  auto start = r.u64le("start height");
  if (!start) return fail(start.error());
  auto confirmations = r.u32le("required confirmations");
  if (!confirmations) return fail(confirmations.error());
  if (!std::equal(script->begin(), script->end(), federation_script_pubkey.begin(),
                  federation_script_pubkey.end()) ||
      *start != start_height || *confirmations != required_confirmations) {
    return Status::failed_precondition(
        "bridge state: stored for another federation, start height or confirmation count");
  }
  PegInWatcher out(federation_script_pubkey, start_height, required_confirmations);
  auto lowest = r.u64le("lowest height");
  if (!lowest) return fail(lowest.error());
  if (*lowest < start_height) {
    return Status::invalid_argument("bridge state: lowest height: below the start height");
  }
  out.lowest_height_ = *lowest;
  auto view_count = r.count("view count", 32, kMaxViewBlocks);
  if (!view_count) return fail(view_count.error());
  for (std::uint64_t i = 0; i < *view_count; ++i) {
    auto h = r.hash("view hash");
    if (!h) return fail(h.error());
    out.view_.push_back(*h);
  }
  auto pegin_count = r.count("peg-in count", kPegInBytes, kMaxTrackedPegIns);
  if (!pegin_count) return fail(pegin_count.error());
  for (std::uint64_t i = 0; i < *pegin_count; ++i) {
    TrackedPegIn t;
    auto txid = r.hash("peg-in txid");
    if (!txid) return fail(txid.error());
    auto vout = r.u32le("peg-in vout");
    if (!vout) return fail(vout.error());
    auto amount = r.i64le("peg-in amount");
    if (!amount) return fail(amount.error());
    auto address = r.take(20, "peg-in address");
    if (!address) return fail(address.error());
    auto block = r.hash("peg-in block");
    if (!block) return fail(block.error());
    auto height = r.u64le("peg-in height");
    if (!height) return fail(height.error());
    auto state = r.u8("peg-in state");
    if (!state) return fail(state.error());
    if (*state < static_cast<std::uint8_t>(PegInState::kSeen) ||
        *state > static_cast<std::uint8_t>(PegInState::kFlagged)) {
      return Status::invalid_argument(fmt::format("bridge state: peg-in state: unknown {}", *state));
    }
    t.pegin.txid = *txid;
    t.pegin.vout = *vout;
    t.pegin.amount_sat = *amount;
    std::copy(address->begin(), address->end(), t.pegin.evm_address.begin());
    auto reported = r.u8("peg-in reported");
    if (!reported) return fail(reported.error());
    if (*reported > 1) {
      return Status::invalid_argument(
          fmt::format("bridge state: peg-in reported: not a flag ({})", *reported));
    }
    t.block_hash = *block;
    t.height = *height;
    t.state = static_cast<PegInState>(*state);
    t.reported = *reported == 1;
    // Canonical: in txid order, as encode() writes them (so also never twice).
    if (!out.pegins_.empty() && !(out.pegins_.rbegin()->first < t.pegin.txid)) {
      return Status::invalid_argument("bridge state: peg-in txid: out of order");
    }
    out.pegins_.emplace_hint(out.pegins_.end(), t.pegin.txid, t);
  }
  if (Status s = r.expect_end("bridge state"); !s) return s;
  return out;
}

}  // namespace alys::bridge
