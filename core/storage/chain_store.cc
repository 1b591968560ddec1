// ChainStore writes and point reads. load() and range reads are in chain_load.cc.
#include "core/storage/chain_store.h"

#include <fmt/format.h>

#include <limits>

#include "core/chain/codec.h"
#include "core/storage/chain_keys.h"

namespace alys::storage {

// ----------------------------------------------------------------------------- writes

void ChainWrite::add_block(const SignedBlock& block, const Hash256& hash) {
  blocks.push_back(StoredBlock{hash, encode_signed_block(block)});
}

void ChainWrite::add_block(const SignedBlock& block) { add_block(block, block_hash(block.block)); }

Status ChainStore::write(const ChainWrite& write, bool sync) {
  ChainBatch batch;
  if (Status s = stage(write, batch); !s.is_ok()) return s;
  return commit(batch, sync);
}

Status ChainStore::stage(const ChainWrite& write, ChainBatch& batch) {
  // Read first, so that an error leaves `batch` untouched.
  std::vector<Bytes> truncated;
  if (write.truncate_canonical_above &&
      *write.truncate_canonical_above < std::numeric_limits<std::uint64_t>::max()) {
    const std::uint64_t above = *write.truncate_canonical_above;
    if (std::unique_ptr<StorageIterator> it = storage_.iterate()) {
      for (it->seek(canonical_key(above + 1)); it->valid() && it->key()[0] == kCanonicalPrefix;
           it->next()) {
        truncated.emplace_back(it->key().begin(), it->key().end());
      }
      if (!it->status().is_ok()) {
        return with_context(it->status(), fmt::format("scanning h/ above {}", above));
      }
    }
    for (auto h = batch.canonical_puts_.upper_bound(above); h != batch.canonical_puts_.end();) {
      truncated.push_back(canonical_key(*h));
      h = batch.canonical_puts_.erase(h);
    }
  }

  WriteBatch& b = batch.batch_;
  for (const StoredBlock& block : write.blocks) b.put(block_key(block.hash), block.bytes);
  for (const Bytes& key : truncated) b.del(key);
  for (const auto& [height, hash] : write.canonical) {
    b.put(canonical_key(height), hash.view());
    batch.canonical_puts_.insert(height);
  }
  if (write.head) b.put(as_bytes(kHeadKey), encode_pointer(*write.head));
  if (write.finalized) b.put(as_bytes(kFinalKey), encode_pointer(*write.finalized));
  if (write.snapshot) b.put(snapshot_key(write.snapshot->first), write.snapshot->second);
  return Status::ok();
}

Status ChainStore::commit(ChainBatch& batch, bool sync) {
  if (batch.empty() && !sync) return Status::ok();
  Status s = storage_.write(batch.write_batch(), WriteOptions{.sync = sync});
  if (!s.is_ok()) {
    return with_context(s, fmt::format("writing a batch of {} ops", batch.op_count()));
  }
  batch.clear();
  return Status::ok();
}

Status ChainStore::record_signature(std::uint64_t slot, const Hash256& hash, bool sync) {
  Result<std::optional<Hash256>> existing = signed_for_slot(slot);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    // Only record_signature writes "s" keys and it always syncs, so a stored entry is
    // already durable: the same hash again needs no write.
    if (**existing == hash) return Status::ok();
    return Status::failed_precondition(
        fmt::format("chain store: slot {} already signed for block {}, refusing {}", slot,
                    (*existing)->to_hex(), hash.to_hex()));
  }
  Result<std::optional<std::uint64_t>> highest = highest_signed_slot();
  if (!highest) return highest.error();
  WriteBatch b;
  b.put(signed_slot_key(slot), hash.view());
  if (!highest->has_value() || slot > **highest) {
    Bytes v;
    put_be64(v, slot);
    b.put(as_bytes(kSignedMaxKey), v);
  }
  Status s = storage_.write(b, WriteOptions{.sync = sync});
  if (!s.is_ok()) return with_context(s, fmt::format("recording signature for slot {}", slot));
  return Status::ok();
}

