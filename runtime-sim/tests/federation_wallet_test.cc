// FederationWallet against the simulated Bitcoin: a proposal the wallet builds, checked by
// another member's wallet and signed by a threshold of members (real BIP-341 script-path
// signatures), is accepted and mined by Bitcoin and pays exactly what was asked; reserved
// coins never go into a second payment; members refuse tampered proposals.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

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

SecretKey member_key(std::uint8_t i) {
  Bytes raw(32, 0);
  raw[31] = static_cast<std::uint8_t>(0x40 + i);
  return *SecretKey::from_bytes(raw);
}

// A 3-of-5 federation of keys 1..5 (Alys's majority threshold).
Federation five_members() {
  std::vector<XOnlyPublicKey> keys;
  for (std::uint8_t i = 1; i <= 5; ++i) keys.push_back(member_key(i).xonly_public_key());
  return *Federation::create(std::move(keys), Federation::majority(5));
}

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

// Bitcoin with `deposits` confirmed peg-in deposits of 100k sat each; both wallets hold them.
struct FundedFederation {
  World world{testing::config_with_seed(5)};
  SimBitcoin btc{world, SimBitcoinConfig{}, five_members()};
  FederationWallet proposer{five_members(), {}};
  FederationWallet member{five_members(), {}};

  explicit FundedFederation(int deposits) {
    EvmAddress to{};
    to.fill(0x91);
    for (int i = 0; i < deposits; ++i) EXPECT_TRUE(btc.deposit(to, 100'000, 1'000).has_value());
    btc.mine_now(1);
    for (const Utxo& u : btc.utxos_paying(btc.federation()->script_pubkey())) {
      proposer.add_coin(WalletCoin{u.outpoint, u.output.value});
      member.add_coin(WalletCoin{u.outpoint, u.output.value});
    }
  }
};

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
  // Two 100k coins cover 180k + fee; the rest of them comes back as change.
  EXPECT_EQ(proposal->tx.inputs.size(), 2u);
  ASSERT_EQ(proposal->tx.outputs.size(), 3u);
  EXPECT_EQ(proposal->tx.outputs[2].script_pubkey, s.btc.federation()->script_pubkey());
  EXPECT_TRUE(s.member.check(*proposal, payments, rate).is_ok());

  const Transaction signed_tx = sign(*s.btc.federation(), *proposal, {0, 2, 4});
  // The fee was computed for exactly this size.
  EXPECT_EQ(s.proposer.signed_vsize(proposal->tx), (transaction_weight(signed_tx) + 3) / 4);
  EXPECT_EQ(proposal->fee_sat, rate.fee_for(s.proposer.signed_vsize(proposal->tx)));
  const auto id = s.btc.submit(signed_tx);
  ASSERT_TRUE(id.has_value()) << id.error().message();
  s.btc.mine_now(1);
  EXPECT_EQ(s.btc.confirmations(*id), std::optional<std::uint64_t>(1));
  EXPECT_EQ(s.btc.balance(witness_program_script(
                *decode_segwit_address(BitcoinNetwork::kRegtest, regtest_address(1)))),
            150'000);
  EXPECT_EQ(s.btc.balance(s.btc.federation()->script_pubkey()),
            400'000 - 180'000 - proposal->fee_sat);
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
  const std::vector<PegOutPayment> payments = {{request(1), regtest_address(1), 70'000}};
  const FeeRate rate{2'000};
  const PaymentProposal good = *s.proposer.propose(payments, rate);
  ASSERT_TRUE(s.member.check(good, payments, rate).is_ok());
  auto refused = [&](PaymentProposal p, const char* why) {
    const Status st = s.member.check(p, payments, rate);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << why;
    return st.message();
  };
  PaymentProposal more = good;
  more.tx.outputs[0].value += 1;
  EXPECT_NE(refused(more, "amount").find("output 0"), std::string::npos);
  PaymentProposal elsewhere = good;
  elsewhere.tx.outputs[1].script_pubkey = Bytes{0x00, 0x14, 1, 2, 3};
  EXPECT_NE(refused(elsewhere, "change").find("change"), std::string::npos);
  PaymentProposal extra = good;
  extra.tx.outputs.push_back(TxOut{1'000, Bytes(22, 7)});
  EXPECT_NE(refused(extra, "extra output").find("outputs"), std::string::npos);
  PaymentProposal greedy = good;  // the miner gets most of the change
  greedy.tx.outputs[1].value -= 20'000;
  greedy.fee_sat += 20'000;
  EXPECT_NE(refused(greedy, "fee").find("fee"), std::string::npos);
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

}  // namespace
}  // namespace alys::sim
