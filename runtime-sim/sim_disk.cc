#include "runtime-sim/sim_disk.h"

#include <string>

namespace alys::sim {

namespace {
std::string printable(ByteView key) {
  std::string out;
  for (auto c : key) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}
}  // namespace

Result<Bytes> SimDisk::get(ByteView key) {
  Bytes k(key.begin(), key.end());
  auto it = data_.find(k);
  if (it == data_.end()) return Status::not_found("storage: key '" + printable(key) + "'");
  if (corrupted_.count(k)) {
    return Status::corruption("storage: key '" + printable(key) + "': checksum mismatch");
  }
  return it->second;
}

void SimDisk::set_or_erase(const Bytes& key, const std::optional<Bytes>& value) {
  corrupted_.erase(key);
  if (value) {
    data_[key] = *value;
  } else {
    data_.erase(key);
  }
}

Status SimDisk::write(const WriteBatch& batch, WriteOptions options) {
  if (full_) {
    ++writes_failed_;
    return Status::io_error("storage: disk full");
  }
  if (fail_next_ > 0) {
    --fail_next_;
    ++writes_failed_;
    return Status::io_error("storage: write failed");
  }
  Undo undo;
  const bool keep_undo = !options.sync;
  if (keep_undo) undo.before.reserve(batch.size());
  for (const auto& op : batch.ops()) {
    if (keep_undo) {
      auto it = data_.find(op.key);
      undo.before.push_back(Before{op.key,
                                   it == data_.end() ? std::nullopt
                                                     : std::optional<Bytes>(it->second),
                                   corrupted_.count(op.key) != 0});
    }
    set_or_erase(op.key, op.value);
  }
  ++version_;
  ++writes_ok_;
  if (options.sync) {
    undo_.clear();  // everything up to and including this batch is now durable
  } else {
    undo_.push_back(std::move(undo));
  }
  return Status::ok();
}

void SimDisk::crash(std::size_t keep) {
  if (keep > undo_.size()) keep = undo_.size();
  while (undo_.size() > keep) {
    Undo& u = undo_.back();
    for (auto it = u.before.rbegin(); it != u.before.rend(); ++it) {
      set_or_erase(it->key, it->value);
      if (it->corrupted) corrupted_.insert(it->key);
    }
    undo_.pop_back();
  }
  undo_.clear();
  ++version_;
}

Result<std::vector<Bytes>> SimDisk::repair() {
  if (full_) {
    ++writes_failed_;
    return Status::io_error("storage: repair: disk full");
  }
  std::vector<Bytes> dropped(corrupted_.begin(), corrupted_.end());
  for (const Bytes& key : dropped) data_.erase(key);
  corrupted_.clear();
  undo_.clear();
  ++version_;
  ++writes_ok_;
  return dropped;
}

bool SimDisk::corrupt(ByteView key) {
  Bytes k(key.begin(), key.end());
  if (!data_.count(k)) return false;
  corrupted_.insert(std::move(k));
  ++version_;
  return true;
}

// Copies the current entry, so writes during iteration never leave it dangling; next()
// re-seeks past the saved key when the disk changed underneath.
class SimDiskIterator final : public StorageIterator {
 public:
  explicit SimDiskIterator(const SimDisk& disk) : disk_(disk) {}

  void seek_to_first() override { position(disk_.data_.begin()); }
  void seek(ByteView key) override {
    position(disk_.data_.lower_bound(Bytes(key.begin(), key.end())));
  }
  bool valid() const override { return valid_; }
  void next() override {
    ALYS_ASSERT(valid_, "StorageIterator::next on an invalid iterator");
    position(disk_.data_.upper_bound(key_));
  }
  ByteView key() const override {
    ALYS_ASSERT(valid_, "StorageIterator::key on an invalid iterator");
    return key_;
  }
  ByteView value() const override {
    ALYS_ASSERT(valid_, "StorageIterator::value on an invalid iterator");
    return value_;
  }
  Status status() const override { return status_; }

 private:
  void position(std::map<Bytes, Bytes>::const_iterator it) {
    valid_ = false;
    if (!status_.is_ok() || it == disk_.data_.end()) return;
    if (disk_.corrupted_.count(it->first)) {
      status_ = Status::corruption("storage: iteration hit a corrupted value");
      return;
    }
    key_ = it->first;
    value_ = it->second;
    valid_ = true;
  }

  const SimDisk& disk_;
  Bytes key_;
  Bytes value_;
  bool valid_ = false;
  Status status_;
};

std::unique_ptr<StorageIterator> SimDisk::iterate() {
  return std::make_unique<SimDiskIterator>(*this);
}

}  // namespace alys::sim
