// ChainStore reads that walk the canonical index: load() (startup) and blocks_by_range().
#include <fmt/format.h>

#include <algorithm>

#include "core/chain/limits.h"
#include "core/storage/chain_keys.h"
#include "core/storage/chain_store.h"

namespace alys::storage {

namespace {

Status missing_height(std::uint64_t height, std::string_view why) {
  return Status::corruption(fmt::format("chain store: canonical height {}: missing ({})", height, why));
}

}  // namespace

Status ChainStore::load_canonical(const ChainPointer& head, LoadedChain& out) {
  std::unique_ptr<StorageIterator> it = storage_.iterate();
  if (!it) return Status::failed_precondition("chain store: storage cannot iterate");
  std::vector<SignedBlock>& blocks = out.blocks;
  std::vector<Hash256>& hashes = out.hashes;
  std::optional<std::uint64_t> prev_height;
  Hash256 prev_hash;
  for (it->seek(canonical_key(0)); it->valid() && it->key()[0] == kCanonicalPrefix; it->next()) {
    const std::optional<std::uint64_t> height = key_number(it->key(), kCanonicalPrefix);
    if (!height) {
      return Status::corruption(
          fmt::format("chain store: key {}: malformed index key", describe_key(it->key())));
    }
    if (*height > head.height) break;  // leftovers above head are not part of the chain
    if (!prev_height && *height > 1) return missing_height(0, "the index starts above it");
    if (prev_height && *height != *prev_height + 1) {
      return missing_height(*prev_height + 1, fmt::format("the index jumps to {}", *height));
    }
    Result<Hash256> hash = decode_hash_value(it->key(), it->value());
    if (!hash) return hash.error();
    Result<std::optional<SignedBlock>> block = this->block(*hash);
    if (!block) return with_context(block.error(), fmt::format("canonical height {}", *height));
    if (!block->has_value()) {
      return Status::corruption(fmt::format("chain store: canonical height {}: block {} missing",
                                            *height, hash->to_hex()));
    }
    const ConsensusBlock& b = (*block)->block;
    if (b.height != *height) {
      return Status::corruption(fmt::format(
          "chain store: canonical height {}: block {} claims height {}", *height, hash->to_hex(),
          b.height));
    }
    if (prev_height && b.parent_hash != prev_hash) {
      return Status::corruption(fmt::format(
          "chain store: canonical height {}: parent {} is not the canonical block {}", *height,
          b.parent_hash.to_hex(), prev_hash.to_hex()));
    }
    blocks.push_back(std::move(**block));
    hashes.push_back(*hash);  // this->block() checked the block hashes to it
    prev_height = *height;
    prev_hash = *hash;
  }
  if (!it->status().is_ok()) {
    return with_context(it->status(),
                        fmt::format("canonical height {}: scanning the index",
                                    prev_height ? *prev_height + 1 : 0));
  }
  if (!prev_height || *prev_height != head.height) {
    return missing_height(prev_height ? *prev_height + 1 : 0,
                          fmt::format("head is at height {}", head.height));
  }
  if (prev_hash != head.hash) {
    return Status::corruption(
        fmt::format("chain store: key m/head: names {} but canonical height {} is {}",
                    head.hash.to_hex(), head.height, prev_hash.to_hex()));
  }
  return Status::ok();
}

Result<LoadedChain> ChainStore::load() {
  LoadedChain out;
  Result<std::optional<ChainPointer>> head = this->head();
  if (!head) return head.error();
  Result<std::optional<ChainPointer>> fin = finalized();
  if (!fin) return fin.error();
  Result<std::optional<std::uint64_t>> signed_max = highest_signed_slot();
  if (!signed_max) return signed_max.error();
  out.head = *head;
  out.finalized = *fin;
  out.highest_signed_slot = *signed_max;
  if (!out.head) {
    if (out.finalized) {
      return Status::corruption("chain store: key m/final: set while m/head is absent");
    }
    return out;
  }
  if (Status s = load_canonical(*out.head, out); !s) return s;
  if (out.finalized) {
    const ChainPointer& f = *out.finalized;
    if (f.height < out.first_height() || f.height > out.head->height) {
      return Status::corruption(fmt::format(
          "chain store: key m/final: height {} is off the canonical chain [{}, {}]", f.height,
          out.first_height(), out.head->height));
    }
    Result<std::optional<Hash256>> at = canonical_hash(f.height);
    if (!at) return at.error();
    if (!at->has_value() || **at != f.hash) {
      return Status::corruption(fmt::format(
          "chain store: key m/final: names {} but canonical height {} is {}", f.hash.to_hex(),
          f.height, at->has_value() ? (*at)->to_hex() : std::string("absent")));
    }
  }
  return out;
}

Result<std::vector<SignedBlock>> ChainStore::blocks_by_range(std::uint64_t start_height,
                                                             std::uint32_t count) {
  std::vector<SignedBlock> out;
  count = std::min(count, limits::kMaxBlocksPerRange);
  if (count == 0) return out;
  Result<std::optional<ChainPointer>> head = this->head();
  if (!head) return head.error();
  if (!head->has_value() || start_height > (*head)->height) return out;
  // No overflow: both terms are <= head height - start_height.
  const std::uint64_t last =
      start_height + std::min<std::uint64_t>(count - 1, (*head)->height - start_height);
  for (std::uint64_t h = start_height; h <= last; ++h) {
    Result<std::optional<Hash256>> hash = canonical_hash(h);
    if (!hash) return hash.error();
    if (!hash->has_value()) break;  // a gap: serve the contiguous part
    Result<std::optional<SignedBlock>> block = this->block(**hash);
    if (!block) return with_context(block.error(), fmt::format("canonical height {}", h));
    if (!block->has_value()) {
      return Status::corruption(fmt::format("chain store: canonical height {}: block {} missing",
                                            h, (*hash)->to_hex()));
    }
    out.push_back(std::move(**block));
  }
  return out;
}

}  // namespace alys::storage
