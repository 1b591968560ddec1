// FederationActor: one federation member's part in peg-outs (Alys crates/federation: members
// check the proposer's unsigned payment against their own Bitcoin view, sign its inputs and
// gossip PegoutSignatures; with a threshold the payment is final). Runs on authority nodes.
//
// Proposals (asked by the chain actor every slot):
//   GetPegOutWork  -> PegOutWork: a new payment proposal for the oldest payable pending
//                  requests, built by FederationWallet from the federation's confirmed
//                  coins (listunspent, min_confirmations deep) minus those the chain
//                  already spends, fee from estimatesmartfee; plus every payment signed by
//                  a threshold of members among the proposals the chain awaits. Answered at
//                  once from the last Bitcoin answers; each ask refreshes them (one refresh
//                  in flight), so a proposal never waits for bitcoind.
// Signing (ProposalsFinalized: proposals of finalized blocks not yet paid), once per
// payment and incarnation:
//   1. every input on this member's own bitcoind (gettxout): unspent, of the stated value,
//      paying the federation, min_confirmations deep. An input it cannot see yet: retried
//      every retry_interval; a payment bitcoind already knows needs no signature.
//   2. the whole proposal with FederationWallet::check (payments, change, a fair fee by its
//      own estimate); a proposal that fails is never signed (logged).
//   3. the double-sign guard: StorageActor RecordPegOutSigning, a sync write BEFORE any
//      signature leaves: a member never signs two different payments spending one coin,
//      across restarts too (re-signing the same payment is harmless).
//   4. signs every input (BIP-341 script path, SIGHASH_DEFAULT), reports it to the observer
//      and gossips PegoutSignatures.
// Collecting: signatures, own and gossiped, are checked against the proposal (buffered with
// their sender while the proposal is not final here yet: bounded, the oldest payments'
// dropped first, none for payments already paid); new valid ones are relayed, invalid ones
// penalize the sender. Once `threshold` members signed, the witnesses are assembled:
// a finalized payment, offered in PegOutWork until PaymentsFinalized says a block paid it.
// Re-gossip: each ProposalsFinalized re-sends this member's signatures of still-unpaid
// proposals (at most once per regossip_interval each), so members that were down or cut
// off catch up. Everything but the guard is in memory: after a restart the chain's next
// ProposalsFinalized (it lists all unpaid ones) brings the work back.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/actor/actor.h"
#include "core/bridge/bitcoin_rpc.h"
#include "core/bridge/bridge_actor.h"
#include "core/bridge/federation_wallet.h"
#include "core/chain/chain_observer.h"
#include "core/chain/pegout_book.h"
#include "core/crypto/schnorr.h"
#include "core/network/messages.h"
#include "core/runtime/transport.h"
#include "core/storage/storage_actor.h"

namespace alys::bridge {

struct FederationConfig {
  std::uint32_t member_index = 0;   // index in the federation (= authority index)
  std::optional<SecretKey> key;     // REQUIRED: the member's key
  std::uint32_t min_confirmations = 6;
  std::uint32_t fee_conf_target = 6;
  std::size_t max_payments_per_proposal = 8;
  WalletPolicy policy;
  Duration retry_interval = 5s;
  Duration regossip_interval = 20s;
  Duration storage_timeout = 10s;
  std::size_t max_buffered_signatures = 1024;  // for proposals not final here yet
  ChainObserver* observer = nullptr;           // not owned; may be null
};

struct FederationRoutes {
  std::function<void(WireMessage, std::optional<NodeId> except, SharedFrame frame)> gossip;
  std::function<void(NodeId, int points, std::string reason)> penalize;
};

struct PegOutWork {
  std::optional<PegOutProposal> proposal;
  std::vector<Transaction> signed_payments;
};
struct GetPegOutWork {
  std::vector<PegOutRequest> pending;  // the head's pending requests, oldest first
  std::set<OutPoint> spent;            // coins the head's chain already spends
  std::vector<Hash256> awaiting;       // proposals the head's chain awaits payment of
  actor::ReplyTo<PegOutWork> reply;
};
struct ProposalsFinalized {
  std::vector<ProposedPegOut> proposals;  // every unpaid proposal as of the finalized block
};
struct PaymentsFinalized {
  std::vector<Hash256> txids;
};
struct InboundPegoutSignatures {
  NodeId from;
  PegoutSignatures signatures;
  SharedFrame frame{};
};
struct FederationCrashForTest {};
// Internal: answers of bitcoind and the retry timer.
struct CoinsAnswer {
  Result<std::vector<UnspentOutput>> coins;
};
struct FeeAnswer {
  Result<FeeRate> rate;
};
struct TxOutAnswer {
  Hash256 payment;
  std::uint64_t round = 0;
  std::size_t input = 0;
  Result<std::optional<TxOutInfo>> out;
};
struct KnownAnswer {
  Hash256 payment;
  std::uint64_t round = 0;
  bool known = false;
};
struct SigningRetry {};

using FederationMsg =
    std::variant<GetPegOutWork, ProposalsFinalized, PaymentsFinalized, InboundPegoutSignatures,
                 FederationCrashForTest, CoinsAnswer, FeeAnswer, TxOutAnswer, KnownAnswer,
                 SigningRetry, actor::Reply<bool>>;

class FederationActor final : public actor::Actor<FederationMsg> {
 public:
  // REQUIRES: config.member_index < federation.members().size() and config.key's x-only
  // public key is that member's.
  FederationActor(FederationConfig config, Federation federation, BitcoinRpcFactory rpc_factory,
                  FederationRoutes routes, actor::ActorRef<storage::StorageMsg> storage);
  ~FederationActor() override;

