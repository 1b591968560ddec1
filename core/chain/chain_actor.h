// ChainActor: the node's consensus (Alys app/src/chain.rs + aura.rs), on core/actor.
//
// Owns the BlockTree, the mempool and the queued AuxPoW. Everything that changes the chain
// goes through ONE import pipeline, one block at a time, in arrival order:
//   validate (check_block_header, AuxPoW header) -> EngineActor executes -> tree insert ->
//   StorageActor persists -> gossip (with the source excluded) -> approve (authorities).
// Blocks the node proposes go through the same pipeline, so a proposer checks its own
// block exactly as its peers will.
//
// Proposing: at each slot boundary (node wall clock, Aura), the slot's proposer builds on
// its head unless it already signed that slot, its head is already at that slot, or
// production_halt_depth blocks sit above finality (production halts, as in Alys, but also
// before the engine's state table would fill). A build answered after the head moved is
// dropped, verdicts and all, and the slot builds again on the new head; the block carries
// the AuxPoW header the payload was built with, not one queued meanwhile.
// Transactions: gossiped once, to the peers connected then; a peer that completes a
// handshake later gets this node's local ones (PeerJoined, at most kPeerJoinedTxsMax).
// Double-sign guard: before any signature (proposal or approval) leaves the actor, the
// StorageActor syncs (slot -> hash) and refuses a different hash for a signed slot, so a
// restarted authority never signs two blocks for one slot.
//
// Equivocation (fault injection only): with config.byzantine's switch on, an authority
// turns Byzantine; see ByzantineSwitch below.
//
// Startup: loads the stored canonical chain and re-imports it (re-validating, re-executing
// into the engine). After an engine restart (its states lost), a kNotFound from the engine
// makes the actor replay its canonical chain into it and retry.
// Orphans (parent unknown) wait in a pool bounded by count and bytes (OrphanPool: oldest
// dropped first, those at or below finality dropped as it moves) and trigger the `behind`
// route (sync).
// Memory: every queue is bounded. The import queue takes a gossiped block only while it
// holds fewer than gossip_queue_max of them (blocks wait there while one import is in
// flight, e.g. for the engine; a peer flooding blocks then cannot grow it without bound,
// and a dropped block comes back through sync); synced batches are bounded by the sync
// actor's buffer, and the stored chain is re-imported once at load. The mempool, orphans
// and pending approvals have their own caps (ChainConfig).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/actor/actor.h"
#include "core/bridge/bridge_actor.h"
#include "core/bridge/federation_actor.h"
#include "core/chain/block_tree.h"
#include "core/chain/chain_observer.h"
#include "core/chain/chain_spec.h"
#include "core/chain/limits.h"
#include "core/chain/mempool.h"
#include "core/chain/orphan_pool.h"
#include "core/chain/pegout_book.h"
#include "core/crypto/verify_cache.h"
#include "core/execution/engine_actor.h"
#include "core/network/messages.h"
#include "core/storage/storage_actor.h"
#include "core/runtime/transport.h"

