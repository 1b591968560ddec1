#include "core/chain/chain_actor.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "core/bitcoin/auxpow.h"
#include "core/chain/approval.h"
#include "core/chain/block_validation.h"
#include "core/chain/build_order.h"
#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/execution/embedded_engine.h"
#include "core/runtime/env.h"
#include "core/runtime/transport.h"

static_assert(alys::limits::kMaxUnfinalizedBlocks < alys::execution::kMaxEngineStates,
              "proposers must halt before the engine's state table is full");

namespace alys::chain {

namespace {
constexpr int kPenaltyInvalidBlock = 40;
constexpr int kPenaltyInvalidApproval = 20;
constexpr int kPenaltyInvalidTx = 5;
constexpr int kPenaltyInvalidPow = 20;
// Engine replies of this code mean "I do not know that parent": replay and retry.
constexpr StatusCode kEngineUnknownParent = StatusCode::kNotFound;

Federation spec_federation(const ChainSpec& spec) {
  auto f = federation_of(spec);
  ALYS_ASSERT(f.has_value(), "ChainActor: the spec's authorities do not form a federation");
  return std::move(*f);
}
}  // namespace

// The block being executed by the engine, awaiting its reply.
struct ChainActor::ImportInFlight {
  Pending pending;
  Hash256 hash;
  Hash256 parent;
  BlockContext context;
  std::uint64_t ask_id = 0;          // the engine's execution
  std::uint64_t verify_ask_id = 0;   // the bridge's peg-in check, while it runs
  std::shared_ptr<const PegOutBook> pegout_book;  // after this block
  std::vector<Follower> followers;  // executed in the same engine run, in chain order
};

ChainActor::ChainActor(std::shared_ptr<const ChainConfig> config, ChainRoutes routes,
                       actor::ActorRef<execution::EngineMsg> engine,
                       actor::ActorRef<storage::StorageMsg> storage,
                       std::optional<actor::ActorRef<bridge::BridgeMsg>> bridge,
                       std::optional<actor::ActorRef<bridge::FederationMsg>> federation)
    : config_(std::move(config)),
      spec_(config_->spec),
      routes_(std::move(routes)),
      engine_(std::move(engine)),
      storage_(std::move(storage)),
      bridge_(std::move(bridge)),
      federation_actor_(std::move(federation)),
      federation_(spec_federation(spec_)),
      pegout_rules_{&federation_, spec_.bitcoin_network},
      orphans_(config_->orphans_max, config_->orphans_bytes_max),
      mempool_(config_->mempool_max, Hash256Hasher{config_->hash_salt}),
      pegout_books_(0, Hash256Hasher{config_->hash_salt}) {
  ALYS_ASSERT(!spec_.authorities.empty(), "ChainActor: no authorities");
  ALYS_ASSERT(config_->verify_cache != nullptr, "ChainActor: no verify cache");
  if (config_->authority_key) signer_.emplace(*config_->authority_key);
  ALYS_ASSERT(config_->authority_index.has_value() == config_->authority_key.has_value(),
              "ChainActor: authority index and key go together");
}

ChainActor::~ChainActor() = default;

Status ChainActor::pre_start() {
  pegout_rules_.planted = env().planted_bug();
  tree_ = std::make_unique<BlockTree>(make_genesis(spec_, config_->genesis_state_root),
                                      spec_.authorities.size());
  pegout_books_[tree_->genesis().hash] = std::make_shared<const PegOutBook>();
  load_ask_ = ask<storage::LoadedChain>(
      storage_, [](actor::ReplyTo<storage::LoadedChain> to) { return storage::LoadChainRequest{to}; },
      config_->storage_timeout);
  schedule_slot_tick();
  return Status::ok();
}

Status ChainActor::receive(ChainMsg& message) {
  return std::visit(
      [this](auto& m) -> Status {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, InboundBlock>) return on_block(m);
        else if constexpr (std::is_same_v<T, InboundApproval>) return on_approval(m);
        else if constexpr (std::is_same_v<T, InboundTx>) return on_tx(m);
        else if constexpr (std::is_same_v<T, InboundPow>) return on_pow(m);
        else if constexpr (std::is_same_v<T, SyncedBlocks>) return on_synced(m);
        else if constexpr (std::is_same_v<T, ServeStatus>) return on_serve_status(m);
        else if constexpr (std::is_same_v<T, PeerJoined>) return on_peer_joined(m);
        else if constexpr (std::is_same_v<T, ServeBlocksByRange>) return on_serve_range(m);
        else if constexpr (std::is_same_v<T, ServeHeadersByRange>) return on_serve_headers(m);
        else if constexpr (std::is_same_v<T, AssumeValidHashes>) {
          ALYS_LOG(env().log(), kInfo,
                   "chain: {} blocks from h{} are below the assume-valid block: their "
                   "signatures will not be verified",
                   m.hashes.size(), m.first_height);
          assume_valid_ = std::move(m);
          return Status::ok();
        }
        else if constexpr (std::is_same_v<T, GetAuxWork>) return on_aux_work(m);
        else if constexpr (std::is_same_v<T, GetBlockByHeight>) return on_get_block(m);
        else if constexpr (std::is_same_v<T, GetBlockByHash>) return on_get_block(m);
        else if constexpr (std::is_same_v<T, GetAccount>) return on_get_account(m);
        else if constexpr (std::is_same_v<T, GetChainStats>) {
          if (!m.done) return Status::ok();
          ChainStats s;
          s.mempool_size = mempool_.size();
          s.mempool_max = config_->mempool_max;
          s.orphans = orphans_.size();
          s.orphan_bytes = orphans_.bytes();
          s.orphans_evicted = orphans_.evicted();
          s.pending_approvals = pending_approval_count_;
          s.import_queue = queue_.size();
          s.gossip_blocks_queued = queued_gossip_;
          s.gossip_blocks_dropped = gossip_blocks_dropped_;
          m.done(s);
          return Status::ok();
        }
        else if constexpr (std::is_same_v<T, GetStatus>) {
          if (m.done) m.done(status_message());
          return Status::ok();
        } else if constexpr (std::is_same_v<T, SlotTick>) return on_slot_tick();
        else if constexpr (std::is_same_v<T, RetryImport>) {
          retry_scheduled_ = false;
          pump();
          return Status::ok();
        }
        else if constexpr (std::is_same_v<T, ChainCrashForTest>) {
          return Status::failed_precondition("chain: crash requested by test hook");
        } else if constexpr (std::is_same_v<T, actor::Reply<execution::BuiltPayload>>) {
          return on_built(m);
        } else if constexpr (std::is_same_v<T, actor::Reply<execution::ExecutedPayload>>) {
          return on_executed(m);
        } else if constexpr (std::is_same_v<T, actor::Reply<execution::ExecutedRun>>) {
          return on_executed_run(m);
        } else if constexpr (std::is_same_v<T, actor::Reply<bool>>) {
          return on_signature_guard(m);
        } else if constexpr (std::is_same_v<T, actor::Reply<std::vector<bridge::TrackedPegIn>>>) {
          return on_mintable(m);
        } else if constexpr (std::is_same_v<T, actor::Reply<std::vector<PegInMint>>>) {
          return on_pegins_verified(m);
        } else if constexpr (std::is_same_v<T, actor::Reply<bridge::PegOutWork>>) {
          return on_pegout_work(m);
        } else {
          static_assert(std::is_same_v<T, actor::Reply<storage::LoadedChain>>);
          return on_loaded(m);
        }
      },
      message);
}

// --- startup -------------------------------------------------------------------------

Status ChainActor::on_loaded(actor::Reply<storage::LoadedChain>& r) {
  if (!load_ask_ || r.correlation_id != *load_ask_) return Status::ok();
  load_ask_.reset();
  if (!r.result) {
    const Status& error = r.result.error();
    if (error.code() != StatusCode::kCorruption || repair_asked_) {
      return with_context("chain: loading the stored chain", error);
    }
    // The chain can come back from peers; only the safety records must survive. Repair
    // once per incarnation: a second corrupt load crashes us into the supervisor's hands.
    repair_asked_ = true;
    const std::uint64_t floor = local_slot() + 1;
    ALYS_LOG(env().log(), kWarn,
             "chain: the stored chain is corrupt ({}); repairing the store and resyncing "
             "from peers; will not sign at or below slot {} if the signature guard was hit",
             error.message(), floor);
    load_ask_ = ask<storage::LoadedChain>(
        storage_,
        [floor](actor::ReplyTo<storage::LoadedChain> to) {
          return storage::RepairChainRequest{floor, to};
        },
        config_->storage_timeout);
    return Status::ok();
  }
  storage::LoadedChain& loaded = r.result.value();
  highest_signed_slot_ = loaded.highest_signed_slot;
  for (std::size_t i = 0; i < loaded.blocks.size(); ++i) {
    SignedBlock& b = loaded.blocks[i];
    if (b.block.height == 0) continue;  // genesis is rebuilt from the spec
    std::optional<Hash256> hash;
    if (i < loaded.hashes.size()) hash = loaded.hashes[i];
    enqueue(Pending{std::move(b), Origin::kLoad, std::nullopt, 0, nullptr, hash});
  }
  ready_ = true;
  ALYS_LOG(env().log(), kInfo, "chain: loaded {} stored blocks, re-importing",
           loaded.blocks.size());
  pump();
  return Status::ok();
}

