// ChainStore::repair: recovery from a corrupt store (see chain_store.h). Kept apart from
// the everyday reads and writes: it runs once, at start-up, after load() failed.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "core/storage/chain_keys.h"
#include "core/storage/chain_store.h"

namespace alys::storage {

namespace {

bool starts_with(ByteView key, std::string_view prefix) {
  return key.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), key.begin(),
                    [](char c, std::uint8_t b) { return static_cast<std::uint8_t>(c) == b; });
}

bool is_key(ByteView key, std::string_view name) {
  return key.size() == name.size() && starts_with(key, name);
}

// The chain's own keys: what a resync from peers gives back.
bool is_chain_key(ByteView key) {
  if (key.empty()) return false;
  return key[0] == kBlockPrefix || key[0] == kCanonicalPrefix || starts_with(key, kSnapshotPrefix) ||
         is_key(key, kHeadKey) || is_key(key, kFinalKey);
}

bool is_guard_key(ByteView key) {
  return key_number(key, kSignedPrefix).has_value() || is_key(key, kSignedMaxKey);
}

}  // namespace

Result<RepairReport> ChainStore::repair(std::uint64_t guard_floor_slot) {
  RepairReport report;
  Result<std::vector<Bytes>> dropped = storage_.repair();
  if (!dropped) return with_context(dropped.error(), "repairing the store");
  report.dropped_values = dropped->size();
  report.guard_damaged = std::any_of(dropped->begin(), dropped->end(),
                                     [](const Bytes& k) { return is_guard_key(k); });

  // What is left reads cleanly: delete the chain, find the highest slot record.
  WriteBatch batch;
  std::optional<std::uint64_t> highest;
  auto it = storage_.iterate();
  if (it) {
    for (it->seek_to_first(); it->valid(); it->next()) {
      const ByteView key = it->key();
      if (is_chain_key(key)) {
        batch.del(key);
        ++report.discarded_keys;
      } else if (auto slot = key_number(key, kSignedPrefix)) {
        highest = std::max(highest.value_or(0), *slot);
      }
    }
    if (!it->status().is_ok()) return with_context(it->status(), "repairing the store: scanning");
  }
  Result<std::optional<std::uint64_t>> recorded = highest_signed_slot();
  if (!recorded) return with_context(recorded.error(), "repairing the store");
  if (recorded->has_value()) highest = std::max(highest.value_or(0), **recorded);
  if (report.guard_damaged) highest = std::max(highest.value_or(0), guard_floor_slot);
  if (highest) {
    Bytes v;
    put_be64(v, *highest);
    batch.put(as_bytes(kSignedMaxKey), v);
  }
  report.highest_signed_slot = highest;
  if (Status s = storage_.write(batch, WriteOptions{.sync = true}); !s.is_ok()) {
    return with_context(s, "repairing the store: discarding the chain");
  }
  return report;
}

}  // namespace alys::storage
