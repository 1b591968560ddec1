// Primitives benchmarks (DESIGN.md §9): Schnorr sign/verify, SHA-256d of a block header,
// transaction decode/encode throughput, BIP-341 script-path sighash, AuxPoW validation.
// Figures go in issue notes as ratios from one run, never as timed tests.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/bitcoin/auxpow.h"
#include "core/bitcoin/block.h"
#include "core/bitcoin/federation.h"
#include "core/bitcoin/transaction.h"
#include "core/crypto/fixed_base_signing.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/sha256.h"

namespace alys {
namespace {

SecretKey bench_key(std::uint8_t i) {
  Bytes raw(32, 0x11);
  raw[31] = i;
  return *SecretKey::from_bytes(raw);
}

// What a node pays: libsecp256k1's constant-time signer (alys-bench, like alys-sim, signs
// through the fixed-base table otherwise: bench_main.cc).
void BM_SchnorrSign(benchmark::State& state) {
  use_variable_time_signing(false);
  const SecretKey key = bench_key(1);
  const Hash256 msg = sha256(as_bytes("alys"));
  for (auto _ : state) benchmark::DoNotOptimize(schnorr_sign(key, msg.view(), Hash256{}));
  use_variable_time_signing(true);
}
BENCHMARK(BM_SchnorrSign);

// What the simulator pays: the same signatures through the fixed-base table
// (core/crypto/fixed_base_signing.h).
void BM_SchnorrSignFixedBase(benchmark::State& state) {
  const SecretKey key = bench_key(1);
  const Hash256 msg = sha256(as_bytes("alys"));
  for (auto _ : state) benchmark::DoNotOptimize(schnorr_sign(key, msg.view(), Hash256{}));
}
BENCHMARK(BM_SchnorrSignFixedBase);

void BM_SchnorrVerify(benchmark::State& state) {
  const SecretKey key = bench_key(1);
  const XOnlyPublicKey pub = key.xonly_public_key();
  const Hash256 msg = sha256(as_bytes("alys"));
  const SchnorrSignature sig = schnorr_sign(key, msg.view(), Hash256{});
  for (auto _ : state) benchmark::DoNotOptimize(schnorr_verify(pub, msg.view(), sig));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchnorrVerify);

void BM_HeaderHash(benchmark::State& state) {
  BlockHeader h;
  h.version = 0x20000000;
  h.bits = 0x1d00ffff;
  for (auto _ : state) {
    ++h.nonce;
    benchmark::DoNotOptimize(block_hash(h));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HeaderHash);

// A block-sized batch: 2000 two-input, two-output segwit transactions (~0.8 MB).
std::vector<Transaction> block_of_transactions() {
  std::vector<Transaction> txs;
  for (int i = 0; i < 2000; ++i) {
    Transaction tx;
    for (int k = 0; k < 2; ++k) {
      TxIn in;
      in.prevout.txid.data()[0] = static_cast<std::uint8_t>(i);
      in.prevout.vout = static_cast<std::uint32_t>(k);
      in.witness = {Bytes(72, 0x30), Bytes(33, 0x02)};
      tx.inputs.push_back(in);
    }
    tx.outputs.push_back(TxOut{1000, Bytes(22, 0x00)});
    tx.outputs.push_back(TxOut{2000, Bytes(34, 0x51)});
    txs.push_back(tx);
  }
  return txs;
}

void BM_TxEncode(benchmark::State& state) {
  const auto txs = block_of_transactions();
  std::size_t bytes = 0;
  for (auto _ : state) {
    ByteWriter w;
    for (const auto& tx : txs) write_transaction(w, tx);
    bytes += w.data().size();
    benchmark::DoNotOptimize(w.data().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_TxEncode);

void BM_TxDecode(benchmark::State& state) {
  ByteWriter w;
  for (const auto& tx : block_of_transactions()) write_transaction(w, tx);
  const Bytes raw = w.take();
  for (auto _ : state) {
    ByteReader r(raw);
    while (!r.empty()) benchmark::DoNotOptimize(read_transaction(r));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
}
BENCHMARK(BM_TxDecode);

void BM_FederationSighash(benchmark::State& state) {
  std::vector<XOnlyPublicKey> keys;
  for (std::uint8_t i = 1; i <= 5; ++i) keys.push_back(bench_key(i).xonly_public_key());
  const Federation fed = *Federation::create(keys, 3);
  Transaction tx;
  tx.inputs.resize(4);
  tx.outputs.push_back(TxOut{1000, fed.script_pubkey()});
  const std::vector<TxOut> spent(4, TxOut{5000, fed.script_pubkey()});
  for (auto _ : state) benchmark::DoNotOptimize(fed.sighash(tx, 1, spent));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FederationSighash);

void BM_AuxPowValidate(benchmark::State& state) {
  AuxPowBuildParams p;
  p.aux_hash = sha256(as_bytes("bundle"));
  p.chain_id = 7;
  for (int i = 0; i < 1000; ++i) p.extra_parent_txids.push_back(sha256d(as_bytes(std::to_string(i))));
  const AuxPow a = *build_auxpow(p);
  for (auto _ : state) {
    benchmark::DoNotOptimize(validate_auxpow(a, p.aux_hash, p.chain_id));
    benchmark::DoNotOptimize(check_auxpow_pow(a, p.bits));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuxPowValidate);

}  // namespace
}  // namespace alys
