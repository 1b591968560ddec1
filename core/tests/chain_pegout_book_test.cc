// PegOutBook (core/chain/pegout_book.h): burns become pending requests, a proposal moves
// them to `proposed` and marks its outpoints spent, the signed payment (a real 3-of-5
// federation spend) pays them; every rejection names its reason; the book is a value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/tests/federation_test_keys.h"
#include "core/bitcoin/address.h"
#include "core/bitcoin/federation.h"
#include "core/chain/block.h"
#include "core/chain/limits.h"
#include "core/chain/pegout_book.h"
#include "core/crypto/schnorr.h"
#include "core/execution/ledger_tx.h"

namespace alys {
namespace {

constexpr std::size_t kMembers = 5;
constexpr std::int64_t kDust = 546;

SecretKey member_key(std::size_t i) { return alys::testing::federation_member_key(i); }
Federation make_federation() { return alys::testing::federation_of_members(kMembers); }

// A regtest segwit address: v0 (20-byte program) or v1 (32-byte program).
std::string regtest_address(std::uint8_t seed, std::uint8_t version = 0) {
  WitnessProgram wp{version, Bytes(version == 0 ? 20 : 32, seed)};
  auto a = encode_segwit_address(BitcoinNetwork::kRegtest, wp);
  EXPECT_TRUE(a.has_value());
  return a.has_value() ? *a : std::string{};
}

Bytes script_of(const std::string& address) {
  auto wp = decode_segwit_address(BitcoinNetwork::kRegtest, address);
  EXPECT_TRUE(wp.has_value()) << address;
  return wp.has_value() ? witness_program_script(*wp) : Bytes{};
}

Wei wei(std::int64_t sats, std::uint64_t extra_wei = 0) {
  auto v = Wei::from_sat(static_cast<std::uint64_t>(sats)).checked_add(Wei::from_u64(extra_wei));
  EXPECT_TRUE(v.has_value());
  return *v;
}

// A burn. Its signature does not matter to the book (the ledger checked it).
LedgerTx burn(std::uint8_t sender, std::uint64_t nonce, Wei value, std::string address) {
  LedgerTx tx;
  tx.kind = LedgerTxKind::kPegOut;
  tx.sender_key.fill(sender);
  tx.nonce = nonce;
  tx.value = value;
  tx.fee = Wei::from_u64(21000);
  tx.bitcoin_address = std::move(address);
  return tx;
}

LedgerTx transfer(std::uint8_t sender, std::uint64_t nonce) {
  LedgerTx tx;
  tx.kind = LedgerTxKind::kTransfer;
  tx.sender_key.fill(sender);
  tx.nonce = nonce;
  tx.to[19] = 0x42;
  tx.value = wei(5000);
  tx.fee = Wei::from_u64(21000);
  return tx;
}

OutPoint outpoint(std::uint8_t n, std::uint32_t vout = 0) {
  OutPoint o;
  o.txid.data()[0] = 0xb7;
  o.txid.data()[1] = n;
  o.vout = vout;
  return o;
}

struct Input {
  OutPoint prevout;
  std::int64_t value = 0;
};

struct Payee {
  Hash256 id;
  std::string address;
  std::int64_t sats = 0;
};

Payee payee_of(const PegOutRequest& r) { return Payee{r.tx_hash, r.bitcoin_address, r.sats}; }

// The valid proposal paying `payees` (in this order) from `inputs`: each payment is its
// request less its fee share, the change (if any) is inputs - requested, to the federation.
PegOutProposal valid_proposal(const Federation& fed, const std::vector<Payee>& payees,
                              const std::vector<Input>& inputs, std::int64_t fee) {
  PegOutProposal p;
  p.tx.version = 2;
  p.tx.lock_time = 0;
  std::int64_t in_sum = 0;
  for (const Input& in : inputs) {
    TxIn txin;
    txin.prevout = in.prevout;
    txin.sequence = 0xfffffffd;
    p.tx.inputs.push_back(txin);
    p.input_values.push_back(in.value);
    in_sum += in.value;
  }
  std::vector<std::int64_t> sats;
  std::int64_t requested = 0;
  for (const Payee& py : payees) {
    sats.push_back(py.sats);
    requested += py.sats;
    p.request_ids.push_back(py.id);
  }
  const std::vector<std::int64_t> amounts = payment_amounts_after_fee(sats, fee);
  for (std::size_t i = 0; i < payees.size(); ++i) {
    p.tx.outputs.push_back(TxOut{amounts[i], script_of(payees[i].address)});
  }
  if (in_sum > requested) p.tx.outputs.push_back(TxOut{in_sum - requested, fed.script_pubkey()});
  return p;
}

// The proposal's transaction signed by `signers` (member indices; exactly the threshold for
// assemble_witness), each signing over `signed_values` as the spent amounts (the proposal's
// own input values unless given).
Transaction sign_proposal(const Federation& fed, const PegOutProposal& p,
                          const std::vector<std::size_t>& signers,
                          std::optional<std::vector<std::int64_t>> signed_values = std::nullopt) {
  const std::vector<std::int64_t> values = signed_values ? *signed_values : p.input_values;
  std::vector<TxOut> spent;
  for (std::int64_t v : values) spent.push_back(TxOut{v, fed.script_pubkey()});
  Transaction tx = p.tx;
  std::vector<std::vector<Bytes>> witnesses;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    auto msg = fed.sighash(tx, i, spent);
    EXPECT_TRUE(msg.has_value());
    if (!msg) return tx;
    std::vector<std::optional<SchnorrSignature>> sigs(kMembers);
    for (std::size_t m : signers) {
      Hash256 aux;
      aux.data()[0] = static_cast<std::uint8_t>(m);
      aux.data()[1] = static_cast<std::uint8_t>(i);
      sigs[m] = SchnorrSigner(member_key(m)).sign(msg->view(), aux);
    }
    auto w = fed.assemble_witness(sigs);
    EXPECT_TRUE(w.has_value()) << (w ? "" : w.error().message());
    if (!w) return tx;
    witnesses.push_back(*w);
  }
  // Witnesses go in only after every sighash (they do not change it, but keep it plain).
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) tx.inputs[i].witness = witnesses[i];
  return tx;
}

