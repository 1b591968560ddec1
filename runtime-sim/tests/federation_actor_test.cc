// FederationActor (core/bridge/federation_actor.h) on a simulated node, against real parts:
// SimBitcoin's bitcoind clients, a StorageActor over the node's simulated disk (the
// double-sign guard), a 3-of-5 federation with real keys and BIP-340 signatures.
//   - a finalized proposal spending a coin min_confirmations deep is signed: the observer
//     sees it and the gossip carries one valid signature per input (re-gossiped only after
//     regossip_interval);
//   - a coin not deep enough yet is signed only once Bitcoin has mined enough blocks;
//   - a proposal stating an input value Bitcoin disagrees with is never signed;
//   - the double-sign guard refuses a conflicting payment of a signed coin, also after a
//     crash and restart of the node (the guard is durable), while re-signing the same
//     payment is fine;
//   - collecting: own + two peers' signatures make the payment final (offered in
//     PegOutWork, accepted by SimBitcoin); an invalid one penalizes its sender and does not
//     count; signatures arriving before the proposal is final are buffered and used;
//   - GetPegOutWork builds a proposal from listunspent's coins minus the chain's spent
//     ones, the users bearing the fee, which the chain's PegOutBook accepts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/tests/federation_test_keys.h"
#include "core/actor/system.h"
#include "core/bitcoin/address.h"
#include "core/bitcoin/federation.h"
#include "core/bridge/federation_actor.h"
#include "core/bridge/federation_wallet.h"
#include "core/chain/block.h"
#include "core/chain/chain_observer.h"
#include "core/chain/pegout_book.h"
#include "core/crypto/schnorr.h"
#include "core/execution/ledger_tx.h"
#include "core/storage/storage_actor.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/tests/test_util.h"
#include "runtime-sim/world.h"

