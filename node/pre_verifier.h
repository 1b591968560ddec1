// PreVerifier: checks, on its own worker threads, the signatures of blocks the sync actor
// fetched but the chain has not imported yet (issue 8), into the node's shared signature
// memo (VerifyCache::Threading::kShared). The import then finds them there: the chain
// actor's approval checks and the engine's transfer checks become memo hits instead of
// BIP-340 verifications on their strands, so a syncing node verifies on every core while
// it imports one block at a time.
//
// Only cost changes, never an outcome: the memo holds "this exact (key, message,
// signature) verified true/false" whoever computed it, under the identities the import
// looks up (check_approval's; the ledger tx hash for transfers, as the engine keys them:
// DESIGN.md §5). A forged signature is memoized as false and the import refuses its block
// exactly as it would have. Workers behind the import only cost duplicate work: the import
// verifies what it does not find itself.
//
// Work: submit() copies the blocks (the sync actor moves its own to the chain) and queues
// them in chunks of kChunkBlocks. Workers take the NEWEST chunk first: the import works
// from the oldest, so the two meet instead of racing over the same blocks, and each
// signature is looked up before it is verified, so a chunk the import already passed costs
// hashing only. At most max_queued_blocks wait (a node's: pre_verifier_queue_max, what its
// sync actor may hold ahead); beyond that the oldest chunks are dropped (the ones the
// import reaches first, and verifies anyway).
//
// install_pre_verifier(config, threads) is how a real node gets one: it makes the shared
// memo (salted from the node key; large enough to hold kMemoEntriesPerBlockAhead results
// for every block config.sync lets the sync actor hold, at least the default capacity),
// sets it as config's chain and engine memo, sets config.pre_verify to submit() and returns
// the verifier. REQUIRES: config.spec and config.node_key set (config.sync final),
// threads >= 1. The caller keeps the verifier and stops it once the
// node's actors have stopped (stop() is idempotent; the destructor calls it); after stop()
// submit() drops what it gets.
// Thread rules: submit() and stats() from any thread; stop() from any thread but a worker.
// Start it after the process blocked its signals (workers inherit the mask).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "core/chain/block.h"
#include "core/chain/chain_spec.h"
#include "core/config/node_config.h"
#include "core/crypto/verify_cache.h"

namespace alys::node {

class PreVerifier {
 public:
  // Blocks per unit of work: small enough that workers share a range, large enough that
  // taking one is cheap next to its ~11 verifications per block.
  static constexpr std::size_t kChunkBlocks = 16;
  // Blocks waiting at most, whatever the sync limits (~2.5 KB each with 10 transfers:
  // ~20 MB). A node's own bound is pre_verifier_queue_max of its sync limits.
  static constexpr std::size_t kQueuedBlocksMax = 8192;

  struct Stats {
    std::uint64_t blocks_submitted = 0;
    std::uint64_t blocks_checked = 0;  // each of its signatures was put in the memo (or found)
    std::uint64_t blocks_dropped = 0;  // the queue was full, or submitted after stop()
  };

  // REQUIRES: spec and cache (kShared) set; threads >= 1; max_queued_blocks >= 1. Starts
  // the workers.
  PreVerifier(std::shared_ptr<const ChainSpec> spec, std::shared_ptr<VerifyCache> cache,
              unsigned threads, std::size_t max_queued_blocks = kQueuedBlocksMax);
  ~PreVerifier();
  PreVerifier(const PreVerifier&) = delete;
  PreVerifier& operator=(const PreVerifier&) = delete;

  void submit(std::span<const SignedBlock> blocks);
  // Drops the queue and joins the workers (each finishes the block it is on).
  void stop();
  Stats stats() const;
  unsigned threads() const { return threads_; }
  const std::shared_ptr<VerifyCache>& cache() const { return cache_; }

 private:
  struct Chunk {
    std::shared_ptr<const std::vector<SignedBlock>> blocks;
    std::size_t begin = 0;
    std::size_t end = 0;
  };

  void work();
  void check(const SignedBlock& block);

  const std::shared_ptr<const ChainSpec> spec_;
  const std::shared_ptr<VerifyCache> cache_;
  const unsigned threads_;
  const std::size_t max_queued_blocks_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Chunk> queue_;  // oldest at the front
  std::size_t queued_blocks_ = 0;
  std::atomic<bool> stopping_{false};  // set under mu_; read by workers between blocks
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> submitted_{0};
  std::atomic<std::uint64_t> checked_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

// Worker threads for a `verify_threads` limit (core/config/node_limits.h): the limit if
// positive, else one per hardware thread but one (the import's), at least 1.
unsigned verify_threads_for(std::int64_t limit);

// Memo entries kept per block the sync actor may hold ahead of the import: a block of 10
// transfers and one approval, twice over (the import's own misses share the FIFO). Blocks
// with more signatures only lose some results before use: cost, not outcome.
inline constexpr std::size_t kMemoEntriesPerBlockAhead = 24;

// The blocks a node's pre-verifier keeps queued at most: what the sync actor may hold
// ahead of the import (buffered + in flight: `ahead_blocks`), no more, since the import
// verifies whatever it finds unchecked; within [kChunkBlocks, kQueuedBlocksMax].
std::size_t pre_verifier_queue_max(std::size_t ahead_blocks);

std::shared_ptr<PreVerifier> install_pre_verifier(NodeConfig& config, unsigned threads);

}  // namespace alys::node