ConsensusBlock make_block(std::uint64_t height) {
  ConsensusBlock b;
  b.height = height;
  b.slot = height;
  b.parent_hash.data()[0] = static_cast<std::uint8_t>(height);
  return b;
}

bool same_book(const PegOutBook& a, const PegOutBook& b) {
  if (a.pending() != b.pending() || a.spent() != b.spent() ||
      a.requested_sats() != b.requested_sats() || a.paid_sats() != b.paid_sats() ||
      a.paid_count() != b.paid_count() || a.proposed().size() != b.proposed().size()) {
    return false;
  }
  for (const auto& [id, p] : a.proposed()) {
    auto it = b.proposed().find(id);
    if (it == b.proposed().end() || !(it->second.proposal == p.proposal) ||
        it->second.requests != p.requests || it->second.height != p.height) {
      return false;
    }
  }
  return true;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- free functions ---------------------------------------------------------------------

TEST(PegOutBookFee, SplitsEvenlyWithTheRemainderOnTheFirst) {
  const std::vector<std::int64_t> sats{100000, 200000, 300000};
  EXPECT_EQ(payment_amounts_after_fee(sats, 10), (std::vector<std::int64_t>{99996, 199997, 299997}));
  EXPECT_EQ(payment_amounts_after_fee(sats, 0), sats);
  EXPECT_EQ(payment_amounts_after_fee(sats, 2), (std::vector<std::int64_t>{99998, 200000, 300000}));
  EXPECT_EQ(payment_amounts_after_fee(sats, 3), (std::vector<std::int64_t>{99999, 199999, 299999}));
  const std::vector<std::int64_t> one{5000};
  EXPECT_EQ(payment_amounts_after_fee(one, 4999), (std::vector<std::int64_t>{1}));
  // Below dust or negative is returned as is: callers check.
  EXPECT_EQ(payment_amounts_after_fee(one, 6000), (std::vector<std::int64_t>{-1000}));
  EXPECT_TRUE(payment_amounts_after_fee(std::vector<std::int64_t>{}, 7).empty());
  // The shares always add up to the fee.
  for (std::int64_t fee = 0; fee < 50; ++fee) {
    const auto out = payment_amounts_after_fee(sats, fee);
    std::int64_t total = 0;
    for (std::size_t i = 0; i < out.size(); ++i) total += sats[i] - out[i];
    EXPECT_EQ(total, fee);
    EXPECT_GE(sats[0] - out[0], sats[1] - out[1]);
    EXPECT_EQ(sats[1] - out[1], sats[2] - out[2]);
  }
}

TEST(PegOutBookRequest, FloorsFractionalSatoshis) {
  const std::string addr = regtest_address(1);
  LedgerTx tx = burn(9, 4, wei(12345, Wei::kPerSat - 1), addr);
  const PegOutRequest r = pegout_request_of(tx);
  EXPECT_EQ(r.sats, 12345);
  EXPECT_EQ(r.value, tx.value);
  EXPECT_EQ(r.tx_hash, ledger_tx_hash(tx));
  EXPECT_EQ(r.sender, account_address(tx.sender_key));
  EXPECT_EQ(r.bitcoin_address, addr);
  EXPECT_EQ(pegout_request_of(burn(9, 5, wei(12345), addr)).sats, 12345);
  EXPECT_EQ(pegout_request_of(burn(9, 6, wei(12345, 1), addr)).sats, 12345);
  EXPECT_EQ(pegout_request_of(burn(9, 7, Wei::from_u64(Wei::kPerSat - 1), addr)).sats, 0);
}

TEST(PegOutBookTouches, OnlyBurnsProposalsAndPayments) {
  ConsensusBlock b = make_block(1);
  EXPECT_FALSE(PegOutBook::touches(b));
  b.payload.transactions.push_back(transfer(1, 0));
  b.pegins.push_back(PegInRef{Hash256{}, Hash256{}, EvmAddress{}, 1000});
  EXPECT_FALSE(PegOutBook::touches(b));
  ConsensusBlock with_burn = b;
  with_burn.payload.transactions.push_back(burn(2, 0, wei(1000), regtest_address(1)));
  EXPECT_TRUE(PegOutBook::touches(with_burn));
  ConsensusBlock with_proposal = b;
  with_proposal.pegout_proposal = PegOutProposal{};
  EXPECT_TRUE(PegOutBook::touches(with_proposal));
  ConsensusBlock with_payment = b;
  with_payment.finalized_pegouts.push_back(Transaction{});
  EXPECT_TRUE(PegOutBook::touches(with_payment));
}

// ---- the book -----------------------------------------------------------------------------

class PegOutBookTest : public ::testing::Test {
 protected:
  PegOutBookTest() : fed_(make_federation()) {
    rules_.federation = &fed_;
    rules_.network = BitcoinNetwork::kRegtest;
    rules_.dust_sat = kDust;
    addr_a_ = regtest_address(0xa1);
    addr_b_ = regtest_address(0xb2, 1);  // taproot
    addr_c_ = regtest_address(0xc3);
    burn_a_ = burn(0x11, 0, wei(100000, 123), addr_a_);
    burn_b_ = burn(0x22, 0, wei(250000), addr_b_);
    burn_c_ = burn(0x11, 1, wei(70000, Wei::kPerSat - 1), addr_c_);
  }

  // Block 1 carries the three burns (and a transfer the book ignores).
  PegOutBook book1() const {
    ConsensusBlock b = make_block(1);
    b.payload.transactions = {burn_a_, transfer(0x33, 0), burn_b_, burn_c_};
    auto r = PegOutBook{}.apply(b, rules_);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
    return r.has_value() ? *r : PegOutBook{};
  }

  Payee payee(const LedgerTx& burn_tx) const { return payee_of(pegout_request_of(burn_tx)); }

  // Pays B then A (output order follows request_ids, not burn order) from two inputs
  // holding 500000 sat: 350000 requested, 150000 change, fee 1001 (B pays 501, A 500).
  PegOutProposal proposal_ba() const {
    return valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)},
                          {{outpoint(1), 200000}, {outpoint(2, 3), 300000}}, 1001);
  }

  Result<PegOutBook> propose(const PegOutBook& book, const PegOutProposal& p,
                             std::uint64_t height = 2) const {
    ConsensusBlock b = make_block(height);
    b.pegout_proposal = p;
    return book.apply(b, rules_);
  }

  Result<PegOutBook> finalize(const PegOutBook& book, std::vector<Transaction> txs,
                              std::uint64_t height = 3) const {
    ConsensusBlock b = make_block(height);
    b.finalized_pegouts = std::move(txs);
    return book.apply(b, rules_);
  }

  // Asserts the proposal is rejected against `book` with a message containing `want`, and
  // that `book` is unchanged.
  void expect_proposal_rejected(const PegOutBook& book, const PegOutProposal& p,
                                const std::string& want) const {
    const PegOutBook before = book;
    auto r = propose(book, p);
    ASSERT_FALSE(r.has_value()) << "accepted; wanted: " << want;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(contains(r.error().message(), "pegout_proposal: ")) << r.error().message();
    EXPECT_TRUE(contains(r.error().message(), want))
        << "message: " << r.error().message() << "\nwanted: " << want;
    EXPECT_TRUE(same_book(book, before));
  }

  void expect_finalized_rejected(const PegOutBook& book, std::vector<Transaction> txs,
                                 const std::string& want) const {
    const PegOutBook before = book;
    auto r = finalize(book, std::move(txs));
    ASSERT_FALSE(r.has_value()) << "accepted; wanted: " << want;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(contains(r.error().message(), want))
        << "message: " << r.error().message() << "\nwanted: " << want;
    EXPECT_TRUE(same_book(book, before));
  }

  Federation fed_;
  PegOutRules rules_;
  std::string addr_a_, addr_b_, addr_c_;
  LedgerTx burn_a_, burn_b_, burn_c_;
};