// --- inbound -------------------------------------------------------------------------

Status ChainActor::on_block(InboundBlock& m) {
  if (queued_gossip_ >= config_->gossip_queue_max) {
    // Not the sender's fault (honest peers relay at our pace too): sync brings it back.
    if (gossip_blocks_dropped_++ % 1024 == 0) {
      ALYS_LOG(env().log(), kWarn, "chain: import queue holds {} gossiped blocks: dropping more ({} so far)",
               queued_gossip_, gossip_blocks_dropped_);
    }
    return Status::ok();
  }
  enqueue(Pending{std::move(m.block), Origin::kGossip, m.from, 0, std::move(m.frame)});
  pump();
  return Status::ok();
}

Status ChainActor::on_synced(SyncedBlocks& m) {
  const std::uint64_t batch = next_batch_++;
  batches_[batch] = {m.blocks.size(), std::move(m.done)};
  if (m.blocks.empty()) {
    complete_batch(batch, tree_->head_height());
    return Status::ok();
  }
  const std::optional<NodeId> from =
      m.from == kNoNode ? std::nullopt : std::optional<NodeId>(m.from);
  for (SignedBlock& b : m.blocks) enqueue(Pending{std::move(b), Origin::kSync, from, batch});
  pump();
  return Status::ok();
}

Status ChainActor::on_approval(InboundApproval& m) {
  const Hash256& hash = m.approval.block_hash;
  const Approval& approval = m.approval.approval;
  if (Status s = check_approval(spec_, hash, approval, cache()); !s) {
    if (routes_.penalize) routes_.penalize(m.from, kPenaltyInvalidApproval, s.message());
    return Status::ok();
  }
  if (tree_->contains(hash)) {
    const ApprovalAdded added = tree_->add_approval(hash, approval);
    if (added.added && routes_.gossip) routes_.gossip(WireMessage{m.approval}, m.from, m.frame);
    follow_approval(hash, added.change, /*live=*/true);
    return Status::ok();
  }
  if (pending_approval_count_ < config_->pending_approvals_max) {
    pending_approvals_[hash].push_back(approval);
    ++pending_approval_count_;
  }
  return Status::ok();
}

Status ChainActor::on_tx(InboundTx& m) {
  const Hash256 hash = ledger_tx_hash(m.tx);
  if (mempool_.contains(hash)) {
    // A local resubmission (a wallet whose transfer has not landed) of a transaction we
    // hold asks us to announce it again: our first gossip may have reached no proposer (we
    // were cut off, or they crashed since), and a follower never includes it itself. Peers
    // that saw it drop the copy by their seen cache. From a peer it is just a duplicate.
    // Held because a peer sent it, it is local now: this node answered for it.
    if (!m.from) {
      (void)mempool_.add(m.tx, hash, TxSource::kLocal);
      if (routes_.gossip) routes_.gossip(WireMessage{NewTx{m.tx}}, std::nullopt, nullptr);
    }
    if (m.done) m.done(Status::ok());
    return Status::ok();
  }
  if (!cache()->verify_keyed(hash, [&] { return verify_ledger_tx_signature(m.tx); })) {
    if (m.from && routes_.penalize) routes_.penalize(*m.from, kPenaltyInvalidTx, "tx: bad signature");
    if (m.done) m.done(Status::invalid_argument("tx: bad signature"));
    return Status::ok();
  }
  // Refused (a pool full of local transactions): not relayed either, since not held.
  const Status added = mempool_.add(m.tx, hash, m.from ? TxSource::kPeer : TxSource::kLocal);
  if (added.is_ok() && routes_.gossip) routes_.gossip(WireMessage{NewTx{m.tx}}, m.from, m.frame);
  if (m.done) m.done(added);
  return Status::ok();
}

Status ChainActor::on_pow(InboundPow& m) {
  const AuxPowHeader& header = m.header;
  const Hash256 head = tree_->head().hash;
  const BlockTree::PowView view = tree_->pow_view(head);
  const PowContext ctx{view.unfinalized, view.first_height, expected_bits(view)};
  if (Status s = check_auxpow_header(spec_, header, ctx); !s) {
    // A stale header (finality moved, or our head differs from the miner's) is normal;
    // a header without a proof is the sender's fault.
    if (m.from && !header.auxpow && routes_.penalize) {
      routes_.penalize(*m.from, kPenaltyInvalidPow, s.message());
    }
    ALYS_LOG(env().log(), kDebug, "chain: queued pow ignored: {}", s.message());
    return Status::ok();
  }
  if (queued_pow_ && queued_pow_->height >= header.height) return Status::ok();
  queued_pow_ = header;
  if (routes_.gossip) routes_.gossip(WireMessage{QueuePow{header}}, m.from, m.frame);
  return Status::ok();
}

Status ChainActor::on_serve_status(const ServeStatus& m) {
  if (routes_.send) routes_.send(m.peer, WireMessage{status_message()});
  return Status::ok();
}

Status ChainActor::on_peer_joined(const PeerJoined& m) {
  // Transaction gossip goes once, to the peers connected then. A transfer acknowledged by a
  // node whose peers were not connected yet stayed in that node alone, and every later
  // nonce of its sender then waited for that node's slots, a few per slot: the crash test
  // saw an authority still dialling at start hold nonces 33-37 alone, and the backlog of
  // 700 transfers outlasted its 90 s deadline. Peers that already hold one drop the copy
  // by their seen cache; one a peer dropped stays dropped (its predecessors' holders
  // include them in turn).
  if (!routes_.send) return Status::ok();
  for (LedgerTx& tx : mempool_.local_txs(kPeerJoinedTxsMax)) {
    routes_.send(m.peer, WireMessage{NewTx{std::move(tx)}});
  }
  return Status::ok();
}

Status ChainActor::on_serve_range(const ServeBlocksByRange& m) {
  BlocksByRangeResponse response;
  response.request_id = m.request.request_id;
  const std::uint32_t count = std::min(m.request.count, limits::kMaxBlocksPerRange);
  std::size_t bytes = 0;
  for (std::uint64_t h = m.request.start_height; h < m.request.start_height + count; ++h) {
    auto hash = tree_->canonical_at(h);
    if (!hash) break;
    const BlockTree::Entry* e = tree_->get(*hash);
    // Keep the frame well under the transport's cap: a rough per-block size bound.
    bytes += 256 + e->block.block.payload.transactions.size() * 200;
    if (bytes > Transport::kMaxFrameBytes / 2 && !response.blocks.empty()) break;
    response.blocks.push_back(e->block);
  }
  if (routes_.send) routes_.send(m.peer, WireMessage{std::move(response)});
  return Status::ok();
}

Status ChainActor::on_serve_headers(const ServeHeadersByRange& m) {
  HeadersByRangeResponse response;
  response.request_id = m.request.request_id;
  const std::uint32_t count = std::min(m.request.count, limits::kMaxHeadersPerRange);
  response.headers.reserve(count);
  for (std::uint64_t h = m.request.start_height; h < m.request.start_height + count; ++h) {
    auto hash = tree_->canonical_at(h);
    if (!hash) break;
    response.headers.push_back(consensus_header(tree_->get(*hash)->block.block));
  }
  if (routes_.send) routes_.send(m.peer, WireMessage{std::move(response)});
  return Status::ok();
}

bool ChainActor::assumed_valid(std::uint64_t height, const Hash256& hash) const {
  const auto& av = assume_valid_;
  if (height < av.first_height || height - av.first_height >= av.hashes.size()) return false;
  return av.hashes[height - av.first_height] == hash;
}

Status ChainActor::on_aux_work(GetAuxWork& m) {
  if (m.done) m.done(aux_work());
  return Status::ok();
}

// --- read-only queries -------------------------------------------------------------------

BlockView ChainActor::block_view(const BlockTree::Entry& e) const {
  const std::optional<Hash256> at = tree_->canonical_at(e.block.block.height);
  return BlockView{e.block, e.hash, at && *at == e.hash, tree_->approved(e.hash)};
}

Status ChainActor::on_get_block(GetBlockByHeight& m) {
  if (!m.done) return Status::ok();
  const std::optional<Hash256> hash = tree_->canonical_at(m.height);
  if (!hash) {
    m.done(std::nullopt);
    return Status::ok();
  }
  m.done(block_view(*tree_->get(*hash)));
  return Status::ok();
}

