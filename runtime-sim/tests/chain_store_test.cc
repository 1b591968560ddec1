// ChainStore over SimDisk: round trips, the key layout, atomicity and durability across
// crashes (a write is all-or-nothing; a synced signature survives; load() after a crash is
// always a consistent prefix), corruption reported as kCorruption naming the key or height
// (never a crash), the double-sign guard, range reads. The property replays random
// extend / reorg / sync sequences, crashes with a random kept prefix, and checks load()
// against a model of "synced writes plus a prefix of the unsynced ones".
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/storage/chain_keys.h"
#include "core/storage/chain_store.h"
#include "runtime-sim/sim_disk.h"

namespace alys::storage {
namespace {

using sim::SimDisk;

// A block whose content depends on (parent, height, salt), so forks differ.
SignedBlock make_block(const Hash256& parent, std::uint64_t height, std::uint8_t salt = 0) {
  SignedBlock b;
  b.block.parent_hash = parent;
  b.block.height = height;
  b.block.slot = height * 3 + salt;
  std::array<std::uint8_t, 32> root{};
  for (std::size_t i = 0; i < 8; ++i) root[i] = static_cast<std::uint8_t>(height >> (8 * i));
  root[31] = salt;
  b.block.payload.state_root = Hash256(root);
  Approval a;
  a.authority_index = salt % 4;
  a.signature.fill(static_cast<std::uint8_t>(height + salt));
  b.approvals.push_back(a);
  return b;
}

Hash256 hash_of(const SignedBlock& b) { return block_hash(b.block); }

// `n` blocks on top of `parent` (at parent_height; the first block is at parent_height + 1,
// or at 0 when `parent` is zero and `from_genesis`).
std::vector<SignedBlock> make_chain(Hash256 parent, std::uint64_t first_height, std::size_t n,
                                    std::uint8_t salt = 0) {
  std::vector<SignedBlock> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(make_block(parent, first_height + i, salt));
    parent = hash_of(out.back());
  }
  return out;
}

// A ChainWrite that stores `blocks`, indexes them and moves the head to the last one.
ChainWrite extend(const std::vector<SignedBlock>& blocks) {
  ChainWrite w;
  for (const SignedBlock& b : blocks) w.add_block(b);
  for (const SignedBlock& b : blocks) w.canonical.emplace_back(b.block.height, hash_of(b));
  w.head = ChainPointer{hash_of(blocks.back()), blocks.back().block.height};
  return w;
}

std::vector<Hash256> hashes(const std::vector<SignedBlock>& blocks) {
  std::vector<Hash256> out;
  for (const SignedBlock& b : blocks) out.push_back(hash_of(b));
  return out;
}

bool contains(const Status& s, std::string_view text) {
  return s.message().find(text) != std::string::npos;
}

Hash256 h(std::uint8_t fill) {
  std::array<std::uint8_t, 32> a{};
  a.fill(fill);
  return Hash256(a);
}

// ----------------------------------------------------------------------------- round trips

TEST(ChainStore, EmptyStoreReadsAsNothing) {
  SimDisk disk;
  ChainStore store(disk);
  EXPECT_FALSE(store.head()->has_value());
  EXPECT_FALSE(store.finalized()->has_value());
  EXPECT_FALSE(store.block(h(1))->has_value());
  EXPECT_FALSE(store.canonical_hash(0)->has_value());
  EXPECT_FALSE(store.signed_for_slot(5)->has_value());
  EXPECT_FALSE(store.highest_signed_slot()->has_value());
  EXPECT_FALSE(store.snapshot(h(1))->has_value());
  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_FALSE(l->head);
  EXPECT_TRUE(l->blocks.empty());
  EXPECT_TRUE(store.blocks_by_range(0, 10)->empty());
}

TEST(ChainStore, RoundTripsEveryKeyFamily) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 4);
  ChainWrite w = extend(chain);
  w.finalized = ChainPointer{hash_of(chain[2]), 2};
  w.snapshot.emplace(hash_of(chain[3]), to_bytes("ledger@3"));
  ASSERT_TRUE(store.write(w, true).is_ok());
  EXPECT_EQ(disk.writes_ok(), 1u) << "one ChainWrite must be one WriteBatch";

  for (const SignedBlock& b : chain) {
    Result<std::optional<SignedBlock>> got = store.block(hash_of(b));
    ASSERT_TRUE(got && got->has_value());
    EXPECT_EQ(**got, b);
    EXPECT_EQ(store.canonical_hash(b.block.height)->value(), hash_of(b));
  }
  EXPECT_EQ(store.head()->value(), (ChainPointer{hash_of(chain[3]), 3}));
  EXPECT_EQ(store.finalized()->value(), (ChainPointer{hash_of(chain[2]), 2}));
  EXPECT_EQ(store.snapshot(hash_of(chain[3]))->value(), to_bytes("ledger@3"));
  EXPECT_FALSE(store.snapshot(hash_of(chain[2]))->has_value());

  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->blocks, chain);
  EXPECT_EQ(l->head, w.head);
  EXPECT_EQ(l->finalized, w.finalized);
  EXPECT_EQ(l->first_height(), 0u);
}

