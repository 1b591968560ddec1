// LevelDbStorage against the Storage contract (core/runtime/storage.h), on real LevelDB
// directories: round trips, atomic batches, bytewise order, durability across reopen, the
// directory lock, value- and block-level corruption and what repair() does with each; and
// a RapidCheck conformance property: any sequence of batches leaves LevelDbStorage and the
// simulator's SimDisk answering every read the same way.
#include "runtime-real/leveldb_storage.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <leveldb/db.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/runtime/assert.h"
#include "runtime-sim/sim_disk.h"

namespace alys::real {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "alys-leveldb-XXXXXX").string();
    ALYS_ASSERT(::mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string store() const { return (path_ / "store").string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::unique_ptr<LevelDbStorage> open_or_die(const std::string& path) {
  auto s = LevelDbStorage::open(path);
  EXPECT_TRUE(s) << s.error().to_string();
  return s ? std::move(s).value() : nullptr;
}

Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Every (key, value) an iterator yields from the first key, and its final status.
std::pair<std::vector<std::pair<Bytes, Bytes>>, Status> scan(Storage& s) {
  std::vector<std::pair<Bytes, Bytes>> out;
  auto it = s.iterate();
  for (it->seek_to_first(); it->valid(); it->next()) {
    out.emplace_back(Bytes(it->key().begin(), it->key().end()),
                     Bytes(it->value().begin(), it->value().end()));
  }
  return {out, it->status()};
}

// Writes raw records with LevelDB itself (the store must be closed), e.g. damaged ones.
void write_raw(const std::string& path, const std::vector<std::pair<Bytes, Bytes>>& records,
               bool compact) {
  leveldb::Options o;
  o.create_if_missing = true;
  leveldb::DB* raw = nullptr;
  ASSERT_TRUE(leveldb::DB::Open(o, path, &raw).ok());
  std::unique_ptr<leveldb::DB> db(raw);
  for (const auto& [k, v] : records) {
    ASSERT_TRUE(db->Put(leveldb::WriteOptions{},
                        leveldb::Slice(reinterpret_cast<const char*>(k.data()), k.size()),
                        leveldb::Slice(reinterpret_cast<const char*>(v.data()), v.size()))
                    .ok());
  }
  if (compact) db->CompactRange(nullptr, nullptr);
}

TEST(LevelDbStorage, GetsWhatWasPutAndNotFoundForTheRest) {
  TempDir dir;
  auto s = open_or_die(dir.store());
  ASSERT_TRUE(s);
  WriteBatch batch;
  batch.put("alpha", "1");
  batch.put("empty", "");
  ASSERT_TRUE(s->write(batch, {}).is_ok());
  EXPECT_EQ(s->get("alpha").value(), b("1"));
  EXPECT_EQ(s->get("empty").value(), Bytes{});
  const auto missing = s->get("beta");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  WriteBatch del;
  del.del("alpha");
  ASSERT_TRUE(s->write(del, {}).is_ok());
  EXPECT_EQ(s->get("alpha").error().code(), StatusCode::kNotFound);
}

TEST(LevelDbStorage, ABatchAppliesInOrderAndIteratesBytewise) {
  TempDir dir;
  auto s = open_or_die(dir.store());
  ASSERT_TRUE(s);
  WriteBatch batch;
  for (std::string_view k : {"b", "a\x01", "a", "\xff", "ab"}) batch.put(k, k);
  batch.put(as_bytes(std::string_view("\x00", 1)), as_bytes("nul"));
  batch.put("gone", "x");
  batch.del("gone");
  batch.put("twice", "first");
  batch.put("twice", "second");
  ASSERT_TRUE(s->write(batch, {}).is_ok());
  const auto [entries, status] = scan(*s);
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  std::vector<Bytes> keys;
  for (const auto& e : entries) keys.push_back(e.first);
  const std::vector<Bytes> expected = {Bytes{0}, b("a"), b("a\x01"), b("ab"), b("b"), b("twice"),
                                       b("\xff")};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(s->get("twice").value(), b("second"));
  auto it = s->iterate();
  it->seek(as_bytes("a\x02"));
  ASSERT_TRUE(it->valid());
  EXPECT_EQ(Bytes(it->key().begin(), it->key().end()), b("ab"));
}

TEST(LevelDbStorage, WritesSurviveClosingAndReopening) {
  TempDir dir;
  {
    auto s = open_or_die(dir.store());
    ASSERT_TRUE(s);
    WriteBatch batch;
    batch.put("synced", "yes");
    ASSERT_TRUE(s->write(batch, WriteOptions{.sync = true}).is_ok());
  }
  auto s = open_or_die(dir.store());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->get("synced").value(), b("yes"));
}

TEST(LevelDbStorage, ASecondOpenOfAnOpenStoreFailsAndNamesThePath) {
  TempDir dir;
  auto first = open_or_die(dir.store());
  ASSERT_TRUE(first);
  const auto second = LevelDbStorage::open(dir.store());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), StatusCode::kIoError);
  EXPECT_NE(second.error().message().find(dir.store()), std::string::npos)
      << second.error().message();
}