Status ChainActor::on_get_block(GetBlockByHash& m) {
  if (!m.done) return Status::ok();
  const BlockTree::Entry* e = tree_->get(m.hash);
  m.done(e ? std::optional<BlockView>(block_view(*e)) : std::nullopt);
  return Status::ok();
}

Status ChainActor::on_get_account(GetAccount& m) {
  if (!m.done) return Status::ok();
  const ChainPoint head = m.at == StateAt::kFinalized ? tree_->finalized()
                                                      : ChainPoint{tree_->head().hash, tree_->head_height()};
  // The engine answers on its own executor; the head travels with the answer.
  (void)tell(engine_, execution::GetAccount{
                          head.hash, m.address,
                          [head, done = std::move(m.done)](Result<Account> account) {
                            if (!account) return done(account.error());
                            done(AccountAtHead{head, account.value()});
                          }});
  return Status::ok();
}

// --- the import pipeline ---------------------------------------------------------------

Hash256 ChainActor::hash_of(const Pending& p) { return p.hash ? *p.hash : block_hash(p.block.block); }

void ChainActor::enqueue(Pending p, bool front) {
  if (p.origin == Origin::kGossip) ++queued_gossip_;
  if (front) {
    queue_.push_front(std::move(p));
  } else {
    queue_.push_back(std::move(p));
  }
}

void ChainActor::pump() {
  // Blocks queued while runs are in the engine's hands may extend them.
  if (ready_ && importing()) send_ahead();
  while (ready_ && !importing() && !queue_.empty()) {
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    if (p.origin == Origin::kGossip) --queued_gossip_;
    const Hash256 hash = hash_of(p);
    if (const BlockTree::Entry* known = tree_->get(hash)) {
      (void)known;
      for (const Approval& a : p.block.approvals) {
        if (!check_approval(spec_, hash, a, cache())) continue;
        follow_approval(hash, tree_->add_approval(hash, a).change, /*live=*/p.origin != Origin::kLoad);
      }
      complete_batch(p.batch, tree_->head_height());
      continue;
    }
    bool parent_known = tree_->contains(p.block.block.parent_hash);
    if (parent_known && p.origin == Origin::kSync && p.block.block.height == 1 &&
        planted(env(), PlantedBug::kImportOrphanAtHeightOne)) {
      // Planted bug (core/runtime/planted.h): import-orphan-at-height-one (Alys AN-280). A
      // synced block's parent is looked up among the stored blocks, and genesis is never
      // stored (it is rebuilt from the spec): the genesis parent of height 1 is "missing",
      // the batch fails, sync starts over from height 1, and a node syncing from scratch
      // never gets past it.
      parent_known = false;
    }
    if (!parent_known) {
      if (p.from && routes_.behind) routes_.behind(*p.from);
      const std::uint64_t batch = p.batch;
      // At or below finality it can never join the canonical chain: not worth keeping.
      if (p.origin != Origin::kLoad && p.block.block.height > tree_->finalized().height) {
        const Hash256 parent = p.block.block.parent_hash;
        const std::uint64_t height = p.block.block.height;
        const std::uint64_t bytes = encode_signed_block(p.block).size();
        (void)orphans_.add(parent, height, bytes, std::move(p));
      }
      complete_batch(batch, Status::not_found("chain: block parent unknown"));
      continue;
    }
    if (Status s = validate(p, hash); !s) {
      refuse_block(p, hash, s);
      continue;
    }
    Result<std::shared_ptr<const PegOutBook>> book = next_pegout_book(p.block.block);
    if (!book) {
      refuse_block(p, hash, book.error());
      continue;
    }
    in_flight_ = make_flight(std::move(p), hash, std::move(*book));
    const bool check_pegins = !in_flight_->pending.block.block.pegins.empty() &&
                              in_flight_->pending.origin != Origin::kLoad;
    if (!check_pegins) {
      // Blocks from our own disk were checked when first imported.
      take_followers(*in_flight_);
      execute_in_flight();
      continue;
    }
    if (!bridge_) {
      reject_in_flight(Status::failed_precondition(
          "block: pegins: this node has no bridge to check them against Bitcoin"));
      continue;
    }
    in_flight_->verify_ask_id = ask<std::vector<PegInMint>>(
        *bridge_,
        [refs = in_flight_->pending.block.block.pegins](
            actor::ReplyTo<std::vector<PegInMint>> to) {
          return bridge::VerifyPegIns{refs, to};
        },
        config_->bridge_timeout);
  }
}

void ChainActor::schedule_retry() {
  if (retry_scheduled_) return;
  retry_scheduled_ = true;
  start_timer(1s, RetryImport{});
}

void ChainActor::refuse_block(const Pending& p, const Hash256& hash, const Status& why) {
  ALYS_LOG(env().log(), kInfo, "chain: block {} h{} rejected: {} (finalized h{}, head h{})",
           hash.to_hex().substr(0, 12), p.block.block.height, why.message(),
           tree_->finalized().height, tree_->head_height());
  if (config_->observer) config_->observer->on_block_rejected(env().id(), p.block, hash, why);
  // Only a block invalid anywhere is the sender's fault: one refused for a local reason
  // (our clock behind, below our finality) must not get honest peers banned.
  if (p.from && routes_.penalize && why.code() == StatusCode::kInvalidArgument) {
    routes_.penalize(*p.from, kPenaltyInvalidBlock, why.message());
  }
  complete_batch(p.batch, why);
}

void ChainActor::take_followers(ImportInFlight& flight) {
  const Origin origin = flight.pending.origin;
  if (origin != Origin::kSync && origin != Origin::kLoad) return;
  flight.followers = take_chain(origin, flight.hash, kRunBlocksMax - 1);
}

std::vector<ChainActor::Follower> ChainActor::take_chain(Origin origin, Hash256 tip,
                                                         std::size_t max) {
  std::vector<Follower> chain;
  while (chain.size() < max && !queue_.empty()) {
    const Pending& next = queue_.front();
    if (next.origin != origin || next.block.block.parent_hash != tip) break;
    // A synced block with peg-ins waits for the bridge's check before it executes.
    if (origin == Origin::kSync && !next.block.block.pegins.empty()) break;
    const Hash256 hash = hash_of(next);
    if (tree_->contains(hash)) break;  // pump() merges its approvals instead
    chain.push_back(Follower{std::move(queue_.front()), hash});
    queue_.pop_front();
    tip = hash;
  }
  return chain;
}

execution::ExecuteRunRequest ChainActor::run_request(const ImportInFlight* head,
                                                     const std::vector<Follower>& blocks) const {
  execution::ExecuteRunRequest request;
  request.items.reserve(blocks.size() + (head != nullptr ? 1 : 0));
  if (head != nullptr) {
    request.items.push_back(
        {head->parent, head->hash, head->context, head->pending.block.block.payload});
  }
  for (const Follower& follower : blocks) {
    const ConsensusBlock& b = follower.pending.block.block;
    request.items.push_back(
        {b.parent_hash, follower.hash, import_context(b, follower.hash), b.payload});
  }
  return request;
}

void ChainActor::execute_in_flight() {
  ImportInFlight& f = *in_flight_;
  if (f.followers.empty()) {
    f.ask_id = ask<execution::ExecutedPayload>(
        engine_,
        [&](actor::ReplyTo<execution::ExecutedPayload> to) {
          return execution::ExecutePayloadRequest{f.parent, f.hash, f.context,
                                                  f.pending.block.block.payload, to};
        },
        config_->engine_timeout);
    return;
  }
  f.ask_id = ask<execution::ExecutedRun>(
      engine_,
      [&](actor::ReplyTo<execution::ExecutedRun> to) {
        execution::ExecuteRunRequest request = run_request(&f, f.followers);
        request.reply = std::move(to);
        return request;
      },
      config_->engine_timeout);
  send_ahead();
}

void ChainActor::send_ahead() {
  while (ahead_.size() < kRunsAhead) {
    Origin origin;
    Hash256 tip;
    if (!ahead_.empty()) {
      origin = ahead_.back().origin;
      tip = ahead_.back().blocks.back().hash;
    } else if (in_flight_ && !in_flight_->followers.empty()) {
      origin = in_flight_->pending.origin;
      tip = in_flight_->followers.back().hash;
    } else {
      return;  // only a run is followed by more runs
    }
    std::vector<Follower> blocks = take_chain(origin, tip, kRunBlocksMax);
    if (blocks.empty()) return;
    AheadRun run{0, origin, std::move(blocks), std::nullopt};
    run.ask_id = ask<execution::ExecutedRun>(
        engine_,
        [&](actor::ReplyTo<execution::ExecutedRun> to) {
          execution::ExecuteRunRequest request = run_request(nullptr, run.blocks);
          request.reply = std::move(to);
          return request;
        },
        config_->engine_timeout);
    ahead_.push_back(std::move(run));
  }
}

