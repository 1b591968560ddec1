// libFuzzer target: decode_signed_block (core/chain/codec.h).
//
// Checks: a rejection carries a message; whatever decodes re-encodes to exactly the input
// (canonical) and is within the limits the encoder asserts (so re-encoding cannot abort
// for a reason other than a codec bug); block_hash is total on it.
#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);
  auto block = decode_signed_block(in);
  if (!block) {
    FUZZ_CHECK(!block.error().message().empty(), "signed_block: error without a message");
    return 0;
  }
  const ConsensusBlock& b = block->block;
  FUZZ_CHECK(b.payload.transactions.size() <= limits::kMaxTxsPerBlock &&
                 b.pegins.size() <= limits::kMaxPegInsPerBlock &&
                 b.finalized_pegouts.size() <= limits::kMaxFinalizedPegoutsPerBlock &&
                 block->approvals.size() <= limits::kMaxApprovals,
             "signed_block: decoded counts above the limits");
  FUZZ_CHECK(equal_bytes(encode_signed_block(*block), in), "signed_block: re-encoding differs");
  (void)block_hash(b);
  return 0;
}
