#include "core/sync/assume_valid.h"

#include <fmt/format.h>

#include <charconv>

#include "core/runtime/assert.h"

namespace alys::sync {

Result<AssumeValid> parse_assume_valid(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::invalid_argument("expected HEIGHT:HASH (a block height, ':', its 64-hex-digit hash)");
  }
  const std::string_view height_text = text.substr(0, colon);
  AssumeValid av;
  const auto [end, ec] =
      std::from_chars(height_text.data(), height_text.data() + height_text.size(), av.height);
  if (height_text.empty() || ec != std::errc{} || end != height_text.data() + height_text.size()) {
    return Status::invalid_argument(fmt::format("height: '{}' is not a number", height_text));
  }
  if (av.height == 0) return Status::invalid_argument("height: 0 is genesis: name a later block");
  auto hash = Hash256::from_hex(text.substr(colon + 1));
  if (!hash) return with_context("hash", hash.error());
  av.hash = *hash;
  return av;
}

std::uint64_t assume_valid_first_height(std::uint64_t head_height, const AssumeValid& anchor) {
  ALYS_ASSERT(head_height < anchor.height, "assume-valid: the head is already past the anchor");
  const std::uint64_t span_floor =
      anchor.height >= kMaxAssumeValidHeaders ? anchor.height - kMaxAssumeValidHeaders + 1 : 1;
  return std::max(head_height + 1, span_floor);
}

HeaderChainCheck::HeaderChainCheck(std::uint64_t first_height, AssumeValid anchor)
    : first_height_(first_height), anchor_(anchor) {
  ALYS_ASSERT(first_height >= 1 && first_height <= anchor.height,
              "HeaderChainCheck: first height outside 1..anchor");
  hashes_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(missing(), 1u << 20)));
}

Status HeaderChainCheck::add(std::span<const ConsensusHeader> headers) {
  for (const ConsensusHeader& h : headers) {
    const std::uint64_t expected = next_height();
    if (expected > anchor_.height) {
      return Status::invalid_argument(
          fmt::format("header h{}: past the assume-valid block at h{}", h.height, anchor_.height));
    }
    if (h.height != expected) {
      return Status::invalid_argument(
          fmt::format("header h{}: expected height {}", h.height, expected));
    }
    if (!hashes_.empty() && h.parent_hash != hashes_.back()) {
      return Status::invalid_argument(
          fmt::format("header h{}: its parent is not the header at h{}", h.height, expected - 1));
    }
    const Hash256 hash = header_hash(h);
    if (expected == anchor_.height && hash != anchor_.hash) {
      // Not provably the peer's fault: it may follow another chain, or the anchor is wrong.
      return Status::failed_precondition(
          fmt::format("header h{}: hash {} is not the assume-valid block {}", h.height,
                      hash.to_hex(), anchor_.hash.to_hex()));
    }
    hashes_.push_back(hash);
  }
  return Status::ok();
}

std::vector<Hash256> HeaderChainCheck::take_hashes() {
  ALYS_ASSERT(done(), "HeaderChainCheck: hashes taken before the chain reached the anchor");
  return std::move(hashes_);
}

}  // namespace alys::sync