TEST(ChainStore, KeyLayoutIsTheDocumentedOne) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 1);
  ChainWrite w = extend(chain);
  w.finalized = w.head;
  w.snapshot.emplace(hash_of(chain[0]), to_bytes("s"));
  ASSERT_TRUE(store.write(w, false).is_ok());
  ASSERT_TRUE(store.record_signature(0x0102, h(9)).is_ok());

  const Hash256 b0 = hash_of(chain[0]);
  Bytes bkey{'b'};
  append(bkey, b0.view());
  const Bytes hkey{'h', 0, 0, 0, 0, 0, 0, 0, 0};
  const Bytes skey{'s', 0, 0, 0, 0, 0, 0, 1, 2};
  Bytes xkey = to_bytes("x/");
  append(xkey, b0.view());
  Bytes pointer(b0.view().begin(), b0.view().end());
  append(pointer, Bytes{0, 0, 0, 0, 0, 0, 0, 0});
  const auto& c = disk.contents();
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c.at(bkey), encode_signed_block(chain[0]));
  EXPECT_EQ(c.at(hkey), Bytes(b0.view().begin(), b0.view().end()));
  EXPECT_EQ(c.at(to_bytes("m/head")), pointer);
  EXPECT_EQ(c.at(to_bytes("m/final")), pointer);
  EXPECT_EQ(c.at(skey), Bytes(32, 9));
  EXPECT_EQ(c.at(to_bytes("m/signed_max")), (Bytes{0, 0, 0, 0, 0, 0, 1, 2}));
  EXPECT_EQ(c.at(xkey), to_bytes("s"));

  EXPECT_EQ(describe_key(canonical_key(300)), "h/300");
  EXPECT_EQ(describe_key(signed_slot_key(7)), "s/7");
  EXPECT_EQ(describe_key(block_key(b0)), "b/" + b0.to_hex());
  EXPECT_EQ(describe_key(snapshot_key(b0)), "x/" + b0.to_hex());
  EXPECT_EQ(describe_key(as_bytes("m/head")), "m/head");
}

// Big-endian heights: 255 < 256 < 65536 in key order too (little-endian would not be).
TEST(ChainStore, LoadReturnsTheChainInHeightOrderAcrossByteBoundaries) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 600);
  // Write in reverse chunks so storage order, not write order, decides the result.
  for (std::size_t end = chain.size(); end > 0; end -= 100) {
    ChainWrite w;
    for (std::size_t i = end - 100; i < end; ++i) {
      w.add_block(chain[i]);
      w.canonical.emplace_back(i, hash_of(chain[i]));
    }
    ASSERT_TRUE(store.write(w, false).is_ok());
  }
  ChainWrite head;
  head.head = ChainPointer{hash_of(chain.back()), chain.size() - 1};
  ASSERT_TRUE(store.write(head, false).is_ok());
  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->blocks.size(), 600u);
  EXPECT_EQ(l->blocks, chain);
  // Each block's hash comes with it, so a reader need not hash it again.
  ASSERT_EQ(l->hashes.size(), l->blocks.size());
  for (std::size_t i = 0; i < chain.size(); ++i) EXPECT_EQ(l->hashes[i], hash_of(chain[i])) << i;
}