void ChainActor::settle_ahead() {
  while (!in_flight_ && !ahead_.empty() && ahead_.front().answer) {
    AheadRun run = std::move(ahead_.front());
    ahead_.pop_front();
    const Settled settled = settle_run(nullptr, run.blocks, std::move(*run.answer));
    if (settled == Settled::kWaits) return;
    if (settled == Settled::kRejected) break;  // what was ahead went back to the queue
    send_ahead();
  }
  if (!importing()) pump();
}

void ChainActor::reject_in_flight(const Status& why) {
  std::unique_ptr<ImportInFlight> flight = std::move(in_flight_);
  ALYS_LOG(env().log(), kInfo, "chain: block {} h{} rejected: {}",
           flight->hash.to_hex().substr(0, 12), flight->pending.block.block.height,
           why.message());
  pegin_wait_since_.erase(flight->hash);
  if (config_->observer) config_->observer->on_block_rejected(env().id(), flight->pending.block, flight->hash, why);
  if (flight->pending.from && routes_.penalize && why.code() == StatusCode::kInvalidArgument) {
    routes_.penalize(*flight->pending.from, kPenaltyInvalidBlock, why.message());
  }
  complete_batch(flight->pending.batch, why);
}

Status ChainActor::on_pegins_verified(actor::Reply<std::vector<PegInMint>>& r) {
  if (!in_flight_ || r.correlation_id != in_flight_->verify_ask_id) return Status::ok();
  in_flight_->verify_ask_id = 0;
  const Hash256 hash = in_flight_->hash;
  if (!r.result) {
    const Status& err = r.result.error();
    if (err.code() == StatusCode::kInvalidArgument) {
      reject_in_flight(with_context("block: pegins", err));
      pump();
      return Status::ok();
    }
    // Our Bitcoin view cannot tell yet (bitcoind behind or down, bridge restarting): wait,
    // with the pipeline held (its children need it), up to pegin_verify_patience.
    const Instant now = env().clock().now();
    const Instant since = pegin_wait_since_.try_emplace(hash, now).first->second;
    if (now - since >= config_->pegin_verify_patience) {
      reject_in_flight(Status::failed_precondition(
          "block: pegins: not confirmed by this node's Bitcoin view in time: " + err.message()));
      pump();
      return Status::ok();
    }
    if (since == now) {
      ALYS_LOG(env().log(), kInfo, "chain: block {} h{} waits for this node's Bitcoin view: {}",
               hash.to_hex().substr(0, 12), in_flight_->pending.block.block.height,
               err.message());
    }
    std::unique_ptr<ImportInFlight> flight = std::move(in_flight_);
    enqueue(std::move(flight->pending), /*front=*/true);
    schedule_retry();
    return Status::ok();
  }
  pegin_wait_since_.erase(hash);
  const std::vector<PegInMint>& mints = r.result.value();
  if (mints != in_flight_->context.mints) {
    reject_in_flight(Status::invalid_argument(
        "block: pegins: the amounts or addresses claimed differ from Bitcoin's"));
    pump();
    return Status::ok();
  }
  execute_in_flight();
  return Status::ok();
}

Status ChainActor::on_pegout_work(actor::Reply<bridge::PegOutWork>& r) {
  if (!pegout_work_ask_ || r.correlation_id != *pegout_work_ask_) return Status::ok();
  pegout_work_ask_.reset();
  if (r.result) pegout_work_ = std::move(r.result.value());
  return Status::ok();
}

const PegOutBook& ChainActor::pegout_book(const Hash256& hash) const {
  auto it = pegout_books_.find(hash);
  ALYS_ASSERT(it != pegout_books_.end(), "chain: no peg-out book for a block of the tree");
  return *it->second;
}

Result<std::shared_ptr<const PegOutBook>> ChainActor::next_pegout_book(
    const ConsensusBlock& block) const {
  auto parent = pegout_books_.find(block.parent_hash);
  ALYS_ASSERT(parent != pegout_books_.end(), "chain: no peg-out book for a block's parent");
  if (!PegOutBook::touches(block)) return parent->second;
  auto next = parent->second->apply(block, pegout_rules_);
  if (!next) return with_context("block", next.error());
  return std::make_shared<const PegOutBook>(std::move(*next));
}

void ChainActor::add_pegouts(ConsensusBlock& block, const PegOutBook& parent_book) {
  // Only what the parent's book accepts goes in (the federation answered for an older
  // head, maybe): each signed payment and the proposal are tried alone on the book.
  ConsensusBlock trial;
  trial.height = block.height;
  for (const Transaction& tx : pegout_work_.signed_payments) {
    if (block.finalized_pegouts.size() >= limits::kMaxFinalizedPegoutsPerBlock) break;
    trial.finalized_pegouts = {tx};
    if (parent_book.apply(trial, pegout_rules_)) block.finalized_pegouts.push_back(tx);
  }
  if (!pegout_work_.proposal) return;
  trial.finalized_pegouts = block.finalized_pegouts;
  trial.pegout_proposal = pegout_work_.proposal;
  if (auto ok = parent_book.apply(trial, pegout_rules_); ok) {
    block.pegout_proposal = pegout_work_.proposal;
    pegout_work_.proposal.reset();  // the next block needs a fresh one
  } else {
    ALYS_LOG(env().log(), kDebug, "chain: peg-out proposal left out: {}", ok.error().message());
  }
}

Status ChainActor::on_mintable(actor::Reply<std::vector<bridge::TrackedPegIn>>& r) {
  if (!mintable_ask_ || r.correlation_id != *mintable_ask_) return Status::ok();
  mintable_ask_.reset();
  if (r.result) mintable_ = std::move(r.result.value());
  return Status::ok();
}

void ChainActor::tell_bridge_finalized(std::uint64_t from_height, std::uint64_t to_height) {
  // Peg-outs: burns, proposals and payments the finalized range carries.
  bridge::PegOutsFinalized pegouts;
  bridge::PaymentsFinalized paid;
  for (std::uint64_t h = from_height; h <= to_height; ++h) {
    const auto hash = tree_->canonical_at(h);
    if (!hash) break;
    const ConsensusBlock& b = tree_->get(*hash)->block.block;
    if (!PegOutBook::touches(b)) continue;
    const PegOutBook& before = pegout_book(b.parent_hash);
    for (const Transaction& tx : b.finalized_pegouts) {
      const Hash256 id = txid(tx);
      std::vector<Hash256> requests;
      if (auto it = before.proposed().find(id); it != before.proposed().end()) {
        requests = it->second.proposal.request_ids;
      }
      pegouts.paid.emplace_back(tx, std::move(requests));
      paid.txids.push_back(id);
    }
    if (b.pegout_proposal) {
      pegouts.proposed.emplace_back(txid(b.pegout_proposal->tx), b.pegout_proposal->request_ids);
    }
    for (const LedgerTx& tx : b.payload.transactions) {
      if (tx.kind == LedgerTxKind::kPegOut) pegouts.requested.push_back(pegout_request_of(tx));
    }
  }
  if (federation_actor_) {
    if (!paid.txids.empty()) (void)tell(*federation_actor_, std::move(paid));
    // Every proposal still unpaid as of finality: new ones get signed, old ones re-gossiped.
    if (const auto fin = tree_->canonical_at(to_height)) {
      bridge::ProposalsFinalized proposals;
      for (const auto& [id, p] : pegout_book(*fin).proposed()) proposals.proposals.push_back(p);
      if (!proposals.proposals.empty()) (void)tell(*federation_actor_, std::move(proposals));
    }
  }
  if (!bridge_) return;
  if (!pegouts.requested.empty() || !pegouts.proposed.empty() || !pegouts.paid.empty()) {
    (void)tell(*bridge_, std::move(pegouts));
  }
  bridge::PegInsMinted minted;
  for (std::uint64_t h = from_height; h <= to_height; ++h) {
    const auto hash = tree_->canonical_at(h);
    if (!hash) break;
    for (const PegInRef& ref : tree_->get(*hash)->block.block.pegins) {
      minted.txids.push_back(ref.txid);
    }
  }
  if (!minted.txids.empty()) (void)tell(*bridge_, std::move(minted));
}

