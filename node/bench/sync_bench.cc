// Sync benchmarks of the production runtime (DESIGN.md §9, issue 8): blocks/s of a fresh
// full node syncing a stored chain from a peer over loopback TCP with LevelDB, and where
// that time goes. The chain is synthetic (node/synthetic_chain.h): one authority, blocks of
// 10 signed transfers, an AuxPoW header every `pow_every` blocks (0: none); it is made once
// per process and per shape, stored in a template LevelDB directory, and each run copies it.
//
//   BM_SyncOverTcp        node A (full node) loads the stored chain; then node B, empty,
//                         starts with A as its only peer. Time: B's start to B's head at K.
//                         /assume_valid:1 gives B the chain's head as its assume-valid
//                         block (core/sync/assume_valid.h): B checks the headers up to it,
//                         then imports the blocks without verifying their signatures.
//   BM_ReloadFromLevelDb  node A alone: its start to its head at K. A node re-validates and
//                         re-executes what it loads, so this is the import pipeline (actors,
//                         engine, signatures) without the network, the sync protocol and
//                         the writes.
//   BM_CheckAndExecute    the per-block work without actors: block hash, header checks
//                         (approval signature) and execute_block in Verify mode (10 tx
//                         signatures), one thread. /sigs:0 answers the signature checks from
//                         a memo: what validation and the ledger cost beside them.
//   BM_SignatureFloor     the BIP-340 verifications a block needs (10 transfers + 1
//                         approval) and nothing else: the floor under any import that
//                         checks real signatures, on one core (/threads:1) and with both
//                         cores verifying (/threads:2, what a parallel verifier could reach).
// Profiling: with ALYS_PERF_CTL=<fifo>, the measured part of each node case (B's sync, A's
// reload) is bracketed by "enable"/"disable" written to that fifo, so
// `perf record -D -1 --control fifo:<fifo>` sees that part alone (not the chain's making,
// nor the server's load).
// Every case reports blocks_per_s; the node cases also txs_per_s and the verifications per
// block they made (schnorr_op_counts). Figures go in issue notes as ratios from one run,
// never as timed tests. Each node runs on its own 2-thread Asio pool (as `alys-node run`
// on a 2-core machine) with, as `alys-node run` has it, a signature pre-verifier of
// max(1, cores - 1) threads (node/pre_verifier.h: B verifies fetched ranges ahead of its
// import), so A and B together may use more cores than the machine has.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/chain/approval.h"
#include "core/chain/block_validation.h"
#include "core/crypto/schnorr.h"
#include "core/execution/block_execution.h"
#include "core/execution/ledger.h"
#include "node/head_watch.h"
#include "node/in_process_node.h"
#include "node/synthetic_chain.h"
#include "runtime-real/leveldb_storage.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = 600s;  // a run that takes longer failed
constexpr std::string_view kSeed = "alys/bench/sync";
constexpr NodeId kServer = 0;
constexpr NodeId kFresh = 1;
// The chain's shape: one authority (one approval per block), the 10 transfers per
// block, from senders in turn (64 of them: no block holds two transfers of one sender).
constexpr std::uint32_t kAuthorities = 1;
constexpr std::uint32_t kSenders = 64;
constexpr std::uint32_t kTxsPerBlock = 10;

// The benchmark's scratch directory, removed at exit.
class ScratchDir {
 public:
  ScratchDir() : path_(fs::temp_directory_path() / ("alys-bench-node-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path fresh(std::string_view what) {
    return path_ / (std::string(what) + "-" + std::to_string(next_++));
  }
  // Removes the nodes' directories of finished runs (the templates stay).
  void remove_runs() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(path_, ec)) {
      if (entry.path().filename().string().rfind("template-", 0) != 0) fs::remove_all(entry.path(), ec);
    }
  }

 private:
  fs::path path_;
  std::uint64_t next_ = 0;
};

ScratchDir& scratch() {
  static ScratchDir dir;
  return dir;
}

struct Fixture {
  SyntheticNetwork net;
  SyntheticChain chain;
  fs::path store;  // the chain in LevelDB; copied, never opened by a node
  std::string error;
};

// The chain of `blocks` blocks with headers every `pow_every`, made on first use (by
// whichever benchmark thread asks first).
const Fixture& fixture(std::uint64_t blocks, std::uint64_t pow_every) {
  static std::mutex mu;
  static std::map<std::pair<std::uint64_t, std::uint64_t>, std::unique_ptr<Fixture>> made;
  std::lock_guard lock(mu);
  auto& slot = made[{blocks, pow_every}];
  if (slot) return *slot;
  slot = std::make_unique<Fixture>();
  Fixture& f = *slot;
  f.net = make_synthetic_network(kAuthorities, kSenders, kSeed);
  SyntheticChainOptions o;
  o.blocks = blocks;
  o.txs_per_block = kTxsPerBlock;
  o.pow_every = pow_every;
  auto chain = build_synthetic_chain(f.net, o);
  if (!chain) {
    f.error = chain.error().to_string();
    return f;
  }
  f.chain = std::move(*chain);
  f.store = scratch().fresh("template");
  auto disk = real::LevelDbStorage::open(f.store.string());
  if (!disk) {
    f.error = disk.error().to_string();
    return f;
  }
  if (Status s = write_synthetic_chain(**disk, f.chain); !s) f.error = s.to_string();
  return f;
}