TEST_F(PegOutBookTest, BurnsBecomePendingInBurnOrder) {
  const PegOutBook empty;
  const PegOutBook book = book1();
  ASSERT_EQ(book.pending().size(), 3u);
  EXPECT_EQ(book.pending()[0], pegout_request_of(burn_a_));
  EXPECT_EQ(book.pending()[1], pegout_request_of(burn_b_));
  EXPECT_EQ(book.pending()[2], pegout_request_of(burn_c_));
  EXPECT_EQ(book.pending()[0].sats, 100000);  // 123 wei dropped
  EXPECT_EQ(book.pending()[2].sats, 70000);   // 10^10 - 1 wei dropped
  EXPECT_EQ(book.pending_sats(), 420000);
  EXPECT_EQ(book.requested_sats(), 420000);
  EXPECT_EQ(book.proposed_sats(), 0);
  EXPECT_TRUE(book.proposed().empty());
  EXPECT_TRUE(book.spent().empty());
  EXPECT_EQ(book.paid_sats(), 0);
  EXPECT_EQ(book.paid_count(), 0u);
  // Value semantics: the book applied to is untouched.
  EXPECT_TRUE(empty.pending().empty());
  EXPECT_EQ(empty.requested_sats(), 0);
}

TEST_F(PegOutBookTest, ProposeThenPayEndToEnd) {
  const PegOutBook b1 = book1();
  const PegOutProposal p = proposal_ba();
  ASSERT_EQ(p.tx.outputs.size(), 3u);
  EXPECT_EQ(p.tx.outputs[0].value, 250000 - 501);
  EXPECT_EQ(p.tx.outputs[1].value, 100000 - 500);
  EXPECT_EQ(p.tx.outputs[2].value, 150000);

  auto b2 = propose(b1, p, 2);
  ASSERT_TRUE(b2.has_value()) << b2.error().message();
  ASSERT_EQ(b2->pending().size(), 1u);
  EXPECT_EQ(b2->pending()[0], pegout_request_of(burn_c_));
  ASSERT_EQ(b2->proposed().size(), 1u);
  const Hash256 id = txid(p.tx);
  ASSERT_EQ(b2->proposed().count(id), 1u);
  const ProposedPegOut& entry = b2->proposed().at(id);
  EXPECT_EQ(entry.proposal, p);
  EXPECT_EQ(entry.height, 2u);
  ASSERT_EQ(entry.requests.size(), 2u);
  EXPECT_EQ(entry.requests[0], pegout_request_of(burn_b_));
  EXPECT_EQ(entry.requests[1], pegout_request_of(burn_a_));
  EXPECT_EQ(b2->spent(), (std::set<OutPoint>{outpoint(1), outpoint(2, 3)}));
  EXPECT_EQ(b2->proposed_sats(), 350000);
  EXPECT_EQ(b2->pending_sats(), 70000);
  EXPECT_EQ(b2->requested_sats(), 420000);
  EXPECT_EQ(b2->paid_count(), 0u);
  // b1 is unchanged.
  EXPECT_EQ(b1.pending().size(), 3u);
  EXPECT_TRUE(b1.proposed().empty());
  EXPECT_TRUE(b1.spent().empty());

  const Transaction signed_tx = sign_proposal(fed_, p, {0, 2, 4});
  EXPECT_EQ(txid(signed_tx), id);  // witnesses do not change the txid
  for (std::size_t i = 0; i < signed_tx.inputs.size(); ++i) {
    ASSERT_EQ(signed_tx.inputs[i].witness.size(), kMembers + 2);
  }
  auto b3 = finalize(*b2, {signed_tx}, 3);
  ASSERT_TRUE(b3.has_value()) << b3.error().message();
  EXPECT_TRUE(b3->proposed().empty());
  EXPECT_EQ(b3->paid_sats(), 350000);
  EXPECT_EQ(b3->paid_count(), 1u);
  EXPECT_EQ(b3->proposed_sats(), 0);
  EXPECT_EQ(b3->pending_sats(), 70000);
  EXPECT_EQ(b3->requested_sats(), 420000);
  // Paid outpoints stay spent.
  EXPECT_EQ(b3->spent(), (std::set<OutPoint>{outpoint(1), outpoint(2, 3)}));
  // Conservation: requested = pending + proposed + paid.
  EXPECT_EQ(b3->requested_sats(), b3->pending_sats() + b3->proposed_sats() + b3->paid_sats());
  // b2 is unchanged.
  EXPECT_EQ(b2->proposed().size(), 1u);
  EXPECT_EQ(b2->paid_count(), 0u);

  // Paying it again in a later block: no longer awaiting payment.
  expect_finalized_rejected(*b3, {signed_tx}, "not a proposal awaiting payment on this chain");
  // Any other signing quorum is just as good.
  auto other = finalize(*b2, {sign_proposal(fed_, p, {1, 3, 4})});
  ASSERT_TRUE(other.has_value()) << other.error().message();
  EXPECT_EQ(other->paid_sats(), 350000);
}