Status ChainActor::validate(const Pending& p, const Hash256& hash) {
  const BlockTree::Entry* parent = tree_->get(p.block.block.parent_hash);
  const ParentInfo info{parent->hash, parent->block.block.height, parent->block.block.slot};
  const std::uint64_t slot_now =
      p.origin == Origin::kLoad ? std::numeric_limits<std::uint64_t>::max() - 1 : local_slot();
  // Planted bug (core/runtime/planted.h) accept-wrong-proposer: the proposer check is
  // skipped, so a block signed by an authority that does not own its slot is imported.
  const bool check_proposer = !planted(env(), PlantedBug::kAcceptWrongProposer);
  const bool check_signatures = !assumed_valid(p.block.block.height, hash);
  if (Status s = check_block_header(spec_, p.block, hash, info, slot_now, cache(), check_proposer,
                                    check_signatures);
      !s) {
    return s;
  }
  if (!tree_->extends_finalized(parent->hash)) {
    // Contextual: valid elsewhere, but below what this node saw finalized.
    return Status::failed_precondition("block: parent: conflicts with the finalized chain");
  }
  if (p.block.block.auxpow_header) {
    const BlockTree::PowView view = tree_->pow_view(parent->hash);
    const PowContext ctx{view.unfinalized, view.first_height, expected_bits(view)};
    if (Status s = check_auxpow_header(spec_, *p.block.block.auxpow_header, ctx); !s) return s;
  }
  return Status::ok();
}

Status ChainActor::on_executed(actor::Reply<execution::ExecutedPayload>& r) {
  if (!in_flight_ || r.correlation_id != in_flight_->ask_id) return Status::ok();
  std::vector<Follower> none;
  if (settle_execution(std::move(in_flight_), std::move(r.result), none, 0) != Settled::kWaits) {
    pump();
  }
  return Status::ok();
}

Status ChainActor::on_executed_run(actor::Reply<execution::ExecutedRun>& r) {
  for (AheadRun& run : ahead_) {
    if (run.ask_id == r.correlation_id) {
      run.answer = std::move(r.result);
      settle_ahead();
      return Status::ok();
    }
  }
  if (!in_flight_ || r.correlation_id != in_flight_->ask_id) return Status::ok();
  std::unique_ptr<ImportInFlight> flight = std::move(in_flight_);
  std::vector<Follower> followers = std::move(flight->followers);
  const Settled settled = settle_run(std::move(flight), followers, std::move(r.result));
  if (settled == Settled::kImported) {
    send_ahead();
    settle_ahead();
  } else if (settled == Settled::kRejected) {
    pump();
  }
  return Status::ok();
}

ChainActor::Settled ChainActor::settle_run(std::unique_ptr<ImportInFlight> head,
                                           std::vector<Follower>& blocks,
                                           Result<execution::ExecutedRun> answer) {
  if (!answer) {
    // The run as a whole got no answer (timeout, breaker open): its first block decides.
    if (head) return settle_execution(std::move(head), answer.error(), blocks, 0);
    // A run sent ahead: none of it was looked at yet; it all goes back, to retry later.
    ALYS_LOG(env().log(), kDebug, "chain: a run of {} blocks waits for the engine: {}",
             blocks.size(), answer.error().message());
    requeue_followers(blocks, 0);
    schedule_retry();
    return Settled::kWaits;
  }
  std::vector<Result<execution::ExecutedPayload>>& results = answer->results;
  const std::size_t given = blocks.size() + (head ? 1 : 0);
  ALYS_ASSERT(!results.empty() && results.size() <= given,
              "chain: an engine run answered for blocks it was not given");
  std::size_t next_result = 0;
  Settled settled = Settled::kImported;
  if (head) settled = settle_execution(std::move(head), std::move(results[next_result++]), blocks, 0);
  for (std::size_t i = 0; settled == Settled::kImported && i < blocks.size(); ++i) {
    // What pump() checks before executing, now that the parent is in the tree.
    Follower& next = blocks[i];
    if (Status s = validate(next.pending, next.hash); !s) {
      requeue_followers(blocks, i + 1);
      refuse_block(next.pending, next.hash, s);
      return Settled::kRejected;
    }
    Result<std::shared_ptr<const PegOutBook>> book = next_pegout_book(next.pending.block.block);
    if (!book) {
      requeue_followers(blocks, i + 1);
      refuse_block(next.pending, next.hash, book.error());
      return Settled::kRejected;
    }
    ALYS_ASSERT(next_result < results.size(), "chain: an engine run stopped without a failure");
    settled = settle_execution(make_flight(std::move(next.pending), next.hash, std::move(*book)),
                               std::move(results[next_result++]), blocks, i + 1);
  }
  return settled;
}

void ChainActor::requeue_followers(std::vector<Follower>& rest, std::size_t from) {
  // The runs sent ahead come after `rest` in the chain: they go back first, so they end up
  // behind it. Their answers, if any still come, match nothing and are dropped.
  while (!ahead_.empty()) {
    std::vector<Follower>& blocks = ahead_.back().blocks;
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) enqueue(std::move(it->pending), true);
    ahead_.pop_back();
  }
  for (std::size_t i = rest.size(); i > from; --i) enqueue(std::move(rest[i - 1].pending), true);
  rest.resize(from);
}

std::unique_ptr<ChainActor::ImportInFlight> ChainActor::make_flight(
    Pending p, const Hash256& hash, std::shared_ptr<const PegOutBook> book) const {
  auto flight = std::make_unique<ImportInFlight>();
  flight->pegout_book = std::move(book);
  flight->hash = hash;
  flight->parent = p.block.block.parent_hash;
  flight->context = import_context(p.block.block, hash);
  flight->pending = std::move(p);
  return flight;
}

BlockContext ChainActor::import_context(const ConsensusBlock& block, const Hash256& hash) const {
  BlockContext context;
  context.height = block.height;
  context.assumed_valid = assumed_valid(block.height, hash);
  if (block.auxpow_header) context.fee_recipient = block.auxpow_header->fee_recipient;
  // The block states what its peg-ins mint; execution mints exactly that, in order.
  for (const PegInRef& ref : block.pegins) {
    context.mints.push_back(PegInMint{ref.txid, ref.to, ref.amount_sat});
  }
  return context;
}

ChainActor::Settled ChainActor::settle_execution(std::unique_ptr<ImportInFlight> flight,
                                                 Result<execution::ExecutedPayload> result,
                                                 std::vector<Follower>& rest,
                                                 std::size_t rest_from) {
  if (result) {
    on_imported(std::move(flight->pending), flight->hash, std::move(flight->pegout_book));
    return Settled::kImported;
  }
  const Status& err = result.error();
  if (err.code() == kEngineUnknownParent && flight->pending.origin == Origin::kLoad) {
    // A block from our own disk (or our own tree) whose parent state the engine pruned at
    // finality: it was validated and executed when first imported, and the engine keeps
    // the finalized state the chain continues from. Take it without execution. Its
    // followers in the run failed the same way: the next pump() takes them one by one.
    requeue_followers(rest, rest_from);
    on_imported(std::move(flight->pending), flight->hash, std::move(flight->pegout_book));
    return Settled::kImported;
  }
  requeue_followers(rest, rest_from);
  if (err.code() == kEngineUnknownParent && replayed_for_ != flight->hash) {
    // The engine restarted and lost its states: replay our chain into it, then retry
    // (once per block: a second miss means the parent state is gone for good).
    replayed_for_ = flight->hash;
    enqueue(std::move(flight->pending), /*front=*/true);
    replay_engine();
    return Settled::kWaits;
  }
  if (err.code() == StatusCode::kTimeout || err.code() == StatusCode::kUnavailable) {
    // The engine is stalled or its breaker is open: retry the block later.
    ALYS_LOG(env().log(), kDebug, "chain: block {} waits for the engine: {}",
             flight->hash.to_hex().substr(0, 12), err.message());
    enqueue(std::move(flight->pending), /*front=*/true);
    schedule_retry();
    return Settled::kWaits;
  }
  // Invalid payloads (kInvalidArgument) are the sender's fault; anything else (a full state
  // table: kFailedPrecondition) is ours, as in reject_in_flight.
  in_flight_ = std::move(flight);
  reject_in_flight(err);
  return Settled::kRejected;
}

