// FederationWallet against the simulated Bitcoin: a proposal the wallet builds, checked by
// another member's wallet and signed by a threshold of members (real BIP-341 script-path
// signatures), is accepted and mined by Bitcoin; the users bear the fee (each is paid its
// sats less its fee share) and the federation gives up exactly the sats asked for; reserved
// and excluded coins never go into a payment; members refuse tampered proposals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/tests/federation_test_keys.h"
#include "core/bitcoin/address.h"
#include "core/bridge/federation_wallet.h"
#include "core/crypto/schnorr.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using bridge::FederationWallet;
using bridge::FeeRate;
using bridge::PaymentProposal;
using bridge::PegOutPayment;
using bridge::WalletCoin;

// Members 1..5 of a 3-of-5 federation (Alys's majority threshold).
SecretKey member_key(std::uint8_t i) { return alys::testing::federation_member_key(i - 1u); }
Federation five_members() { return alys::testing::federation_of_members(5); }

std::string regtest_address(std::uint8_t n) {
  WitnessProgram wp;
  wp.version = 0;
  wp.program = Bytes(20, n);
  return *encode_segwit_address(BitcoinNetwork::kRegtest, wp);
}

Hash256 request(std::uint8_t n) {
  Hash256 h;
  h.data()[0] = n;
  return h;
}

Bytes address_script(const std::string& address) {
  return witness_program_script(*decode_segwit_address(BitcoinNetwork::kRegtest, address));
}

// Bitcoin with `deposits` confirmed peg-in deposits of 100k sat each; both wallets hold them.
// `coins` are their outpoints in the wallets' (outpoint) order.
struct FundedFederation {
  World world{testing::config_with_seed(5)};
  SimBitcoin btc{world, SimBitcoinConfig{}, five_members()};
  FederationWallet proposer{five_members(), {}};
  FederationWallet member{five_members(), {}};
  std::vector<OutPoint> coins;