TEST_F(PegOutBookTest, PayProposeAndBurnInOneBlock) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value()) << b2.error().message();
  // Block 3: pays the first proposal, proposes C (no change: the input holds exactly C's
  // sats), and burns D.
  const LedgerTx burn_d = burn(0x44, 0, wei(60000), regtest_address(0xd4));
  const PegOutProposal pc = valid_proposal(fed_, {payee(burn_c_)}, {{outpoint(7), 70000}}, 400);
  ASSERT_EQ(pc.tx.outputs.size(), 1u);
  EXPECT_EQ(pc.tx.outputs[0].value, 70000 - 400);
  ConsensusBlock b = make_block(3);
  b.finalized_pegouts = {sign_proposal(fed_, proposal_ba(), {0, 1, 2})};
  b.pegout_proposal = pc;
  b.payload.transactions = {burn_d};
  auto b3 = b2->apply(b, rules_);
  ASSERT_TRUE(b3.has_value()) << b3.error().message();
  EXPECT_EQ(b3->paid_sats(), 350000);
  EXPECT_EQ(b3->paid_count(), 1u);
  ASSERT_EQ(b3->proposed().size(), 1u);
  EXPECT_EQ(b3->proposed().count(txid(pc.tx)), 1u);
  EXPECT_EQ(b3->proposed().at(txid(pc.tx)).height, 3u);
  ASSERT_EQ(b3->pending().size(), 1u);
  EXPECT_EQ(b3->pending()[0], pegout_request_of(burn_d));
  EXPECT_EQ(b3->spent().size(), 3u);
  EXPECT_EQ(b3->requested_sats(), 480000);
  EXPECT_EQ(b3->requested_sats(), b3->pending_sats() + b3->proposed_sats() + b3->paid_sats());
}