void ChainActor::on_imported(Pending p, const Hash256& hash,
                             std::shared_ptr<const PegOutBook> book) {
  const bool from_disk = p.origin == Origin::kLoad;
  if (assumed_valid(p.block.block.height, hash)) ++assumed_valid_imports_;
  pegout_books_[hash] = std::move(book);
  // Approvals are only ever added to a tree block, so an unchanged count means the tree's
  // copy is still the block the frame decoded to.
  const std::size_t received_approvals = p.block.approvals.size();
  HeadChange change = tree_->insert(std::move(p.block), hash);  // p.block is spent
  if (config_->observer) {
    config_->observer->on_block_imported(env().id(), tree_->get(hash)->block, hash);
  }
  // Store the block first, then whatever head change it (or its waiting approvals) made.
  if (!from_disk) persist_block(hash);
  on_head_change(change, !from_disk);
  if (auto it = pending_approvals_.find(hash); it != pending_approvals_.end()) {
    std::vector<Approval> waiting = std::move(it->second);
    pending_approval_count_ -= waiting.size();
    pending_approvals_.erase(it);
    for (const Approval& a : waiting) {
      follow_approval(hash, tree_->add_approval(hash, a).change, /*live=*/!from_disk);
    }
  }
  if ((p.origin == Origin::kGossip || p.origin == Origin::kLocal) && routes_.gossip) {
    // The frame it came in, as is (the codec is canonical: re-encoding the same block gives
    // the same bytes, and a receiver's seen cache knows them by that); re-encoded when the
    // tree's copy has gained approvals since.
    const SignedBlock& block = tree_->get(hash)->block;
    SharedFrame frame = block.approvals.size() == received_approvals ? std::move(p.frame) : nullptr;
    routes_.gossip(WireMessage{NewBlock{block}}, p.from, std::move(frame));
  }
  if (!from_disk) maybe_approve(hash);
  release_orphans(hash);
  complete_batch(p.batch, tree_->head_height());
}

void ChainActor::on_head_change(const HeadChange& change, bool persist_it) {
  if (!change.changed) return;
  const std::uint64_t finalized_before = tree_->finalized().height;
  apply_finality_from(change);
  // Transactions of abandoned blocks go back to the mempool; those now on the chain leave.
  for (const Hash256& h : change.abandoned) {
    if (const BlockTree::Entry* e = tree_->get(h)) {
      for (const LedgerTx& tx : e->block.block.payload.transactions) {
        // Kept like a local one: it was on this node's chain, so a client may have seen it
        // land, and a flood of gossip must not push it out while it waits to land again.
        (void)mempool_.add(tx, ledger_tx_hash(tx), TxSource::kLocal);
      }
    }
  }
  for (std::uint64_t h = change.fork_height + 1; h <= tree_->head_height(); ++h) {
    mempool_.remove_included(tree_->get(*tree_->canonical_at(h))->block.block.payload.transactions);
  }
  if (config_->observer) {
    config_->observer->on_head(env().id(), tree_->head().hash, tree_->head_height());
  }
  if (queued_pow_ && queued_pow_->height <= tree_->finalized().height) queued_pow_.reset();
  if (persist_it) persist_head(change, tree_->finalized().height != finalized_before);
}

void ChainActor::apply_finality_from(const HeadChange& change) {
  // The newest AuxPoW header on the new canonical blocks decides finality.
  for (std::uint64_t h = tree_->head_height(); h > change.fork_height; --h) {
    const BlockTree::Entry* e = tree_->get(*tree_->canonical_at(h));
    const auto& header = e->block.block.auxpow_header;
    if (!header) continue;
    if (header->height > tree_->finalized().height) {
      const std::uint64_t finalized_before = tree_->finalized().height;
      tree_->set_finalized(ChainPoint{header->range_end, header->height});
      (void)orphans_.drop_at_or_below(header->height);
      tell_bridge_finalized(finalized_before + 1, header->height);
      ALYS_LOG(env().log(), kInfo, "chain: finalized h{} {} (header in h{})", header->height,
               header->range_end.to_hex().substr(0, 12), e->block.block.height);
      if (config_->observer) {
        config_->observer->on_finalized(env().id(), header->range_end, header->height);
      }
      // Lets the engine drop states below finality (it keeps a bounded table).
      (void)tell(engine_, execution::ForkchoiceUpdate{tree_->head().hash, header->range_end});
    }
    return;
  }
}

void ChainActor::persist_block(const Hash256& hash) {
  storage::PersistChain msg;
  msg.write.add_block(tree_->get(hash)->block, hash);
  (void)tell(storage_, std::move(msg));
}

void ChainActor::persist_head(const HeadChange& change, bool finality_moved) {
  storage::PersistChain msg;
  msg.write.truncate_canonical_above = change.fork_height;
  for (std::uint64_t h = change.fork_height + 1; h <= tree_->head_height(); ++h) {
    msg.write.canonical.emplace_back(h, *tree_->canonical_at(h));
  }
  msg.write.head = storage::ChainPointer{tree_->head().hash, tree_->head_height()};
  // Genesis is rebuilt from the spec, never stored: only a real finalized block is.
  if (tree_->finalized().height > 0) {
    msg.write.finalized = storage::ChainPointer{tree_->finalized().hash, tree_->finalized().height};
  }
  // Finalized data must survive a crash; the rest may be re-fetched from peers.
  msg.sync = finality_moved;
  (void)tell(storage_, std::move(msg));
}

void ChainActor::release_orphans(const Hash256& parent) {
  std::vector<Pending> children = orphans_.take_children(parent);
  for (auto c = children.rbegin(); c != children.rend(); ++c) enqueue(std::move(*c), true);
}

void ChainActor::complete_batch(std::uint64_t batch, Result<std::uint64_t> result) {
  if (batch == 0) return;
  auto it = batches_.find(batch);
  if (it == batches_.end()) return;
  auto& [left, done] = it->second;
  if (!result || --left == 0) {
    auto callback = std::move(done);
    batches_.erase(it);
    if (callback) callback(std::move(result));
  }
}

void ChainActor::replay_engine() {
  // The engine keeps states by block hash; after its restart it knows only genesis. Drop
  // the tree back to genesis and re-import the canonical chain (Origin::kLoad: no gossip,
  // no persist, no votes); finality and approvals are re-derived from the blocks, which
  // carry every approval the tree merged into them.
  std::vector<Pending> blocks;
  blocks.reserve(tree_->head_height());
  for (std::uint64_t h = 1; h <= tree_->head_height(); ++h) {
    const Hash256 hash = *tree_->canonical_at(h);
    blocks.push_back(Pending{tree_->get(hash)->block, Origin::kLoad, std::nullopt, 0, nullptr, hash});
  }
  ALYS_LOG(env().log(), kWarn, "chain: engine lost its state; replaying {} blocks", blocks.size());
  tree_ = std::make_unique<BlockTree>(make_genesis(spec_, config_->genesis_state_root),
                                      spec_.authorities.size());
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) enqueue(std::move(*it), true);
}

// --- proposing and approving -----------------------------------------------------------

void ChainActor::schedule_slot_tick() {
  const std::int64_t wait_ms = ms_until_next_slot(spec_, env().clock().unix_ms());
  start_timer(Duration(std::chrono::milliseconds(wait_ms)), SlotTick{});
}

Status ChainActor::on_slot_tick() {
  schedule_slot_tick();
  pump();
  if (!ready_) return Status::ok();
  reannounce_stalled_head();
  if (!config_->authority_index) return Status::ok();
  if (bridge_ && !mintable_ask_) {
    // Refreshed every slot, so a proposal never waits for the bridge.
    mintable_ask_ = ask<std::vector<bridge::TrackedPegIn>>(
        *bridge_,
        [](actor::ReplyTo<std::vector<bridge::TrackedPegIn>> to) {
          return bridge::GetMintablePegIns{to};
        },
        config_->bridge_timeout);
  }
  if (federation_actor_ && !pegout_work_ask_) {
    // Like the mintable peg-ins: refreshed every slot, used as is when proposing.
    const PegOutBook& book = pegout_book(tree_->head().hash);
    bridge::GetPegOutWork ask_work;
    ask_work.pending = book.pending();
    ask_work.spent = book.spent();
    for (const auto& [txid, proposed] : book.proposed()) ask_work.awaiting.push_back(txid);
    pegout_work_ask_ = ask<bridge::PegOutWork>(
        *federation_actor_,
        [&](actor::ReplyTo<bridge::PegOutWork> to) {
          ask_work.reply = to;
          return std::move(ask_work);
        },
        config_->bridge_timeout);
  }
  const std::uint64_t slot = local_slot();
  if (aura_proposer(spec_, slot) != *config_->authority_index) {
    if (usurping()) usurp(slot);
    return Status::ok();
  }
  propose(slot);
  return Status::ok();
}

void ChainActor::propose(std::uint64_t slot) {
  if (building_slot_ || twin_ || importing() || !queue_.empty()) return;
  if (signed_slots_.count(slot) != 0) return;
  if (highest_signed_slot_ && slot <= *highest_signed_slot_) return;
  const BlockTree::Entry& head = tree_->head();
  if (head.block.block.slot >= slot) return;
  if (tree_->head_height() - tree_->finalized().height >= production_halt_depth(spec_)) {
    ALYS_LOG(env().log(), kInfo, "chain: production halted: {} blocks without PoW",
             tree_->head_height() - tree_->finalized().height);
    return;
  }
  execution::BuildRequest request;
  request.height = head.block.block.height + 1;
  request.candidates = in_nonce_order(mempool_.candidates(spec_.max_txs_per_block * 2));
  building_pegin_blocks_.clear();
  for (const bridge::TrackedPegIn& t : mintable_) {
    if (request.mints.size() >= limits::kMaxPegInsPerBlock) break;
    request.mints.push_back(PegInMint{t.pegin.txid, t.pegin.evm_address, t.pegin.amount_sat});
    building_pegin_blocks_[t.pegin.txid] = t.block_hash;
  }
  request.max_txs = std::min<std::size_t>(spec_.max_txs_per_block, limits::kMaxTxsPerBlock);
  std::optional<AuxPowHeader> pow = pow_for(head.hash);
  if (pow) request.fee_recipient = pow->fee_recipient;
  building_slot_ = slot;
  build_parent_ = head.hash;
  build_pow_ = pow;
  build_ask_ = ask_build(head.hash, std::move(request));
}

