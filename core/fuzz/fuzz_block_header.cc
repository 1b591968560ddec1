// libFuzzer target: parse_block_header / read_block_header (core/bitcoin/block.h).
//
// Checks: parse accepts exactly 80 bytes and read_block_header any input of >= 80 (taking
// the first 80); the header re-serializes to exactly those bytes; block_hash is SHA256d of
// them; the proof-of-work check over the header's own bits and hash is total.
#include "core/bitcoin/block.h"
#include "core/bitcoin/pow.h"
#include "core/crypto/sha256.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);

  auto parsed = parse_block_header(in);
  FUZZ_CHECK(parsed.has_value() == (size == BlockHeader::kSize), "block header: size rule");
  ByteReader r(in);
  auto read = read_block_header(r);
  FUZZ_CHECK(read.has_value() == (size >= BlockHeader::kSize), "block header: read size rule");
  if (!read) {
    FUZZ_CHECK(r.position() == 0, "block header: failed read consumed bytes");
    return 0;
  }
  FUZZ_CHECK(r.position() == BlockHeader::kSize, "block header: read consumed != 80 bytes");
  const ByteView first = in.first(BlockHeader::kSize);
  const Bytes again = serialize_block_header(*read);
  FUZZ_CHECK(equal_bytes(again, first), "block header: re-serialization differs");
  if (parsed) FUZZ_CHECK(*parsed == *read, "block header: parse and read disagree");

  const Hash256 hash = block_hash(*read);
  FUZZ_CHECK(hash == sha256d(first), "block header: hash is not SHA256d of the bytes");
  const Uint256 pow_limit = decode_compact(0x1d00ffff).value;
  const Status pow = check_proof_of_work(hash, read->bits, pow_limit);
  FUZZ_CHECK(pow.is_ok() || !pow.message().empty(), "block header: pow error without a message");
  return 0;
}