TEST_F(PegOutBookTest, UntouchedBlockReturnsAnEqualBook) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  ConsensusBlock b = make_block(3);
  b.payload.transactions = {transfer(0x55, 0), transfer(0x55, 1)};
  b.pegins.push_back(PegInRef{Hash256{}, Hash256{}, EvmAddress{}, 5000});
  ASSERT_FALSE(PegOutBook::touches(b));
  auto same = b2->apply(b, rules_);
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(same_book(*same, *b2));
  auto empty = PegOutBook{}.apply(make_block(1), rules_);
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(same_book(*empty, PegOutBook{}));
}

TEST_F(PegOutBookTest, FailureLeavesTheBookUnchangedAndAppliesNothing) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  const PegOutBook snapshot = *b2;
  // A valid payment, a valid burn, and an invalid proposal: the block is invalid as a whole.
  PegOutProposal bad = valid_proposal(fed_, {payee(burn_c_)}, {{outpoint(7), 70000}}, 400);
  bad.tx.lock_time = 1;
  ConsensusBlock b = make_block(3);
  b.finalized_pegouts = {sign_proposal(fed_, proposal_ba(), {0, 1, 2})};
  b.pegout_proposal = bad;
  b.payload.transactions = {burn(0x44, 0, wei(60000), regtest_address(0xd4))};
  auto r = b2->apply(b, rules_);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(contains(r.error().message(), "lock time 1")) << r.error().message();
  EXPECT_TRUE(same_book(*b2, snapshot));
  EXPECT_EQ(b2->proposed().size(), 1u);
  EXPECT_EQ(b2->paid_count(), 0u);
  EXPECT_EQ(b2->pending().size(), 1u);
  // The same block without the bad proposal applies.
  b.pegout_proposal.reset();
  auto ok = b2->apply(b, rules_);
  ASSERT_TRUE(ok.has_value()) << ok.error().message();
  EXPECT_EQ(ok->paid_count(), 1u);
  EXPECT_EQ(ok->pending().size(), 2u);
  EXPECT_TRUE(same_book(*b2, snapshot));
}

// ---- proposal rejections ------------------------------------------------------------------

TEST_F(PegOutBookTest, RejectsRequestNotPending) {
  const PegOutBook b1 = book1();
  Hash256 unknown;
  unknown.data()[5] = 0x99;
  PegOutProposal p = proposal_ba();
  p.request_ids[1] = unknown;
  expect_proposal_rejected(b1, p, "request 1 (" + unknown.to_hex().substr(0, 16) +
                                      "): not pending on this chain");
  // A request burned in the same block is not pending yet (burns join after the proposal).
  const LedgerTx burn_d = burn(0x44, 0, wei(60000), regtest_address(0xd4));
  ConsensusBlock b = make_block(2);
  b.payload.transactions = {burn_d};
  b.pegout_proposal = valid_proposal(fed_, {payee(burn_d)}, {{outpoint(9), 60000}}, 300);
  auto r = b1.apply(b, rules_);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(contains(r.error().message(), "request 0 (")) << r.error().message();
  EXPECT_TRUE(contains(r.error().message(), "not pending on this chain"));
  // A request already proposed is not pending any more.
  auto b2 = propose(b1, proposal_ba());
  ASSERT_TRUE(b2.has_value());
  expect_proposal_rejected(*b2,
                           valid_proposal(fed_, {payee(burn_a_)}, {{outpoint(9), 100000}}, 300),
                           "request 0 (");
}

TEST_F(PegOutBookTest, RejectsTheSameRequestTwice) {
  const PegOutProposal p = valid_proposal(fed_, {payee(burn_a_), payee(burn_a_)},
                                          {{outpoint(1), 200000}}, 1000);
  expect_proposal_rejected(book1(), p, "request 1 (");
  expect_proposal_rejected(book1(), p, "not pending on this chain");
}

TEST_F(PegOutBookTest, RejectsRequestCountOutOfRange) {
  PegOutProposal p = proposal_ba();
  p.request_ids.clear();
  expect_proposal_rejected(book1(), p, "pays 0 requests (want 1..64)");
  p.request_ids.assign(limits::kMaxPegoutPayments + 1, Hash256{});
  expect_proposal_rejected(book1(), p, "pays 65 requests");
}

TEST_F(PegOutBookTest, RejectsWrongVersionOrLockTime) {
  PegOutProposal p = proposal_ba();
  p.tx.version = 1;
  expect_proposal_rejected(book1(), p, "tx: version 1 lock time 0 (want 2 and 0)");
  p = proposal_ba();
  p.tx.lock_time = 500;
  expect_proposal_rejected(book1(), p, "tx: version 2 lock time 500 (want 2 and 0)");
}

TEST_F(PegOutBookTest, RejectsSignedInputs) {
  PegOutProposal p = proposal_ba();
  p.tx.inputs[1].witness = {Bytes(64, 1)};
  expect_proposal_rejected(book1(), p, "input 1: not unsigned (scriptSig or witness present)");
  p = proposal_ba();
  p.tx.inputs[0].script_sig = Bytes{0x51};
  expect_proposal_rejected(book1(), p, "input 0: not unsigned");
  // A fully signed transaction is no proposal either.
  p = proposal_ba();
  p.tx = sign_proposal(fed_, p, {0, 1, 2});
  expect_proposal_rejected(book1(), p, "input 0: not unsigned");
}

