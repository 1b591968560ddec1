// SimDisk: the Storage contract (reads, batches, ordering, iteration, errors) and the
// durability model. The property drives random write(sync/unsynced) / crash(keep k) /
// corrupt / disk-full / failed-write sequences against a reference model in which the state
// after a crash is the synced state plus a prefix of the unsynced batches, in order, each
// batch all-or-nothing, and a corrupted stored value stays corrupted until overwritten.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "runtime-sim/sim_disk.h"

namespace alys::sim {
namespace {

std::string get_text(SimDisk& disk, std::string_view key) {
  auto r = disk.get(key);
  if (!r) return "<" + std::string(status_code_name(r.error().code())) + ">";
  return std::string(as_chars(*r));
}

Status put(SimDisk& disk, std::string_view key, std::string_view value, bool sync = false) {
  WriteBatch b;
  b.put(key, value);
  return disk.write(b, {.sync = sync});
}

std::vector<std::pair<std::string, std::string>> scan(SimDisk& disk) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = disk.iterate();
  for (it->seek_to_first(); it->valid(); it->next()) {
    out.emplace_back(as_chars(it->key()), as_chars(it->value()));
  }
  EXPECT_TRUE(it->status().is_ok());
  return out;
}

using KV = std::vector<std::pair<std::string, std::string>>;

TEST(SimDisk, MissingKeyIsNotFoundAndNamesTheKey) {
  SimDisk disk;
  auto r = disk.get("nope\x01");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_NE(r.error().message().find("nope\\x01"), std::string::npos) << r.error().message();
}

TEST(SimDisk, BatchOpsApplyInOrder) {
  SimDisk disk;
  WriteBatch b;
  b.put("k", "1");
  b.put("k", "2");
  b.put("gone", "x");
  b.del("gone");
  b.del("never-there");
  ASSERT_TRUE(disk.write(b, {}).is_ok());
  EXPECT_EQ(get_text(disk, "k"), "2");
  EXPECT_EQ(get_text(disk, "gone"), "<not found>");
  EXPECT_EQ(disk.writes_ok(), 1u);
}

TEST(SimDisk, KeysAreOrderedBytewiseShorterFirst) {
  SimDisk disk;
  WriteBatch b;
  for (std::string k : {std::string("b"), std::string("a\xff"), std::string("ab"),
                        std::string("a"), std::string("a\0", 2), std::string(""),
                        std::string("\x80")}) {
    b.put(k, "v");
  }
  ASSERT_TRUE(disk.write(b, {}).is_ok());
  std::vector<std::string> keys;
  for (auto& [k, v] : scan(disk)) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"", "a", std::string("a\0", 2), "ab", "a\xff", "b",
                                            "\x80"}));
}

TEST(SimDisk, SeekFindsTheFirstKeyAtOrAfter) {
  SimDisk disk;
  for (auto k : {"b", "d", "f"}) {
    ASSERT_TRUE(put(disk, k, k).is_ok());
  }
  auto it = disk.iterate();
  EXPECT_FALSE(it->valid());  // starts unpositioned
  it->seek(as_bytes("c"));
  ASSERT_TRUE(it->valid());
  EXPECT_EQ(as_chars(it->key()), "d");
  it->seek(as_bytes("d"));
  EXPECT_EQ(as_chars(it->key()), "d");
  it->seek(as_bytes("g"));
  EXPECT_FALSE(it->valid());
  EXPECT_TRUE(it->status().is_ok());
}

TEST(SimDisk, IteratorToleratesWritesWhileOpen) {
  SimDisk disk;
  for (auto k : {"a", "c", "e"}) {
    ASSERT_TRUE(put(disk, k, "old").is_ok());
  }
  auto it = disk.iterate();
  it->seek_to_first();
  ASSERT_EQ(as_chars(it->key()), "a");
  // Insert after the position, delete the next key, overwrite a later one.
  ASSERT_TRUE(put(disk, "b", "new").is_ok());
  WriteBatch del;
  del.del("c");
  ASSERT_TRUE(disk.write(del, {}).is_ok());
  ASSERT_TRUE(put(disk, "e", "newer").is_ok());
  KV seen;
  for (it->next(); it->valid(); it->next()) {
    seen.emplace_back(as_chars(it->key()), as_chars(it->value()));
  }
  EXPECT_EQ(seen, (KV{{"b", "new"}, {"e", "newer"}}));
  // The entry under the iterator stays readable even if its key is deleted meanwhile.
  it->seek(as_bytes("b"));
  WriteBatch del_b;
  del_b.del("b");
  ASSERT_TRUE(disk.write(del_b, {}).is_ok());
  EXPECT_EQ(as_chars(it->key()), "b");
  EXPECT_EQ(as_chars(it->value()), "new");
  it->next();
  ASSERT_TRUE(it->valid());
  EXPECT_EQ(as_chars(it->key()), "e");
}