Status ChainActor::on_built(actor::Reply<execution::BuiltPayload>& r) {
  if (twin_ask_ && r.correlation_id == *twin_ask_) return on_twin_built(r);
  if (usurp_ask_ && r.correlation_id == *usurp_ask_) return on_usurper_built(r);
  if (!build_ask_ || r.correlation_id != *build_ask_) return Status::ok();
  build_ask_.reset();
  const std::uint64_t slot = *building_slot_;
  if (!r.result) {
    building_slot_.reset();
    ALYS_LOG(env().log(), kInfo, "chain: build for slot {} failed: {}", slot,
             r.result.error().message());
    return Status::ok();
  }
  const BlockTree::Entry& head = tree_->head();
  if (head.hash != build_parent_) {
    // The head moved while the engine built (an import or a reorg): the payload's state is
    // the old head's, so it cannot go on the new one, and neither can its verdicts on the
    // candidates. "Stale nonce" on a head since abandoned means "in a block the chain just
    // dropped": dropping that transaction now would lose it, since the reorg already put
    // it back in the pool (runtime-sim/tests/chain_build_race_test.cc). Our slot may still
    // be running: build again, on the new head.
    building_slot_.reset();
    if (local_slot() == slot) propose(slot);
    return Status::ok();
  }
  // Candidates that did not apply leave the mempool (stale nonces would otherwise crowd its
  // front forever), but for early nonces, which wait at its back (see Mempool).
  for (const TxReceipt& skipped : r.result.value().skipped_txs) {
    // A local one leaving is normal (a journaled transaction resubmitted after it landed)
    // (debug: a restart resubmits hundreds) but is the one event to look for when an
    // acknowledged transfer goes missing.
    if (skipped.status.code() != StatusCode::kFailedPrecondition && mempool_.is_local(skipped.tx_hash)) {
      ALYS_LOG(env().log(), kDebug, "chain: mempool dropped local tx {} building on h{}: {}",
               skipped.tx_hash.to_hex().substr(0, 12), head.block.block.height, skipped.status.message());
    }
  }
  mempool_.settle_build(r.result.value().skipped_txs);
  if (local_slot() != slot || head.block.block.slot >= slot) {
    building_slot_.reset();  // too late
    return Status::ok();
  }
  SignedBlock block;
  block.block.parent_hash = head.hash;
  block.block.height = head.block.block.height + 1;
  block.block.slot = slot;
  block.block.payload = std::move(r.result.value().payload);
  for (const PegInMint& m : r.result.value().context.mints) {
    // Only mints from building_pegin_blocks_ were requested, so each has its block.
    block.block.pegins.push_back(
        PegInRef{m.txid, building_pegin_blocks_.at(m.txid), m.to, m.amount_sat});
  }
  block.block.auxpow_header = build_pow_;
  add_pegouts(block.block, pegout_book(head.hash));
  const Hash256 hash = block_hash(block.block);
  pending_proposal_ = std::move(block);
  request_signature(slot, hash, /*as_proposer=*/true);
  return Status::ok();
}

void ChainActor::request_signature(std::uint64_t slot, const Hash256& hash, bool as_proposer) {
  const std::uint64_t id = ask<bool>(
      storage_,
      [&](actor::ReplyTo<bool> to) { return storage::RecordSignature{slot, hash, to}; },
      config_->storage_timeout);
  sig_requests_[id] = SigRequest{slot, hash, as_proposer};
}

Status ChainActor::on_signature_guard(actor::Reply<bool>& r) {
  auto it = sig_requests_.find(r.correlation_id);
  if (it == sig_requests_.end()) return Status::ok();
  const SigRequest req = it->second;
  sig_requests_.erase(it);
  if (req.as_proposer) building_slot_.reset();
  if (!r.result || !r.result.value()) {
    ALYS_LOG(env().log(), kWarn, "chain: not signing slot {}: {}", req.slot,
             r.result ? "already signed another block" : r.result.error().message());
    if (req.as_proposer) pending_proposal_.reset();
    return Status::ok();
  }
  signed_slots_.insert(req.slot);
  const std::uint32_t me = *config_->authority_index;
  const Approval approval = sign_approval(*signer_, me, req.hash, aux_rand(), cache());
  if (config_->observer) {
    config_->observer->on_signed(env().id(), me, req.slot, req.hash, req.as_proposer);
  }
  if (req.as_proposer) {
    if (!pending_proposal_ || block_hash(pending_proposal_->block) != req.hash) return Status::ok();
    SignedBlock block = std::move(*pending_proposal_);
    pending_proposal_.reset();
    block.approvals.push_back(approval);
    ALYS_LOG(env().log(), kDebug, "chain: proposing h{} slot {} ({} txs)", block.block.height,
             req.slot, block.block.payload.transactions.size());
    if (equivocating() && build_twin(block)) return Status::ok();  // released with its twin
    propose_local(std::move(block));
    return Status::ok();
  }
  const ApprovalAdded added = tree_->add_approval(req.hash, approval);
  if (added.added && routes_.gossip) {
    routes_.gossip(WireMessage{ApproveBlock{req.hash, approval}}, std::nullopt, nullptr);
  }
  if (added.change.changed) {
    persist_block(req.hash);
    on_head_change(added.change, true);
    maybe_approve_children(req.hash);
  }
  return Status::ok();
}

void ChainActor::maybe_approve(const Hash256& hash) {
  if (!config_->authority_index) return;
  const BlockTree::Entry* e = tree_->get(hash);
  const std::uint64_t slot = e->block.block.slot;
  if (e->approvers.count(*config_->authority_index) != 0) return;
  if (signed_slots_.count(slot) != 0) return;
  if (highest_signed_slot_ && slot <= *highest_signed_slot_) return;
  // Approve only a block that extends our head (members build on, and vote for, the
  // chain they saw first) and is recent: old blocks (sync, load) are history, not votes.
  if (e->block.block.parent_hash != tree_->head().hash) return;
  if (slot + 2 < local_slot()) return;
  request_signature(slot, hash, /*as_proposer=*/false);
}

void ChainActor::reannounce_stalled_head() {
  // Approvals are gossiped once. One that peers dropped (they had banned its sender, or a
  // partition cut it off) is never sent again, and authorities can then stay split between
  // two heads of one height, each group short of a quorum for the other's children, as
  // authorities approve only blocks that extend their own head (byzantine-authority seed
  // 74: n2's approval of n0's block reached no one but the lagging n1). So a head that has
  // not moved for a few slots is announced again with every approval this node holds: the
  // peers merge the approvals, and fork choice, which every node computes alike, joins
  // the groups. In a healthy chain the head moves every slot and nothing is sent.
  constexpr std::uint32_t kFirstAfterTicks = 3;
  constexpr std::uint32_t kEveryTicks = 4;
  const BlockTree::Entry& head = tree_->head();
  if (head.hash != head_at_last_tick_) {
    head_at_last_tick_ = head.hash;
    ticks_head_unchanged_ = 0;
    return;
  }
  ++ticks_head_unchanged_;
  if (ticks_head_unchanged_ < kFirstAfterTicks ||
      (ticks_head_unchanged_ - kFirstAfterTicks) % kEveryTicks != 0) {
    return;
  }
  if (head.block.block.height == 0 || !routes_.gossip) return;
  routes_.gossip(WireMessage{NewBlock{head.block}}, std::nullopt, nullptr);
}

void ChainActor::follow_approval(const Hash256& hash, const HeadChange& change, bool live) {
  if (!change.changed) return;
  if (live) persist_block(hash);  // stored with the approvals that made it head
  on_head_change(change, live);
  // An authority may now approve the new head's children (none yet for a block just
  // imported).
  if (live) maybe_approve_children(hash);
}

void ChainActor::maybe_approve_children(const Hash256& parent) {
  // A block that arrived before its parent was approved waited; the parent is head now.
  const std::vector<Hash256> children = tree_->children(parent);  // maybe_approve may insert
  for (const Hash256& child : children) maybe_approve(child);
}

