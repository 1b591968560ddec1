// PegInWatcher: confirmations, reorgs (orphaned before minting, flagged after), the
// report-once rule, importer verification, the view bound and the persisted encoding.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <vector>

#include "core/bitcoin/pegin.h"
#include "core/bridge/pegin_watcher.h"

namespace alys::bridge {
namespace {

const Bytes kFederationScript = {0x51, 0x20, 0xaa, 0xbb, 0xcc};  // any script will do
constexpr std::uint64_t kStart = 100;
constexpr std::uint32_t kConfirmations = 3;

EvmAddress address_of(std::uint8_t n) {
  EvmAddress a{};
  a.fill(0x80);  // not valid UTF-8: read as 20 raw bytes
  a[19] = n;
  return a;
}

// A peg-in transaction, distinct per `n`.
Transaction pegin_tx(std::uint8_t n, std::int64_t amount = 50'000) {
  Transaction tx;
  TxIn in;
  in.prevout.txid.data()[0] = n;
  in.prevout.txid.data()[1] = 0x77;
  in.prevout.vout = n;
  tx.inputs.push_back(in);
  tx.outputs.push_back(TxOut{amount, kFederationScript});
  tx.outputs.push_back(TxOut{0, pegin_op_return_script(address_of(n))});
  return tx;
}

Transaction plain_tx(std::uint8_t n) {
  Transaction tx = pegin_tx(n);
  tx.outputs.pop_back();  // no OP_RETURN: not a peg-in
  return tx;
}

// A block on `prev` with the given transactions; `salt` tells apart siblings.
Block block_on(const Hash256& prev, std::vector<Transaction> txs, std::uint32_t salt = 0) {
  Block b;
  b.header.prev_block = prev;
  b.header.nonce = salt;
  b.transactions = std::move(txs);
  return b;
}

struct Chain {
  PegInWatcher w{kFederationScript, kStart, kConfirmations};
  std::vector<Hash256> hashes;  // hashes[i] = block at kStart + i