namespace alys::chain {

// Where a block came from (decides gossip, penalties and checks).
enum class Origin : std::uint8_t { kGossip, kSync, kLocal, kLoad };

// `frame`, for gossip: the frame the block arrived in, relayed as is once imported when the
// tree's copy still encodes to it (no approval merged in meanwhile).
struct InboundBlock {
  NodeId from;
  SignedBlock block;
  SharedFrame frame{};
};
// `frame`, for gossip: the frame the message arrived in, relayed as is (ChainRoutes::gossip).
struct InboundApproval {
  NodeId from;
  ApproveBlock approval;
  SharedFrame frame{};
};
struct InboundTx {
  std::optional<NodeId> from;  // absent: submitted locally (RPC, workload)
  LedgerTx tx;
  SharedFrame frame{};
  // Optional: told whether the mempool holds the transaction now (ok, also when it already
  // did) or why not (kInvalidArgument "tx: bad signature"). Runs on the chain's strand.
  std::function<void(Status)> done{};
};
// A mined AuxPoW header, from the local AuxPowActor (from = nullopt) or gossip.
struct InboundPow {
  std::optional<NodeId> from;
  AuxPowHeader header;
  SharedFrame frame{};
};
// Blocks fetched by the sync actor, in height order; `done` gets the head height after
// the whole batch went through the pipeline (or the first error).
struct SyncedBlocks {
  NodeId from;
  std::vector<SignedBlock> blocks;
  std::function<void(Result<std::uint64_t>)> done;
};
struct ServeStatus {
  NodeId peer;
};
// A peer finished its handshake (it was down, cut off, or not dialled yet): it missed our
// gossip meanwhile, so it gets the transactions this node answered for (on_peer_joined).
struct PeerJoined {
  NodeId peer;
};
struct ServeBlocksByRange {
  NodeId peer;
  BlocksByRangeRequest request;
};
struct ServeHeadersByRange {
  NodeId peer;
  HeadersByRangeRequest request;
};
// From the sync actor, once it checked a header chain ending in the node's assume-valid
// block (core/sync/assume_valid.h): hashes[i] is the hash at height first_height + i of
// that chain. A block whose hash is one of them is an ancestor of the assume-valid block,
// which the operator vouches for: its signatures (approvals, transfers) are not verified.
// Everything else is checked as for any block: links, heights, slots, proposer, approval
// indices and quorum, AuxPoW, peg-ins, execution and state root.
struct AssumeValidHashes {
  std::uint64_t first_height = 0;
  std::vector<Hash256> hashes;
};
// The work a miner needs (Alys createauxblock): the unfinalized range on the head, its
// aggregate hash and the target.
struct AuxWork {
  Hash256 aux_hash;
  Hash256 range_start;
  Hash256 range_end;
  std::uint64_t height = 0;  // of range_end
  std::uint32_t bits = 0;
  std::uint32_t chain_id = 0;
};
struct GetAuxWork {
  std::function<void(Result<AuxWork>)> done;
};
struct GetStatus {
  std::function<void(StatusMessage)> done;
};
// Read-only queries for tools outside the actor system (the node's JSON-RPC). Each `done`
// runs once on the chain's strand (GetAccount's on the engine's) and must only post or
// fulfil, never block. A query the actor never handles (stopped) drops its `done` unrun.
struct BlockView {
  SignedBlock block;
  Hash256 hash;            // block_hash(block.block)
  bool canonical = false;  // on the head's ancestry
  bool approved = false;   // carries a quorum of approvals
};
// The canonical block at `height`, or nullopt above the head.
struct GetBlockByHeight {
  std::uint64_t height = 0;
  std::function<void(std::optional<BlockView>)> done;
};
// Any block of the tree (canonical or not), or nullopt when unknown.
struct GetBlockByHash {
  Hash256 hash;
  std::function<void(std::optional<BlockView>)> done;
};
struct AccountAtHead {
  ChainPoint head;  // the block whose state the account was read from
  Account account;
};
// Which state GetAccount reads: after the head, or after the finalized block (what no
// reorg can take back: the transaction journal drops a record only once that passed it).
enum class StateAt : std::uint8_t { kHead, kFinalized };
// The account in that state, as the engine holds it. Errors: the engine's (kUnavailable
// during an outage, kNotFound if it lost that state after a restart).
struct GetAccount {
  EvmAddress address{};
  std::function<void(Result<AccountAtHead>)> done;
  StateAt at = StateAt::kHead;
};
// Sizes of the bounded structures and drop counters (the node's /metrics); `done` runs
// on the chain's strand and must only post or fulfil.
struct ChainStats {
  std::size_t mempool_size = 0;
  std::size_t mempool_max = 0;
  std::size_t orphans = 0;
  std::uint64_t orphan_bytes = 0;    // their wire size (orphans_bytes_max)
  std::uint64_t orphans_evicted = 0;  // dropped for room, oldest first
  std::size_t pending_approvals = 0;
  std::size_t import_queue = 0;           // blocks waiting for the import pipeline
  std::size_t gossip_blocks_queued = 0;   // of those, from gossip (gossip_queue_max)
  std::uint64_t gossip_blocks_dropped = 0;  // refused with the import queue full
};
struct GetChainStats {
  std::function<void(ChainStats)> done;
};
struct SlotTick {};
// Retries the import pipeline after a wait (engine stalled, Bitcoin view behind). Not a
// SlotTick: each SlotTick schedules the next one, so extra ones would multiply.
struct RetryImport {};
struct ChainCrashForTest {};

using ChainMsg =
    std::variant<InboundBlock, InboundApproval, InboundTx, InboundPow, SyncedBlocks, ServeStatus,
                 ServeBlocksByRange, ServeHeadersByRange, AssumeValidHashes, GetAuxWork, GetStatus, SlotTick, RetryImport,
                 ChainCrashForTest,
                 actor::Reply<execution::BuiltPayload>, actor::Reply<execution::ExecutedPayload>,
                 actor::Reply<execution::ExecutedRun>, actor::Reply<bool>,
                 actor::Reply<storage::LoadedChain>,
                 actor::Reply<std::vector<bridge::TrackedPegIn>>,
                 actor::Reply<std::vector<PegInMint>>, actor::Reply<bridge::PegOutWork>,
                 GetBlockByHeight, GetBlockByHash, GetAccount, GetChainStats, PeerJoined>;

// How many blocks may sit above finality before a proposer stops building:
// max_blocks_without_pow, but never more than limits::kMaxUnfinalizedBlocks.
inline std::uint64_t production_halt_depth(const ChainSpec& spec) {
  return std::min<std::uint64_t>(spec.max_blocks_without_pow, limits::kMaxUnfinalizedBlocks);
}

// Local transactions a node hands a peer that joins (PeerJoined), oldest first: the ones
// likeliest to hold up their senders' later nonces, and a bound on what a reconnecting
// peer can make a node send. A quarter of the default per-peer frame budget
// (NetworkConfig::max_frames_per_sec_per_peer, 1,000 a second): a peer drops frames over
// it, and penalizes the sender if it is not one of its configured peers.
inline constexpr std::size_t kPeerJoinedTxsMax = 256;

// Blocks one engine run executes at most (synced or stored chains): one mailbox round trip
// per run instead of per block, while a failure late in a run wastes little execution.
inline constexpr std::size_t kRunBlocksMax = 64;
// Runs sent to the engine behind the one being settled, so that the engine executes the
// next run while this actor inserts, stores and reports the last one (two cores busy).
inline constexpr std::size_t kRunsAhead = 2;

// Gossiped blocks the import queue holds at most (ChainConfig::gossip_queue_max).
inline constexpr std::size_t kGossipQueueMaxDefault = 1024;
// Wire bytes of the orphans kept at most (ChainConfig::orphans_bytes_max): 16 blocks at
// the codec's 4 MiB cap, thousands of real ones.
inline constexpr std::uint64_t kOrphanBytesMaxDefault = 64ull << 20;

// How the chain actor reaches the network (bound by the node assembly).
struct ChainRoutes {
  // `frame`: the message's received frame when relaying it unchanged, else null.
  std::function<void(WireMessage, std::optional<NodeId> except, SharedFrame frame)> gossip;
  std::function<void(NodeId, WireMessage)> send;
  std::function<void(NodeId, int points, std::string reason)> penalize;
  std::function<void(NodeId peer)> behind;  // an orphan from `peer`: we lag behind it
};

// Fault injection for the simulator (chaos::Equivocate), never set by the real node: while
// `equivocate` is on, this authority is Byzantine. For each block it proposes (signed
// honestly, through the double-sign guard) it also builds and signs -- bypassing the guard
// -- a second, different valid block for the same slot and parent (its twin: a prefix of
// the honest block's transactions, or without its peg-ins, or without its AuxPoW header,
// never with peg-outs). The honest block waits for the twin; then the twin goes straight
// to the `twin_first` peers and the honest block through the import pipeline to every
// peer, so those peers see the twin first and the others the honest block (the twin
// reaches them as peers relay it). The twin is not imported locally; the observer hears
// of it (on_signed), so the checkers see the double sign. A block with nothing to vary
// (empty) gets no twin.
// Shared by the node and every incarnation of its chain actor, so it survives actor
// restarts; a crashed node comes back honest. `equivocate` is atomic only so that
// flipping it from another thread would be no data race (the simulator has one thread);
// `twin_first` is fixed when the node is assembled.
// While `usurp` is on (chaos::Usurp), the authority also signs a block of its own in each
// slot another authority owns (an empty block on its head) and sends it to every peer;
// never imported locally. Honest nodes must refuse it (wrong proposer).
struct ByzantineSwitch {
  std::atomic<bool> equivocate{false};
  std::atomic<bool> usurp{false};
  std::vector<NodeId> twin_first;
};

struct ChainConfig {
  ChainSpec spec;
  Hash256 genesis_state_root;
  std::optional<std::uint32_t> authority_index;  // set: this node is an authority
  std::optional<SecretKey> authority_key;        // REQUIRES: set iff authority_index is
  std::size_t mempool_max = 20'000;
  std::size_t orphans_max = 512;
  std::uint64_t orphans_bytes_max = kOrphanBytesMaxDefault;  // wire bytes
  std::size_t pending_approvals_max = 4096;
  std::size_t gossip_queue_max = kGossipQueueMaxDefault;  // see Memory above
  Duration engine_timeout = 10s;
  Duration storage_timeout = 10s;
  EvmAddress fee_recipient{};
  ChainObserver* observer = nullptr;  // not owned; may be null
  // Memo of signature checks (approvals, mempool txs). REQUIRES: set; used only from this
  // actor's strand unless the runtime is single-threaded (the simulator shares one) or it
  // is VerifyCache::Threading::kShared (the real node's, shared with its pre-verifier).
  std::shared_ptr<VerifyCache> verify_cache;
  // Keys the mempool's hash table (Hash256Hasher); derive_hash_salt of the node key.
  std::uint64_t hash_salt = 0;
  // Peg-ins (with a bridge): how long a block whose peg-ins this node's Bitcoin view cannot
  // confirm yet waits before it is dropped (not penalized: our bitcoind may lag), and how
  // long the bridge may take to answer.
  Duration pegin_verify_patience = 10min;
  Duration bridge_timeout = 5s;
  // Null (the real node): always honest. See ByzantineSwitch.
  std::shared_ptr<const ByzantineSwitch> byzantine;
};

class ChainActor final : public actor::Actor<ChainMsg> {
 public:
  // Without a bridge the node proposes no peg-ins and cannot import blocks that carry some
  // (refused as kFailedPrecondition, not the sender's fault). Without a federation actor
  // (non-members) it proposes no peg-out payments; it checks them all the same.
  ChainActor(std::shared_ptr<const ChainConfig> config, ChainRoutes routes,
             actor::ActorRef<execution::EngineMsg> engine,
             actor::ActorRef<storage::StorageMsg> storage,
             std::optional<actor::ActorRef<bridge::BridgeMsg>> bridge = std::nullopt,
             std::optional<actor::ActorRef<bridge::FederationMsg>> federation = std::nullopt);
  ~ChainActor() override;