  explicit FundedFederation(int deposits) {
    EvmAddress to{};
    to.fill(0x91);
    for (int i = 0; i < deposits; ++i) EXPECT_TRUE(btc.deposit(to, 100'000, 1'000).has_value());
    btc.mine_now(1);
    for (const Utxo& u : btc.utxos_paying(btc.federation()->script_pubkey())) {
      EXPECT_EQ(u.output.value, 100'000);
      proposer.add_coin(WalletCoin{u.outpoint, u.output.value});
      member.add_coin(WalletCoin{u.outpoint, u.output.value});
      coins.push_back(u.outpoint);
    }
    std::sort(coins.begin(), coins.end());
  }
};

std::int64_t sum_in(const PaymentProposal& p) {
  std::int64_t sum = 0;
  for (const TxOut& o : p.spent_outputs) sum += o.value;
  return sum;
}

std::int64_t sum_out(const PaymentProposal& p) {
  std::int64_t sum = 0;
  for (const TxOut& o : p.tx.outputs) sum += o.value;
  return sum;
}

// The fee the wallet must charge for `p` at `rate`: the rate's, at least the minimum relay
// fee (WalletPolicy's default 1000 sat/kvB).
std::int64_t expected_fee(const FederationWallet& w, const PaymentProposal& p, FeeRate rate) {
  const std::uint64_t vsize = w.signed_vsize(p.tx);
  return std::max(rate.fee_for(vsize), FeeRate{1'000}.fee_for(vsize));
}

// Signs every input with members `signers` (indices into the federation) and returns the
// finished transaction.
Transaction sign(const Federation& f, const PaymentProposal& p, std::vector<std::size_t> signers) {
  Transaction tx = p.tx;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const Hash256 sighash = *f.sighash(p.tx, i, p.spent_outputs);
    std::vector<std::optional<SchnorrSignature>> slots(f.members().size());
    for (std::size_t s : signers) {
      slots[s] = schnorr_sign(member_key(static_cast<std::uint8_t>(s + 1)), sighash.view(),
                              Hash256{});
    }
    tx.inputs[i].witness = *f.assemble_witness(slots);
  }
  return tx;
}

TEST(FederationWallet, AProposalCheckedAndSignedByAThresholdPaysExactlyOnBitcoin) {
  FundedFederation s(4);
  ASSERT_EQ(s.proposer.balance(), 400'000);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 150'000},
                                               {request(2), regtest_address(2), 30'000}};
  const FeeRate rate{5'000};
  auto proposal = s.proposer.propose(payments, rate);
  ASSERT_TRUE(proposal.has_value()) << proposal.error().message();
  // Two 100k coins cover the 180k asked for; the users pay the fee, so the change is exactly
  // 200k - 180k.
  EXPECT_EQ(proposal->tx.inputs.size(), 2u);
  ASSERT_EQ(proposal->tx.outputs.size(), 3u);
  EXPECT_EQ(proposal->tx.outputs[2], (TxOut{20'000, s.btc.federation()->script_pubkey()}));
  EXPECT_TRUE(s.member.check(*proposal, payments, rate).is_ok());

  const Transaction signed_tx = sign(*s.btc.federation(), *proposal, {0, 2, 4});
  // The fee was computed for exactly this size, and each payment bears half of it (the
  // first also the odd sat).
  EXPECT_EQ(s.proposer.signed_vsize(proposal->tx), (transaction_weight(signed_tx) + 3) / 4);
  const std::int64_t fee = rate.fee_for(s.proposer.signed_vsize(proposal->tx));
  EXPECT_EQ(proposal->fee_sat, fee);
  EXPECT_EQ(proposal->fee_sat, sum_in(*proposal) - sum_out(*proposal));
  EXPECT_EQ(proposal->tx.outputs[0],
            (TxOut{150'000 - fee / 2 - fee % 2, address_script(regtest_address(1))}));
  EXPECT_EQ(proposal->tx.outputs[1], (TxOut{30'000 - fee / 2, address_script(regtest_address(2))}));
  const auto id = s.btc.submit(signed_tx);
  ASSERT_TRUE(id.has_value()) << id.error().message();
  s.btc.mine_now(1);
  EXPECT_EQ(s.btc.confirmations(*id), std::optional<std::uint64_t>(1));
  EXPECT_EQ(s.btc.balance(address_script(regtest_address(1))), 150'000 - fee / 2 - fee % 2);
  EXPECT_EQ(s.btc.balance(address_script(regtest_address(2))), 30'000 - fee / 2);
  // The federation gave up exactly the sats asked for.
  EXPECT_EQ(s.btc.balance(s.btc.federation()->script_pubkey()), 400'000 - 180'000);
}

TEST(FederationWallet, TooFewSignaturesAreRefusedByBitcoin) {
  FundedFederation s(2);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 50'000}};
  auto proposal = s.proposer.propose(payments, FeeRate{2'000});
  ASSERT_TRUE(proposal.has_value());
  std::vector<std::optional<SchnorrSignature>> two(5);
  const Hash256 sighash = *s.btc.federation()->sighash(proposal->tx, 0, proposal->spent_outputs);
  two[0] = schnorr_sign(member_key(1), sighash.view(), Hash256{});
  two[1] = schnorr_sign(member_key(2), sighash.view(), Hash256{});
  EXPECT_FALSE(s.btc.federation()->assemble_witness(two).has_value());  // 2 of 3 needed
  // A full set of signatures from the wrong keys fails Bitcoin's check.
  Transaction forged = proposal->tx;
  std::vector<std::optional<SchnorrSignature>> wrong(5);
  for (std::size_t i = 0; i < 3; ++i) {
    wrong[i] = schnorr_sign(member_key(static_cast<std::uint8_t>(9 + i)), sighash.view(), Hash256{});
  }
  forged.inputs[0].witness = *s.btc.federation()->assemble_witness(wrong);
  const auto r = s.btc.submit(forged);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("mandatory-script-verify-flag-failed"), std::string::npos);
}

TEST(FederationWallet, ReservedCoinsNeverGoIntoASecondPayment) {
  FundedFederation s(3);
  const std::vector<PegOutPayment> first = {{request(1), regtest_address(1), 120'000}};
  const std::vector<PegOutPayment> second = {{request(2), regtest_address(2), 60'000}};
  auto a = s.proposer.propose(first, FeeRate{1'000});
  ASSERT_TRUE(a.has_value());
  s.proposer.reserve(*a);
  s.member.reserve(*a);
  auto b = s.proposer.propose(second, FeeRate{1'000});
  ASSERT_TRUE(b.has_value());
  for (const TxIn& in : b->tx.inputs) {
    for (const TxIn& taken : a->tx.inputs) EXPECT_NE(in.prevout, taken.prevout);
  }
  // A proposal reusing a coin committed to `a` is refused by a member who reserved it.
  auto clash = s.member.propose(second, FeeRate{1'000});  // member's own view: same coins
  ASSERT_TRUE(clash.has_value());
  PaymentProposal reuse = *b;
  reuse.tx.inputs[0].prevout = a->tx.inputs[0].prevout;
  reuse.spent_outputs[0] = a->spent_outputs[0];
  const Status refused = s.member.check(reuse, second, FeeRate{1'000});
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("already committed"), std::string::npos) << refused.message();
  // Not enough left for a third payment of everything.
  const std::vector<PegOutPayment> big = {{request(3), regtest_address(3), 250'000}};
  s.proposer.reserve(*b);
  const auto none = s.proposer.propose(big, FeeRate{1'000});
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message().find("spendable"), std::string::npos);
  // Released, the coins are spendable again; spent, they are gone.
  s.proposer.release(*b);
  EXPECT_FALSE(s.proposer.reserved(b->tx.inputs[0].prevout));
  EXPECT_TRUE(s.proposer.remove_coin(a->tx.inputs[0].prevout));
  EXPECT_FALSE(s.proposer.reserved(a->tx.inputs[0].prevout));
}

TEST(FederationWallet, MembersRefuseTamperedProposals) {
  FundedFederation s(3);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 70'000},
                                               {request(2), regtest_address(2), 20'000}};
  const FeeRate rate{2'000};
  const PaymentProposal good = *s.proposer.propose(payments, rate);
  ASSERT_EQ(good.tx.outputs.size(), 3u);
  ASSERT_TRUE(s.member.check(good, payments, rate).is_ok());
  auto refused = [&](PaymentProposal p, const char* why) {
    const Status st = s.member.check(p, payments, rate);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << why;
    return st.message();
  };
  // +2 sat to the first user: the fee drops by 2, so each share drops by 1 and the first
  // output pays one sat more than its share allows.
  PaymentProposal more = good;
  more.tx.outputs[0].value += 2;
  EXPECT_NE(refused(more, "amount").find("output 0"), std::string::npos);
  PaymentProposal elsewhere = good;
  elsewhere.tx.outputs[2].script_pubkey = Bytes{0x00, 0x14, 1, 2, 3};
  EXPECT_NE(refused(elsewhere, "change").find("change"), std::string::npos);
  PaymentProposal extra = good;
  extra.tx.outputs.push_back(TxOut{1'000, Bytes(22, 7)});
  EXPECT_NE(refused(extra, "extra output").find("outputs"), std::string::npos);
  // The miner gets 10k more of each payment: the split is consistent, the fee is not.
  PaymentProposal greedy = good;
  greedy.tx.outputs[0].value -= 10'000;
  greedy.tx.outputs[1].value -= 10'000;
  greedy.fee_sat += 20'000;
  EXPECT_NE(refused(greedy, "fee").find("fee "), std::string::npos);
  // The same fee, stated wrong.
  PaymentProposal misstated = good;
  misstated.fee_sat += 1;
  EXPECT_NE(refused(misstated, "stated fee").find("stated fee"), std::string::npos);
  PaymentProposal foreign = good;
  foreign.tx.inputs[0].prevout.vout = 77;
  EXPECT_NE(refused(foreign, "unknown coin").find("not a federation coin"), std::string::npos);
  EXPECT_EQ(s.member.check(good, {}, rate).code(), StatusCode::kInvalidArgument);
}

TEST(FederationWallet, BadPaymentsAreRefusedWhenProposing) {
  FundedFederation s(1);
  EXPECT_FALSE(s.proposer.propose({}, FeeRate{1'000}).has_value());
  const std::vector<PegOutPayment> dust = {{request(1), regtest_address(1), 100}};
  EXPECT_EQ(s.proposer.propose(dust, FeeRate{1'000}).error().code(), StatusCode::kInvalidArgument);
  const std::vector<PegOutPayment> mainnet = {{request(1), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 10'000}};
  const auto r = s.proposer.propose(mainnet, FeeRate{1'000});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("payment 0: address"), std::string::npos);
}

TEST(FederationWallet, TheFeeIsSplitOverThePaymentsWithTheRemainderOnTheFirst) {
  FundedFederation s(2);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 40'000},
                                               {request(2), regtest_address(2), 30'000},
                                               {request(3), regtest_address(3), 20'000}};
  // A rate whose fee does not divide by three (the size is the same at every rate).
  std::optional<PaymentProposal> proposal;
  FeeRate rate;
  for (std::int64_t r = 3'000; r < 3'010 && !proposal; ++r) {
    auto p = s.proposer.propose(payments, FeeRate{r});
    ASSERT_TRUE(p.has_value()) << p.error().message();
    if (p->fee_sat % 3 != 0) {
      proposal = *p;
      rate = FeeRate{r};
    }
  }
  ASSERT_TRUE(proposal.has_value());
  const std::int64_t fee = expected_fee(s.proposer, *proposal, rate);
  ASSERT_EQ(proposal->fee_sat, fee);
  ASSERT_NE(fee % 3, 0);
  ASSERT_EQ(proposal->tx.inputs.size(), 1u);
  ASSERT_EQ(proposal->tx.outputs.size(), 4u);
  EXPECT_EQ(proposal->tx.outputs[0].value, 40'000 - fee / 3 - fee % 3);
  EXPECT_EQ(proposal->tx.outputs[1].value, 30'000 - fee / 3);
  EXPECT_EQ(proposal->tx.outputs[2].value, 20'000 - fee / 3);
  EXPECT_EQ(proposal->tx.outputs[3],
            (TxOut{100'000 - 90'000, s.btc.federation()->script_pubkey()}));
  EXPECT_EQ(sum_in(*proposal) - sum_out(*proposal), fee);
  EXPECT_TRUE(s.member.check(*proposal, payments, rate).is_ok());
  // Signed by a threshold, Bitcoin takes it.
  const auto id = s.btc.submit(sign(*s.btc.federation(), *proposal, {1, 2, 3}));
  ASSERT_TRUE(id.has_value()) << id.error().message();
}

TEST(FederationWallet, TheFeeIsNeverBelowTheMinimumRelayFee) {
  FundedFederation s(1);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 60'000}};
  auto proposal = s.proposer.propose(payments, FeeRate{0});
  ASSERT_TRUE(proposal.has_value()) << proposal.error().message();
  const std::int64_t floor = FeeRate{1'000}.fee_for(s.proposer.signed_vsize(proposal->tx));
  EXPECT_GT(floor, 0);
  EXPECT_EQ(proposal->fee_sat, floor);
  EXPECT_EQ(proposal->tx.outputs[0].value, 60'000 - floor);
  EXPECT_EQ(proposal->tx.outputs[1].value, 40'000);
  EXPECT_TRUE(s.member.check(*proposal, payments, FeeRate{0}).is_ok());
  ASSERT_TRUE(s.btc.submit(sign(*s.btc.federation(), *proposal, {0, 1, 2})).has_value());
}

TEST(FederationWallet, ChangeBelowDustTakesAnotherCoin) {
  FundedFederation s(2);
  const FeeRate rate{2'000};
  // One coin would leave 200 sat of change (below the 546 sat dust limit): the next coin is
  // added and all of it but the 99.8k asked for comes back.
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 99'800}};
  auto proposal = s.proposer.propose(payments, rate);
  ASSERT_TRUE(proposal.has_value()) << proposal.error().message();
  ASSERT_EQ(proposal->tx.inputs.size(), 2u);
  EXPECT_EQ(proposal->tx.inputs[0].prevout, s.coins[0]);
  EXPECT_EQ(proposal->tx.inputs[1].prevout, s.coins[1]);
  ASSERT_EQ(proposal->tx.outputs.size(), 2u);
  // The fee was recomputed for two inputs.
  const std::int64_t fee = expected_fee(s.proposer, *proposal, rate);
  EXPECT_EQ(proposal->fee_sat, fee);
  EXPECT_EQ(proposal->tx.outputs[0].value, 99'800 - fee);
  EXPECT_EQ(proposal->tx.outputs[1], (TxOut{100'200, s.btc.federation()->script_pubkey()}));
  EXPECT_TRUE(s.member.check(*proposal, payments, rate).is_ok());
  const auto id = s.btc.submit(sign(*s.btc.federation(), *proposal, {0, 1, 2}));
  ASSERT_TRUE(id.has_value()) << id.error().message();
  s.btc.mine_now(1);
  EXPECT_EQ(s.btc.balance(s.btc.federation()->script_pubkey()), 200'000 - 99'800);
  EXPECT_EQ(s.btc.balance(address_script(regtest_address(1))), 99'800 - fee);

  // No coin left to add: refused, saying so.
  const auto stuck = s.member.propose(payments, rate, {s.coins[1]});
  ASSERT_FALSE(stuck.has_value());
  EXPECT_EQ(stuck.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(stuck.error().message().find("no other usable coin"), std::string::npos)
      << stuck.error().message();
}

TEST(FederationWallet, NoChangeOutputWhenThePaymentsTakeTheCoinsExactly) {
  FundedFederation s(2);
  const FeeRate rate{1'500};
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 100'000}};
  auto proposal = s.proposer.propose(payments, rate);
  ASSERT_TRUE(proposal.has_value()) << proposal.error().message();
  EXPECT_EQ(proposal->tx.inputs.size(), 1u);
  ASSERT_EQ(proposal->tx.outputs.size(), 1u);
  const std::int64_t fee = expected_fee(s.proposer, *proposal, rate);
  EXPECT_EQ(proposal->fee_sat, fee);
  EXPECT_EQ(proposal->tx.outputs[0].value, 100'000 - fee);
  EXPECT_TRUE(s.member.check(*proposal, payments, rate).is_ok());
  // A change output of the fee (the federation paying it) is refused.
  PaymentProposal federation_pays = *proposal;
  federation_pays.tx.outputs[0].value = 100'000;
  federation_pays.tx.outputs.push_back(TxOut{fee, s.btc.federation()->script_pubkey()});
  federation_pays.spent_outputs = proposal->spent_outputs;
  const Status st = s.member.check(federation_pays, payments, rate);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("change"), std::string::npos) << st.message();
}

TEST(FederationWallet, APaymentTooSmallForItsFeeShareIsRefusedByName) {
  FundedFederation s(1);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 50'000},
                                               {request(2), regtest_address(2), 1'000}};
  // At 1 sat/vB the second payment keeps well over dust after its share...
  auto cheap = s.proposer.propose(payments, FeeRate{1'000});
  ASSERT_TRUE(cheap.has_value()) << cheap.error().message();
  EXPECT_GE(cheap->tx.outputs[1].value, 546);
  // ...at 10 sat/vB its share is more than it holds.
  const auto r = s.proposer.propose(payments, FeeRate{10'000});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  const std::string& why = r.error().message();
  EXPECT_NE(why.find("payment 1 (request " + request(2).to_hex().substr(0, 12) + ")"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("below dust"), std::string::npos) << why;
}

TEST(FederationWallet, ExcludedCoinsAreNotUsed) {
  FundedFederation s(3);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 50'000}};
  const FeeRate rate{1'000};
  auto plain = s.proposer.propose(payments, rate);
  ASSERT_TRUE(plain.has_value());
  ASSERT_EQ(plain->tx.inputs.size(), 1u);
  EXPECT_EQ(plain->tx.inputs[0].prevout, s.coins[0]);
  auto skip_first = s.proposer.propose(payments, rate, {s.coins[0]});
  ASSERT_TRUE(skip_first.has_value());
  ASSERT_EQ(skip_first->tx.inputs.size(), 1u);
  EXPECT_EQ(skip_first->tx.inputs[0].prevout, s.coins[1]);
  EXPECT_TRUE(s.member.check(*skip_first, payments, rate).is_ok());
  // Excluded coins are not counted as spendable when gathering for a larger payment.
  const std::vector<PegOutPayment> big = {{request(2), regtest_address(2), 150'000}};
  auto two = s.proposer.propose(big, rate, {s.coins[1]});
  ASSERT_TRUE(two.has_value());
  ASSERT_EQ(two->tx.inputs.size(), 2u);
  EXPECT_EQ(two->tx.inputs[0].prevout, s.coins[0]);
  EXPECT_EQ(two->tx.inputs[1].prevout, s.coins[2]);
  const auto none = s.proposer.propose(big, rate, {s.coins[0], s.coins[2]});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.error().message().find("100000 sat are spendable"), std::string::npos)
      << none.error().message();
  // Excluding does not reserve.
  EXPECT_FALSE(s.proposer.reserved(s.coins[0]));
}

TEST(FederationWallet, CheckRefusesChangeOffByOneSat) {
  FundedFederation s(2);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 70'000},
                                               {request(2), regtest_address(2), 20'000}};
  const FeeRate rate{2'000};
  const PaymentProposal good = *s.proposer.propose(payments, rate);
  ASSERT_EQ(good.tx.outputs.size(), 3u);
  ASSERT_EQ(good.tx.outputs[2].value, 10'000);
  ASSERT_TRUE(s.member.check(good, payments, rate).is_ok());
  for (const std::int64_t delta : {-1, 1}) {
    PaymentProposal off = good;
    off.tx.outputs[2].value += delta;
    off.fee_sat -= delta;  // consistent with its own outputs
    const Status st = s.member.check(off, payments, rate);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << delta;
    EXPECT_NE(st.message().find("change output"), std::string::npos) << st.message();
  }
  // Taking the sat from a payment instead does not make it right.
  PaymentProposal shifted = good;
  shifted.tx.outputs[2].value += 1;
  shifted.tx.outputs[1].value -= 1;
  EXPECT_EQ(s.member.check(shifted, payments, rate).code(), StatusCode::kInvalidArgument);
}

TEST(FederationWallet, CheckRefusesAPaymentIgnoringTheFeeSplit) {
  FundedFederation s(2);
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 70'000},
                                               {request(2), regtest_address(2), 20'000}};
  const FeeRate rate{2'000};
  const PaymentProposal good = *s.proposer.propose(payments, rate);
  ASSERT_TRUE(s.member.check(good, payments, rate).is_ok());
  const std::int64_t fee = good.fee_sat;
  // The first user bears the whole fee, the second none: same fee, same change, wrong split.
  PaymentProposal lopsided = good;
  lopsided.tx.outputs[0].value = 70'000 - fee;
  lopsided.tx.outputs[1].value = 20'000;
  ASSERT_EQ(sum_out(lopsided), sum_out(good));
  const Status st = s.member.check(lopsided, payments, rate);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("output 0"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(request(1).to_hex().substr(0, 12)), std::string::npos);
  // Paying the full sats and taking the fee from the change (the old rule) is refused too.
  PaymentProposal old_rule = good;
  old_rule.tx.outputs[0].value = 70'000;
  old_rule.tx.outputs[1].value = 20'000;
  old_rule.tx.outputs[2].value = 10'000 - fee;
  EXPECT_EQ(s.member.check(old_rule, payments, rate).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace alys::sim