namespace alys::bridge {
namespace {

using actor::ActorRef;
using actor::Reply;
using actor::ReplyTo;

constexpr std::size_t kMembers = 5;
constexpr NodeId kNode = 0;  // the node running member 0's FederationActor
constexpr std::uint32_t kMinConf = 3;
constexpr Duration kRetry = 5s;
constexpr Duration kRegossip = 20s;

// ----------------------------------------------------------------------------- fixtures

SecretKey member_key(std::size_t i) { return alys::testing::federation_member_key(i); }
// 3 of 5 (Alys's majority threshold).
Federation five_members() { return alys::testing::federation_of_members(kMembers); }

std::string regtest_address(std::uint8_t n) {
  WitnessProgram wp;
  wp.version = 0;
  wp.program = Bytes(20, n);
  return *encode_segwit_address(BitcoinNetwork::kRegtest, wp);
}

Bytes address_script(const std::string& address) {
  return witness_program_script(*decode_segwit_address(BitcoinNetwork::kRegtest, address));
}

// A burn of `sats` to `address`, as the chain's book turns it into a request.
LedgerTx burn(std::uint8_t sender, std::int64_t sats, std::string address) {
  LedgerTx tx;
  tx.kind = LedgerTxKind::kPegOut;
  tx.sender_key.fill(sender);
  tx.nonce = 0;
  tx.value = Wei::from_sat(static_cast<std::uint64_t>(sats));
  tx.fee = Wei::from_u64(21000);
  tx.bitcoin_address = std::move(address);
  return tx;
}

PegOutRequest request(std::uint8_t sender, std::int64_t sats, std::uint8_t address) {
  return pegout_request_of(burn(sender, sats, regtest_address(address)));
}

std::string short_hex(const Hash256& h) { return h.to_display_hex().substr(0, 16); }

// What the federation signs input `i` against: the stated values, the federation's script.
std::vector<TxOut> spent_outputs(const PegOutProposal& p) {
  std::vector<TxOut> out;
  for (std::int64_t v : p.input_values) out.push_back(TxOut{v, five_members().script_pubkey()});
  return out;
}

// Member `member`'s signatures of every input, as the test signs them for a peer.
PegoutSignatures sign_as(std::size_t member, const PegOutProposal& p,
                         std::optional<std::size_t> with_key = std::nullopt) {
  const Federation fed = five_members();
  const std::vector<TxOut> spent = spent_outputs(p);
  PegoutSignatures s;
  s.payment_txid = alys::txid(p.tx);
  s.member_index = static_cast<std::uint32_t>(member);
  for (std::size_t i = 0; i < p.tx.inputs.size(); ++i) {
    const Hash256 sighash = *fed.sighash(p.tx, i, spent);
    Hash256 aux;
    aux.data()[0] = static_cast<std::uint8_t>(member);
    s.signatures.push_back(
        schnorr_sign(member_key(with_key.value_or(member)), sighash.view(), aux).bytes());
  }
  return s;
}

// Number of inputs whose signature in `s` is a valid BIP-340 signature of the sighash by
// member s.member_index's key.
std::size_t valid_signatures(const PegoutSignatures& s, const PegOutProposal& p) {
  const Federation fed = five_members();
  const std::vector<TxOut> spent = spent_outputs(p);
  std::size_t valid = 0;
  for (std::size_t i = 0; i < s.signatures.size() && i < p.tx.inputs.size(); ++i) {
    auto sighash = fed.sighash(p.tx, i, spent);
    auto sig = SchnorrSignature::from_bytes(ByteView(s.signatures[i].data(), s.signatures[i].size()));
    if (sighash && sig && schnorr_verify(fed.members()[s.member_index], sighash->view(), *sig)) {
      ++valid;
    }
  }
  return valid;
}

struct SignedEvent {
  NodeId node = 0;
  std::uint32_t member = 0;
  Hash256 txid;
  std::vector<OutPoint> coins;
};

class Recorder final : public ChainObserver {
 public:
  void on_pegout_signed(NodeId node, std::uint32_t member, const Hash256& payment_txid,
                        const std::vector<OutPoint>& coins) override {
    events.push_back(SignedEvent{node, member, payment_txid, coins});
  }
  std::vector<SignedEvent> events;
};

struct Gossiped {
  PegoutSignatures signatures;
  std::optional<NodeId> except;
};

struct Penalty {
  NodeId peer = 0;
  int points = 0;
  std::string reason;
};

// What the test observes; outlives node crashes.
struct Seen {
  Recorder observer;
  std::vector<Gossiped> gossip;
  std::vector<Penalty> penalties;
  std::vector<Result<PegOutWork>> work;
};

// Asks the federation actor for PegOutWork (an ask needs an asking actor).
class Driver;
struct RunInDriver {
  std::function<void(Driver&)> fn;
};
using DriverMsg = std::variant<RunInDriver, Reply<PegOutWork>>;

class Driver final : public actor::Actor<DriverMsg> {
 public:
  Driver(Seen* seen, ActorRef<FederationMsg> federation)
      : seen_(seen), federation_(std::move(federation)) {}

  void ask_work(std::vector<PegOutRequest> pending, std::set<OutPoint> spent,
                std::vector<Hash256> awaiting) {
    ask<PegOutWork>(
        federation_,
        [&](ReplyTo<PegOutWork> r) {
          return GetPegOutWork{std::move(pending), std::move(spent), std::move(awaiting), r};
        },
        10s);
  }

  Status receive(DriverMsg& m) override {
    if (auto* run = std::get_if<RunInDriver>(&m)) {
      run->fn(*this);
    } else {
      seen_->work.push_back(std::move(std::get<Reply<PegOutWork>>(m).result));
    }
    return Status::ok();
  }

 private:
  Seen* seen_;
  ActorRef<FederationMsg> federation_;
};

// One node: an ActorSystem over the node's Env with a StorageActor, member 0's
// FederationActor on SimBitcoin's client of this node, and the driver.
class FederationNode final : public NodeProgram {
 public:
  FederationNode(Env& env, Seen* seen, sim::SimBitcoin* btc, std::size_t max_buffered)
      : system_(env, system_config()) {
    storage_ = system_.root().spawn<storage::StorageActor>(storage::storage_actor_options());
    FederationConfig config;
    config.member_index = 0;
    config.key = member_key(0);
    config.min_confirmations = kMinConf;
    config.retry_interval = kRetry;
    config.regossip_interval = kRegossip;
    config.max_buffered_signatures = max_buffered;
    config.observer = &seen->observer;
    FederationRoutes routes;
    routes.gossip = [seen](WireMessage m, std::optional<NodeId> except, SharedFrame) {
      auto* s = std::get_if<PegoutSignatures>(&m);
      ASSERT_NE(s, nullptr) << "federation gossiped " << wire_message_name(m);
      seen->gossip.push_back(Gossiped{*s, except});
    };
    routes.penalize = [seen](NodeId peer, int points, std::string reason) {
      seen->penalties.push_back(Penalty{peer, points, std::move(reason)});
    };
    BitcoinRpcFactory rpc = [btc](Env& e) { return btc->client(e.id()); };
    actor::ChildOptions f;
    f.name = "federation";
    federation_ = system_.root().spawn<FederationActor>(f, config, five_members(), rpc, routes,
                                                        storage_);
    actor::ChildOptions d;
    d.name = "driver";
    driver_ = system_.root().spawn<Driver>(d, seen, federation_);
  }
  void start() override { system_.start(); }