  Status pre_start() override;
  Status receive(ChainMsg& message) override;

  // Read-only views for tests and tools on the actor's own strand. tree(): nullptr until
  // the stored chain is loaded.
  const BlockTree* tree() const { return tree_.get(); }
  const Mempool& mempool() const { return mempool_; }
  // Blocks imported without their signatures verified (below the assume-valid block).
  std::uint64_t assumed_valid_imports() const { return assumed_valid_imports_; }

 private:
  struct Pending {
    SignedBlock block;
    Origin origin = Origin::kGossip;
    std::optional<NodeId> from;
    std::uint64_t batch = 0;  // SyncedBlocks batch id, 0 = none
    SharedFrame frame{};      // the gossip frame `block` was decoded from, if any
    // The block's hash when already known to be right (read back from our own store, which
    // checked it), so the pipeline does not hash the block again.
    std::optional<Hash256> hash{};
  };
  // p.hash, or the block's hash computed.
  static Hash256 hash_of(const Pending& p);
  // A block executed in one engine run behind the block in flight (its parent, or its
  // parent's follower): validated once its parent is in the tree, as pump() would have.
  struct Follower {
    Pending pending;
    Hash256 hash;
  };
  struct ImportInFlight;
  struct SigRequest {
    std::uint64_t slot = 0;
    Hash256 hash;
    bool as_proposer = false;
  };

