// The memory budget of a node: an upper bound, in bytes, of what its bounded structures
// may hold at once, computed from its resolved [limits] (core/config/node_limits.h), the
// number of peer connections and a bound on the size of each item (docs/operations/memory.md).
// node/tests/flood_test.cc checks a real node's resident memory against it under a flood.
//
// What is NOT in it: what a node holds whatever its peers do and that grows with its own
// chain (the block tree, the engine's state per unfinalized block, peg-out books, the
// stored chain re-read at start-up) and fixed costs (code, thread stacks, allocator
// arenas). The flood test takes those as its baseline: the RSS after start-up.
//
// The terms (each a product of a limit and a per-item bound; "chunk(n)" is the heap a
// malloc of n bytes takes, malloc_chunk_bytes below; F = bounds.frame_bytes, M =
// bounds.message_heap_bytes, B = sizeof(SignedBlock) + bounds.block_heap_bytes, P = peer
// connections, at most tcp_connections_max):
//   mempool                mempool_max × (its hash-table node: chunk(id + LedgerTx + seq)
//                          + bucket, a peg-out address's heap chunk(kMaxBitcoinAddressChars),
//                          and two order slots: dead slots are compacted at 2× live + 64)
//   seen cache             exact: seen_cache_max ids + an index of the next power of two
//                          >= 2 × seen_cache_max entries of 8 bytes, allocated at start
//   verify cache           the shared signature memo's capacity (as install_pre_verifier
//                          sizes it) × (table node + bucket + FIFO slot)
//   chain import queue     gossip_queue_max gossiped blocks × B, plus one batch of synced
//                          blocks (at most sync_buffered_blocks_max) × B
//   chain orphans          orphans_max × (sizeof(SignedBlock) + entry, order slot and map
//                          node) + min(orphans_max × block heap, orphans_bytes_max ×
//                          kDecodedBytesPerWireByteMax): the pool bounds their wire bytes
//   chain pending approvals pending_approvals_max × (Approval in a vector + map node)
//   sync buffer            sync_buffered_blocks_max × B (the reorder buffer)
//   pre-verifier queue     pre_verifier_queue_max(sync blocks ahead) copies × B
//   mailbox <actor>        for each actor (bridge and federation only with a bridge): the
//                          ring (the next power of two >= 2 × its capacity: sends are
//                          admitted below the capacity, but the actor's own timer firings
//                          and ask replies are queued past it, core/actor/actor.h), ×
//                          sizeof(Envelope<its message>)) + capacity × the heap
//                          one message may own: network: a frame (chunk(F) + the shared
//                          buffer's control block); chain, sync, federation: a decoded
//                          peer message M and the frame it keeps for relaying; storage,
//                          engine: a block's heap; auxpow, bridge: M
//   tcp send queues        P × (tcp_send_queue_bytes_max + entries × (deque slot + control
//                          block + malloc header and rounding)), entries <= queue bytes /
//                          (bounds.min_frame_bytes + 4): the queue counts each frame's size
//                          + 4; frames are counted as owned even when shared between peers
//   tcp read backlog       P × ((tcp_read_pause_frames + 1) posted frames × (frame +
//                          kPostedTaskBytes) + 3 × max(F, kReadChunkBytes) for the frame
//                          being read: its buffer grows a chunk at a time as bytes arrive,
//                          by doubling, and is trimmed once by a copy)
//   tcp connections        P × kConnectionBytes (socket, timers, preambles, bookkeeping)
//   peer records           (P + NetworkConfig::peer_records_max) × a map node with a Peer
//   dead letters           SystemConfig::dead_letters_max × (record + kDeadLetterTextBytes)
//   rpc rate limiter       RateLimiter::kMaxClients × kRateClientBytes
//   leveldb                2 × write buffer (memtable + the one being flushed) + block
//                          cache + kLevelDbTableCacheBytes
// Item bounds: ItemBounds::worst_case() takes every item at the codec's caps: a frame of
// Transport::kMaxFrameBytes, a block of limits::kMaxBlockBytes on the wire, and a decoded
// message or block owning kDecodedBytesPerWireByteMax bytes of heap per wire byte (the
// densest encoding: an empty witness item is 1 wire byte and a 24-byte vector in a
// stack; a 1-byte item is 2 wire bytes and a 24-byte vector + a 32-byte chunk, so at
// most 28 per wire byte, rounded up). For a given traffic, a caller may pass the bounds of
// the items in play (what the flood test does: its largest frame, and blocks and messages
// decoded from frames no larger).
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/config/node_limits.h"

namespace alys::node {

// Heap per wire byte of a decoded object at worst (see above).
inline constexpr std::uint64_t kDecodedBytesPerWireByteMax = 32;
// An Asio handler posted to the node's executor with one frame (its captures, the
// handler's allocation and the executor's queue node).
inline constexpr std::uint64_t kPostedTaskBytes = 256;
// One TCP connection's own state (Conn, the socket and timers, preamble buffers).
inline constexpr std::uint64_t kConnectionBytes = 2048;
// A dead letter's strings (target name and detail: an error message).
inline constexpr std::uint64_t kDeadLetterTextBytes = 512;
// One RPC client's token bucket in the rate limiter's table (key string, bucket, node).
inline constexpr std::uint64_t kRateClientBytes = 160;
// LevelDB's table cache: open tables' index and filter blocks (a node's store is small
// tables of blocks; 1,000 open at most, LevelDB's default, of about 4 KiB each).
inline constexpr std::uint64_t kLevelDbTableCacheBytes = 1000 * 4096;

// The heap a glibc malloc(n) takes on 64-bit Linux: n + an 8-byte header, rounded up to
// 16, at least 32.
constexpr std::uint64_t malloc_chunk_bytes(std::uint64_t n) {
  const std::uint64_t chunk = (n + 8 + 15) & ~std::uint64_t{15};
  return chunk < 32 ? 32 : chunk;
}

struct ItemBounds {
  std::uint64_t frame_bytes = 0;         // largest frame a peer gets into the node whole
  std::uint64_t min_frame_bytes = 0;     // smallest frame the node queues to a peer
  std::uint64_t message_heap_bytes = 0;  // heap a decoded peer message owns
  std::uint64_t block_heap_bytes = 0;    // heap a decoded block owns
  // Every item at the codec's caps (see above).
  static ItemBounds worst_case();
  // Items decoded from frames of at most `frame_bytes` (blocks included).
  static ItemBounds for_frames_up_to(std::uint64_t frame_bytes);
};

struct BudgetTerm {
  std::string name;
  std::uint64_t bytes = 0;
};

struct MemoryBudget {
  std::vector<BudgetTerm> terms;
  std::uint64_t total_bytes() const;
  // One line per term, largest first, then the total (for logs and the docs).
  std::string to_string() const;
};

// REQUIRES: every limit within its LimitKey range. `peers` is clamped to
// limits.tcp_connections_max (the transport never holds more). `bridge` false: the node
// runs no bridge (no [bitcoin]), so no bridge or federation mailbox.
MemoryBudget memory_budget(const config::NodeLimits& limits, std::size_t peers,
                           const ItemBounds& bounds = ItemBounds::worst_case(), bool bridge = true);

}  // namespace alys::node
