// Wire codec benchmarks (DESIGN.md §9): encode and decode of a block-sized SignedBlock
// (1,000 transfers, 4 approvals) and decode_frame of the NewBlock frame carrying it, with
// bytes processed so the MB/s column shows. Figures go in issue notes as ratios from one
// run, never as timed tests.
#include <benchmark/benchmark.h>

#include "core/chain/codec.h"
#include "core/network/frame_codec.h"

namespace alys {
namespace {

SignedBlock bench_block() {
  SignedBlock sb;
  sb.block.parent_hash.data()[0] = 0x01;
  sb.block.height = 1'000'000;
  sb.block.slot = 2'000'000;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    LedgerTx tx;
    tx.sender_key.fill(static_cast<std::uint8_t>(i));
    tx.nonce = i;
    tx.to.fill(static_cast<std::uint8_t>(i >> 3));
    tx.value = Wei::from_sat(1000 + i);
    tx.fee = Wei::from_u64(21'000'000'000'000ULL);
    tx.signature.fill(0x5a);
    sb.block.payload.transactions.push_back(tx);
  }
  for (std::uint32_t i = 0; i < 4; ++i) {
    Approval a;
    a.authority_index = i;
    a.signature.fill(static_cast<std::uint8_t>(i));
    sb.approvals.push_back(a);
  }
  return sb;
}

void BM_CodecEncodeSignedBlock(benchmark::State& state) {
  const SignedBlock sb = bench_block();
  std::size_t bytes = 0;
  for (auto _ : state) {
    const Bytes out = encode_signed_block(sb);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CodecEncodeSignedBlock);

void BM_CodecDecodeSignedBlock(benchmark::State& state) {
  const Bytes encoded = encode_signed_block(bench_block());
  for (auto _ : state) {
    auto sb = decode_signed_block(encoded);
    if (!sb) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(sb);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * encoded.size()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CodecDecodeSignedBlock);

// block_hash re-encodes the consensus body and hashes it: the cost of identifying a block.
void BM_CodecBlockHash(benchmark::State& state) {
  const SignedBlock sb = bench_block();
  for (auto _ : state) benchmark::DoNotOptimize(block_hash(sb.block));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CodecBlockHash);

void BM_FrameDecodeNewBlock(benchmark::State& state) {
  const Bytes frame = encode_frame(NewBlock{bench_block()});
  for (auto _ : state) {
    auto m = decode_frame(frame);
    if (!m) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FrameDecodeNewBlock);

}  // namespace
}  // namespace alys
