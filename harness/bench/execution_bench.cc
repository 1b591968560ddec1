// Execution benchmarks (DESIGN.md §9, issue 5): block import of 1,000 signed transfers in
// Verify mode (signature checks included; the figure is <= 50 ms on one core), the
// same with signatures memoized (what the ledger itself costs), the state root from scratch
// and incrementally at 1,000 / 10,000 accounts, and the per-block state copy of the
// embedded engine. Figures go in issue notes as ratios from one run, never as timed tests.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/execution/block_execution.h"
#include "core/execution/ledger.h"

namespace alys {
namespace {

SecretKey bench_key(std::uint32_t i) {
  Bytes raw(32, 0x42);
  raw[28] = static_cast<std::uint8_t>(i >> 24);
  raw[29] = static_cast<std::uint8_t>(i >> 16);
  raw[30] = static_cast<std::uint8_t>(i >> 8);
  raw[31] = static_cast<std::uint8_t>(i);
  return *SecretKey::from_bytes(raw);
}

EvmAddress numbered_address(std::uint32_t i) {
  EvmAddress a{};
  a[0] = 0xAA;
  a[16] = static_cast<std::uint8_t>(i >> 24);
  a[17] = static_cast<std::uint8_t>(i >> 16);
  a[18] = static_cast<std::uint8_t>(i >> 8);
  a[19] = static_cast<std::uint8_t>(i);
  return a;
}

// A parent state with `senders` funded keys and a block of `senders` transfers, one per
// sender, each to a fresh address (so the block touches 2 * senders accounts).
struct TransferBlock {
  Ledger parent;
  std::vector<LedgerTx> txs;
};

TransferBlock make_transfer_block(std::uint32_t senders) {
  std::vector<GenesisAllocation> alloc;
  std::vector<SecretKey> keys;
  for (std::uint32_t i = 0; i < senders; ++i) {
    keys.push_back(bench_key(i + 1));
    alloc.push_back({account_address(keys.back().xonly_public_key()), Wei::from_sat(1'000'000)});
  }
  TransferBlock b{*Ledger::from_genesis(alloc), {}};
  for (std::uint32_t i = 0; i < senders; ++i) {
    LedgerTx tx;
    tx.to = numbered_address(i);
    tx.value = Wei::from_sat(1000 + i);
    tx.fee = Wei::from_sat(1);
    sign_ledger_tx(tx, keys[i], Hash256{});
    b.txs.push_back(tx);
  }
  return b;
}

void BM_VerifyBlock1000Transfers(benchmark::State& state) {
  const TransferBlock b = make_transfer_block(1000);
  const BlockContext ctx{1, numbered_address(999'999), {}};
  for (auto _ : state) {
    auto r = execute_block(b.parent, ctx, b.txs, ExecutionMode::kVerify);
    if (!r) state.SkipWithError(r.error().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(b.txs.size()));
}
BENCHMARK(BM_VerifyBlock1000Transfers)->Unit(benchmark::kMillisecond);

// The same block with signature checks answered by a memo (as the simulator may share them
// across nodes): the cost of the ledger itself (tx hashing, addresses, accounts, root).
void BM_VerifyBlock1000TransfersSigsMemoized(benchmark::State& state) {
  const TransferBlock b = make_transfer_block(1000);
  const BlockContext ctx{1, numbered_address(999'999), {}};
  ExecutionOptions options;
  options.signature_check = [](const LedgerTx&, const Hash256&) { return true; };
  for (auto _ : state) {
    auto r = execute_block(b.parent, ctx, b.txs, ExecutionMode::kVerify, options);
    if (!r) state.SkipWithError(r.error().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(b.txs.size()));
}
BENCHMARK(BM_VerifyBlock1000TransfersSigsMemoized)->Unit(benchmark::kMillisecond);

Ledger ledger_with_accounts(std::uint32_t n) {
  std::vector<GenesisAllocation> alloc;
  alloc.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) alloc.push_back({numbered_address(i), Wei::from_sat(i + 1)});
  return *Ledger::from_genesis(alloc);
}

// Every bucket dirty: the root of a state nobody hashed before (e.g. a restored snapshot).
void BM_StateRootFromScratch(benchmark::State& state) {
  const Bytes snapshot =
      ledger_with_accounts(static_cast<std::uint32_t>(state.range(0))).encode_snapshot();
  for (auto _ : state) {
    state.PauseTiming();
    Ledger l = *Ledger::decode_snapshot(snapshot);
    state.ResumeTiming();
    benchmark::DoNotOptimize(l.state_root());
  }
  state.SetLabel("accounts");
}
BENCHMARK(BM_StateRootFromScratch)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The per-block case: copy the parent state (as the engine does), mint into one account,
// and take the root (only the touched buckets are rehashed).
void BM_StateRootAfterOneChange(benchmark::State& state) {
  Ledger parent = ledger_with_accounts(static_cast<std::uint32_t>(state.range(0)));
  benchmark::DoNotOptimize(parent.state_root());
  std::uint32_t i = 0;
  for (auto _ : state) {
    Ledger next = parent;
    std::array<std::uint8_t, 32> id{};
    id[0] = static_cast<std::uint8_t>(i);
    id[1] = static_cast<std::uint8_t>(i >> 8);
    id[2] = static_cast<std::uint8_t>(i >> 16);
    ++i;
    if (!next.mint(PegInMint{Hash256(id), numbered_address(i % 1000), 1})) {
      state.SkipWithError("mint failed");
    }
    benchmark::DoNotOptimize(next.state_root());
  }
}
BENCHMARK(BM_StateRootAfterOneChange)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The root after a block touched 2,000 accounts (as a 1,000-transfer block does; mints
// here, so the timing excludes signatures).
void BM_StateRootAfter2000Changes(benchmark::State& state) {
  Ledger parent = ledger_with_accounts(static_cast<std::uint32_t>(state.range(0)));
  benchmark::DoNotOptimize(parent.state_root());
  for (auto _ : state) {
    state.PauseTiming();
    Ledger next = parent;
    for (std::uint32_t k = 0; k < 2000; ++k) {
      std::array<std::uint8_t, 32> id{};
      id[0] = static_cast<std::uint8_t>(k);
      id[1] = static_cast<std::uint8_t>(k >> 8);
      (void)next.mint(PegInMint{Hash256(id), numbered_address(k * 7919 % 100'000), 1});
    }
    state.ResumeTiming();
    benchmark::DoNotOptimize(next.state_root());
  }
}
BENCHMARK(BM_StateRootAfter2000Changes)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace alys