  const ActorRef<FederationMsg>& federation() const { return federation_; }
  const ActorRef<DriverMsg>& driver() const { return driver_; }

 private:
  static actor::SystemConfig system_config() {
    actor::SystemConfig c;
    c.root.max_restarts = 100;
    return c;
  }
  actor::ActorSystem system_;  // destroyed after the refs below
  ActorRef<storage::StorageMsg> storage_;
  ActorRef<FederationMsg> federation_;
  ActorRef<DriverMsg> driver_;
};

class FederationActorTest : public ::testing::Test {
 protected:
  FederationActorTest() {
    sim::WorldConfig c = sim::testing::config_with_seed(23);
    c.log_level = LogLevel::kInfo;
    world_ = std::make_unique<sim::World>(c);
    world_->set_log_sink([this](std::string_view line) { logs_.emplace_back(line); });
    btc_ = std::make_unique<sim::SimBitcoin>(*world_, sim::SimBitcoinConfig{}, five_members());
  }
  ~FederationActorTest() override {
    // The node's Bitcoin client must go before the SimBitcoin, which must go before the world.
    if (world_->node_count() > 0 && world_->is_up(kNode)) {
      world_->crash(kNode, sim::CrashDurability::kKeepAll);
    }
    btc_.reset();
    world_.reset();
  }

  void boot(std::size_t max_buffered = 1024) {
    world_->add_node([this, max_buffered](Env& env) -> std::unique_ptr<NodeProgram> {
      return std::make_unique<FederationNode>(env, &seen_, btc_.get(), max_buffered);
    });
    settle();
  }
  FederationNode& node() {
    NodeProgram* p = world_->program(kNode);
    ALYS_ASSERT(p != nullptr, "test: node is down");
    return static_cast<FederationNode&>(*p);
  }
  void settle() { world_->run_for(1s); }

  template <typename T>
  void tell(T message) {
    ASSERT_TRUE(node().federation().tell(FederationMsg(std::move(message))).is_ok());
  }
  void finalize(std::vector<ProposedPegOut> proposals) {
    tell(ProposalsFinalized{std::move(proposals)});
    settle();
  }
  void inbound(NodeId from, PegoutSignatures s) {
    tell(InboundPegoutSignatures{from, std::move(s), nullptr});
    settle();
  }
  // The PegOutWork for one ask (asserting one reply came).
  PegOutWork work(std::vector<PegOutRequest> pending, std::set<OutPoint> spent,
                  std::vector<Hash256> awaiting) {
    const std::size_t before = seen_.work.size();
    EXPECT_TRUE(node()
                    .driver()
                    .tell(RunInDriver{[&](Driver& d) {
                      d.ask_work(std::move(pending), std::move(spent), std::move(awaiting));
                    }})
                    .is_ok());
    settle();
    EXPECT_EQ(seen_.work.size(), before + 1);
    if (seen_.work.size() != before + 1 || !seen_.work.back()) {
      ADD_FAILURE() << "no PegOutWork";
      return {};
    }
    return *seen_.work.back();
  }