TEST_F(PegOutBookTest, RejectsInputValueCountMismatch) {
  PegOutProposal p = proposal_ba();
  p.input_values.pop_back();
  expect_proposal_rejected(book1(), p, "2 inputs, 1 input values (want equal, 1..200)");
  p = proposal_ba();
  p.input_values.push_back(1000);
  expect_proposal_rejected(book1(), p, "2 inputs, 3 input values");
  p = proposal_ba();
  p.tx.inputs.clear();
  p.input_values.clear();
  expect_proposal_rejected(book1(), p, "0 inputs, 0 input values");
}

TEST_F(PegOutBookTest, RejectsDoubleSpendAcrossProposals) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  // C from a fresh input and outpoint(2, 3), which the first proposal already spends.
  const PegOutProposal p = valid_proposal(fed_, {payee(burn_c_)},
                                          {{outpoint(8), 1000}, {outpoint(2, 3), 300000}}, 500);
  expect_proposal_rejected(*b2, p, "input 1: " + outpoint(2).txid.to_hex().substr(0, 16) +
                                       ":3 is already spent by a proposal of this chain");
  // Still spent once that proposal is paid.
  auto b3 = finalize(*b2, {sign_proposal(fed_, proposal_ba(), {2, 3, 4})});
  ASSERT_TRUE(b3.has_value()) << b3.error().message();
  expect_proposal_rejected(*b3, p, "is already spent by a proposal of this chain");
  // The same outpoint with another vout is a different coin.
  const PegOutProposal fresh =
      valid_proposal(fed_, {payee(burn_c_)}, {{outpoint(8), 1000}, {outpoint(2, 4), 300000}}, 500);
  auto ok = propose(*b3, fresh, 4);
  ASSERT_TRUE(ok.has_value()) << ok.error().message();
  EXPECT_EQ(ok->spent().size(), 4u);
}

TEST_F(PegOutBookTest, RejectsTheSameOutpointTwiceInOneProposal) {
  const PegOutProposal p = valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)},
                                          {{outpoint(1), 200000}, {outpoint(1), 300000}}, 1001);
  expect_proposal_rejected(book1(), p, "input 1: ");
  expect_proposal_rejected(book1(), p, "is already spent by a proposal of this chain");
}

TEST_F(PegOutBookTest, RejectsPaymentToAnotherAddress) {
  PegOutProposal p = proposal_ba();
  p.tx.outputs[1].script_pubkey = script_of(addr_c_);
  expect_proposal_rejected(book1(), p, "output 1: does not pay the request's address");
  // Swapping the two payments (right amounts per slot, wrong addresses).
  p = proposal_ba();
  std::swap(p.tx.outputs[0].script_pubkey, p.tx.outputs[1].script_pubkey);
  expect_proposal_rejected(book1(), p, "output 0: does not pay the request's address");
  // Paying to the federation instead.
  p = proposal_ba();
  p.tx.outputs[0].script_pubkey = fed_.script_pubkey();
  expect_proposal_rejected(book1(), p, "output 0: does not pay the request's address");
}

TEST_F(PegOutBookTest, RejectsPaymentIgnoringTheFeeSplit) {
  // The fee's remainder on the last payment instead of the first: same fee, B one sat more.
  PegOutProposal p = proposal_ba();
  p.tx.outputs[0].value += 1;
  p.tx.outputs[1].value -= 1;
  expect_proposal_rejected(
      book1(), p, "output 0: 249500 sat (want 250000 sat less its fee share: 249499, at least 546)");
  // One payment off by one with the change making up for it (same fee): the change is
  // checked first, and must be exactly inputs - requested sats.
  p = proposal_ba();
  p.tx.outputs[1].value -= 1;
  p.tx.outputs[2].value += 1;
  expect_proposal_rejected(book1(), p, "change: 150001 sat (want 150000 sat to the federation");
  // The whole fee on one payment.
  p = proposal_ba();
  p.tx.outputs[0].value = 250000 - 1001;
  p.tx.outputs[1].value = 100000;
  expect_proposal_rejected(book1(), p, "output 0: 248999 sat");
}

TEST_F(PegOutBookTest, RejectsChangeOffByOne) {
  // The change must be exactly inputs - requested sats (checked before the payments).
  PegOutProposal p = proposal_ba();
  p.tx.outputs[2].value += 1;
  expect_proposal_rejected(book1(), p, "change: 150001 sat (want 150000 sat to the federation");
  p = proposal_ba();
  p.tx.outputs[2].value -= 1;
  expect_proposal_rejected(book1(), p, "change: 149999 sat (want 150000 sat to the federation");
  // Change not to the federation.
  p = proposal_ba();
  p.tx.outputs[2].script_pubkey = script_of(addr_c_);
  expect_proposal_rejected(book1(), p,
                           "change: 150000 sat (want 150000 sat to the federation, at least 546)");
}

TEST_F(PegOutBookTest, RejectsMissingOrExtraChange) {
  PegOutProposal p = proposal_ba();
  p.tx.outputs.pop_back();  // the change goes to fees instead
  expect_proposal_rejected(book1(), p, "2 outputs (want 3: one per request then the change)");
  // Inputs exactly the requests: no change output allowed.
  p = valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)}, {{outpoint(1), 350000}}, 1001);
  ASSERT_EQ(p.tx.outputs.size(), 2u);
  auto ok = propose(book1(), p);
  ASSERT_TRUE(ok.has_value()) << ok.error().message();
  p.tx.outputs.push_back(TxOut{0, fed_.script_pubkey()});
  expect_proposal_rejected(book1(), p, "3 outputs (want 2: one per request)");
}