TEST(ChainStore, ChainMayStartAtHeightOneWhenGenesisIsImplied) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(h(0x66), 1, 3);
  ASSERT_TRUE(store.write(extend(chain), false).is_ok());
  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->first_height(), 1u);
  EXPECT_EQ(l->blocks, chain);
}

// ----------------------------------------------------------------------------- reorgs

TEST(ChainStore, TruncateAboveRepointsTheIndexForAReorgToAShorterFork) {
  SimDisk disk;
  ChainStore store(disk);
  const auto a = make_chain(Hash256(), 0, 6);  // heights 0..5
  ASSERT_TRUE(store.write(extend(a), false).is_ok());
  const auto b = make_chain(hash_of(a[2]), 3, 2, /*salt=*/7);  // fork: heights 3..4
  ChainWrite reorg = extend(b);
  reorg.truncate_canonical_above = 2;
  ASSERT_TRUE(store.write(reorg, false).is_ok());

  EXPECT_FALSE(store.canonical_hash(5)->has_value());
  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  std::vector<SignedBlock> want(a.begin(), a.begin() + 3);
  want.insert(want.end(), b.begin(), b.end());
  EXPECT_EQ(l->blocks, want);
  // The losing fork's blocks stay stored (a later reorg back may need them).
  EXPECT_TRUE(store.block(hash_of(a[5]))->has_value());
}

TEST(ChainStore, TruncationInOneBatchAlsoDeletesEntriesStagedEarlierInIt) {
  SimDisk disk;
  ChainStore store(disk);
  const auto a = make_chain(Hash256(), 0, 3);
  ASSERT_TRUE(store.write(extend(a), false).is_ok());
  ChainBatch batch;
  const auto more = make_chain(hash_of(a[2]), 3, 3);  // 3..5, staged, not yet on disk
  ASSERT_TRUE(store.stage(extend(more), batch).is_ok());
  const auto fork = make_chain(hash_of(a[1]), 2, 2, 9);  // 2..3
  ChainWrite reorg = extend(fork);
  reorg.truncate_canonical_above = 1;
  ASSERT_TRUE(store.stage(reorg, batch).is_ok());
  const std::uint64_t before = disk.writes_ok();
  ASSERT_TRUE(store.commit(batch, false).is_ok());
  EXPECT_EQ(disk.writes_ok(), before + 1);
  EXPECT_TRUE(batch.empty());
  EXPECT_FALSE(store.canonical_hash(4)->has_value()) << "staged entry above the cut survived";
  EXPECT_FALSE(store.canonical_hash(5)->has_value());
  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(hashes(l->blocks),
            (std::vector<Hash256>{hash_of(a[0]), hash_of(a[1]), hash_of(fork[0]),
                                  hash_of(fork[1])}));
}

TEST(ChainStore, CommitOfAnEmptyBatchWritesOnlyWhenSynced) {
  SimDisk disk;
  ChainStore store(disk);
  ASSERT_TRUE(store.write(extend(make_chain(Hash256(), 0, 1)), false).is_ok());
  EXPECT_EQ(disk.unsynced_batches(), 1u);
  ChainBatch empty;
  ASSERT_TRUE(store.commit(empty, false).is_ok());
  EXPECT_EQ(disk.writes_ok(), 1u);
  ASSERT_TRUE(store.commit(empty, true).is_ok());  // a flush: earlier writes become durable
  EXPECT_EQ(disk.unsynced_batches(), 0u);
}

// ----------------------------------------------------------------------------- crashes

TEST(ChainStore, AMultiBlockWriteIsAllOrNothingAcrossACrash) {
  for (std::size_t keep : {0u, 1u}) {
    SimDisk disk;
    ChainStore store(disk);
    const auto base = make_chain(Hash256(), 0, 2);
    ASSERT_TRUE(store.write(extend(base), true).is_ok());
    const auto more = make_chain(hash_of(base[1]), 2, 5);
    ASSERT_TRUE(store.write(extend(more), false).is_ok());
    disk.crash(keep);
    std::size_t present = 0;
    for (const SignedBlock& b : more) present += store.block(hash_of(b))->has_value() ? 1 : 0;
    EXPECT_EQ(present, keep == 0 ? 0u : more.size()) << "keep " << keep;
    Result<LoadedChain> l = store.load();
    ASSERT_TRUE(l) << l.error().to_string();
    EXPECT_EQ(l->blocks.size(), keep == 0 ? 2u : 7u);
  }
}