std::unique_ptr<InProcessNode> open_node(const Fixture& f, NodeId id, const fs::path& dir,
                                         HeadWatch& watch,
                                         std::map<NodeId, real::TcpPeerAddress> peers,
                                         std::string& error,
                                         std::optional<sync::AssumeValid> assume_valid = {}) {
  InProcessNodeOptions o;
  o.assume_valid = assume_valid;
  o.id = id;
  o.data_dir = dir.string();
  o.spec = f.net.spec;
  o.key = synthetic_node_key(kSeed, id);  // full nodes: only the generator signs blocks
  o.peers = std::move(peers);
  o.observer = &watch;
  auto n = InProcessNode::open(o);
  if (!n) {
    error = n.error().to_string();
    return nullptr;
  }
  return std::move(*n);
}

// A copy of the fixture's store, for one node to load and change.
fs::path copy_of_store(const Fixture& f) {
  const fs::path dir = scratch().fresh("server");
  fs::copy(f.store, dir, fs::copy_options::recursive);
  return dir;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

void report(benchmark::State& state, const Fixture& f, double seconds, std::uint64_t verifies) {
  const auto blocks = static_cast<double>(f.chain.blocks.size());
  state.SetIterationTime(seconds);
  state.counters["blocks"] = blocks;
  state.counters["blocks_per_s"] = blocks / seconds;
  state.counters["txs_per_s"] = static_cast<double>(f.chain.transactions) / seconds;
  state.counters["verifies_per_block"] = static_cast<double>(verifies) / blocks;
}

// Starts `node` (`id`) and waits until its head is the fixture's head: the wall seconds from
// the start to that head and the BIP-340 verifications made meanwhile; nullopt if the head
// never came or is another block.
struct Reached {
  double seconds = 0;
  std::uint64_t verifies = 0;
};
// perf's control fifo (ALYS_PERF_CTL), if any: measured parts are written "enable" and
// "disable" around them.
void perf_control(const char* command) {
  static const char* const path = std::getenv("ALYS_PERF_CTL");
  if (path == nullptr) return;
  if (std::FILE* fifo = std::fopen(path, "w")) {
    std::fputs(command, fifo);
    std::fclose(fifo);
  }
}

std::optional<Reached> start_until_head(InProcessNode& node, NodeId id, HeadWatch& watch,
                                        const Fixture& f, bool profiled) {
  const std::uint64_t verifies_before = schnorr_op_counts().verifies;
  if (profiled) perf_control("enable\n");
  const Clock::time_point start = Clock::now();
  node.start();
  const auto at = watch.wait_head(id, f.chain.head.height, kDeadline);
  if (profiled) perf_control("disable\n");
  if (!at || at->hash != f.chain.head.hash) return std::nullopt;
  return Reached{seconds_between(start, at->at), schnorr_op_counts().verifies - verifies_before};
}

void BM_SyncOverTcp(benchmark::State& state) {
  const Fixture& f = fixture(static_cast<std::uint64_t>(state.range(0)),
                             static_cast<std::uint64_t>(state.range(1)));
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  for (auto _ : state) {
    HeadWatch watch;
    std::string error;
    auto server = open_node(f, kServer, copy_of_store(f), watch, {}, error);
    if (!server) return state.SkipWithError(error.c_str());
    const auto loaded = start_until_head(*server, kServer, watch, f, /*profiled=*/false);
    if (!loaded) return state.SkipWithError("the server did not load its chain");
    std::optional<sync::AssumeValid> assume_valid;
    if (state.range(2) != 0) assume_valid = sync::AssumeValid{f.chain.head.height, f.chain.head.hash};
    auto fresh = open_node(f, kFresh, scratch().fresh("fresh"), watch,
                           {{kServer, {"127.0.0.1", server->port()}}}, error, assume_valid);
    if (!fresh) return state.SkipWithError(error.c_str());
    const auto synced = start_until_head(*fresh, kFresh, watch, f, /*profiled=*/true);
    if (!synced) return state.SkipWithError("the fresh node did not sync the chain");
    report(state, f, synced->seconds, synced->verifies);
    state.counters["server_load_s"] = loaded->seconds;
    fresh->stop();
    server->stop();
    scratch().remove_runs();
  }
}
// 5,000 blocks need finality (the engine keeps at most kMaxEngineStates unfinalized
// states); 2,000 with and without it show what finality costs (engine pruning, a sync
// write per header) and what the fixed start (dial, handshake, status) weighs; 20,000
// with assume-valid, whether the rate holds over a longer sync (LevelDB compactions, a
// growing block tree).
BENCHMARK(BM_SyncOverTcp)
    ->ArgNames({"blocks", "pow_every", "assume_valid"})
    ->Args({5000, 100, 0})
    ->Args({5000, 100, 1})
    ->Args({20000, 100, 1})
    ->Args({2000, 100, 0})
    ->Args({2000, 0, 0})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_ReloadFromLevelDb(benchmark::State& state) {
  const Fixture& f = fixture(static_cast<std::uint64_t>(state.range(0)),
                             static_cast<std::uint64_t>(state.range(1)));
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  for (auto _ : state) {
    HeadWatch watch;
    std::string error;
    auto server = open_node(f, kServer, copy_of_store(f), watch, {}, error);
    if (!server) return state.SkipWithError(error.c_str());
    const auto loaded = start_until_head(*server, kServer, watch, f, /*profiled=*/true);
    if (!loaded) return state.SkipWithError("the node did not load its chain");
    report(state, f, loaded->seconds, loaded->verifies);
    server->stop();
    scratch().remove_runs();
  }
}
BENCHMARK(BM_ReloadFromLevelDb)
    ->ArgNames({"blocks", "pow_every"})
    ->Args({5000, 100})
    ->Args({2000, 100})
    ->Args({2000, 0})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// One block per iteration, in chain order; back to genesis after the last.
void BM_CheckAndExecute(benchmark::State& state) {
  const Fixture& f = fixture(5000, 100);
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  const ChainSpec& spec = *f.net.spec;
  const bool real_signatures = state.range(0) != 0;
  ExecutionOptions options;
  if (!real_signatures) options.signature_check = [](const LedgerTx&, const Hash256&) { return true; };
  const Ledger genesis_state = *Ledger::from_genesis(spec.allocations);
  const SignedBlock genesis = make_genesis(spec, genesis_state.state_root());
  Ledger state_now = genesis_state;
  ParentInfo parent{block_hash(genesis.block), 0, 0};
  std::size_t i = 0;
  std::uint64_t verifies_before = schnorr_op_counts().verifies;
  for (auto _ : state) {
    const SignedBlock& b = f.chain.blocks[i];
    const Hash256 hash = block_hash(b.block);
    if (real_signatures) {
      if (Status s = check_block_header(spec, b, hash, parent, UINT64_MAX - 1); !s) {
        return state.SkipWithError(s.to_string().c_str());
      }
    }
    BlockContext context;
    context.height = b.block.height;
    if (b.block.auxpow_header) context.fee_recipient = b.block.auxpow_header->fee_recipient;
    auto executed =
        execute_block(state_now, context, b.block.payload.transactions, ExecutionMode::kVerify, options);
    if (!executed || executed->state_root != b.block.payload.state_root) {
      return state.SkipWithError("a block did not execute to its state root");
    }
    state_now = std::move(executed->state);
    parent = ParentInfo{hash, b.block.height, b.block.slot};
    if (++i == f.chain.blocks.size()) {
      i = 0;
      state_now = genesis_state;
      parent = ParentInfo{block_hash(genesis.block), 0, 0};
    }
  }
  const auto blocks = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["blocks_per_s"] = benchmark::Counter(blocks, benchmark::Counter::kIsRate);
  state.counters["verifies_per_block"] =
      static_cast<double>(schnorr_op_counts().verifies - verifies_before) / blocks;
}
BENCHMARK(BM_CheckAndExecute)->ArgName("sigs")->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

void BM_SignatureFloor(benchmark::State& state) {
  const Fixture& f = fixture(5000, 100);
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  const ChainSpec& spec = *f.net.spec;
  std::vector<Hash256> hashes;
  for (const SignedBlock& b : f.chain.blocks) hashes.push_back(block_hash(b.block));
  std::size_t i = 0;
  std::uint64_t verifies = 0;
  for (auto _ : state) {
    const SignedBlock& b = f.chain.blocks[i];
    bool ok = true;
    for (const LedgerTx& tx : b.block.payload.transactions) ok = ok && verify_ledger_tx_signature(tx);
    for (const Approval& a : b.approvals) ok = ok && check_approval(spec, hashes[i], a).is_ok();
    if (!ok) return state.SkipWithError("a signature did not verify");
    verifies += b.block.payload.transactions.size() + b.approvals.size();
    if (++i == f.chain.blocks.size()) i = 0;
  }
  const auto blocks = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.counters["blocks_per_s"] = benchmark::Counter(blocks, benchmark::Counter::kIsRate);
  state.counters["verifies_per_block"] =
      benchmark::Counter(static_cast<double>(verifies) / blocks, benchmark::Counter::kAvgThreads);
}
// Threads(2): the floor with verification spread over both cores of the 2-core machine
// (each thread checks every block: the rate is per thread, summed).
BENCHMARK(BM_SignatureFloor)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace alys::node