// --- equivocation (fault injection: ByzantineSwitch) -------------------------------------

bool ChainActor::equivocating() const {
  return signer_ && config_->byzantine &&
         config_->byzantine->equivocate.load(std::memory_order_relaxed);
}

bool ChainActor::usurping() const {
  return signer_ && config_->byzantine && config_->byzantine->usurp.load(std::memory_order_relaxed);
}

std::uint64_t ChainActor::ask_build(const Hash256& parent, execution::BuildRequest request) {
  return ask<execution::BuiltPayload>(
      engine_,
      [&](actor::ReplyTo<execution::BuiltPayload> to) {
        return execution::BuildPayloadRequest{parent, std::move(request), to};
      },
      config_->engine_timeout);
}

void ChainActor::usurp(std::uint64_t slot) {
  if (usurp_ask_ || building_slot_ || twin_) return;
  const BlockTree::Entry& head = tree_->head();
  if (head.block.block.slot >= slot) return;
  ConsensusBlock b;
  b.parent_hash = head.hash;
  b.height = head.block.block.height + 1;
  b.slot = slot;
  execution::BuildRequest request;
  request.height = b.height;
  usurper_ = std::move(b);
  usurp_ask_ = ask_build(head.hash, std::move(request));
}

Status ChainActor::on_usurper_built(actor::Reply<execution::BuiltPayload>& r) {
  usurp_ask_.reset();
  ALYS_ASSERT(usurper_.has_value(), "chain: a usurper build without a block");
  ConsensusBlock b = std::move(*usurper_);
  usurper_.reset();
  if (!r.result || !usurping()) return Status::ok();  // the fault may have ended meanwhile
  b.payload = std::move(r.result.value().payload);
  const Hash256 hash = block_hash(b);
  const std::uint32_t me = *config_->authority_index;
  SignedBlock block;
  block.block = std::move(b);
  block.approvals.push_back(sign_approval(*signer_, me, hash, aux_rand(), cache()));
  ALYS_LOG(env().log(), kWarn,
           "chain: USURPING (fault injection): signed block {} h{} for slot {}, which authority {} owns",
           hash.to_hex().substr(0, 12), block.block.height, block.block.slot,
           aura_proposer(spec_, block.block.slot));
  if (routes_.gossip) routes_.gossip(WireMessage{NewBlock{std::move(block)}}, std::nullopt, nullptr);
  return Status::ok();
}

void ChainActor::propose_local(SignedBlock block) {
  enqueue(Pending{std::move(block), Origin::kLocal, std::nullopt, 0}, /*front=*/true);
  pump();
}

bool ChainActor::build_twin(SignedBlock& honest) {
  // The twin leaves out the back half of the transactions; with none to leave out, the
  // peg-ins; with none either, the AuxPoW header. It never carries peg-outs. Each choice
  // keeps it valid: a prefix of transactions that applied applies alike, and a block
  // needs no peg-in, peg-out or AuxPoW header.
  const ConsensusBlock& h = honest.block;
  const std::vector<LedgerTx>& txs = h.payload.transactions;
  const bool differs = !txs.empty() || !h.pegins.empty() || h.auxpow_header ||
                       h.pegout_proposal || !h.finalized_pegouts.empty();
  if (!differs) {
    ALYS_LOG(env().log(), kInfo, "chain: equivocating: slot {} block is empty, no twin", h.slot);
    return false;
  }
  TwinBuild twin;
  ConsensusBlock& b = twin.block;
  b.parent_hash = h.parent_hash;
  b.height = h.height;
  b.slot = h.slot;
  const auto kept = static_cast<std::ptrdiff_t>(txs.size() / 2);
  b.payload.transactions.assign(txs.begin(), txs.begin() + kept);
  if (!txs.empty() || !h.pegins.empty()) b.auxpow_header = h.auxpow_header;
  if (!txs.empty()) b.pegins = h.pegins;
  execution::BuildRequest request;
  request.height = b.height;
  request.candidates = b.payload.transactions;
  for (const PegInRef& ref : b.pegins) {
    request.mints.push_back(PegInMint{ref.txid, ref.to, ref.amount_sat});
  }
  if (b.auxpow_header) request.fee_recipient = b.auxpow_header->fee_recipient;
  const Hash256 parent = b.parent_hash;
  twin.honest = std::move(honest);
  twin_ = std::move(twin);
  twin_ask_ = ask_build(parent, std::move(request));
  return true;
}

Status ChainActor::on_twin_built(actor::Reply<execution::BuiltPayload>& r) {
  twin_ask_.reset();
  ALYS_ASSERT(twin_.has_value(), "chain: a twin build without a twin");
  TwinBuild twin = std::move(*twin_);
  twin_.reset();
  ConsensusBlock& b = twin.block;
  const Hash256 honest_hash = block_hash(twin.honest.block);
  if (!r.result || r.result.value().context.mints.size() != b.pegins.size()) {
    ALYS_LOG(env().log(), kInfo, "chain: equivocating: no twin for slot {}: {}", b.slot,
             r.result ? "a peg-in did not apply" : r.result.error().message());
  } else if (equivocating()) {  // still: the fault may have ended meanwhile
    b.payload = std::move(r.result.value().payload);
    const Hash256 hash = block_hash(b);
    const std::uint32_t me = *config_->authority_index;
    SignedBlock block;
    block.block = std::move(b);
    // No RecordSignature: the guard would refuse, and refusing is what honest nodes do.
    block.approvals.push_back(sign_approval(*signer_, me, hash, aux_rand(), cache()));
    ALYS_LOG(env().log(), kWarn,
             "chain: EQUIVOCATING (fault injection): signed a second block {} h{} for slot {} "
             "({} txs) besides {}",
             hash.to_hex().substr(0, 12), block.block.height, block.block.slot,
             block.block.payload.transactions.size(), honest_hash.to_hex().substr(0, 12));
    if (config_->observer) {
      config_->observer->on_signed(env().id(), me, block.block.slot, hash, /*as_proposer=*/true);
    }
    if (routes_.send) {
      for (NodeId peer : config_->byzantine->twin_first) {
        routes_.send(peer, WireMessage{NewBlock{block}});
      }
    }
  }
  // The honest block goes out after the twin: the twin_first peers see the twin first. (A
  // restart of this actor while the twin was built lost both: the slot stays empty.)
  propose_local(std::move(twin.honest));
  return Status::ok();
}

std::uint32_t ChainActor::expected_bits(const BlockTree::PowView& view) const {
  const std::uint32_t last_bits = view.last_pow_bits.value_or(spec_.retarget.initial_bits);
  const std::uint64_t tip_height = view.first_height + view.unfinalized.size() - 1;
  return alys_next_work_required(view.last_pow_height, last_bits, tip_height, spec_.retarget);
}

std::optional<AuxPowHeader> ChainActor::pow_for(const Hash256& parent) const {
  if (!queued_pow_) return std::nullopt;
  const BlockTree::PowView view = tree_->pow_view(parent);
  const PowContext ctx{view.unfinalized, view.first_height, expected_bits(view)};
  if (!check_auxpow_header(spec_, *queued_pow_, ctx)) return std::nullopt;
  return queued_pow_;
}

Result<AuxWork> ChainActor::aux_work() const {
  if (!ready_) return Status::unavailable("chain: still loading");
  const BlockTree::PowView view = tree_->pow_view(tree_->head().hash);
  // Alys bundles the signed-but-unfinalized blocks: the canonical chain up to the head,
  // which is approved (and so accepts its ancestors).
  const std::size_t n = view.unfinalized.size();
  if (n == 0) return Status::unavailable("chain: no unfinalized blocks");
  AuxWork work;
  const std::span<const Hash256> range(view.unfinalized.data(), n);
  work.aux_hash = auxpow_aggregate_hash(range);
  work.range_start = range.front();
  work.range_end = range.back();
  work.height = view.first_height + n - 1;
  BlockTree::PowView prefix = view;
  prefix.unfinalized.resize(n);
  work.bits = expected_bits(prefix);
  work.chain_id = spec_.chain_id;
  return work;
}

// --- helpers ---------------------------------------------------------------------------

StatusMessage ChainActor::status_message() const {
  StatusMessage s;
  s.genesis = tree_->genesis().hash;
  s.head_hash = tree_->head().hash;
  s.head_height = tree_->head_height();
  s.finalized_hash = tree_->finalized().hash;
  s.finalized_height = tree_->finalized().height;
  return s;
}

std::uint64_t ChainActor::local_slot() { return aura_slot(spec_, env().clock().unix_ms()); }

Hash256 ChainActor::aux_rand() {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::uint64_t v = env().random().next();
    for (std::size_t k = 0; k < 8; ++k) bytes[i * 8 + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
  return Hash256(bytes);
}

}  // namespace alys::chain