TEST(ChainStore, ASyncedSignatureSurvivesACrashThatDropsUnsyncedWrites) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 3);
  ASSERT_TRUE(store.write(extend({chain[0]}), true).is_ok());
  ASSERT_TRUE(store.record_signature(40, hash_of(chain[1])).is_ok());
  ASSERT_TRUE(store.write(extend({chain[1], chain[2]}), false).is_ok());  // after the sync
  disk.crash(0);
  EXPECT_EQ(store.signed_for_slot(40)->value(), hash_of(chain[1]));
  EXPECT_EQ(store.highest_signed_slot()->value(), 40u);
  EXPECT_FALSE(store.block(hash_of(chain[2]))->has_value());
  // The guard still holds after the crash: a different block for slot 40 is refused.
  EXPECT_EQ(store.record_signature(40, hash_of(chain[2])).code(), StatusCode::kFailedPrecondition);
  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l);
  EXPECT_EQ(l->highest_signed_slot, 40u);
  EXPECT_EQ(l->blocks.size(), 1u);
}

// The bridge state is replaced whole and synced: it survives a crash that drops every
// unsynced write, and the newest version is the one read back.
TEST(ChainStore, TheBridgeStateIsDurableAndReplacedWhole) {
  SimDisk disk;
  ChainStore store(disk);
  EXPECT_FALSE(store.bridge_state()->has_value());
  ASSERT_TRUE(store.put_bridge_state(to_bytes("bridge v1")).is_ok());
  ASSERT_TRUE(store.put_bridge_state(to_bytes("bridge v2")).is_ok());
  const auto chain = make_chain(Hash256(), 0, 2);
  ASSERT_TRUE(store.write(extend(chain), false).is_ok());  // unsynced, after it
  disk.crash(0);
  EXPECT_EQ(store.bridge_state()->value(), to_bytes("bridge v2"));
  EXPECT_FALSE(store.head()->has_value());
  disk.fail_next_writes(1);
  EXPECT_FALSE(store.put_bridge_state(to_bytes("bridge v3")).is_ok());
  EXPECT_EQ(store.bridge_state()->value(), to_bytes("bridge v2"));
}

TEST(ChainStore, UnsyncedBlocksMayVanishButLoadIsAlwaysAConsistentPrefix) {
  constexpr std::size_t kWrites = 6;
  for (std::size_t keep = 0; keep <= kWrites; ++keep) {
    SimDisk disk;
    ChainStore store(disk);
    const auto chain = make_chain(Hash256(), 0, 1 + 2 * kWrites);
    ASSERT_TRUE(store.write(extend({chain[0]}), true).is_ok());
    for (std::size_t i = 0; i < kWrites; ++i) {  // two blocks and the head per write
      ASSERT_TRUE(store.write(extend({chain[1 + 2 * i], chain[2 + 2 * i]}), false).is_ok());
    }
    disk.crash(keep);
    Result<LoadedChain> l = store.load();
    ASSERT_TRUE(l) << "keep " << keep << ": " << l.error().to_string();
    const std::size_t want = 1 + 2 * keep;
    EXPECT_EQ(l->blocks, std::vector<SignedBlock>(chain.begin(), chain.begin() + want));
    EXPECT_EQ(l->head->height, want - 1);
  }
}

// ----------------------------------------------------------------------------- corruption

TEST(ChainStore, ACorruptedBlockIsCorruptionNamingTheKeyAndHeight) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 4);
  ASSERT_TRUE(store.write(extend(chain), true).is_ok());
  const Hash256 victim = hash_of(chain[2]);
  ASSERT_TRUE(disk.corrupt(block_key(victim)));

  auto b = store.block(victim);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(contains(b.error(), "b/" + victim.to_hex())) << b.error().to_string();

  Result<LoadedChain> l = store.load();
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(contains(l.error(), "canonical height 2")) << l.error().to_string();

  auto r = store.blocks_by_range(0, 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(contains(r.error(), "canonical height 2")) << r.error().to_string();
}