TEST(LevelDbStorage, OpeningAFileOrAMissingStoreFailsAndNamesThePath) {
  TempDir dir;
  const std::string file = (dir.path() / "not-a-dir").string();
  std::ofstream(file) << "x";
  const auto on_file = LevelDbStorage::open(file);
  ASSERT_FALSE(on_file);
  EXPECT_NE(on_file.error().message().find(file), std::string::npos);
  const auto missing = LevelDbStorage::open(dir.store(), LevelDbOptions{.create_if_missing = false});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kIoError);
  EXPECT_NE(missing.error().message().find(dir.store()), std::string::npos);
}

// A value damaged in place, one cut short and one moved under another key: each is
// kCorruption on get and ends an iteration; repair() drops exactly those and keeps the rest.
TEST(LevelDbStorage, DamagedValuesAreReportedAndRepairDropsExactlyThem) {
  TempDir dir;
  {
    auto s = open_or_die(dir.store());
    ASSERT_TRUE(s);
    WriteBatch batch;
    for (std::string_view k : {"a", "b", "c", "d", "e"}) batch.put(k, k);
    ASSERT_TRUE(s->write(batch, WriteOptions{.sync = true}).is_ok());
  }
  Bytes flipped = LevelDbStorage::seal(b("b"), b("b"));
  flipped.back() ^= 1;
  write_raw(dir.store(),
            {{b("b"), flipped},
             {b("c"), Bytes{1, 2, 3}},
             {b("d"), LevelDbStorage::seal(b("a"), b("d"))}},
            /*compact=*/false);
  auto s = open_or_die(dir.store());
  ASSERT_TRUE(s);
  for (std::string_view k : {"b", "c", "d"}) {
    const auto got = s->get(k);
    ASSERT_FALSE(got) << k;
    EXPECT_EQ(got.error().code(), StatusCode::kCorruption) << k;
  }
  const auto [before, status] = scan(*s);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("'b'"), std::string::npos) << status.message();
  EXPECT_EQ(before.size(), 1u);  // "a", then "b" stops it

  const auto dropped = s->repair();
  ASSERT_TRUE(dropped) << dropped.error().to_string();
  EXPECT_EQ(*dropped, (std::vector<Bytes>{b("b"), b("c"), b("d")}));
  const auto [after, clean] = scan(*s);
  EXPECT_TRUE(clean.is_ok()) << clean.to_string();
  EXPECT_EQ(after, (std::vector<std::pair<Bytes, Bytes>>{{b("a"), b("a")}, {b("e"), b("e")}}));
  EXPECT_EQ(s->get("c").error().code(), StatusCode::kNotFound);
}