TEST(SimDisk, CorruptionFailsReadsUntilOverwritten) {
  SimDisk disk;
  ASSERT_TRUE(put(disk, "k", "v", true).is_ok());
  EXPECT_FALSE(disk.corrupt(as_bytes("missing")));
  EXPECT_TRUE(disk.corrupt(as_bytes("k")));
  auto r = disk.get("k");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
  EXPECT_NE(r.error().message().find("'k'"), std::string::npos);
  ASSERT_TRUE(put(disk, "k", "v2").is_ok());
  EXPECT_EQ(get_text(disk, "k"), "v2");
}

TEST(SimDisk, IterationStopsAtACorruptedValue) {
  SimDisk disk;
  for (auto k : {"a", "b", "c"}) {
    ASSERT_TRUE(put(disk, k, k).is_ok());
  }
  ASSERT_TRUE(disk.corrupt(as_bytes("b")));
  auto it = disk.iterate();
  it->seek_to_first();
  ASSERT_TRUE(it->valid());
  EXPECT_EQ(as_chars(it->key()), "a");
  it->next();
  EXPECT_FALSE(it->valid());
  EXPECT_EQ(it->status().code(), StatusCode::kCorruption);
  it->seek(as_bytes("c"));  // a non-ok status stops iteration for good
  EXPECT_FALSE(it->valid());
}

TEST(SimDisk, FullDiskAndFailedWritesApplyNothing) {
  SimDisk disk;
  ASSERT_TRUE(put(disk, "k", "1").is_ok());
  disk.set_full(true);
  WriteBatch b;
  b.put("k", "2");
  b.put("other", "x");
  Status s = disk.write(b, {.sync = true});
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(get_text(disk, "k"), "1");
  EXPECT_EQ(get_text(disk, "other"), "<not found>");
  disk.set_full(false);
  disk.fail_next_writes(2);
  EXPECT_EQ(disk.write(b, {}).code(), StatusCode::kIoError);
  EXPECT_EQ(disk.write(b, {}).code(), StatusCode::kIoError);
  EXPECT_TRUE(disk.write(b, {}).is_ok());
  EXPECT_EQ(get_text(disk, "k"), "2");
  EXPECT_EQ(disk.writes_failed(), 3u);
  EXPECT_EQ(disk.writes_ok(), 2u);
}

TEST(SimDisk, AFailedSyncWriteMakesNothingDurable) {
  SimDisk disk;
  ASSERT_TRUE(put(disk, "a", "1").is_ok());
  disk.fail_next_writes(1);
  EXPECT_FALSE(put(disk, "b", "2", true).is_ok());
  EXPECT_EQ(disk.unsynced_batches(), 1u);
  disk.crash(0);
  EXPECT_EQ(get_text(disk, "a"), "<not found>");
}

