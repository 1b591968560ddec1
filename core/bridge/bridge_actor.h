// BridgeActor: watches Bitcoin for peg-ins and carries the federation's peg-out payments to
// Bitcoin (DESIGN.md §3 BridgeSupervisor, §4 Bridge).
//
// Rounds. Every round first walks the tracked peg-out payments (below), then asks Bitcoin
// (BitcoinRpc) for its block count, checks that the last block of its view is still on
// Bitcoin's best chain (if not, walks back hash by hash to the fork point and rewinds:
// PegInWatcher orphans or flags what the reorg removed), then fetches up to
// max_blocks_per_round blocks above its view, one request at a time. At the end of a round
// that changed anything, the state (watcher, peg operations, tracked payments) is saved with
// a sync write (StorageActor SaveBridgeState) and only then are the newly confirmed and newly
// flagged peg-ins published (BridgeRoutes): so a peg-in is published at most once, across
// restarts too, and nothing is published that a crash could take back. The next round
// starts at once while Bitcoin is ahead, else after poll_interval; an RPC error (bitcoind
// down, timing out) ends the round and the next one starts after retry_interval, so an
// outage delays peg-ins and peg-outs but loses nothing.
//
// Peg-outs. PegOutsFinalized (from the chain at each finality move; items may repeat and
// are applied idempotently) opens a peg-out PegOperation per request (id = the burn's
// ledger tx hash) and walks it: requested -> Initiated, proposed -> FederationValidation,
// paid -> ReadyForExecution. Each paid (signed) transaction is tracked, at most
// max_tracked_pegouts of them (beyond that the oldest are kept and a warning is logged),
// until it is final on Bitcoin; the tracked set is part of the saved state, and payments
// not yet saved are saved (sync write) before any RPC about them. Each round, before the
// peg-in work, one RPC at a time, oldest payment first: getrawtransaction, then
//   confirmations >= required_confirmations  Completed; no longer tracked (the
//                                            operations keep the history);
//   in a block, fewer                        WaitingConfirmations;
//   in the mempool                           Executing (broadcast, by anyone);
//   not found (never sent, dropped from the  sendrawtransaction: Executing (a rebroadcast
//   mempool, or reorged out)                 is recorded as Executing -> Executing).
// sendrawtransaction answering "already in the chain" (kFailedPrecondition) or "already in
// the mempool" is not an error. bitcoind unreachable (kUnavailable, kTimeout, kIoError)
// ends the round like the peg-in RPCs; any other error about one payment (a refusal) is
// logged and that payment is tried again next round. A completed payment is never tracked
// (so never broadcast) again, also when repeated or after a restart.
//
// Queries (from the chain actor):
//   GetMintablePegIns  ask -> confirmed, not yet minted peg-ins (what a proposer includes);
//   VerifyPegIns       ask -> the mints a block's peg-in refs stand for, or an error:
//                      kInvalidArgument if one is wrong by this node's view of Bitcoin,
//                      kUnavailable if the view cannot tell yet (the importer retries);
//   PegInsMinted       tell: peg-ins the chain finalized (never offered again; a later
//                      Bitcoin reorg of their blocks flags them);
//   PegOutsFinalized   tell: burns, proposals and signed payments the chain finalized
//                      (above);
//   GetPegOperation    ask -> the PegOperation (core/bridge/peg_operation.h) with that id,
//                      if tracked: a peg-in is one from the moment its deposit is seen
//                      (WaitingConfirmations, ReadyForExecution, Executing once a block
//                      claims it, Completed when finalized, Failed when flagged); a peg-out
//                      one from the moment its burn is final (above);
//   GetBridgeStatus    ask -> progress and counters.
// Until the stored state is loaded (right after a start), queries answer kUnavailable and
// PegInsMinted / PegOutsFinalized are kept and applied after loading.
//
// Failures: a state that fails to decode or a failed save is returned as the handler's
// error, so the supervisor restarts the actor from the last durable state (BridgeActor is
// supervised with a CircuitBreaker in the node tree).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/actor/actor.h"
#include "core/bridge/bitcoin_rpc.h"
#include "core/bridge/peg_operation.h"
#include "core/bridge/pegin_watcher.h"
#include "core/execution/ledger_types.h"
#include "core/storage/storage_actor.h"

