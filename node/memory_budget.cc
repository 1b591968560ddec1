#include "node/memory_budget.h"

#include <algorithm>
#include <bit>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "core/actor/dead_letter.h"
#include "core/actor/envelope.h"
#include "core/actor/system.h"
#include "core/bridge/bridge_actor.h"
#include "core/bridge/federation_actor.h"
#include "core/chain/auxpow_actor.h"
#include "core/chain/chain_actor.h"
#include "core/chain/limits.h"
#include "core/crypto/verify_cache.h"
#include "core/execution/engine_actor.h"
#include "core/network/network_actor.h"
#include "core/network/peer_table.h"
#include "core/runtime/transport.h"
#include "core/storage/storage_actor.h"
#include "core/sync/sync_actor.h"
#include "node/pre_verifier.h"
#include "node/rate_limiter.h"
#include "runtime-real/leveldb_storage.h"
#include "runtime-real/tcp_transport.h"

namespace alys::node {

namespace {

using u64 = std::uint64_t;

u64 pow2_at_least(u64 n) { return std::bit_ceil(std::max<u64>(n, 1)); }

// A node of std::map / unordered_map holding `value` bytes: red-black header (or next
// pointer and cached hash), in one malloc chunk.
u64 map_node(u64 value) { return malloc_chunk_bytes(32 + value); }

// A SharedFrame of `bytes`: its buffer and the make_shared block (control + FrameBuffer).
u64 frame_item(u64 bytes) {
  return malloc_chunk_bytes(bytes) + malloc_chunk_bytes(16 + sizeof(FrameBuffer));
}

// The ring doubles when full: room for the capacity's worth of sends and as many again of
// the actor's own timer firings and ask replies, which are queued past the capacity.
template <typename M>
u64 mailbox(std::int64_t capacity, u64 heap_per_message) {
  const u64 cap = static_cast<u64>(capacity);
  return pow2_at_least(2 * cap) * sizeof(actor::Envelope<M>) + cap * heap_per_message;
}

}  // namespace

ItemBounds ItemBounds::worst_case() {
  ItemBounds b;
  b.frame_bytes = Transport::kMaxFrameBytes;
  b.min_frame_bytes = 2;  // version and kind: StatusRequest
  b.message_heap_bytes = u64{Transport::kMaxFrameBytes} * kDecodedBytesPerWireByteMax;
  b.block_heap_bytes = u64{limits::kMaxBlockBytes} * kDecodedBytesPerWireByteMax;
  return b;
}

ItemBounds ItemBounds::for_frames_up_to(std::uint64_t frame_bytes) {
  ItemBounds b;
  b.frame_bytes = frame_bytes;
  b.min_frame_bytes = 2;
  b.message_heap_bytes = frame_bytes * kDecodedBytesPerWireByteMax;
  b.block_heap_bytes = std::min<u64>(frame_bytes, limits::kMaxBlockBytes) * kDecodedBytesPerWireByteMax;
  return b;
}

std::uint64_t MemoryBudget::total_bytes() const {
  u64 total = 0;
  for (const BudgetTerm& t : terms) total += t.bytes;
  return total;
}

std::string MemoryBudget::to_string() const {
  std::vector<BudgetTerm> sorted = terms;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const BudgetTerm& a, const BudgetTerm& b) { return a.bytes > b.bytes; });
  std::string out;
  for (const BudgetTerm& t : sorted) {
    out += fmt::format("  {:<28} {:>16} bytes ({:.1f} MiB)\n", t.name, t.bytes,
                       static_cast<double>(t.bytes) / (1 << 20));
  }
  const u64 total = total_bytes();
  out += fmt::format("  {:<28} {:>16} bytes ({:.1f} MiB)\n", "total", total,
                     static_cast<double>(total) / (1 << 20));
  return out;
}