TEST(ChainStore, ACorruptedIndexEntryOrPointerIsCorruption) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 4);
  ASSERT_TRUE(store.write(extend(chain), true).is_ok());
  ASSERT_TRUE(disk.corrupt(canonical_key(3)));
  Result<LoadedChain> l = store.load();
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(contains(l.error(), "canonical height 3")) << l.error().to_string();
  auto c = store.canonical_hash(3);
  ASSERT_FALSE(c);
  EXPECT_TRUE(contains(c.error(), "h/3")) << c.error().to_string();

  ASSERT_TRUE(disk.corrupt(as_bytes("m/head")));
  auto hd = store.head();
  ASSERT_FALSE(hd);
  EXPECT_EQ(hd.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(contains(hd.error(), "m/head")) << hd.error().to_string();
}

// Bytes the disk returns intact but that are not what the key says.
TEST(ChainStore, UndecodableOrMismatchedValuesAreCorruptionNamingTheKey) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 3);
  ASSERT_TRUE(store.write(extend(chain), true).is_ok());
  const Hash256 h1 = hash_of(chain[1]);

  WriteBatch garbage;
  garbage.put(block_key(h1), as_bytes("not a block"));
  ASSERT_TRUE(disk.write(garbage, {}).is_ok());
  auto b = store.block(h1);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(contains(b.error(), "b/" + h1.to_hex() + ": undecodable")) << b.error().to_string();

  WriteBatch swapped;  // a valid block under another block's hash
  swapped.put(block_key(h1), encode_signed_block(chain[2]));
  ASSERT_TRUE(disk.write(swapped, {}).is_ok());
  b = store.block(h1);
  ASSERT_FALSE(b);
  EXPECT_TRUE(contains(b.error(), "hashes to " + hash_of(chain[2]).to_hex()))
      << b.error().to_string();

  WriteBatch short_values;
  short_values.put(as_bytes("m/head"), as_bytes("xx"));
  short_values.put(signed_slot_key(3), as_bytes("yy"));
  short_values.put(as_bytes("m/signed_max"), as_bytes("z"));
  ASSERT_TRUE(disk.write(short_values, {}).is_ok());
  auto hd = store.head();
  ASSERT_FALSE(hd);
  EXPECT_EQ(hd.error().code(), StatusCode::kCorruption);
  EXPECT_TRUE(contains(hd.error(), "m/head")) << hd.error().to_string();
  auto s = store.signed_for_slot(3);
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.error(), "s/3")) << s.error().to_string();
  EXPECT_EQ(store.record_signature(3, h1).code(), StatusCode::kCorruption)
      << "an unreadable guard must not be overwritten";
  EXPECT_EQ(store.load().error().code(), StatusCode::kCorruption);
}