Status ChainStore::record_pegout_signing(const Hash256& payment_txid,
                                         std::span<const OutPoint> coins) {
  WriteBatch b;
  bool any_new = false;
  for (const OutPoint& coin : coins) {
    const Bytes key = pegout_spend_key(coin.txid, coin.vout);
    Result<std::optional<Bytes>> v = get_optional(key);
    if (!v) return v.error();
    if (v->has_value()) {
      Result<Hash256> recorded = decode_hash_value(key, **v);
      if (!recorded) return recorded.error();
      if (*recorded == payment_txid) continue;  // synced when first written
      return Status::failed_precondition(fmt::format(
          "chain store: coin {}:{} already signed for payment {}, refusing {}",
          coin.txid.to_hex(), coin.vout, recorded->to_hex(), payment_txid.to_hex()));
    }
    b.put(key, payment_txid.view());
    any_new = true;
  }
  if (!any_new) return Status::ok();
  Status s = storage_.write(b, WriteOptions{.sync = true});
  if (!s.is_ok()) {
    return with_context(s, fmt::format("recording peg-out signing of {}", payment_txid.to_hex()));
  }
  return Status::ok();
}

// ----------------------------------------------------------------------------- reads

Result<std::optional<Bytes>> ChainStore::get_optional(ByteView key) {
  Result<Bytes> r = storage_.get(key);
  if (r) return std::optional<Bytes>(std::move(*r));
  if (r.error().code() == StatusCode::kNotFound) return std::optional<Bytes>();
  return with_context(r.error(), fmt::format("key {}", describe_key(key)));
}

Result<std::optional<ChainPointer>> ChainStore::pointer(std::string_view key) {
  Result<std::optional<Bytes>> v = get_optional(as_bytes(key));
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<ChainPointer>();
  Result<ChainPointer> p = decode_pointer(as_bytes(key), **v);
  if (!p) return p.error();
  return std::optional<ChainPointer>(*p);
}

Result<std::optional<ChainPointer>> ChainStore::head() { return pointer(kHeadKey); }

Result<std::optional<ChainPointer>> ChainStore::finalized() { return pointer(kFinalKey); }

Result<std::optional<Hash256>> ChainStore::signed_for_slot(std::uint64_t slot) {
  const Bytes key = signed_slot_key(slot);
  Result<std::optional<Bytes>> v = get_optional(key);
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<Hash256>();
  Result<Hash256> h = decode_hash_value(key, **v);
  if (!h) return h.error();
  return std::optional<Hash256>(*h);
}

Result<std::optional<std::uint64_t>> ChainStore::highest_signed_slot() {
  Result<std::optional<Bytes>> v = get_optional(as_bytes(kSignedMaxKey));
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<std::uint64_t>();
  Result<std::uint64_t> slot = decode_u64_value(as_bytes(kSignedMaxKey), **v);
  if (!slot) return slot.error();
  return std::optional<std::uint64_t>(*slot);
}

Result<std::optional<SignedBlock>> ChainStore::block(const Hash256& hash) {
  const Bytes key = block_key(hash);
  Result<std::optional<Bytes>> v = get_optional(key);
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<SignedBlock>();
  Result<SignedBlock> decoded = decode_signed_block(**v);
  if (!decoded) {
    return Status::corruption(fmt::format("chain store: key {}: undecodable block: {}",
                                          describe_key(key), decoded.error().message()));
  }
  // A value that decodes but is not the block named by its key is just as corrupt.
  const Hash256 actual = block_hash(decoded->block);
  if (actual != hash) {
    return Status::corruption(fmt::format("chain store: key {}: stored block hashes to {}",
                                          describe_key(key), actual.to_hex()));
  }
  return std::optional<SignedBlock>(std::move(*decoded));
}

Result<std::optional<Hash256>> ChainStore::canonical_hash(std::uint64_t height) {
  const Bytes key = canonical_key(height);
  Result<std::optional<Bytes>> v = get_optional(key);
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<Hash256>();
  Result<Hash256> h = decode_hash_value(key, **v);
  if (!h) return h.error();
  return std::optional<Hash256>(*h);
}

Result<std::optional<Bytes>> ChainStore::snapshot(const Hash256& hash) {
  return get_optional(snapshot_key(hash));
}

Status ChainStore::put_bridge_state(ByteView state) {
  WriteBatch b;
  b.put(as_bytes(kBridgeStateKey), state);
  Status s = storage_.write(b, WriteOptions{.sync = true});
  if (!s.is_ok()) return with_context(s, "writing the bridge state");
  return Status::ok();
}

Result<std::optional<Bytes>> ChainStore::bridge_state() {
  return get_optional(as_bytes(kBridgeStateKey));
}

}  // namespace alys::storage