MemoryBudget memory_budget(const config::NodeLimits& l, std::size_t peers, const ItemBounds& b,
                           bool bridge) {
  const chain::ChainConfig chain_defaults;
  const net::NetworkConfig network_defaults;
  const actor::SystemConfig system_defaults;
  const real::LevelDbOptions leveldb_defaults;
  const u64 p = std::min<u64>(peers, static_cast<u64>(l.tcp_connections_max));
  const u64 block = sizeof(SignedBlock) + b.block_heap_bytes;
  const u64 frame = frame_item(b.frame_bytes);
  MemoryBudget m;
  auto add = [&m](std::string name, u64 bytes) { m.terms.push_back({std::move(name), bytes}); };

  const u64 mempool_tx = map_node(sizeof(Hash256) + sizeof(LedgerTx) + 16) + 8 +
                         malloc_chunk_bytes(limits::kMaxBitcoinAddressChars + 1) +
                         2 * (sizeof(Hash256) + 8);
  add("mempool", static_cast<u64>(l.mempool_max) * mempool_tx);
  const u64 seen = static_cast<u64>(l.seen_cache_max);
  add("seen cache", seen * sizeof(Hash256) + pow2_at_least(2 * seen) * 8);
  // As install_pre_verifier sizes the shared memo.
  const u64 ahead = static_cast<u64>(l.sync_buffered_blocks_max) +
                    static_cast<u64>(l.sync_parallel_ranges) * static_cast<u64>(l.sync_range_blocks);
  const u64 memo = std::max<u64>(VerifyCache::kDefaultCapacity, ahead * kMemoEntriesPerBlockAhead);
  add("verify cache", memo * (map_node(sizeof(Hash256) + 8) + 8 + sizeof(Hash256)));
  add("chain import queue",
      (chain_defaults.gossip_queue_max + static_cast<u64>(l.sync_buffered_blocks_max)) * (block + 32));
  // Bounded by count and by wire bytes (OrphanPool): the heap of all of them together is
  // at most the byte bound's worth of decoded bytes, on top of each one's fixed part.
  // Fixed part of one: its entry (the block, the import's origin, sender and batch, and the
  // pool's seq, height and size) with a vector's doubling slack, two order slots (dead ones
  // are compacted at 2x live + 64), and a map node if it is its parent's only child.
  const u64 orphan_fixed = 2 * (sizeof(SignedBlock) + 32 + 24) + 2 * (8 + sizeof(Hash256)) +
                           map_node(sizeof(Hash256) + 24);
  const u64 orphan_heap = std::min<u64>(chain_defaults.orphans_max * b.block_heap_bytes,
                                        chain_defaults.orphans_bytes_max * kDecodedBytesPerWireByteMax);
  add("chain orphans", chain_defaults.orphans_max * orphan_fixed + orphan_heap);
  add("chain pending approvals",
      chain_defaults.pending_approvals_max * (sizeof(Approval) + map_node(sizeof(Hash256) + 24)));
  add("sync buffer", static_cast<u64>(l.sync_buffered_blocks_max) * (block + map_node(8)));
  add("pre-verifier queue", pre_verifier_queue_max(ahead) * block);

  const u64 peer_message = b.message_heap_bytes + frame;
  add("mailbox storage", mailbox<storage::StorageMsg>(l.mailbox_storage, b.block_heap_bytes));
  add("mailbox engine", mailbox<execution::EngineMsg>(l.mailbox_engine, b.block_heap_bytes));
  add("mailbox chain", mailbox<chain::ChainMsg>(l.mailbox_chain, peer_message));
  add("mailbox auxpow", mailbox<chain::AuxPowMsg>(l.mailbox_auxpow, b.message_heap_bytes));
  add("mailbox network", mailbox<net::NetworkMsg>(l.mailbox_network, frame));
  add("mailbox sync", mailbox<sync::SyncMsg>(l.mailbox_sync, peer_message));
  if (bridge) {
    add("mailbox bridge", mailbox<bridge::BridgeMsg>(l.mailbox_bridge, b.message_heap_bytes));
    add("mailbox federation", mailbox<bridge::FederationMsg>(l.mailbox_federation, peer_message));
  }

  const u64 queue_bytes = static_cast<u64>(l.tcp_send_queue_bytes_max);
  const u64 entries = queue_bytes / (b.min_frame_bytes + 4);
  const u64 per_entry = 16 + malloc_chunk_bytes(16 + sizeof(Bytes)) + 24;
  add("tcp send queues", p * (queue_bytes + entries * per_entry));
  // The frame being read grows a chunk at a time by doubling, then is trimmed by a copy.
  const u64 reading = 3 * std::max<u64>(b.frame_bytes, real::kReadChunkBytes);
  add("tcp read backlog",
      p * ((static_cast<u64>(l.tcp_read_pause_frames) + 1) * (frame + kPostedTaskBytes) + reading));
  add("tcp connections", p * kConnectionBytes);
  add("peer records",
      (p + network_defaults.peer_records_max) * map_node(sizeof(std::pair<const NodeId, net::Peer>)));
  add("dead letters",
      system_defaults.dead_letters_max * (sizeof(actor::DeadLetter) + kDeadLetterTextBytes));
  add("rpc rate limiter", RateLimiter::kMaxClients * kRateClientBytes);
  add("leveldb", 2 * leveldb_defaults.write_buffer_bytes + leveldb_defaults.block_cache_bytes +
                     kLevelDbTableCacheBytes);
  return m;
}

}  // namespace alys::node