TEST(SimDisk, SyncWriteMakesEarlierBatchesDurable) {
  SimDisk disk;
  ASSERT_TRUE(put(disk, "a", "1").is_ok());
  ASSERT_TRUE(put(disk, "b", "2").is_ok());
  EXPECT_EQ(disk.unsynced_batches(), 2u);
  ASSERT_TRUE(put(disk, "c", "3", true).is_ok());
  EXPECT_EQ(disk.unsynced_batches(), 0u);
  ASSERT_TRUE(put(disk, "d", "4").is_ok());
  disk.crash(0);
  EXPECT_EQ(scan(disk), (KV{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

TEST(SimDisk, CrashKeepsAPrefixOfUnsyncedBatchesAndRollsBackTheRest) {
  SimDisk disk;
  ASSERT_TRUE(put(disk, "k", "synced", true).is_ok());
  for (std::string v : {"u1", "u2", "u3"}) {
    WriteBatch b;
    b.put("k", v);
    b.put(v, "x");
    ASSERT_TRUE(disk.write(b, {}).is_ok());
  }
  disk.crash(2);
  EXPECT_EQ(scan(disk), (KV{{"k", "u2"}, {"u1", "x"}, {"u2", "x"}}));
  EXPECT_EQ(disk.unsynced_batches(), 0u);
  disk.crash(0);  // everything left counts as synced now
  EXPECT_EQ(scan(disk), (KV{{"k", "u2"}, {"u1", "x"}, {"u2", "x"}}));
}

TEST(SimDisk, CrashKeepIsClamped) {
  SimDisk disk;
  ASSERT_TRUE(put(disk, "a", "1").is_ok());
  disk.crash(99);
  EXPECT_EQ(get_text(disk, "a"), "1");
}

TEST(SimDisk, RolledBackOverwriteRestoresTheCorruptedValue) {
  // The synced value is corrupted on the medium; an unsynced overwrite that a crash loses
  // leaves the old, still corrupted, value in place: the corruption must not heal.
  SimDisk disk;
  ASSERT_TRUE(put(disk, "k", "synced", true).is_ok());
  ASSERT_TRUE(disk.corrupt(as_bytes("k")));
  ASSERT_TRUE(put(disk, "k", "unsynced").is_ok());
  EXPECT_EQ(get_text(disk, "k"), "unsynced");
  disk.crash(0);
  EXPECT_EQ(get_text(disk, "k"), "<corruption>");
}

TEST(SimDisk, VersionChangesOnEveryChange) {
  SimDisk disk;
  const auto v0 = disk.version();
  ASSERT_TRUE(put(disk, "a", "1").is_ok());
  const auto v1 = disk.version();
  EXPECT_GT(v1, v0);
  ASSERT_TRUE(disk.corrupt(as_bytes("a")));
  const auto v2 = disk.version();
  EXPECT_GT(v2, v1);
  disk.crash(0);
  EXPECT_GT(disk.version(), v2);
}

// --- property against a reference model ----------------------------------------------

struct BatchOp {
  std::uint8_t key = 0;
  bool del = false;
  std::string value;
};

struct DiskOp {
  int kind = 0;  // 0 write, 1 crash, 2 corrupt, 3 set_full, 4 fail_next_writes
  std::vector<BatchOp> batch;
  bool sync = false;
  std::uint8_t arg = 0;
};

std::ostream& operator<<(std::ostream& os, const DiskOp& op) {
  static const char* kNames[] = {"write", "crash", "corrupt", "full", "fail"};
  os << kNames[op.kind];
  if (op.kind == 0) {
    os << (op.sync ? "(sync)[" : "[");
    for (const auto& b : op.batch) {
      os << int{b.key} << (b.del ? " del; " : "=" + b.value + "; ");
    }
    os << "]";
  } else {
    os << "(" << int{op.arg} << ")";
  }
  return os;
}

const std::vector<std::string>& key_space() {
  static const std::vector<std::string> keys = {"", "a", "ab", "b", std::string("\0", 1),
                                                "\xff"};
  return keys;
}

}  // namespace
}  // namespace alys::sim

namespace rc {
template <>
struct Arbitrary<alys::sim::BatchOp> {
  static Gen<alys::sim::BatchOp> arbitrary() {
    return gen::construct<alys::sim::BatchOp>(
        gen::inRange<std::uint8_t>(0, 6), gen::weightedElement<bool>({{1, true}, {3, false}}),
        gen::container<std::string>(gen::inRange<char>('0', '9')));
  }
};
template <>
struct Arbitrary<alys::sim::DiskOp> {
  static Gen<alys::sim::DiskOp> arbitrary() {
    return gen::construct<alys::sim::DiskOp>(
        gen::weightedElement<int>({{8, 0}, {2, 1}, {2, 2}, {1, 3}, {1, 4}}),
        gen::resize(6, gen::arbitrary<std::vector<alys::sim::BatchOp>>()),
        gen::weightedElement<bool>({{1, true}, {3, false}}), gen::inRange<std::uint8_t>(0, 8));
  }
};
}  // namespace rc

namespace alys::sim {
namespace {

struct Version {
  std::string value;
  std::uint64_t id;  // one per put; corruption marks a version, not a key
};
using ModelState = std::map<std::string, Version>;

struct DiskModel {
  ModelState durable;
  std::vector<ModelState> unsynced;  // state after each unsynced batch, oldest first
  std::set<std::uint64_t> corrupted;
  bool full = false;
  int fail_next = 0;
  std::uint64_t next_version = 1;

  const ModelState& current() const { return unsynced.empty() ? durable : unsynced.back(); }
};

RC_GTEST_PROP(SimDisk, CrashKeepsSyncedStatePlusAPrefixOfUnsyncedBatches,
              (const std::vector<DiskOp>& ops)) {
  SimDisk disk;
  DiskModel m;
  for (const DiskOp& op : ops) {
    switch (op.kind) {
      case 0: {
        WriteBatch b;
        ModelState next = m.current();
        for (const BatchOp& bo : op.batch) {
          const std::string& key = key_space()[bo.key];
          if (bo.del) {
            b.del(key);
            next.erase(key);
          } else {
            b.put(key, bo.value);
            next[key] = Version{bo.value, m.next_version++};
          }
        }
        const Status s = disk.write(b, {.sync = op.sync});
        if (m.full || m.fail_next > 0) {
          if (!m.full) --m.fail_next;
          RC_ASSERT(s.code() == StatusCode::kIoError);
          break;
        }
        RC_ASSERT(s.is_ok());
        if (op.sync) {
          m.durable = std::move(next);
          m.unsynced.clear();
        } else {
          m.unsynced.push_back(std::move(next));
        }
        break;
      }
      case 1: {
        RC_ASSERT(disk.unsynced_batches() == m.unsynced.size());
        const std::size_t keep = std::min<std::size_t>(op.arg, m.unsynced.size());
        disk.crash(op.arg);
        if (keep > 0) m.durable = m.unsynced[keep - 1];
        m.unsynced.clear();
        RC_ASSERT(disk.unsynced_batches() == 0u);
        break;
      }
      case 2: {
        const std::string& key = key_space()[op.arg % key_space().size()];
        auto it = m.current().find(key);
        const bool stored = it != m.current().end();
        if (stored) m.corrupted.insert(it->second.id);
        RC_ASSERT(disk.corrupt(as_bytes(key)) == stored);
        break;
      }
      case 3:
        m.full = op.arg % 2 == 0;
        disk.set_full(m.full);
        break;
      default:
        m.fail_next = op.arg % 3;
        disk.fail_next_writes(static_cast<std::uint32_t>(m.fail_next));
        break;
    }

    // The disk equals the model: raw contents, reads, and iteration.
    const ModelState& cur = m.current();
    std::map<std::string, std::string> raw;
    for (const auto& [k, v] : disk.contents()) raw.emplace(as_chars(k), as_chars(v));
    std::map<std::string, std::string> expected_raw;
    for (const auto& [k, v] : cur) expected_raw.emplace(k, v.value);
    RC_ASSERT(raw == expected_raw);
    for (const std::string& key : key_space()) {
      auto r = disk.get(key);
      auto it = cur.find(key);
      if (it == cur.end()) {
        RC_ASSERT(!r);
        RC_ASSERT(r.error().code() == StatusCode::kNotFound);
      } else if (m.corrupted.count(it->second.id)) {
        RC_ASSERT(!r);
        RC_ASSERT(r.error().code() == StatusCode::kCorruption);
      } else {
        RC_ASSERT(r.has_value());
        RC_ASSERT(std::string(as_chars(*r)) == it->second.value);
      }
    }
    auto iter = disk.iterate();
    iter->seek_to_first();
    bool hit_corruption = false;
    for (const auto& [k, v] : cur) {
      if (m.corrupted.count(v.id)) {
        hit_corruption = true;
        break;
      }
      RC_ASSERT(iter->valid());
      RC_ASSERT(std::string(as_chars(iter->key())) == k);
      RC_ASSERT(std::string(as_chars(iter->value())) == v.value);
      iter->next();
    }
    RC_ASSERT(!iter->valid());
    RC_ASSERT(iter->status().is_ok() == !hit_corruption);
  }
}

}  // namespace
}  // namespace alys::sim