namespace alys::bridge {

struct BridgeConfig {
  Bytes federation_script_pubkey;  // REQUIRED: the federation's P2TR scriptPubKey
  std::uint64_t start_height = 0;  // Alys's bitcoinStartHeight
  std::uint32_t required_confirmations = 6;
  Duration poll_interval = 30s;    // between rounds while the view is at Bitcoin's tip
  Duration retry_interval = 5s;    // after an RPC error
  std::uint32_t max_blocks_per_round = 32;
  Duration storage_timeout = 10s;
  // Signed peg-out payments followed until final on Bitcoin (<= kMaxTrackedPegOuts).
  std::size_t max_tracked_pegouts = 1024;
};
// The most tracked payments a stored state may hold, whatever the configuration.
inline constexpr std::size_t kMaxTrackedPegOuts = 1u << 16;
// Errors name the field ("bridge: required_confirmations: must be >= 1").
Status validate(const BridgeConfig& config);

// Builds the node's Bitcoin client at (re)start, calling back on the given Env's executor.
using BitcoinRpcFactory = std::function<std::unique_ptr<BitcoinRpc>(Env&)>;

struct BridgeRoutes {
  // Peg-ins that just became confirmed; each txid once in the node's life.
  std::function<void(const std::vector<PegIn>&)> on_confirmed;
  // Peg-ins that were minted and whose Bitcoin block has since left the best chain.
  std::function<void(const std::vector<TrackedPegIn>&)> on_flagged;
};

struct BridgeStatus {
  bool loaded = false;
  std::uint64_t next_height = 0;       // next Bitcoin height to scan
  std::uint64_t bitcoin_blocks = 0;    // Bitcoin's block count at the last answer
  std::size_t tracked = 0;
  std::size_t mintable = 0;
  std::size_t flagged = 0;
  std::vector<Hash256> flagged_txids;  // for checkers: every flagged peg-in
  std::vector<std::size_t> pegins_by_state;  // PegOperation counts, index = PegState - 1
  std::vector<std::size_t> pegouts_by_state;  // the same for peg-out operations
  std::size_t pegouts_tracked = 0;     // signed payments followed on Bitcoin now
  std::uint64_t pegouts_completed = 0; // payments that became final (since this start)
  std::uint64_t pegout_broadcasts = 0; // sendrawtransaction calls (first or again)
  std::uint64_t rounds = 0;
  std::uint64_t rpc_errors = 0;
  std::uint64_t reorgs = 0;            // rewinds of the view
  std::string last_error;
};

struct GetMintablePegIns {
  actor::ReplyTo<std::vector<TrackedPegIn>> reply;
};
struct VerifyPegIns {
  std::vector<PegInRef> refs;
  actor::ReplyTo<std::vector<PegInMint>> reply;
};
struct PegInsMinted {
  std::vector<Hash256> txids;
};
// What the chain finalized about peg-outs (sent at each finality move; may repeat items).
struct PegOutsFinalized {
  std::vector<PegOutRequest> requested;                 // burns now final
  std::vector<std::pair<Hash256, std::vector<Hash256>>> proposed;  // payment txid -> request ids
  std::vector<std::pair<Transaction, std::vector<Hash256>>> paid;  // signed payment tx -> request ids
};
struct GetBridgeStatus {
  actor::ReplyTo<BridgeStatus> reply;
};
struct GetPegOperation {
  Hash256 id;
  actor::ReplyTo<std::optional<PegOperation>> reply;
};
// GetPegOperation and GetBridgeStatus for callers outside the actor system (the node's
// JSON-RPC): the same answers, given to `done` on the bridge's strand (post or fulfil
// only, never block).
struct QueryPegOperation {
  Hash256 id;
  std::function<void(std::optional<PegOperation>)> done;
};
struct QueryBridgeStatus {
  std::function<void(BridgeStatus)> done;
};
struct BridgeCrashForTest {};
// Internal: the round's timer and the answers of its one outstanding RPC.
struct BridgeTick {};
struct CountAnswer {
  std::uint64_t request = 0;
  Result<std::uint64_t> count;
};
struct HashAnswer {
  std::uint64_t request = 0;
  Result<Hash256> hash;
};
struct BlockAnswer {
  std::uint64_t request = 0;
  Result<Block> block;
};
struct PegOutTxAnswer {
  std::uint64_t request = 0;
  Result<RawTransactionInfo> info;
};
struct PegOutSendAnswer {
  std::uint64_t request = 0;
  Result<Hash256> txid;
};

using BridgeMsg =
    std::variant<GetMintablePegIns, VerifyPegIns, PegInsMinted, PegOutsFinalized,
                 GetBridgeStatus, GetPegOperation, BridgeCrashForTest, BridgeTick, CountAnswer,
                 HashAnswer, BlockAnswer, PegOutTxAnswer, PegOutSendAnswer,
                 actor::Reply<bool>, actor::Reply<std::optional<Bytes>>, QueryPegOperation,
                 QueryBridgeStatus>;

// A signed peg-out payment the bridge follows on Bitcoin.
struct TrackedPayment {
  Transaction tx;
  Hash256 txid;                   // txid(tx)
  std::vector<Hash256> requests;  // the peg-out requests it pays (distinct)
  friend bool operator==(const TrackedPayment&, const TrackedPayment&) = default;
};

class BridgeActor final : public actor::Actor<BridgeMsg> {
 public:
  BridgeActor(BridgeConfig config, BitcoinRpcFactory rpc_factory, BridgeRoutes routes,
              actor::ActorRef<storage::StorageMsg> storage);
  ~BridgeActor() override;