  // Handlers.
  Status on_block(InboundBlock& m);
  Status on_approval(InboundApproval& m);
  Status on_tx(InboundTx& m);
  Status on_pow(InboundPow& m);
  Status on_synced(SyncedBlocks& m);
  Status on_serve_status(const ServeStatus& m);
  Status on_peer_joined(const PeerJoined& m);
  Status on_serve_range(const ServeBlocksByRange& m);
  Status on_serve_headers(const ServeHeadersByRange& m);
  // True if `hash` at `height` is on the checked chain below the assume-valid block.
  bool assumed_valid(std::uint64_t height, const Hash256& hash) const;
  Status on_aux_work(GetAuxWork& m);
  Status on_get_block(GetBlockByHeight& m);
  Status on_get_block(GetBlockByHash& m);
  Status on_get_account(GetAccount& m);
  BlockView block_view(const BlockTree::Entry& e) const;
  Status on_slot_tick();
  Status on_built(actor::Reply<execution::BuiltPayload>& r);
  Status on_executed(actor::Reply<execution::ExecutedPayload>& r);
  Status on_executed_run(actor::Reply<execution::ExecutedRun>& r);
  Status on_signature_guard(actor::Reply<bool>& r);
  Status on_loaded(actor::Reply<storage::LoadedChain>& r);
  Status on_mintable(actor::Reply<std::vector<bridge::TrackedPegIn>>& r);
  Status on_pegins_verified(actor::Reply<std::vector<PegInMint>>& r);
  Status on_pegout_work(actor::Reply<bridge::PegOutWork>& r);

