#include "node/tx_journal.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "core/chain/codec.h"
#include "core/runtime/assert.h"

namespace alys::node {

namespace {

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_be(const std::string& in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[at + i]);
  return v;
}

std::string record_of(const LedgerTx& tx) {
  const Bytes body = encode_ledger_tx(tx);
  std::string out;
  put_be(out, body.size(), 4);
  out.append(reinterpret_cast<const char*>(body.data()), body.size());
  put_be(out, XXH3_64bits(body.data(), body.size()), 8);
  return out;
}

Status io_error(const std::string& path, std::string_view what) {
  return Status::io_error(fmt::format("tx journal {}: {}: {}", path, what, std::strerror(errno)));
}

}  // namespace

Result<std::unique_ptr<TxJournal>> TxJournal::open(const std::string& path) {
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<LedgerTx> loaded;
  std::size_t at = 0;
  while (at + 4 <= bytes.size()) {
    const std::size_t len = get_be(bytes, at, 4);
    if (len == 0 || len > kTxJournalMaxRecordBytes || at + 4 + len + 8 > bytes.size()) break;
    const auto* body = reinterpret_cast<const std::uint8_t*>(bytes.data() + at + 4);
    if (XXH3_64bits(body, len) != get_be(bytes, at + 4 + len, 8)) break;
    auto tx = decode_ledger_tx(ByteView(body, len));
    if (!tx) break;
    loaded.push_back(std::move(*tx));
    at += 4 + len + 8;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(path, "open");
  // Drop a torn tail so that appends continue a valid file.
  if (::ftruncate(fd, static_cast<off_t>(at)) != 0 || ::lseek(fd, static_cast<off_t>(at), SEEK_SET) < 0) {
    const Status s = io_error(path, "truncate");
    ::close(fd);
    return s;
  }
  return std::unique_ptr<TxJournal>(new TxJournal(path, fd, std::move(loaded)));
}

TxJournal::TxJournal(std::string path, int fd, std::vector<LedgerTx> entries)
    : path_(std::move(path)), fd_(fd), entries_(std::move(entries)) {}

TxJournal::~TxJournal() {
  if (fd_ >= 0) ::close(fd_);
}

Status TxJournal::write_all(int fd, const std::string& bytes) const {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(path_, "write");
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Status TxJournal::append(const LedgerTx& tx) {
  const std::string record = record_of(tx);
  std::lock_guard lock(mu_);
  if (entries_.size() >= kTxJournalMaxRecords) {
    return Status::failed_precondition(
        fmt::format("tx journal {}: full ({} records)", path_, kTxJournalMaxRecords));
  }
  if (Status s = write_all(fd_, record); !s.is_ok()) return s;
  if (::fdatasync(fd_) != 0) return io_error(path_, "fdatasync");
  entries_.push_back(tx);
  return Status::ok();
}

Status TxJournal::rewrite(const std::vector<LedgerTx>& keep) {
  std::lock_guard lock(mu_);
  return rewrite_locked(keep);
}

Status TxJournal::compact(const std::function<bool(const LedgerTx&)>& still_pending) {
  std::vector<LedgerTx> snapshot;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (compacting_) return Status::ok();
    compacting_ = true;
    snapshot = entries_;
    generation = rewrites_;
  }
  std::vector<LedgerTx> keep;
  for (const LedgerTx& tx : snapshot) {
    if (still_pending(tx)) keep.push_back(tx);
  }
  std::lock_guard lock(mu_);
  compacting_ = false;
  // Found by the load test (docs/operations/load.md): two RPC threads compacting at once,
  // the second then spliced past the end of what the first had left.
  if (rewrites_ != generation) return Status::ok();
  // Appends since the snapshot follow it in entries_ (only a rewrite removes records).
  ALYS_ASSERT(entries_.size() >= snapshot.size(), "tx journal: records vanished without a rewrite");
  keep.insert(keep.end(), entries_.begin() + static_cast<std::ptrdiff_t>(snapshot.size()), entries_.end());
  return rewrite_locked(keep);
}

Status TxJournal::rewrite_locked(const std::vector<LedgerTx>& keep) {
  std::string bytes;
  for (const LedgerTx& tx : keep) bytes += record_of(tx);
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(tmp, "open");
  Status s = write_all(fd, bytes);
  if (s.is_ok() && ::fdatasync(fd) != 0) s = io_error(tmp, "fdatasync");
  ::close(fd);
  if (!s.is_ok()) return s;
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return io_error(path_, "rename");
  // The rename itself must survive a crash: sync the directory entry.
  const std::string dir = std::filesystem::path(path_).parent_path().string();
  if (const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  const int fresh = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fresh < 0) return io_error(path_, "reopen");
  ::close(fd_);
  fd_ = fresh;
  entries_ = keep;
  ++rewrites_;
  compact_at_ = std::max(kTxJournalCompactAt, 2 * entries_.size());
  return Status::ok();
}

std::size_t TxJournal::records() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::vector<LedgerTx> TxJournal::entries() const {
  std::lock_guard lock(mu_);
  return entries_;
}

bool TxJournal::compaction_due() const {
  std::lock_guard lock(mu_);
  return entries_.size() >= compact_at_;
}

}  // namespace alys::node
