// Bitcoin block headers (80 bytes) and blocks (header + transactions).
//
// block_hash() is SHA256d of the 80-byte header, in natural byte order (Hash256's
// to_display_hex() prints it as bitcoind does). Decoders are total and name the field on
// error; a block's transaction count is capped by the bytes left before anything is
// reserved.
#pragma once

#include <cstdint>
#include <vector>

#include "core/bitcoin/serialize.h"
#include "core/bitcoin/transaction.h"
#include "core/runtime/status.h"
#include "core/types/hash256.h"

namespace alys {

struct BlockHeader {
  static constexpr std::size_t kSize = 80;

  std::int32_t version = 0;
  Hash256 prev_block;
  Hash256 merkle_root;
  std::uint32_t time = 0;
  std::uint32_t bits = 0;
  std::uint32_t nonce = 0;

  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

void write_block_header(ByteWriter& w, const BlockHeader& h);
Bytes serialize_block_header(const BlockHeader& h);
Result<BlockHeader> read_block_header(ByteReader& r);
// Exactly 80 bytes.
Result<BlockHeader> parse_block_header(ByteView bytes);
Hash256 block_hash(const BlockHeader& h);

struct Block {
  BlockHeader header;
  std::vector<Transaction> transactions;

  friend bool operator==(const Block&, const Block&) = default;
};

Bytes serialize_block(const Block& block,
                      TxSerialization mode = TxSerialization::kWithWitness);
// Parses exactly one block; trailing bytes are an error.
Result<Block> parse_block(ByteView bytes);

}  // namespace alys