  Status pre_start() override;
  Status receive(BridgeMsg& message) override;

  // For tests and the simulator's checkers (same strand only).
  const PegInWatcher& watcher() const { return watcher_; }
  const PegOperationBook& operations() const { return operations_; }
  const std::vector<TrackedPayment>& payments() const { return payments_; }
  BridgeStatus status() const;

 private:
  enum class Step {
    kIdle,
    kSavingPayments,  // new payments made durable before any broadcast
    kPegOutQuery,
    kPegOutSend,
    kCount,
    kCheckTip,
    kWalkBack,
    kFetchHash,
    kFetchBlock,
    kSaving,
  };

  Status on_loaded(actor::Reply<std::optional<Bytes>>& r);
  Status on_saved(actor::Reply<bool>& r);
  Status on_count(CountAnswer& a);
  Status on_hash(HashAnswer& a);
  Status on_block(BlockAnswer& a);
  Status on_verify(VerifyPegIns& m);
  Status on_pegout_tx(PegOutTxAnswer& a);
  Status on_pegout_sent(PegOutSendAnswer& a);

  void start_round();
  void scan_bitcoin();        // the peg-in part of a round: block count, tip check, ...
  void next_payment();        // asks about the payment at pegout_cursor_, or scans Bitcoin
  void send_payment();        // (re)broadcasts the payment at pegout_cursor_
  void save(Step step);       // encodes the state and asks for a sync write
  // Applies what the chain finalized about peg-outs (idempotent).
  void apply_pegouts(const PegOutsFinalized& m);
  // Opens the peg-out operation `id` if it is not tracked yet.
  void open_pegout(const Hash256& id, const PegOutRequest* request);
  // Walks the operation `id` to `target` along the shortest allowed path, unless it is
  // already there or further (no path); for `rebroadcast`, Executing -> Executing too.
  void walk_pegout(const Hash256& id, PegState target, std::string_view note,
                   bool rebroadcast = false);
  // The same for every request the payment pays whose operation names this payment.
  void walk_payment(const TrackedPayment& p, PegState target, std::string_view note,
                    bool rebroadcast = false);
  void fetch_next();          // asks for the next block's hash, or ends the round
  void end_round();           // saves if anything changed, else waits
  void fail_round(const Status& s);
  void wait(Duration d);
  // Moves every peg-in's PegOperation to the state its watcher state (and claims) imply.
  void sync_operations();
  std::uint64_t next_request() { return ++request_; }

  BridgeConfig config_;
  BitcoinRpcFactory rpc_factory_;
  BridgeRoutes routes_;
  actor::ActorRef<storage::StorageMsg> storage_;
  std::unique_ptr<BitcoinRpc> rpc_;

  PegInWatcher watcher_;
  PegOperationBook operations_;
  std::set<Hash256> claimed_;  // peg-ins a block claimed (VerifyPegIns), not yet minted
  bool loaded_ = false;
  std::vector<Hash256> minted_before_load_;
  Step step_ = Step::kIdle;
  std::uint64_t request_ = 0;          // id of the outstanding RPC
  std::uint64_t bitcoin_blocks_ = 0;   // block count of this round
  std::uint64_t walk_height_ = 0;      // kWalkBack: the height being compared
  std::uint32_t fetched_this_round_ = 0;
  bool dirty_ = false;                 // the watcher changed since the last save
  std::vector<PegIn> to_publish_;      // waiting for the save in flight
  std::vector<TrackedPegIn> flags_to_publish_;
  std::set<Hash256> flags_published_;  // txids already published as flagged (or loaded so)
  std::vector<PegOutsFinalized> pegouts_before_load_;
  std::vector<TrackedPayment> payments_;  // oldest first
  bool payments_unsaved_ = false;      // a payment was added since the last save
  std::size_t pegout_cursor_ = 0;      // kPegOutQuery / kPegOutSend: index into payments_
  BridgeStatus counters_;
};

}  // namespace alys::bridge
