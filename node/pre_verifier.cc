#include "node/pre_verifier.h"

#include <algorithm>
#include <utility>

#include "core/chain/approval.h"
#include "core/crypto/hash_salt.h"
#include "core/execution/ledger_tx.h"
#include "core/runtime/assert.h"

namespace alys::node {

PreVerifier::PreVerifier(std::shared_ptr<const ChainSpec> spec, std::shared_ptr<VerifyCache> cache,
                         unsigned threads, std::size_t max_queued_blocks)
    : spec_(std::move(spec)), cache_(std::move(cache)), threads_(threads), max_queued_blocks_(max_queued_blocks) {
  ALYS_ASSERT(max_queued_blocks_ >= 1, "PreVerifier: max_queued_blocks must be >= 1");
  ALYS_ASSERT(spec_ != nullptr, "PreVerifier: no chain spec");
  ALYS_ASSERT(cache_ != nullptr && cache_->threading() == VerifyCache::Threading::kShared,
              "PreVerifier: the memo must be a kShared VerifyCache");
  ALYS_ASSERT(threads_ >= 1, "PreVerifier: threads must be >= 1");
  workers_.reserve(threads_);
  for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
}

PreVerifier::~PreVerifier() { stop(); }

void PreVerifier::submit(std::span<const SignedBlock> blocks) {
  if (blocks.empty()) return;
  submitted_.fetch_add(blocks.size(), std::memory_order_relaxed);
  // Copied outside the lock: the caller is the sync actor's strand.
  auto copy = std::make_shared<const std::vector<SignedBlock>>(blocks.begin(), blocks.end());
  {
    std::lock_guard lock(mu_);
    if (stopping_.load(std::memory_order_relaxed)) {
      dropped_.fetch_add(blocks.size(), std::memory_order_relaxed);
      return;
    }
    for (std::size_t begin = 0; begin < copy->size(); begin += kChunkBlocks) {
      const std::size_t end = std::min(copy->size(), begin + kChunkBlocks);
      queue_.push_back(Chunk{copy, begin, end});
      queued_blocks_ += end - begin;
    }
    while (queued_blocks_ > max_queued_blocks_) {
      const Chunk& oldest = queue_.front();
      queued_blocks_ -= oldest.end - oldest.begin;
      dropped_.fetch_add(oldest.end - oldest.begin, std::memory_order_relaxed);
      queue_.pop_front();
    }
  }
  wake_.notify_all();
}

void PreVerifier::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_.store(true, std::memory_order_relaxed);  // under mu_: no worker misses the wake
    dropped_.fetch_add(queued_blocks_, std::memory_order_relaxed);
    queue_.clear();
    queued_blocks_ = 0;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
}

PreVerifier::Stats PreVerifier::stats() const {
  Stats s;
  s.blocks_submitted = submitted_.load(std::memory_order_relaxed);
  s.blocks_checked = checked_.load(std::memory_order_relaxed);
  s.blocks_dropped = dropped_.load(std::memory_order_relaxed);
  return s;
}

void PreVerifier::work() {
  for (;;) {
    Chunk chunk;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_.load(std::memory_order_relaxed) || !queue_.empty(); });
      if (stopping_.load(std::memory_order_relaxed)) return;
      // Newest first: the import is working through the oldest.
      chunk = std::move(queue_.back());
      queue_.pop_back();
      queued_blocks_ -= chunk.end - chunk.begin;
    }
    for (std::size_t i = chunk.begin; i < chunk.end; ++i) {
      if (stopping_.load(std::memory_order_relaxed)) {
        // The rest of the chunk counts as dropped: after stop(), submitted == checked +
        // dropped exactly.
        dropped_.fetch_add(chunk.end - i, std::memory_order_relaxed);
        return;
      }
      check((*chunk.blocks)[i]);
      checked_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void PreVerifier::check(const SignedBlock& block) {
  // The same memoized calls the import makes (ChainActor: check_block_header's approvals;
  // the engine: the ledger's SignatureCheck keyed by the tx hash), so each result lands
  // under the identity the import will look up. Outcomes are not used here.
  const Hash256 hash = block_hash(block.block);
  for (const Approval& a : block.approvals) (void)check_approval(*spec_, hash, a, cache_.get());
  for (const LedgerTx& tx : block.block.payload.transactions) {
    (void)cache_->verify_keyed(ledger_tx_hash(tx), [&] { return verify_ledger_tx_signature(tx); });
  }
}

unsigned verify_threads_for(std::int64_t limit) {
  if (limit > 0) return static_cast<unsigned>(limit);
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 1;
}

std::size_t pre_verifier_queue_max(std::size_t ahead_blocks) {
  return std::clamp(ahead_blocks, PreVerifier::kChunkBlocks, PreVerifier::kQueuedBlocksMax);
}

std::shared_ptr<PreVerifier> install_pre_verifier(NodeConfig& config, unsigned threads) {
  ALYS_ASSERT(config.spec != nullptr && config.node_key.has_value(),
              "install_pre_verifier: the config has no spec or node key");
  // Results must outlive the wait between pre-verification and import: up to every block
  // the sync actor may hold (buffered, in flight) is verified ahead, each result pushing
  // older ones towards eviction (FIFO).
  const std::size_t ahead_blocks =
      config.sync.buffered_blocks_max +
      std::size_t{config.sync.parallel_ranges} * config.sync.range_blocks;
  const std::size_t capacity =
      std::max(VerifyCache::kDefaultCapacity, ahead_blocks * kMemoEntriesPerBlockAhead);
  auto cache = std::make_shared<VerifyCache>(
      capacity, derive_hash_salt(*config.node_key, "shared-verify"), VerifyCache::Threading::kShared);
  auto verifier = std::make_shared<PreVerifier>(config.spec, cache, threads, pre_verifier_queue_max(ahead_blocks));
  config.chain_verify_cache = cache;
  config.engine_verify_cache = cache;
  // A weak reference: the node (which keeps this hook) must not keep the workers alive.
  config.pre_verify = [weak = std::weak_ptr<PreVerifier>(verifier)](std::span<const SignedBlock> blocks) {
    if (auto v = weak.lock()) v->submit(blocks);
  };
  return verifier;
}

}  // namespace alys::node