// Bytes flipped inside a table file: LevelDB's block checksum fails, the keys in that block
// cannot be listed, so repair() refuses and leaves every file as it was.
TEST(LevelDbStorage, ADamagedBlockMakesRepairRefuseAndChangeNothing) {
  TempDir dir;
  std::vector<std::pair<Bytes, Bytes>> records;
  for (int i = 0; i < 2000; ++i) {
    const Bytes key = b(fmt::format("key-{:05}", i));
    records.emplace_back(key, LevelDbStorage::seal(key, Bytes(100, static_cast<std::uint8_t>(i))));
  }
  write_raw(dir.store(), records, /*compact=*/true);
  fs::path table;
  for (const auto& f : fs::directory_iterator(dir.store())) {
    if (f.path().extension() == ".ldb") table = f.path();
  }
  ASSERT_FALSE(table.empty()) << "no table file after compaction";
  {
    std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(table) / 3));
    const char junk[16] = {'\x55', '\x55', '\x55', '\x55', '\x55', '\x55', '\x55', '\x55',
                           '\x55', '\x55', '\x55', '\x55', '\x55', '\x55', '\x55', '\x55'};
    f.write(junk, sizeof junk);
  }
  const auto listing = [&] {
    std::map<std::string, std::uintmax_t> files;
    for (const auto& f : fs::directory_iterator(dir.store())) {
      if (f.path().filename() != "LOCK") files[f.path().filename().string()] = fs::file_size(f);
    }
    return files;
  };
  auto s = open_or_die(dir.store());
  ASSERT_TRUE(s);
  const auto [entries, status] = scan(*s);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_LT(entries.size(), records.size());
  const auto files_before = listing();
  const auto repaired = s->repair();
  ASSERT_FALSE(repaired);
  EXPECT_EQ(repaired.error().code(), StatusCode::kCorruption);
  EXPECT_NE(repaired.error().message().find("cannot be listed"), std::string::npos);
  EXPECT_EQ(listing(), files_before);
}

// Conformance with the simulator's disk: the same batches leave both stores answering every
// get, every full scan and every seek the same way.
RC_GTEST_PROP(LevelDbStorageProp, AnswersEveryReadLikeSimDisk, ()) {
  const auto key_gen = rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'd'));
  const auto keys = *rc::gen::container<std::vector<std::string>>(
      rc::gen::resize(3, key_gen));
  const auto batches = *rc::gen::resize(
      20, rc::gen::container<std::vector<std::vector<std::pair<std::string, int>>>>(
              rc::gen::container<std::vector<std::pair<std::string, int>>>(rc::gen::pair(
                  rc::gen::resize(3, key_gen), rc::gen::inRange(-1, 100)))));
  // One store for every case, emptied first: opening a LevelDB directory costs fsyncs
  // (tens of ms), a hundred of them would dominate the suite.
  static TempDir dir;
  static std::unique_ptr<LevelDbStorage> store = open_or_die(dir.store());
  RC_ASSERT(store != nullptr);
  {
    WriteBatch clear;
    for (const auto& [k, v] : scan(*store).first) clear.del(k);
    RC_ASSERT(store->write(clear, {}).is_ok());
  }
  LevelDbStorage* real = store.get();
  sim::SimDisk model;
  for (const auto& ops : batches) {
    WriteBatch batch;
    for (const auto& [k, v] : ops) {
      if (v < 0) {
        batch.del(k);
      } else {
        batch.put(k, std::to_string(v));
      }
    }
    // Not synced: sync changes durability, not what reads see (a test above reopens).
    RC_ASSERT(real->write(batch, {}).is_ok());
    RC_ASSERT(model.write(batch, {}).is_ok());
  }
  std::vector<std::string> probes = keys;
  for (const auto& ops : batches) {
    for (const auto& op : ops) probes.push_back(op.first);
  }
  for (const std::string& k : probes) {
    const auto got = real->get(k);
    const auto want = model.get(k);
    RC_ASSERT(bool(got) == bool(want));
    if (got) {
      RC_ASSERT(*got == *want);
    } else {
      RC_ASSERT(got.error().code() == want.error().code());
    }
    auto ri = real->iterate();
    auto mi = model.iterate();
    ri->seek(as_bytes(k));
    mi->seek(as_bytes(k));
    RC_ASSERT(ri->valid() == mi->valid());
    if (ri->valid()) RC_ASSERT(Bytes(ri->key().begin(), ri->key().end()) ==
                               Bytes(mi->key().begin(), mi->key().end()));
  }
  const auto [real_entries, real_status] = scan(*real);
  const auto [model_entries, model_status] = scan(model);
  RC_ASSERT(real_status.is_ok());
  RC_ASSERT(model_status.is_ok());
  RC_ASSERT(real_entries == model_entries);
}

}  // namespace
}  // namespace alys::real