TEST(ChainStore, LoadRejectsBrokenChains) {
  const auto chain = make_chain(Hash256(), 0, 5);
  struct Case {
    const char* name;
    std::function<void(SimDisk&)> damage;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"missing block",
       [&](SimDisk& d) {
         WriteBatch b;
         b.del(block_key(hash_of(chain[3])));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "canonical height 3: block"},
      {"gap in the index",
       [&](SimDisk& d) {
         WriteBatch b;
         b.del(canonical_key(2));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "canonical height 2: missing"},
      {"index ends below head",
       [&](SimDisk& d) {
         WriteBatch b;
         b.del(canonical_key(4));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "canonical height 4: missing"},
      {"index starts above 1",
       [&](SimDisk& d) {
         WriteBatch b;
         b.del(canonical_key(0));
         b.del(canonical_key(1));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "canonical height 0: missing"},
      {"broken parent link",
       [&](SimDisk& d) {
         const SignedBlock stray = make_block(h(0x55), 2, 3);  // height 2, wrong parent
         WriteBatch b;
         b.put(block_key(hash_of(stray)), encode_signed_block(stray));
         b.put(canonical_key(2), hash_of(stray).view());
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "canonical height 2: parent"},
      {"block at the wrong height",
       [&](SimDisk& d) {
         WriteBatch b;
         b.put(canonical_key(2), hash_of(chain[3]).view());
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "claims height 3"},
      {"head off the index",
       [&](SimDisk& d) {
         WriteBatch b;
         b.put(as_bytes("m/head"), encode_pointer(ChainPointer{h(1), 4}));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "m/head: names"},
      {"finalized off the chain",
       [&](SimDisk& d) {
         WriteBatch b;
         b.put(as_bytes("m/final"), encode_pointer(ChainPointer{h(1), 2}));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "m/final: names"},
      {"finalized above head",
       [&](SimDisk& d) {
         WriteBatch b;
         b.put(as_bytes("m/final"), encode_pointer(ChainPointer{h(1), 9}));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "m/final: height 9"},
      {"finalized without head",
       [&](SimDisk& d) {
         WriteBatch b;
         b.del(as_bytes("m/head"));
         ASSERT_TRUE(d.write(b, {}).is_ok());
       },
       "m/final: set while m/head is absent"},
  };
  for (const Case& c : cases) {
    SimDisk disk;
    ChainStore store(disk);
    ChainWrite w = extend(chain);
    w.finalized = ChainPointer{hash_of(chain[1]), 1};
    ASSERT_TRUE(store.write(w, true).is_ok());
    ASSERT_TRUE(store.load()) << c.name << ": intact chain must load";
    c.damage(disk);
    Result<LoadedChain> l = store.load();
    ASSERT_FALSE(l) << c.name;
    EXPECT_EQ(l.error().code(), StatusCode::kCorruption) << c.name;
    EXPECT_TRUE(contains(l.error(), c.expect)) << c.name << ": " << l.error().to_string();
  }
}

TEST(ChainStore, IndexEntriesAboveHeadAreIgnoredByLoad) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 5);
  ASSERT_TRUE(store.write(extend(chain), true).is_ok());
  ChainWrite back;
  back.head = ChainPointer{hash_of(chain[2]), 2};
  ASSERT_TRUE(store.write(back, false).is_ok());
  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->blocks.size(), 3u);
  EXPECT_EQ(store.blocks_by_range(0, 100)->size(), 3u) << "range reads stop at head";
}

// ----------------------------------------------------------------------------- writes fail

TEST(ChainStore, AFailedWriteAppliesNothingAndReportsIoError) {
  SimDisk disk;
  ChainStore store(disk);
  disk.set_full(true);
  Status s = store.write(extend(make_chain(Hash256(), 0, 3)), true);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_TRUE(disk.contents().empty());
  EXPECT_EQ(store.record_signature(1, h(1)).code(), StatusCode::kIoError);
  disk.set_full(false);
  EXPECT_FALSE(store.signed_for_slot(1)->has_value());
}

TEST(ChainStore, ATruncationScanThatHitsCorruptionStagesNothing) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 4);
  ASSERT_TRUE(store.write(extend(chain), true).is_ok());
  ASSERT_TRUE(disk.corrupt(canonical_key(3)));
  ChainBatch batch;
  ChainWrite reorg;
  reorg.truncate_canonical_above = 1;
  reorg.head = ChainPointer{hash_of(chain[1]), 1};
  Status s = store.stage(reorg, batch);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_TRUE(batch.empty());
}

// ----------------------------------------------------------------------------- repair

TEST(ChainStore, RepairDiscardsACorruptChainAndKeepsTheSafetyRecords) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, 5);
  ASSERT_TRUE(store.write(extend(chain), true).is_ok());
  ASSERT_TRUE(store.record_signature(9, h(1)).is_ok());
  ASSERT_TRUE(store.record_signature(12, h(2)).is_ok());
  const Bytes bridge = {1, 2, 3};
  ASSERT_TRUE(store.put_bridge_state(bridge).is_ok());
  const OutPoint coin{h(7), 1};
  ASSERT_TRUE(store.record_pegout_signing(h(8), std::span<const OutPoint>(&coin, 1)).is_ok());
  ASSERT_TRUE(disk.corrupt(block_key(hash_of(chain[3]))));
  ASSERT_EQ(store.load().error().code(), StatusCode::kCorruption);

  Result<RepairReport> report = store.repair(/*guard_floor_slot=*/1000);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->dropped_values, 1u);
  EXPECT_FALSE(report->guard_damaged);
  EXPECT_EQ(report->highest_signed_slot, 12u) << "an intact guard keeps its maximum";
  EXPECT_EQ(report->discarded_keys, 4u + 5u + 1u) << "4 blocks left, 5 index entries, the head";
  EXPECT_EQ(disk.unsynced_batches(), 0u) << "a repair is durable";

  Result<LoadedChain> l = store.load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_FALSE(l->head.has_value());
  EXPECT_TRUE(l->blocks.empty());
  EXPECT_EQ(l->highest_signed_slot, 12u);
  EXPECT_EQ(store.signed_for_slot(9)->value(), h(1));
  EXPECT_EQ(store.record_signature(12, h(3)).code(), StatusCode::kFailedPrecondition)
      << "the slot records outlive the repair";
  EXPECT_EQ(*store.bridge_state(), bridge);
  const OutPoint same = coin;
  EXPECT_EQ(store.record_pegout_signing(h(9), std::span<const OutPoint>(&same, 1)).code(),
            StatusCode::kFailedPrecondition)
      << "the peg-out spend guard outlives the repair";
}