  // Import pipeline.
  void enqueue(Pending p, bool front = false);
  void pump();
  Status validate(const Pending& p, const Hash256& hash);
  // A block refused before execution (header, AuxPoW, peg-out book): report, penalize the
  // sender if the block is invalid anywhere, fail its batch.
  void refuse_block(const Pending& p, const Hash256& hash, const Status& why);
  // Synced and stored blocks: moves the queued children of the block in flight (a chain,
  // same origin, none needing the bridge) into its followers, up to kRunBlocksMax blocks
  // in all, so the engine executes them in one run.
  void take_followers(ImportInFlight& flight);
  // The queued blocks that chain onto `tip` (same origin, none needing the bridge, none
  // in the tree), up to `max`, moved out of the queue.
  std::vector<Follower> take_chain(Origin origin, Hash256 tip, std::size_t max);
  // Sends runs ahead (kRunsAhead at most) of the chain of blocks in the engine's hands.
  void send_ahead();
  // Settles the answered runs at the front of ahead_ while nothing else is in flight;
  // pumps once the pipeline is empty.
  void settle_ahead();
  bool importing() const { return in_flight_ != nullptr || !ahead_.empty(); }
  // Asks the engine to execute the block in flight and its followers (peg-ins, if any,
  // already verified).
  void execute_in_flight();
  // The engine's answer for one block, as the one-block pipeline handles it. Unless the
  // block joined the tree, the error is handled (the block re-queued or rejected) after
  // rest[rest_from..] and every run sent ahead went back to the front of the queue,
  // behind it.
  enum class Settled : std::uint8_t {
    kImported,  // in the tree (a run goes on)
    kRejected,  // refused and reported (pump next)
    kWaits,     // re-queued for the engine: a retry timer or a replay of our chain
  };
  Settled settle_execution(std::unique_ptr<ImportInFlight> flight,
                           Result<execution::ExecutedPayload> result, std::vector<Follower>& rest,
                           std::size_t rest_from);
  // A run's answer, block by block: `head` first if the run has one (validated before it
  // was sent), then `blocks` as followers.
  Settled settle_run(std::unique_ptr<ImportInFlight> head, std::vector<Follower>& blocks,
                     Result<execution::ExecutedRun> answer);
  execution::ExecuteRunRequest run_request(const ImportInFlight* head,
                                           const std::vector<Follower>& blocks) const;
  std::unique_ptr<ImportInFlight> make_flight(Pending p, const Hash256& hash,
                                              std::shared_ptr<const PegOutBook> book) const;
  // What the engine needs beside the payload: height, fee recipient, the stated mints,
  // whether the block is below the assume-valid block.
  BlockContext import_context(const ConsensusBlock& block, const Hash256& hash) const;
  void requeue_followers(std::vector<Follower>& rest, std::size_t from);
  // A block in flight could not be imported: report, penalize if it is the sender's fault.
  void reject_in_flight(const Status& why);
  void tell_bridge_finalized(std::uint64_t from_height, std::uint64_t to_height);
  // Peg-outs: the book after `hash` (REQUIRES: in the tree), the book a block would make
  // on its parent's, and what the proposer adds to its block from the federation's work.
  const PegOutBook& pegout_book(const Hash256& hash) const;
  Result<std::shared_ptr<const PegOutBook>> next_pegout_book(const ConsensusBlock& block) const;
  void add_pegouts(ConsensusBlock& block, const PegOutBook& parent_book);
  void finish_import(Status result);
  void on_imported(Pending p, const Hash256& hash,
                   std::shared_ptr<const PegOutBook> book);
  void on_head_change(const HeadChange& change, bool persist_it);
  void apply_finality_from(const HeadChange& change);
  void persist_block(const Hash256& hash);
  void persist_head(const HeadChange& change, bool finality_moved);
  void release_orphans(const Hash256& parent);
  void complete_batch(std::uint64_t batch, Result<std::uint64_t> result);
  void replay_engine();

