#include "core/bitcoin/block.h"

#include <fmt/format.h>

#include "core/crypto/sha256.h"

namespace alys {

namespace {
// A transaction takes at least 10 bytes (version, two empty counts, lock_time).
constexpr std::size_t kMinTxBytes = 10;
}  // namespace

void write_block_header(ByteWriter& w, const BlockHeader& h) {
  w.i32le(h.version);
  w.hash(h.prev_block);
  w.hash(h.merkle_root);
  w.u32le(h.time);
  w.u32le(h.bits);
  w.u32le(h.nonce);
}

Bytes serialize_block_header(const BlockHeader& h) {
  ByteWriter w(BlockHeader::kSize);
  write_block_header(w, h);
  return w.take();
}

Result<BlockHeader> read_block_header(ByteReader& r) {
  if (r.remaining() < BlockHeader::kSize) {
    return Status::invalid_argument(fmt::format("block header: truncated: need {} bytes, {} left",
                                                BlockHeader::kSize, r.remaining()));
  }
  BlockHeader h;
  // Length checked above, so the reads below cannot fail.
  h.version = *r.i32le("block header: version");
  h.prev_block = *r.hash("block header: prev_block");
  h.merkle_root = *r.hash("block header: merkle_root");
  h.time = *r.u32le("block header: time");
  h.bits = *r.u32le("block header: bits");
  h.nonce = *r.u32le("block header: nonce");
  return h;
}

Result<BlockHeader> parse_block_header(ByteView bytes) {
  ByteReader r(bytes);
  auto h = read_block_header(r);
  if (!h) return h;
  Status end = r.expect_end("block header");
  if (!end) return end;
  return h;
}

Hash256 block_hash(const BlockHeader& h) { return sha256d(serialize_block_header(h)); }

Bytes serialize_block(const Block& block, TxSerialization mode) {
  ByteWriter w;
  write_block_header(w, block.header);
  w.compact_size(block.transactions.size());
  for (const auto& tx : block.transactions) write_transaction(w, tx, mode);
  return w.take();
}

Result<Block> parse_block(ByteView bytes) {
  ByteReader r(bytes);
  Block block;
  auto header = read_block_header(r);
  if (!header) return header.error();
  block.header = *header;
  auto n = r.count("block: transaction count", kMinTxBytes);
  if (!n) return n.error();
  block.transactions.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto tx = read_transaction(r);
    if (!tx) return with_context(fmt::format("block: transaction {}", i), tx.error());
    block.transactions.push_back(std::move(*tx));
  }
  Status end = r.expect_end("block");
  if (!end) return end;
  return block;
}

}  // namespace alys