TEST(ChainStore, RepairOfADamagedGuardRaisesItsFloorAndNeverLowersIt) {
  SimDisk disk;
  ChainStore store(disk);
  ASSERT_TRUE(store.write(extend(make_chain(Hash256(), 0, 3)), true).is_ok());
  ASSERT_TRUE(store.record_signature(40, h(1)).is_ok());
  ASSERT_TRUE(store.record_signature(50, h(2)).is_ok());
  // The maximum's own value goes bad: load() cannot tell what was signed.
  ASSERT_TRUE(disk.corrupt(as_bytes(kSignedMaxKey)));
  ASSERT_EQ(store.load().error().code(), StatusCode::kCorruption);
  Result<RepairReport> report = store.repair(/*guard_floor_slot=*/45);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->guard_damaged);
  EXPECT_EQ(report->highest_signed_slot, 50u) << "rebuilt from the slot records, above the floor";
  EXPECT_EQ(store.load()->highest_signed_slot, 50u);

  // A lost slot record: its slot may have been the highest, so the caller's floor wins.
  ASSERT_TRUE(disk.corrupt(signed_slot_key(50)));
  report = store.repair(/*guard_floor_slot=*/70);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->guard_damaged);
  EXPECT_EQ(report->highest_signed_slot, 70u);
  EXPECT_EQ(store.load()->highest_signed_slot, 70u);
  EXPECT_EQ(store.signed_for_slot(40)->value(), h(1));
}

TEST(ChainStore, RepairOnAFullDiskChangesNothing) {
  SimDisk disk;
  ChainStore store(disk);
  ASSERT_TRUE(store.write(extend(make_chain(Hash256(), 0, 3)), true).is_ok());
  ASSERT_TRUE(disk.corrupt(canonical_key(1)));
  const auto before = disk.contents();
  disk.set_full(true);
  Result<RepairReport> report = store.repair(5);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code(), StatusCode::kIoError);
  EXPECT_EQ(disk.contents(), before);
  disk.set_full(false);
  EXPECT_EQ(store.load().error().code(), StatusCode::kCorruption) << "still corrupt: not repaired";
}

// ----------------------------------------------------------------------------- signatures