  Hash256 tip() const { return hashes.empty() ? Hash256{} : hashes.back(); }
  Hash256 add(std::vector<Transaction> txs = {}, std::uint32_t salt = 0) {
    const Block b = block_on(tip(), std::move(txs), salt);
    EXPECT_TRUE(w.add_block(b).is_ok());
    hashes.push_back(block_hash(b.header));
    return hashes.back();
  }
  void rewind(std::uint64_t height) {
    ASSERT_TRUE(w.rewind_to(height).is_ok());
    hashes.resize(height + 1 - kStart);
  }
};

TEST(PegInWatcher, ConfirmsAfterTheRequiredDepthAndReportsOnce) {
  Chain c;
  c.add();
  const Hash256 b = c.add({plain_tx(1), pegin_tx(2)});
  const Hash256 txid2 = txid(pegin_tx(2));
  ASSERT_NE(c.w.find(txid2), nullptr);
  EXPECT_EQ(c.w.find(txid(plain_tx(1))), nullptr);
  EXPECT_EQ(c.w.find(txid2)->state, PegInState::kSeen);
  EXPECT_TRUE(c.w.advance().empty());  // 1 confirmation
  c.add();
  EXPECT_TRUE(c.w.advance().empty());  // 2
  EXPECT_EQ(c.w.verify(PegInRef{txid2, b}).error().code(), StatusCode::kUnavailable);
  c.add();
  const auto reported = c.w.advance();  // 3
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].txid, txid2);
  EXPECT_EQ(reported[0].evm_address, address_of(2));
  EXPECT_EQ(reported[0].amount_sat, 50'000);
  EXPECT_TRUE(c.w.advance().empty());
  c.add();
  EXPECT_TRUE(c.w.advance().empty());
  ASSERT_EQ(c.w.mintable().size(), 1u);
  const auto mint = c.w.verify(PegInRef{txid2, b});
  ASSERT_TRUE(mint.has_value());
  EXPECT_EQ(*mint, (PegInMint{txid2, address_of(2), 50'000}));
  c.w.mark_minted(txid2);
  EXPECT_TRUE(c.w.mintable().empty());
  EXPECT_EQ(c.w.find(txid2)->state, PegInState::kMinted);
}

TEST(PegInWatcher, AReorgBeforeMintingOrphansAndNeverReportsAgain) {
  Chain c;
  c.add();
  c.add({pegin_tx(3)});
  const Hash256 txid3 = txid(pegin_tx(3));
  c.add();
  c.add();
  ASSERT_EQ(c.w.advance().size(), 1u);
  // Bitcoin reorganises below the deposit's block; the new branch does not hold it.
  c.rewind(kStart);
  EXPECT_EQ(c.w.find(txid3)->state, PegInState::kOrphaned);
  EXPECT_TRUE(c.w.mintable().empty());
  for (int i = 0; i < 5; ++i) c.add({}, 9);
  EXPECT_TRUE(c.w.advance().empty());
  EXPECT_TRUE(c.w.mintable().empty());
  EXPECT_TRUE(c.w.flagged().empty());
  // The deposit reappears in a new block: mintable again after new confirmations, but it
  // was reported once already.
  const Hash256 again = c.add({pegin_tx(3)}, 9);
  EXPECT_EQ(c.w.find(txid3)->state, PegInState::kSeen);
  EXPECT_EQ(c.w.find(txid3)->block_hash, again);
  c.add({}, 9);
  c.add({}, 9);
  EXPECT_TRUE(c.w.advance().empty());
  ASSERT_EQ(c.w.mintable().size(), 1u);
  EXPECT_EQ(c.w.mintable()[0].block_hash, again);
}

TEST(PegInWatcher, AReorgAfterMintingFlagsIt) {
  Chain c;
  c.add({pegin_tx(4)});
  const Hash256 txid4 = txid(pegin_tx(4));
  c.add();
  c.add();
  ASSERT_EQ(c.w.advance().size(), 1u);
  c.w.mark_minted(txid4);
  c.rewind(kStart - 1);  // even the first scanned block goes
  ASSERT_EQ(c.w.flagged().size(), 1u);
  EXPECT_EQ(c.w.flagged()[0].pegin.txid, txid4);
  // Flags stay, even when the deposit is mined again.
  c.add({pegin_tx(4)}, 5);
  EXPECT_EQ(c.w.find(txid4)->state, PegInState::kFlagged);
  EXPECT_EQ(c.w.flagged().size(), 1u);
}

TEST(PegInWatcher, MintedWhileOrphanedHereIsFlagged) {
  Chain c;
  c.add({pegin_tx(5)});
  c.rewind(kStart - 1);
  const Hash256 txid5 = txid(pegin_tx(5));
  EXPECT_EQ(c.w.find(txid5)->state, PegInState::kOrphaned);
  c.w.mark_minted(txid5);  // other nodes' views let the chain mint it
  EXPECT_EQ(c.w.find(txid5)->state, PegInState::kFlagged);
}

TEST(PegInWatcher, VerifyTellsInvalidFromNotYet) {
  Chain c;
  const Hash256 b0 = c.add({pegin_tx(6)});
  c.add();
  c.add();
  c.w.advance();
  // The block is in the view but holds no such peg-in: the claim is wrong.
  const auto wrong = c.w.verify(PegInRef{txid(pegin_tx(7)), b0});
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), StatusCode::kInvalidArgument);
  // A plain tx in the view is not a peg-in either (we never tracked it).
  Hash256 unknown_block;
  unknown_block.data()[5] = 1;
  const auto later = c.w.verify(PegInRef{txid(pegin_tx(6)), unknown_block});
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(c.w.verify(PegInRef{txid(pegin_tx(6)), b0}).has_value());
}

TEST(PegInWatcher, ABlockThatDoesNotBuildOnTheTipChangesNothing) {
  Chain c;
  c.add();
  const Bytes before = c.w.encode();
  Hash256 elsewhere;
  elsewhere.data()[0] = 0x42;
  const Status s = c.w.add_block(block_on(elsewhere, {pegin_tx(8)}));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.w.encode(), before);
}

TEST(PegInWatcher, TheViewIsBoundedAndRefusesToRewindBelowIt) {
  Chain c;
  for (std::size_t i = 0; i < kMaxViewBlocks + 10; ++i) c.add();
  EXPECT_EQ(c.w.lowest_height(), kStart + 10);
  EXPECT_EQ(c.w.next_height(), kStart + kMaxViewBlocks + 10);
  EXPECT_EQ(c.w.rewind_to(kStart + 8).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(c.w.rewind_to(kStart + 9).is_ok());
  EXPECT_EQ(c.w.next_height(), kStart + 10);
}

TEST(PegInWatcher, DecodeRefusesOtherParametersAndBadBytes) {
  Chain c;
  c.add({pegin_tx(9)});
  const Bytes enc = c.w.encode();
  EXPECT_TRUE(PegInWatcher::decode(enc, kFederationScript, kStart, kConfirmations).has_value());
  EXPECT_EQ(PegInWatcher::decode(enc, kFederationScript, kStart + 1, kConfirmations).error().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(PegInWatcher::decode(enc, Bytes{0x51}, kStart, kConfirmations).error().code(),
            StatusCode::kFailedPrecondition);
  for (std::size_t n = 0; n < enc.size(); ++n) {
    const auto r = PegInWatcher::decode(ByteView(enc).first(n), kFederationScript, kStart,
                                        kConfirmations);
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_TRUE(r.error().message().starts_with("bridge state")) << r.error().message();
  }
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_FALSE(PegInWatcher::decode(trailing, kFederationScript, kStart, kConfirmations));
}

// Any sequence of blocks, reorgs and mints: the encoding decodes to an equal watcher, and
// no txid is ever reported twice.
RC_GTEST_PROP(PegInWatcherProperty, EncodingRoundTripsAndReportsAreUnique, ()) {
  Chain c;
  std::vector<Hash256> reported;
  const auto steps = *rc::gen::inRange(1, 60);
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 6) {
      std::vector<Transaction> txs;
      const auto n = *rc::gen::inRange(0, 3);
      for (int k = 0; k < n; ++k) txs.push_back(pegin_tx(*rc::gen::inRange<std::uint8_t>(0, 12)));
      const Block b = block_on(c.tip(), txs, static_cast<std::uint32_t>(i));
      RC_ASSERT(c.w.add_block(b).is_ok());
      c.hashes.push_back(block_hash(b.header));
    } else if (op < 8 && !c.hashes.empty()) {
      const auto keep = *rc::gen::inRange<std::size_t>(0, c.hashes.size());
      RC_ASSERT(c.w.rewind_to(kStart + keep - 1).is_ok());
      c.hashes.resize(keep);
    } else {
      c.w.mark_minted(txid(pegin_tx(*rc::gen::inRange<std::uint8_t>(0, 12))));
    }
    for (const PegIn& p : c.w.advance()) {
      RC_ASSERT(std::find(reported.begin(), reported.end(), p.txid) == reported.end());
      reported.push_back(p.txid);
    }
    const auto back = PegInWatcher::decode(c.w.encode(), kFederationScript, kStart,
                                           kConfirmations);
    RC_ASSERT(back.has_value());
    RC_ASSERT(*back == c.w);
  }
}

}  // namespace
}  // namespace alys::bridge