  // A peg-in deposit of `sats` confirmed by `confirmations` blocks (mined now).
  OutPoint deposit(std::int64_t sats, std::size_t confirmations) {
    EvmAddress to{};
    to.fill(0x77);
    auto id = btc_->deposit(to, sats, 1'000);
    EXPECT_TRUE(id.has_value());
    if (confirmations > 0) btc_->mine_now(confirmations);
    return OutPoint{*id, 0};
  }

  // The proposal an honest proposer would make paying `requests` from `coins` (each with
  // the value the proposer states), at Bitcoin's current fee rate.
  ProposedPegOut proposal(const std::vector<std::pair<OutPoint, std::int64_t>>& coins,
                          const std::vector<PegOutRequest>& requests) {
    FederationWallet wallet(five_members(), WalletPolicy{});
    for (const auto& [outpoint, value] : coins) wallet.add_coin(WalletCoin{outpoint, value});
    std::vector<PegOutPayment> payments;
    for (const PegOutRequest& r : requests) {
      payments.push_back(PegOutPayment{r.tx_hash, r.bitcoin_address, r.sats});
    }
    auto built = wallet.propose(payments, btc_->fee_rate());
    EXPECT_TRUE(built.has_value()) << built.error().message();
    ProposedPegOut out;
    out.proposal.tx = built->tx;
    for (const TxOut& o : built->spent_outputs) out.proposal.input_values.push_back(o.value);
    for (const PegOutRequest& r : requests) out.proposal.request_ids.push_back(r.tx_hash);
    out.requests = requests;
    out.height = 7;
    return out;
  }

  std::size_t logs_containing(std::string_view a, std::string_view b = {}) const {
    return static_cast<std::size_t>(std::count_if(logs_.begin(), logs_.end(), [&](const std::string& l) {
      return l.find(a) != std::string::npos && l.find(b) != std::string::npos;
    }));
  }

  Seen seen_;
  std::vector<std::string> logs_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<sim::SimBitcoin> btc_;
};

// ----------------------------------------------------------------------------- signing

TEST_F(FederationActorTest, AFinalizedProposalOfADeepCoinIsSignedReportedAndGossiped) {
  const OutPoint coin = deposit(100'000, kMinConf);
  boot();
  const ProposedPegOut p = proposal({{coin, 100'000}}, {request(1, 60'000, 1)});
  const Hash256 id = alys::txid(p.proposal.tx);
  ASSERT_EQ(p.proposal.tx.inputs.size(), 1u);
  finalize({p});

  ASSERT_EQ(seen_.observer.events.size(), 1u);
  const SignedEvent& e = seen_.observer.events[0];
  EXPECT_EQ(e.node, kNode);
  EXPECT_EQ(e.member, 0u);
  EXPECT_EQ(e.txid, id);
  EXPECT_EQ(e.coins, std::vector<OutPoint>{coin});

  ASSERT_EQ(seen_.gossip.size(), 1u);
  const Gossiped g = seen_.gossip[0];  // a copy: the vector grows below
  EXPECT_FALSE(g.except.has_value());
  EXPECT_EQ(g.signatures.payment_txid, id);
  EXPECT_EQ(g.signatures.member_index, 0u);
  ASSERT_EQ(g.signatures.signatures.size(), 1u);
  EXPECT_EQ(valid_signatures(g.signatures, p.proposal), 1u);
  // Not another member's signature, nor one of another message.
  PegoutSignatures as_member1 = g.signatures;
  as_member1.member_index = 1;
  EXPECT_EQ(valid_signatures(as_member1, p.proposal), 0u);
  EXPECT_TRUE(seen_.penalties.empty());

  // The chain repeats every unpaid proposal: no re-sign, and re-gossip only once
  // regossip_interval has passed since the last.
  finalize({p});
  EXPECT_EQ(seen_.observer.events.size(), 1u);
  EXPECT_EQ(seen_.gossip.size(), 1u);
  world_->run_for(kRegossip);
  finalize({p});
  EXPECT_EQ(seen_.observer.events.size(), 1u);
  ASSERT_EQ(seen_.gossip.size(), 2u);
  EXPECT_EQ(seen_.gossip[1].signatures, g.signatures);
}

TEST_F(FederationActorTest, ACoinNotDeepEnoughIsSignedOnlyOnceBitcoinMinedEnoughBlocks) {
  const OutPoint coin = deposit(100'000, kMinConf - 1);
  boot();
  const ProposedPegOut p = proposal({{coin, 100'000}}, {request(1, 30'000, 2)});
  finalize({p});
  world_->run_for(6 * kRetry);  // several retries, Bitcoin still where it was
  EXPECT_TRUE(seen_.observer.events.empty());
  EXPECT_TRUE(seen_.gossip.empty());

  btc_->mine_now(1);  // now kMinConf deep
  world_->run_for(kRetry + 1s);
  ASSERT_EQ(seen_.observer.events.size(), 1u);
  EXPECT_EQ(seen_.observer.events[0].txid, alys::txid(p.proposal.tx));
  ASSERT_EQ(seen_.gossip.size(), 1u);
  EXPECT_EQ(valid_signatures(seen_.gossip[0].signatures, p.proposal), 1u);
}

TEST_F(FederationActorTest, AProposalMisstatingAnInputValueIsNeverSigned) {
  const OutPoint honest_coin = deposit(100'000, 0);
  const OutPoint coin = deposit(100'000, kMinConf);
  boot();
  const ProposedPegOut honest = proposal({{honest_coin, 100'000}}, {request(1, 50'000, 1)});
  // Internally consistent (the book would take it), but the coin holds 100k, not 150k.
  const ProposedPegOut lie = proposal({{coin, 150'000}}, {request(2, 120'000, 2)});
  ASSERT_EQ(lie.proposal.input_values, std::vector<std::int64_t>{150'000});
  finalize({honest, lie});
  btc_->mine_now(3);
  world_->run_for(6 * kRetry);

  ASSERT_EQ(seen_.observer.events.size(), 1u);
  EXPECT_EQ(seen_.observer.events[0].txid, alys::txid(honest.proposal.tx));
  ASSERT_EQ(seen_.gossip.size(), 1u);
  EXPECT_EQ(seen_.gossip[0].signatures.payment_txid, alys::txid(honest.proposal.tx));
  EXPECT_EQ(logs_containing("refusing payment " + short_hex(alys::txid(lie.proposal.tx)),
                            "input 0 is 100000 sat"),
            1u);

  // Refused before the guard: the coin is not recorded for the lie, so the honest
  // statement of it is signed.
  const ProposedPegOut fixed = proposal({{coin, 100'000}}, {request(2, 60'000, 2)});
  finalize({honest, lie, fixed});
  ASSERT_EQ(seen_.observer.events.size(), 2u);
  EXPECT_EQ(seen_.observer.events[1].txid, alys::txid(fixed.proposal.tx));
  EXPECT_EQ(seen_.observer.events[1].coins, std::vector<OutPoint>{coin});
}

TEST_F(FederationActorTest, AConflictingPaymentOfASignedCoinIsRefusedAlsoAfterARestart) {
  const OutPoint coin = deposit(100'000, kMinConf);
  boot();
  const ProposedPegOut a = proposal({{coin, 100'000}}, {request(1, 60'000, 1)});
  const ProposedPegOut b = proposal({{coin, 100'000}}, {request(2, 50'000, 2)});
  const Hash256 a_id = alys::txid(a.proposal.tx);
  const Hash256 b_id = alys::txid(b.proposal.tx);
  ASSERT_NE(a_id, b_id);
  ASSERT_EQ(b.proposal.tx.inputs[0].prevout, coin);

  finalize({a});
  ASSERT_EQ(seen_.observer.events.size(), 1u);
  EXPECT_EQ(seen_.observer.events[0].txid, a_id);
  finalize({a, b});  // B final on another branch, say
  world_->run_for(6 * kRetry);
  ASSERT_EQ(seen_.observer.events.size(), 1u);
  ASSERT_EQ(seen_.gossip.size(), 1u);
  EXPECT_EQ(seen_.gossip[0].signatures.payment_txid, a_id);
  const std::string guard_refusal = "refusing payment " + short_hex(b_id);
  EXPECT_EQ(logs_containing(guard_refusal, "signed for another payment"), 1u);

  // The node crashes losing every unsynced write; the guard was a sync write.
  world_->crash(kNode, sim::CrashDurability::kLoseAll);
  world_->restart(kNode);
  settle();
  finalize({b});  // B first this time
  world_->run_for(6 * kRetry);
  EXPECT_EQ(seen_.observer.events.size(), 1u) << "signed a conflicting payment after a restart";
  EXPECT_EQ(seen_.gossip.size(), 1u);
  EXPECT_EQ(logs_containing(guard_refusal, "signed for another payment"), 2u);

  // Re-signing A (the same payment) is fine.
  finalize({b, a});
  ASSERT_EQ(seen_.observer.events.size(), 2u);
  EXPECT_EQ(seen_.observer.events[1].txid, a_id);
  EXPECT_EQ(seen_.observer.events[1].coins, std::vector<OutPoint>{coin});
  ASSERT_EQ(seen_.gossip.size(), 2u);
  EXPECT_EQ(seen_.gossip[1].signatures.payment_txid, a_id);
  EXPECT_EQ(valid_signatures(seen_.gossip[1].signatures, a.proposal), 1u);
}

// ----------------------------------------------------------------------------- collecting

TEST_F(FederationActorTest, AThresholdOfValidSignaturesMakesAPaymentBitcoinAccepts) {
  const OutPoint c1 = deposit(100'000, 0);
  const OutPoint c2 = deposit(100'000, kMinConf);
  boot();
  // Two inputs: every member signs both.
  const ProposedPegOut p =
      proposal({{c1, 100'000}, {c2, 100'000}}, {request(1, 120'000, 1), request(2, 30'000, 2)});
  ASSERT_EQ(p.proposal.tx.inputs.size(), 2u);
  const Hash256 id = alys::txid(p.proposal.tx);
  finalize({p});
  ASSERT_EQ(seen_.observer.events.size(), 1u);
  ASSERT_EQ(seen_.gossip.size(), 1u);
  EXPECT_EQ(valid_signatures(seen_.gossip[0].signatures, p.proposal), 2u);

  // Member 1's: valid and new, relayed to everyone but its sender; 2 of 3.
  inbound(1, sign_as(1, p.proposal));
  ASSERT_EQ(seen_.gossip.size(), 2u);
  EXPECT_EQ(seen_.gossip[1].signatures, sign_as(1, p.proposal));
  EXPECT_EQ(seen_.gossip[1].except, std::optional<NodeId>(1));
  EXPECT_TRUE(work({}, {}, {id}).signed_payments.empty());
  // Again: not new, not relayed.
  inbound(1, sign_as(1, p.proposal));
  EXPECT_EQ(seen_.gossip.size(), 2u);

  // Member 3's, signed with member 4's key: penalized, not relayed, not counted.
  inbound(3, sign_as(3, p.proposal, /*with_key=*/4));
  ASSERT_EQ(seen_.penalties.size(), 1u);
  EXPECT_EQ(seen_.penalties[0].peer, 3u);
  EXPECT_GT(seen_.penalties[0].points, 0);
  EXPECT_NE(seen_.penalties[0].reason.find("invalid signature"), std::string::npos)
      << seen_.penalties[0].reason;
  // Too few signatures, and a member outside the federation: penalized too.
  PegoutSignatures short_one = sign_as(4, p.proposal);
  short_one.signatures.pop_back();
  inbound(4, short_one);
  PegoutSignatures outsider = sign_as(2, p.proposal);
  outsider.member_index = kMembers;
  inbound(2, outsider);
  ASSERT_EQ(seen_.penalties.size(), 3u);
  EXPECT_EQ(seen_.penalties[1].peer, 4u);
  EXPECT_EQ(seen_.penalties[2].peer, 2u);
  EXPECT_EQ(seen_.gossip.size(), 2u);
  EXPECT_TRUE(work({}, {}, {id}).signed_payments.empty()) << "an invalid signature counted";

  // Member 2's: the third.
  inbound(2, sign_as(2, p.proposal));
  EXPECT_EQ(seen_.gossip.size(), 3u);
  const PegOutWork w = work({}, {}, {id});
  ASSERT_EQ(w.signed_payments.size(), 1u);
  const Transaction& tx = w.signed_payments[0];
  EXPECT_EQ(alys::txid(tx), id);
  // Only what was awaited is offered.
  EXPECT_TRUE(work({}, {}, {}).signed_payments.empty());
  const auto accepted = btc_->submit(tx);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message();
  EXPECT_EQ(*accepted, id);
  btc_->mine_now(1);
  EXPECT_EQ(btc_->confirmations(id), std::optional<std::uint64_t>(1));
  EXPECT_EQ(btc_->balance(address_script(regtest_address(1))), tx.outputs[0].value);
  EXPECT_EQ(btc_->balance(address_script(regtest_address(2))), tx.outputs[1].value);

  // Paid: no longer offered.
  tell(PaymentsFinalized{{id}});
  settle();
  EXPECT_TRUE(work({}, {}, {id}).signed_payments.empty());
}

TEST_F(FederationActorTest, SignaturesArrivingBeforeTheProposalIsFinalAreBufferedAndUsed) {
  const OutPoint coin = deposit(100'000, 1);  // too shallow for this member to sign yet
  boot();
  const ProposedPegOut p = proposal({{coin, 100'000}}, {request(1, 70'000, 3)});
  const Hash256 id = alys::txid(p.proposal.tx);
  inbound(1, sign_as(1, p.proposal));
  inbound(3, sign_as(3, p.proposal));
  inbound(4, sign_as(4, p.proposal));
  EXPECT_TRUE(seen_.penalties.empty());
  EXPECT_TRUE(work({}, {}, {id}).signed_payments.empty()) << "final before the chain said so";

  finalize({p});
  EXPECT_TRUE(seen_.observer.events.empty()) << "signed a coin not deep enough";
  const PegOutWork w = work({}, {}, {id});
  ASSERT_EQ(w.signed_payments.size(), 1u);
  EXPECT_EQ(alys::txid(w.signed_payments[0]), id);
  const auto accepted = btc_->submit(w.signed_payments[0]);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message();

  // Bitcoin knows the payment now: this member never needs to sign it.
  btc_->mine_now(kMinConf);
  world_->run_for(4 * kRetry);
  EXPECT_TRUE(seen_.observer.events.empty());
}

// ----------------------------------------------------------------------------- proposing

// The buffer is bounded without starving: signatures for a payment already paid are not
// buffered, junk for made-up payments ages out oldest first, and an invalid buffered
// signature penalizes its sender once the proposal is known.
TEST_F(FederationActorTest, TheSignatureBufferDropsLateAndOldestAndPenalizesInvalidOnes) {
  const OutPoint coin1 = deposit(100'000, 1);  // too shallow: this member never signs here
  const OutPoint coin2 = deposit(120'000, 1);
  boot(/*max_buffered=*/4);
  const ProposedPegOut p1 = proposal({{coin1, 100'000}}, {request(1, 70'000, 3)});
  const ProposedPegOut p2 = proposal({{coin2, 120'000}}, {request(2, 80'000, 4)});
  const Hash256 id1 = alys::txid(p1.proposal.tx);
  const Hash256 id2 = alys::txid(p2.proposal.tx);
  tell(PaymentsFinalized{{id1}});
  settle();
  // Junk for a payment nobody proposed: buffered first, so aged out first.
  PegoutSignatures junk = sign_as(2, p2.proposal);
  junk.payment_txid = Hash256::from_hex(std::string(64, 'a')).value();
  inbound(2, junk);
  // P2's signatures: one invalid (member 4's slot, member 1's signature), three valid; the
  // fourth of them pushes the junk out.
  PegoutSignatures forged = sign_as(1, p2.proposal);
  forged.member_index = 4;
  inbound(4, forged);
  inbound(1, sign_as(1, p2.proposal));
  inbound(3, sign_as(3, p2.proposal));
  inbound(2, sign_as(2, p2.proposal));
  // Late signatures for the paid payment: ignored (buffered, they would push P2's out).
  inbound(1, sign_as(1, p1.proposal));
  inbound(3, sign_as(3, p1.proposal));
  EXPECT_TRUE(seen_.penalties.empty()) << "penalized before the proposal was known";

  finalize({p2});
  const PegOutWork w = work({}, {}, {id2});
  ASSERT_EQ(w.signed_payments.size(), 1u) << "the early signatures were not kept";
  EXPECT_EQ(alys::txid(w.signed_payments[0]), id2);
  ASSERT_EQ(seen_.penalties.size(), 1u);
  EXPECT_EQ(seen_.penalties[0].peer, NodeId{4});
}

TEST_F(FederationActorTest, GetPegOutWorkProposesFromListUnspentMinusSpentAndTheBookTakesIt) {
  std::vector<OutPoint> deep;
  for (int i = 0; i < 3; ++i) deep.push_back(deposit(100'000, 0));
  btc_->mine_now(kMinConf);
  const OutPoint shallow = deposit(100'000, 1);  // below min_confirmations: not listed
  std::sort(deep.begin(), deep.end());
  boot();

  const std::vector<LedgerTx> burns = {burn(1, 120'000, regtest_address(1)),
                                       burn(2, 30'000, regtest_address(2))};
  const Federation fed = five_members();
  const PegOutRules rules{&fed, BitcoinNetwork::kRegtest};
  ConsensusBlock b1;
  b1.height = 1;
  b1.payload.transactions = burns;
  auto book1 = PegOutBook{}.apply(b1, rules);
  ASSERT_TRUE(book1.has_value()) << book1.error().message();
  ASSERT_EQ(book1->pending().size(), 2u);

  // The chain already spends the first deep coin: the other two pay the 150k.
  const std::set<OutPoint> spent = {deep[0]};
  const PegOutWork w = work(book1->pending(), spent, {});
  EXPECT_TRUE(w.signed_payments.empty());
  ASSERT_TRUE(w.proposal.has_value());
  const PegOutProposal& p = *w.proposal;
  ASSERT_EQ(p.tx.inputs.size(), 2u);
  EXPECT_EQ(p.tx.inputs[0].prevout, deep[1]);
  EXPECT_EQ(p.tx.inputs[1].prevout, deep[2]);
  for (const TxIn& in : p.tx.inputs) EXPECT_NE(in.prevout, shallow);
  EXPECT_EQ(p.input_values, (std::vector<std::int64_t>{100'000, 100'000}));
  EXPECT_EQ(p.request_ids, (std::vector<Hash256>{book1->pending()[0].tx_hash,
                                                 book1->pending()[1].tx_hash}));
  ASSERT_EQ(p.tx.outputs.size(), 3u);
  std::int64_t out_sum = 0;
  for (const TxOut& o : p.tx.outputs) out_sum += o.value;
  const std::int64_t fee = 200'000 - out_sum;
  // The fee of the signed size at Bitcoin's estimate (above the relay floor here).
  const FederationWallet sizer(fed, WalletPolicy{});
  EXPECT_EQ(fee, btc_->fee_rate().fee_for(sizer.signed_vsize(p.tx)));
  EXPECT_GT(fee, 0);
  const std::vector<std::int64_t> sats = {120'000, 30'000};
  const std::vector<std::int64_t> amounts = ::alys::payment_amounts_after_fee(sats, fee);
  EXPECT_EQ(p.tx.outputs[0], (TxOut{amounts[0], address_script(regtest_address(1))}));
  EXPECT_EQ(p.tx.outputs[1], (TxOut{amounts[1], address_script(regtest_address(2))}));
  EXPECT_EQ(p.tx.outputs[2], (TxOut{50'000, fed.script_pubkey()}));

  // The chain's rules accept a block carrying it.
  ConsensusBlock b2;
  b2.height = 2;
  b2.pegout_proposal = p;
  auto book2 = book1->apply(b2, rules);
  ASSERT_TRUE(book2.has_value()) << book2.error().message();
  EXPECT_TRUE(book2->pending().empty());
  ASSERT_EQ(book2->proposed().count(alys::txid(p.tx)), 1u);
  EXPECT_EQ(book2->spent(), (std::set<OutPoint>{deep[1], deep[2]}));

  // And, final, this member signs its own proposal.
  finalize({book2->proposed().at(alys::txid(p.tx))});
  ASSERT_EQ(seen_.observer.events.size(), 1u);
  EXPECT_EQ(seen_.observer.events[0].txid, alys::txid(p.tx));
  EXPECT_EQ(seen_.observer.events[0].coins, (std::vector<OutPoint>{deep[1], deep[2]}));

  // With every coin spent by the chain, nothing to propose.
  EXPECT_FALSE(work(book1->pending(), {deep[0], deep[1], deep[2]}, {}).proposal.has_value());
  // Nothing pending, nothing to propose.
  EXPECT_FALSE(work({}, {}, {}).proposal.has_value());
}

TEST_F(FederationActorTest, AnUnpayableRequestIsLeftOutOfTheProposal) {
  deposit(100'000, kMinConf);
  boot();
  PegOutRequest mainnet = request(1, 40'000, 1);
  mainnet.bitcoin_address = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
  const PegOutRequest good = request(2, 40'000, 2);
  const PegOutWork w = work({mainnet, good}, {}, {});
  ASSERT_TRUE(w.proposal.has_value());
  EXPECT_EQ(w.proposal->request_ids, std::vector<Hash256>{good.tx_hash});
  ASSERT_EQ(w.proposal->tx.outputs.size(), 2u);
  EXPECT_EQ(w.proposal->tx.outputs[0].script_pubkey, address_script(regtest_address(2)));
}

}  // namespace
}  // namespace alys::bridge
