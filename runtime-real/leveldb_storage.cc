#include "runtime-real/leveldb_storage.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>
#include <xxhash.h>

#include <cstring>

#include <fmt/format.h>

#include "core/runtime/assert.h"

namespace alys::real {

namespace {

constexpr std::size_t kSealBytes = 8;

leveldb::Slice slice(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
ByteView view(const leveldb::Slice& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::uint64_t checksum(ByteView key, ByteView value) {
  // Keyed by the key's own hash, so a value moved under another key fails too.
  return XXH3_64bits_withSeed(value.data(), value.size(), XXH3_64bits(key.data(), key.size()));
}

// The value inside a stored record, or nullopt if the record fails its checksum.
std::optional<ByteView> unseal(ByteView key, ByteView stored) {
  if (stored.size() < kSealBytes) return std::nullopt;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kSealBytes; ++i) sum |= std::uint64_t{stored[i]} << (8 * i);
  const ByteView value = stored.subspan(kSealBytes);
  if (sum != checksum(key, value)) return std::nullopt;
  return value;
}

std::string printable(ByteView key) {
  std::string out;
  for (std::uint8_t c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

Status from_leveldb(const leveldb::Status& s, std::string_view what) {
  if (s.ok()) return Status::ok();
  const std::string msg = fmt::format("{}: {}", what, s.ToString());
  if (s.IsNotFound()) return Status::not_found(msg);
  if (s.IsCorruption()) return Status::corruption(msg);
  if (s.IsInvalidArgument()) return Status::invalid_argument(msg);
  return Status::io_error(msg);
}

Status value_corrupt(const std::string& path, ByteView key) {
  return Status::corruption(
      fmt::format("storage {}: key '{}': value fails its checksum", path, printable(key)));
}

}  // namespace

struct LevelDbStorage::Parts {
  std::unique_ptr<leveldb::Cache> cache;
  std::unique_ptr<const leveldb::FilterPolicy> filter;
  std::unique_ptr<leveldb::DB> db;  // declared last: closed before what it uses
};

Result<std::unique_ptr<LevelDbStorage>> LevelDbStorage::open(const std::string& path,
                                                             const LevelDbOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->cache.reset(leveldb::NewLRUCache(options.block_cache_bytes));
  parts->filter.reset(leveldb::NewBloomFilterPolicy(10));
  leveldb::Options o;
  o.create_if_missing = options.create_if_missing;
  o.paranoid_checks = true;
  o.block_cache = parts->cache.get();
  o.filter_policy = parts->filter.get();
  o.write_buffer_size = options.write_buffer_bytes;
  leveldb::DB* db = nullptr;
  const leveldb::Status s = leveldb::DB::Open(o, path, &db);
  if (!s.ok()) {
    // LevelDB calls both a missing store and a held lock "invalid argument"/"IO error";
    // to an operator each is a problem with the directory.
    const Status st = from_leveldb(s, fmt::format("storage {}: open", path));
    if (st.code() == StatusCode::kCorruption) return st;
    return Status::io_error(st.message());
  }
  parts->db.reset(db);
  return std::unique_ptr<LevelDbStorage>(new LevelDbStorage(path, std::move(parts)));
}

LevelDbStorage::LevelDbStorage(std::string path, std::unique_ptr<Parts> parts)
    : path_(std::move(path)), parts_(std::move(parts)) {}

LevelDbStorage::~LevelDbStorage() = default;

Bytes LevelDbStorage::seal(ByteView key, ByteView value) {
  Bytes out(kSealBytes + value.size());
  const std::uint64_t sum = checksum(key, value);
  for (std::size_t i = 0; i < kSealBytes; ++i) out[i] = static_cast<std::uint8_t>(sum >> (8 * i));
  if (!value.empty()) std::memcpy(out.data() + kSealBytes, value.data(), value.size());
  return out;
}

Result<Bytes> LevelDbStorage::get(ByteView key) {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  std::string stored;
  const leveldb::Status s = parts_->db->Get(ro, slice(key), &stored);
  if (!s.ok()) return from_leveldb(s, fmt::format("storage {}: get '{}'", path_, printable(key)));
  const auto value = unseal(key, as_bytes(stored));
  if (!value) return value_corrupt(path_, key);
  return Bytes(value->begin(), value->end());
}

Status LevelDbStorage::write(const WriteBatch& batch, WriteOptions options) {
  leveldb::WriteBatch b;
  for (const WriteBatch::Op& op : batch.ops()) {
    if (op.value) {
      const Bytes sealed = seal(op.key, *op.value);
      b.Put(slice(op.key), slice(sealed));
    } else {
      b.Delete(slice(op.key));
    }
  }
  leveldb::WriteOptions wo;
  wo.sync = options.sync;
  const leveldb::Status s = parts_->db->Write(wo, &b);
  if (!s.ok()) return Status::io_error(fmt::format("storage {}: write: {}", path_, s.ToString()));
  return Status::ok();
}

namespace {

// LevelDB's iterator reads a snapshot taken when it was created, so writes made while it is
// open never disturb it (the Storage contract asks only that they do not break it). Each
// entry's checksum is checked as the iterator reaches it; a failure ends the iteration with
// status() kCorruption naming the key.
class LevelDbIterator final : public StorageIterator {
 public:
  LevelDbIterator(std::string path, std::unique_ptr<leveldb::Iterator> it)
      : path_(std::move(path)), it_(std::move(it)) {}

  void seek_to_first() override {
    it_->SeekToFirst();
    settle();
  }
  void seek(ByteView key) override {
    it_->Seek(slice(key));
    settle();
  }
  bool valid() const override { return valid_; }
  void next() override {
    ALYS_ASSERT(valid_, "StorageIterator::next on an invalid iterator");
    it_->Next();
    settle();
  }
  ByteView key() const override {
    ALYS_ASSERT(valid_, "StorageIterator::key on an invalid iterator");
    return view(it_->key());
  }
  ByteView value() const override {
    ALYS_ASSERT(valid_, "StorageIterator::value on an invalid iterator");
    return value_;
  }
  Status status() const override { return status_; }

 private:
  void settle() {
    valid_ = false;
    if (!status_.is_ok()) return;
    if (!it_->Valid()) {
      status_ = from_leveldb(it_->status(), fmt::format("storage {}: iterate", path_));
      return;
    }
    const ByteView key = view(it_->key());
    const auto value = unseal(key, view(it_->value()));
    if (!value) {
      status_ = value_corrupt(path_, key);
      return;
    }
    value_ = *value;
    valid_ = true;
  }

  std::string path_;
  std::unique_ptr<leveldb::Iterator> it_;
  ByteView value_;
  bool valid_ = false;
  Status status_;
};

}  // namespace

std::unique_ptr<StorageIterator> LevelDbStorage::iterate() {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;  // scans (load, repair) should not evict the hot blocks
  return std::make_unique<LevelDbIterator>(
      path_, std::unique_ptr<leveldb::Iterator>(parts_->db->NewIterator(ro)));
}

Result<std::vector<Bytes>> LevelDbStorage::repair() {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(parts_->db->NewIterator(ro));
  std::vector<Bytes> dropped;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const ByteView key = view(it->key());
    if (!unseal(key, view(it->value()))) dropped.emplace_back(key.begin(), key.end());
  }
  if (!it->status().ok()) {
    return Status::corruption(fmt::format(
        "storage {}: repair: LevelDB reports a damaged block ({}); the keys lost with it cannot "
        "be listed, so the store is left as it is for an operator (LevelDB's RepairDB, then a "
        "signature-guard floor above every slot this node may have signed)",
        path_, it->status().ToString()));
  }
  it.reset();
  leveldb::WriteBatch b;
  for (const Bytes& key : dropped) b.Delete(slice(key));
  leveldb::WriteOptions wo;
  wo.sync = true;
  const leveldb::Status s = parts_->db->Write(wo, &b);
  if (!s.ok()) return Status::io_error(fmt::format("storage {}: repair: {}", path_, s.ToString()));
  return dropped;
}

}  // namespace alys::real