  // Proposing and approving.
  void schedule_slot_tick();
  void propose(std::uint64_t slot);
  void request_signature(std::uint64_t slot, const Hash256& hash, bool as_proposer);
  void maybe_approve(const Hash256& hash);
  void maybe_approve_children(const Hash256& parent);
  // After an approval was added to `hash`: the head change it made (if any) is stored and
  // followed (`live`: not while loading from disk, where nothing is re-stored or signed).
  void follow_approval(const Hash256& hash, const HeadChange& change, bool live);
  void reannounce_stalled_head();
  std::optional<AuxPowHeader> pow_for(const Hash256& parent) const;
  // Equivocation (ByzantineSwitch). build_twin asks the engine for the twin of `honest`
  // (signed, not yet imported) and holds it; false: no twin possible, nothing held.
  // on_twin_built signs and sends the twin, then releases the honest block.
  bool equivocating() const;
  // Usurpation (ByzantineSwitch::usurp): usurp builds an empty block for a slot this
  // authority does not own; on_usurper_built signs it and sends it to every peer.
  bool usurping() const;
  void usurp(std::uint64_t slot);
  // Asks the engine to build a payload on `parent` (propose, twin, usurp); returns the
  // ask's correlation id.
  std::uint64_t ask_build(const Hash256& parent, execution::BuildRequest request);
  Status on_usurper_built(actor::Reply<execution::BuiltPayload>& r);
  bool build_twin(SignedBlock& honest);
  Status on_twin_built(actor::Reply<execution::BuiltPayload>& r);
  void propose_local(SignedBlock block);
  Result<AuxWork> aux_work() const;
  std::uint32_t expected_bits(const BlockTree::PowView& view) const;

  // Mempool.

  StatusMessage status_message() const;
  VerifyCache* cache() const { return config_->verify_cache.get(); }
  std::uint64_t local_slot();
  Hash256 aux_rand();

  std::shared_ptr<const ChainConfig> config_;
  const ChainSpec& spec_;
  std::optional<SchnorrSigner> signer_;  // set iff this node is an authority
  ChainRoutes routes_;
  actor::ActorRef<execution::EngineMsg> engine_;
  actor::ActorRef<storage::StorageMsg> storage_;
  std::optional<actor::ActorRef<bridge::BridgeMsg>> bridge_;
  std::optional<actor::ActorRef<bridge::FederationMsg>> federation_actor_;
  Federation federation_;
  PegOutRules pegout_rules_;