TEST(ChainStore, RecordSignatureRefusesAConflictAndIsIdempotent) {
  SimDisk disk;
  ChainStore store(disk);
  ASSERT_TRUE(store.record_signature(10, h(1)).is_ok());
  EXPECT_EQ(disk.unsynced_batches(), 0u) << "the guard must be a sync write";
  const std::uint64_t writes = disk.writes_ok();
  EXPECT_TRUE(store.record_signature(10, h(1)).is_ok());
  EXPECT_EQ(disk.writes_ok(), writes) << "the same hash again needs no write";
  Status conflict = store.record_signature(10, h(2));
  EXPECT_EQ(conflict.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(contains(conflict, "slot 10")) << conflict.to_string();
  EXPECT_EQ(disk.writes_ok(), writes);
  EXPECT_EQ(store.signed_for_slot(10)->value(), h(1));
}

TEST(ChainStore, HighestSignedSlotIsTheMaximumNotTheLatest) {
  SimDisk disk;
  ChainStore store(disk);
  ASSERT_TRUE(store.record_signature(7, h(1)).is_ok());
  ASSERT_TRUE(store.record_signature(30, h(2)).is_ok());
  ASSERT_TRUE(store.record_signature(12, h(3)).is_ok());
  EXPECT_EQ(store.highest_signed_slot()->value(), 30u);
  EXPECT_EQ(store.load()->highest_signed_slot, 30u);
  EXPECT_EQ(store.signed_for_slot(12)->value(), h(3));
}

// ----------------------------------------------------------------------------- ranges

TEST(ChainStore, BlocksByRangeIsCappedStopsAtGapsAndAtHead) {
  SimDisk disk;
  ChainStore store(disk);
  const auto chain = make_chain(Hash256(), 0, limits::kMaxBlocksPerRange + 10);
  ASSERT_TRUE(store.write(extend(chain), false).is_ok());
  auto all = store.blocks_by_range(0, UINT32_MAX);
  ASSERT_TRUE(all) << all.error().to_string();
  EXPECT_EQ(all->size(), limits::kMaxBlocksPerRange);
  EXPECT_EQ(all->front(), chain.front());
  EXPECT_EQ(all->back(), chain[limits::kMaxBlocksPerRange - 1]);

  auto tail = store.blocks_by_range(chain.size() - 3, 10);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->size(), 3u);
  EXPECT_TRUE(store.blocks_by_range(chain.size(), 10)->empty());
  EXPECT_TRUE(store.blocks_by_range(5, 0)->empty());
  EXPECT_TRUE(store.blocks_by_range(UINT64_MAX, UINT32_MAX)->empty());

  WriteBatch gap;
  gap.del(canonical_key(8));
  ASSERT_TRUE(disk.write(gap, {}).is_ok());
  auto part = store.blocks_by_range(5, 10);
  ASSERT_TRUE(part);
  EXPECT_EQ(hashes(*part), hashes({chain[5], chain[6], chain[7]}));
}

// ----------------------------------------------------------------------------- property

// A plan byte: bit 0 = sync; bits 1-2 = 0..2 extend by 1..3 blocks, 3 = reorg to a fork
// `(byte >> 3) % (height)` blocks below the head with 1..2 new blocks.
struct Model {
  std::vector<std::vector<Hash256>> states{{}};  // canonical hashes after each write
};

RC_GTEST_PROP(ChainStore, LoadAfterACrashIsTheStateAfterSomeDurablePrefix,
              (const std::vector<std::uint8_t>& plan, std::uint8_t keep)) {
  SimDisk disk;
  ChainStore store(disk);
  Model m;
  std::uint8_t salt = 0;
  for (const std::uint8_t op : plan) {
    std::vector<Hash256> chain = m.states.back();
    std::vector<SignedBlock> fresh;
    ChainWrite w;
    const unsigned kind = (op >> 1) & 3;
    if (kind == 3 && chain.size() >= 2) {
      const std::size_t drop = 1 + (op >> 3) % (chain.size() - 1);  // keep >= 1 block
      chain.resize(chain.size() - drop);
      w.truncate_canonical_above = chain.size() - 1;
      fresh = make_chain(chain.back(), chain.size(), 1 + (op >> 5) % 2, ++salt);
    } else {
      const Hash256 parent = chain.empty() ? Hash256() : chain.back();
      fresh = make_chain(parent, chain.size(), 1 + kind % 3, ++salt);
    }
    ChainWrite ext = extend(fresh);
    w.blocks = ext.blocks;
    w.canonical = ext.canonical;
    w.head = ext.head;
    for (const SignedBlock& b : fresh) chain.push_back(hash_of(b));
    RC_ASSERT(store.write(w, (op & 1) != 0).is_ok());
    m.states.push_back(std::move(chain));
  }
  const std::size_t unsynced = disk.unsynced_batches();
  const std::size_t kept = std::min<std::size_t>(keep, unsynced);
  disk.crash(keep);
  const std::vector<Hash256>& want = m.states[m.states.size() - 1 - unsynced + kept];
  Result<LoadedChain> l = store.load();
  RC_ASSERT(l.has_value());
  RC_ASSERT(hashes(l->blocks) == want);
  if (!want.empty()) RC_ASSERT(l->head->hash == want.back());
}

}  // namespace
}  // namespace alys::storage