  Status pre_start() override;
  Status receive(FederationMsg& message) override;

 private:
  // One payment this member works on.
  struct Payment {
    ProposedPegOut proposed;
    bool final_here = false;   // the chain told us its block is final
    bool refused = false;      // failed our check: never signed
    bool signed_here = false;  // our signatures are out
    bool done = false;         // bitcoind knows the payment: nothing to sign
    std::uint64_t round = 0;   // the check in flight (0: none)
    std::vector<std::optional<TxOutInfo>> outs;
    std::size_t answers = 0;
    std::optional<Instant> last_gossip;
    std::map<std::uint32_t, std::vector<SigBytes>> signatures;  // by member, checked
    std::optional<Transaction> finalized;                       // threshold reached
  };
  // Signatures received for a payment, with who sent them (to relay or penalize).
  struct Buffered {
    std::optional<NodeId> from;
    PegoutSignatures signatures;
    SharedFrame frame;
  };

  Status on_work(GetPegOutWork& m);
  Status on_finalized(ProposalsFinalized& m);
  Status on_paid(const PaymentsFinalized& m);
  Status on_signatures(InboundPegoutSignatures& m);
  // Checks, stores and relays one member's signatures (penalizing the sender if invalid).
  void take_signatures(Payment& p, const Buffered& b);
  void buffer(Buffered b);
  Status on_tx_out(TxOutAnswer& a);
  Status on_known(const KnownAnswer& a);
  Status on_guard(actor::Reply<bool>& r);

  void refresh_bitcoin();
  std::optional<PegOutProposal> build_proposal(const GetPegOutWork& m) const;
  void start_check(const Hash256& txid);
  void finish_check(const Hash256& txid);
  void sign(const Hash256& txid);
  // Checks and stores one member's signatures; true if they were new and valid.
  Result<bool> add_signatures(Payment& p, const PegoutSignatures& s);
  void try_finalize(Payment& p);
  void gossip_own(const Hash256& txid, Payment& p);
  void schedule_retry();
  std::vector<TxOut> spent_outputs(const PegOutProposal& proposal) const;

  FederationConfig config_;
  Federation federation_;
  Bytes federation_script_;
  BitcoinRpcFactory rpc_factory_;
  FederationRoutes routes_;
  actor::ActorRef<storage::StorageMsg> storage_;
  SchnorrSigner signer_;
  std::unique_ptr<BitcoinRpc> rpc_;

  // Signatures for proposals not final here yet, with who sent them (to relay or penalize
  // once the proposal is known); oldest payments evicted first when full. Payments paid
  // lately are remembered (bounded) so late signatures for them are not buffered again.
  std::map<Hash256, Payment> payments_;  // by payment txid
  std::map<Hash256, std::vector<Buffered>> buffered_;
  std::deque<Hash256> buffered_order_;   // payments in buffered_, oldest first
  std::size_t buffered_count_ = 0;
  std::set<Hash256> recently_paid_;
  std::deque<Hash256> recently_paid_order_;
  std::map<std::uint64_t, Hash256> guard_asks_;        // ask id -> payment
  std::vector<UnspentOutput> coins_;                   // last listunspent answer
  std::optional<FeeRate> rate_;                        // last estimatesmartfee answer
  int refreshes_in_flight_ = 0;
  std::uint64_t next_round_ = 1;
  bool retry_scheduled_ = false;
};

}  // namespace alys::bridge