  bool ready_ = false;  // the stored chain is loaded
  std::unique_ptr<BlockTree> tree_;
  std::deque<Pending> queue_;
  std::size_t queued_gossip_ = 0;            // entries of queue_ with Origin::kGossip
  std::uint64_t gossip_blocks_dropped_ = 0;
  std::unique_ptr<ImportInFlight> in_flight_;
  // Runs sent ahead (send_ahead): every block of one is a follower, settled in chain order
  // once everything before it is; an answer that comes early waits here.
  struct AheadRun {
    std::uint64_t ask_id = 0;
    Origin origin = Origin::kSync;
    std::vector<Follower> blocks;
    std::optional<Result<execution::ExecutedRun>> answer;
  };
  std::deque<AheadRun> ahead_;
  OrphanPool<Pending> orphans_;  // by missing parent
  std::map<Hash256, std::vector<Approval>> pending_approvals_;
  std::size_t pending_approval_count_ = 0;
  std::map<std::uint64_t, SigRequest> sig_requests_;  // by ask correlation id
  std::set<std::uint64_t> signed_slots_;              // this incarnation
  std::optional<std::uint64_t> highest_signed_slot_;  // from storage at load
  Hash256 head_at_last_tick_{};                       // reannounce_stalled_head
  std::uint32_t ticks_head_unchanged_ = 0;
  bool repair_asked_ = false;                          // this incarnation repaired the store
  std::optional<std::uint64_t> building_slot_;
  std::optional<std::uint64_t> build_ask_;
  Hash256 build_parent_{};  // the head build_ask_ built on: its verdicts hold for it only
  // The AuxPoW header the payload was built with (its fee recipient is in the state): the
  // block carries this one, not one queued while the engine built.
  std::optional<AuxPowHeader> build_pow_;
  std::optional<std::uint64_t> load_ask_;
  std::uint64_t next_batch_ = 1;
  std::map<std::uint64_t, std::pair<std::size_t, std::function<void(Result<std::uint64_t>)>>>
      batches_;  // batch id -> (blocks left, done)
  std::optional<AuxPowHeader> queued_pow_;
  Mempool mempool_;
  std::optional<SignedBlock> pending_proposal_;
  // Equivocation: the twin being built (its payload comes from the engine), the honest
  // block it twins (held until then), and the engine's ask.
  struct TwinBuild {
    ConsensusBlock block;
    SignedBlock honest;
  };
  std::optional<TwinBuild> twin_;
  std::optional<std::uint64_t> twin_ask_;
  // Usurpation: the block being built for a slot not ours, and the engine's ask.
  std::optional<ConsensusBlock> usurper_;
  std::optional<std::uint64_t> usurp_ask_;
  // Peg-ins: the bridge's last answer of what is mintable (refreshed every slot on an
  // authority), the Bitcoin block of each mint of the build in flight, and since when
  // blocks have waited for this node's Bitcoin view to confirm their peg-ins.
  std::vector<bridge::TrackedPegIn> mintable_;
  std::optional<std::uint64_t> mintable_ask_;
  std::map<Hash256, Hash256> building_pegin_blocks_;  // txid -> Bitcoin block
  std::map<Hash256, Instant> pegin_wait_since_;       // consensus block -> first wait
  // Peg-outs: the book after each block of the tree (shared while blocks change nothing)
  // and the federation's last answer of what this authority could add to a block.
  std::unordered_map<Hash256, std::shared_ptr<const PegOutBook>, Hash256Hasher> pegout_books_;
  bridge::PegOutWork pegout_work_;
  std::optional<std::uint64_t> pegout_work_ask_;
  AssumeValidHashes assume_valid_;       // empty until the sync actor checked a header chain
  std::uint64_t assumed_valid_imports_ = 0;
  std::optional<Hash256> replayed_for_;  // the block whose kNotFound last caused a replay
  bool retry_scheduled_ = false;         // a RetryImport timer is pending
  void schedule_retry();
};

}  // namespace alys::chain