TEST_F(PegOutBookTest, RejectsChangeBelowDust) {
  // Inputs hold 100 sat more than requested: a change of 100 is exact but dust.
  const PegOutProposal p =
      valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)}, {{outpoint(1), 350100}}, 1001);
  ASSERT_EQ(p.tx.outputs.size(), 3u);
  ASSERT_EQ(p.tx.outputs[2].value, 100);
  expect_proposal_rejected(book1(), p, "change: 100 sat (want 100 sat to the federation, at least 546)");
  // Exactly dust is fine.
  auto ok = propose(book1(), valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)},
                                            {{outpoint(1), 350000 + kDust}}, 1001));
  ASSERT_TRUE(ok.has_value()) << ok.error().message();
}

TEST_F(PegOutBookTest, RejectsPaymentBelowDust) {
  // A's request of 100000 sat less a fee share of 99500 leaves 500 < 546.
  const PegOutProposal p =
      valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)}, {{outpoint(1), 350000}}, 199000);
  expect_proposal_rejected(book1(), p, "output 1: 500 sat (want 100000 sat less its fee share: 500, at least 546)");
}

TEST_F(PegOutBookTest, RejectsOutputsExceedingInputs) {
  // No change (inputs = requests), B paid one sat more than requested: a fee of -1.
  PegOutProposal p =
      valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)}, {{outpoint(1), 350000}}, 0);
  p.tx.outputs[0].value += 1;
  expect_proposal_rejected(book1(), p, "outputs exceed inputs by 1 sat");
  // Inputs below the requests.
  p = valid_proposal(fed_, {payee(burn_b_), payee(burn_a_)}, {{outpoint(1), 349999}}, 0);
  expect_proposal_rejected(book1(), p, "inputs hold 349999 sat, the requests ask 350000");
}

TEST_F(PegOutBookTest, RejectsOutputValuesOutOfRange) {
  // Values no Bitcoin transaction holds must be refused before they are summed.
  PegOutProposal p = proposal_ba();
  p.tx.outputs[0].value = std::numeric_limits<std::int64_t>::max();
  p.tx.outputs[1].value = std::numeric_limits<std::int64_t>::max();
  expect_proposal_rejected(book1(), p,
                           "output 0: 9223372036854775807 sat is outside 0..2100000000000000");
  p = proposal_ba();
  p.tx.outputs[1].value = -1;
  expect_proposal_rejected(book1(), p, "output 1: -1 sat is outside");
  p = proposal_ba();
  p.tx.outputs[0].value = std::numeric_limits<std::int64_t>::min();
  expect_proposal_rejected(book1(), p, "output 0: -9223372036854775808 sat is outside");
  p = proposal_ba();
  p.input_values[0] = 0;
  expect_proposal_rejected(book1(), p, "input 0: value 0 sat is outside 1..2100000000000000");
  p = proposal_ba();
  p.input_values[1] = std::numeric_limits<std::int64_t>::max();
  expect_proposal_rejected(book1(), p, "input 1: value 9223372036854775807 sat is outside");
  // A negative value another input makes up for (the sum would be right).
  p = proposal_ba();
  p.input_values = {-100, 500100};
  expect_proposal_rejected(book1(), p, "input 0: value -100 sat is outside");
}

TEST_F(PegOutBookTest, RequestWithUnpayableAddressStaysPending) {
  // A mainnet address and garbage: burns the book accepts, that no proposal can pay.
  auto main_addr = encode_segwit_address(BitcoinNetwork::kMainnet, WitnessProgram{0, Bytes(20, 7)});
  ASSERT_TRUE(main_addr.has_value());
  const LedgerTx burn_m = burn(0x66, 0, wei(90000), *main_addr);
  const LedgerTx burn_g = burn(0x66, 1, wei(80000), "not an address");
  ConsensusBlock b = make_block(2);
  b.payload.transactions = {burn_m, burn_g};
  auto b2 = book1().apply(b, rules_);
  ASSERT_TRUE(b2.has_value());
  EXPECT_EQ(b2->pending().size(), 5u);
  PegOutProposal p = valid_proposal(fed_, {}, {{outpoint(1), 90000}}, 300);
  p.request_ids = {ledger_tx_hash(burn_m)};
  p.tx.outputs.insert(p.tx.outputs.begin(),
                      TxOut{89700, witness_program_script(WitnessProgram{0, Bytes(20, 7)})});
  p.tx.outputs.pop_back();  // the "change" valid_proposal added for the unpaid input
  expect_proposal_rejected(*b2, p, "output 0: request's address: ");
  p.request_ids = {ledger_tx_hash(burn_g)};
  p.input_values = {80000};
  p.tx.outputs[0].value = 79700;
  expect_proposal_rejected(*b2, p, "output 0: request's address: ");
  EXPECT_EQ(b2->pending().size(), 5u);
}

// ---- payment rejections -------------------------------------------------------------------

TEST_F(PegOutBookTest, RejectsPaymentOfUnknownTxid) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  // Signed, but not what was proposed (a different change amount).
  PegOutProposal other = proposal_ba();
  other.tx.outputs[2].value -= 10;
  const Transaction tx = sign_proposal(fed_, other, {0, 1, 2});
  expect_finalized_rejected(*b2, {tx}, "finalized_pegout 0: txid " + txid(tx).to_hex().substr(0, 16) +
                                           ": not a proposal awaiting payment on this chain");
  // Nothing proposed at all.
  expect_finalized_rejected(book1(), {sign_proposal(fed_, proposal_ba(), {0, 1, 2})},
                            "not a proposal awaiting payment on this chain");
  // A payment in the same block as its proposal: payments are checked against the parent.
  ConsensusBlock b = make_block(2);
  b.pegout_proposal = proposal_ba();
  b.finalized_pegouts = {sign_proposal(fed_, proposal_ba(), {0, 1, 2})};
  auto r = book1().apply(b, rules_);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(contains(r.error().message(), "finalized_pegout 0: txid")) << r.error().message();
}

TEST_F(PegOutBookTest, RejectsPaymentBelowThreshold) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  Transaction tx = sign_proposal(fed_, proposal_ba(), {0, 2, 4});
  // Drop member 2's signature from input 1: 2 of 5 there (slots are in reverse key order).
  ASSERT_FALSE(tx.inputs[1].witness[kMembers - 1 - 2].empty());
  tx.inputs[1].witness[kMembers - 1 - 2].clear();
  expect_finalized_rejected(*b2, {tx},
                            "finalized_pegout 0: federation input 1: 2 signatures, exactly 3 required");
  // No witness at all.
  Transaction unsigned_tx = proposal_ba().tx;
  expect_finalized_rejected(*b2, {unsigned_tx}, "finalized_pegout 0: federation input 0: 0 witness items");
  // Four signatures: more than the threshold is refused too (exactly m, as Alys).
  Transaction four = sign_proposal(fed_, proposal_ba(), {0, 2, 4});
  const Transaction other = sign_proposal(fed_, proposal_ba(), {1, 2, 3});
  four.inputs[0].witness[kMembers - 1 - 1] = other.inputs[0].witness[kMembers - 1 - 1];
  expect_finalized_rejected(*b2, {four}, "federation input 0: 4 signatures, exactly 3 required");
}

TEST_F(PegOutBookTest, RejectsPaymentSignedOverOtherInputValues) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  // The members signed as if input 0 held 200001 sat: BIP-341 commits to every spent
  // amount, so no input's signatures verify against the proposal's stated values.
  const Transaction tx =
      sign_proposal(fed_, proposal_ba(), {0, 1, 2}, std::vector<std::int64_t>{200001, 300000});
  EXPECT_EQ(txid(tx), txid(proposal_ba().tx));
  expect_finalized_rejected(*b2, {tx}, "finalized_pegout 0: federation input 0: item ");
  expect_finalized_rejected(*b2, {tx}, "signature does not verify");
  // Signatures of one input moved to another do not verify either.
  Transaction swapped = sign_proposal(fed_, proposal_ba(), {0, 1, 2});
  std::swap(swapped.inputs[0].witness, swapped.inputs[1].witness);
  expect_finalized_rejected(*b2, {swapped}, "signature does not verify");
}

TEST_F(PegOutBookTest, RejectsTheSamePaymentTwiceInOneBlock) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  const Transaction a = sign_proposal(fed_, proposal_ba(), {0, 1, 2});
  const Transaction b = sign_proposal(fed_, proposal_ba(), {2, 3, 4});  // other signers
  expect_finalized_rejected(*b2, {a, a}, "finalized_pegout 1: txid ");
  expect_finalized_rejected(*b2, {a, b}, "finalized_pegout 1: txid " + txid(a).to_hex().substr(0, 16) +
                                             ": not a proposal awaiting payment on this chain");
}

TEST_F(PegOutBookTest, PaysTwoProposalsInOneBlock) {
  auto b2 = propose(book1(), proposal_ba(), 2);
  ASSERT_TRUE(b2.has_value());
  const PegOutProposal pc =
      valid_proposal(fed_, {payee(burn_c_)}, {{outpoint(5), 40000}, {outpoint(6), 40000}}, 700);
  auto b3 = propose(*b2, pc, 3);
  ASSERT_TRUE(b3.has_value()) << b3.error().message();
  EXPECT_EQ(b3->proposed().size(), 2u);
  EXPECT_EQ(b3->proposed_sats(), 420000);
  EXPECT_TRUE(b3->pending().empty());
  auto b4 = finalize(*b3, {sign_proposal(fed_, pc, {0, 3, 4}), sign_proposal(fed_, proposal_ba(), {1, 2, 3})}, 4);
  ASSERT_TRUE(b4.has_value()) << b4.error().message();
  EXPECT_TRUE(b4->proposed().empty());
  EXPECT_EQ(b4->paid_count(), 2u);
  EXPECT_EQ(b4->paid_sats(), 420000);
  EXPECT_EQ(b4->spent().size(), 4u);
  // One bad payment among good ones rejects the block; nothing is paid.
  Transaction bad = sign_proposal(fed_, pc, {0, 3, 4});
  bad.inputs[0].witness[0][5] ^= 1;
  expect_finalized_rejected(*b3, {sign_proposal(fed_, proposal_ba(), {1, 2, 3}), bad},
                            "finalized_pegout 1: federation input 0: ");
}

}  // namespace
}  // namespace alys
