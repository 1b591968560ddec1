// AuxPoW: real merged-mining data from Alys's own tests (Namecoin block 19200 mined by
// Bitcoin; Marathon and CoordiScan mainnet coinbases with output commitments), the builder,
// and one targeted mutation per validation rule.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/bitcoin/auxpow.h"
#include "core/bitcoin/merkle.h"
#include "core/bitcoin/pow.h"
#include "core/crypto/sha256.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

using test::display_hash;
using test::hex_bytes;

// namecoin-cli getblockheader d8a7c3e0…903d false: 80-byte header then the AuxPoW.
constexpr char kNamecoin19200Header[] =
    "0101010036909ac07a1673daf65fa7d828882e66c9e89f8546cdd50a9fb10000000000000f5c6549bcd608ab7c4e"
    "ac593e5bd5a73b2d432eb63518708f778fc7dcdfaf888d1a904e69b2001b00000000010000000100000000000000"
    "00000000000000000000000000000000000000000000000000ffffffff35045dee091a014d522cfabe6d6dd8a7c3"
    "e01e1e95bcee015e6fcc7583a2ca60b79e5a3aa0a171eddd344ada903d0100000000000000ffffffff0160a0102a"
    "01000000434104f8bbe97ed2acbc5bba11c68f6f1a0313f918f3d3c0e8475055e351e3bf442f8c8dcee682d2457b"
    "dc5351b70dd9e34026766eba18b06eaee2e102efd1ab634667ac000000000000000000000000000000000000000000"
    "00000000000000000000000000000005050ac4a1a1e1bce0c48e555b1a9f935281968c72d6379b24729ca0425a3f"
    "c3cb433cd348b35ea22806cf21c7b146489aef6989551eb5ad2373ab6121060f30341d648757c0217d43e66c57ea"
    "ed64fc1820ec65d157f33b741965183a5e0c8506ac2602dfe2f547012d1cc75004d48f97aba46bd9930ff285c9f2"
    "76f5bd09f356df19724579d65ec7cb62bf97946dfc6fb0e3b2839b7fdab37cdb60e55122d35b0000000000000000"
    "000100000008be13295c03e67cb70d00dae81ea06e78b9014e5ceb7d9ba504000000000000e0fd42db8ef6d783f0"
    "79d126bea12e2d10c104c0927cd68f954d856f9e8111e59a23904e5dee091a1c655086";

TEST(AuxPow, NamecoinBlock19200DecodesAndItsBranchesHold) {
  const Bytes raw = hex_bytes(kNamecoin19200Header);
  ByteReader r(raw);
  auto header = read_block_header(r);
  ASSERT_TRUE(header.has_value());
  auto auxpow = read_auxpow(r);
  ASSERT_TRUE(auxpow.has_value()) << auxpow.error().to_string();
  EXPECT_TRUE(r.empty());
  // Namecoin's own header hash is the aux hash the parent coinbase commits to.
  EXPECT_EQ(block_hash(*header).to_display_hex(),
            "d8a7c3e01e1e95bcee015e6fcc7583a2ca60b79e5a3aa0a171eddd344ada903d");
  ASSERT_EQ(auxpow->coinbase_branch.hashes.size(), 5u);
  EXPECT_EQ(auxpow->coinbase_branch.hashes[0].to_display_hex(),
            "cbc33f5a42a09c72249b37d6728c968152939f1a5b558ec4e0bce1a1a1c40a05");
  EXPECT_TRUE(auxpow->chain_branch.hashes.empty());
  // The coinbase really is in the Bitcoin parent block.
  EXPECT_EQ(auxpow->coinbase_branch.fold(txid(auxpow->coinbase)), auxpow->parent_header.merkle_root);
  // The parent block met Namecoin's target 0x000000000000b269… (difficulty 94035.9).
  const Uint256 target =
      Uint256::from_le_bytes(display_hash("000000000000b269000000000000000000000000000000000000000000000000"));
  EXPECT_TRUE(check_auxpow_pow(*auxpow, encode_compact(target)).is_ok());
  // Namecoin commits in the coinbase scriptSig, which Alys does not accept: only outputs.
  EXPECT_EQ(validate_auxpow(*auxpow, block_hash(*header), 1), AuxPowError::kCoinbaseOutputs);
  // Round trip.
  ByteWriter w;
  write_block_header(w, *header);
  write_auxpow(w, *auxpow);
  EXPECT_EQ(w.data(), raw);
}

TEST(AuxPow, MainnetPoolCoinbasesCarryOutputCommitments) {
  struct Case {
    const char* tx;
    const char* root;  // Alys's test expectation, as rust-bitcoin deserializes it
  };
  const Case cases[] = {
      // Marathon, Bitcoin block 00000000000000000002f3cb…
      {"010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff2f03"
       "bd7e0c04721566652f7a7a616d78632f76649b3c094f135bf4b83108c14ea85f12edd2045a0075000000ffffff"
       "ffffffffff039df4662700000000160014b6f3cfc20084e3b9f0d12b0e6f9da8fcbcf5a2d90000000000000000"
       "266a24aa21a9edb211480d24c30a0d4df77d79618af9f03c2bb0dced634e7b152af2247a9ca99c000000000000"
       "00002cfabe6d6da62edaca27060f885a1935a8f9f4401e65a6c9d936a5a9fb384a0b9fae07a983010000000000"
       "000001200000000000000000000000000000000000000000000000000000000000000000173d850d",
       "83a907ae9f0b4a38fba9a536d9c9a6651e40f4f9a835195a880f0627cada2ea6"},
      // CoordiScan block 16908
      {"01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff3c0349a0"
       "0c04a29fb3652f4d41524120506f6f6c202876313232373233292f76649b3c094f135bf4b83108c14ea85f12e9"
       "a6e4aa00dd000000ffffffffffffffff037e27f826000000001976a9142fc701e2049ee4957b07134b6c1d771d"
       "d5a96b2188ac0000000000000000266a24aa21a9edd13261ee69d05e4d79610862cd3a6feb09b43a39c5d26cae"
       "63ca0a6501d87d4900000000000000002cfabe6d6daf39e487e7b11bf65932284dcb85290d874a76f00b3619ca"
       "b549c551fed68f7a01000000000000006dc56f97",
       "7a8fd6fe51c549b5ca19360bf0764a870d2985cb4d283259f61bb1e787e439af"},
  };
  for (const auto& c : cases) {
    auto tx = parse_transaction(hex_bytes(c.tx));
    ASSERT_TRUE(tx.has_value()) << tx.error().to_string();
    EXPECT_TRUE(tx->is_coinbase());
    // Alys reverses the committed bytes into its BlockHash; our chain_root keeps them natural.
    const Hash256 root = display_hash(c.root);
    MergedMiningCommitment found;
    EXPECT_EQ(find_merged_mining_commitment(*tx, root, found), AuxPowError::kNone);
    EXPECT_EQ(found.merkle_size, 1u);
    EXPECT_EQ(found.merkle_nonce, 0u);
    // Output 2 does not match and there is no output 3: Alys's CoinbaseInvalidOutputs.
    EXPECT_EQ(find_merged_mining_commitment(*tx, Hash256{}, found), AuxPowError::kCoinbaseOutputs);
  }
}

TEST(AuxPow, ExpectedIndexFollowsAlys) {
  // Height 0 always gives 0; Alys reduces mod 2^h after each step.
  EXPECT_EQ(auxpow_expected_index(12345, 7, 0), 0u);
  const std::uint64_t m = 1u << 4;
  std::uint64_t r = (std::uint64_t{99} * 1103515245u + 12345u) % m;
  r = ((r + 3) * 1103515245u + 12345u) % m;
  EXPECT_EQ(auxpow_expected_index(99, 3, 4), r);
}

TEST(AuxPow, AggregateHashIsSha256dOfConcatenation) {
  const Hash256 a = test::hash_hex(std::string(64, 'a'));
  const Hash256 b = test::hash_hex(std::string(64, 'b'));
  const Hash256 pair[] = {a, b};
  EXPECT_EQ(auxpow_aggregate_hash(pair), sha256d_pair(a, b));
}

AuxPowBuildParams default_params() {
  AuxPowBuildParams p;
  p.aux_hash = test::hash_hex("11223344556677889900aabbccddeeff00112233445566778899aabbccddeeff");
  p.chain_id = 121212 & 0xffff;
  p.parent_chain_id = 1;
  p.bits = 0x207fffff;
  p.extra_parent_txids = {test::hash_hex(std::string(64, '5')), test::hash_hex(std::string(64, '6'))};
  return p;
}

TEST(AuxPow, BuilderOutputValidatesAndRoundTrips) {
  const auto p = default_params();
  auto a = build_auxpow(p);
  ASSERT_TRUE(a.has_value()) << a.error().to_string();
  EXPECT_EQ(validate_auxpow(*a, p.aux_hash, p.chain_id), AuxPowError::kNone);
  EXPECT_TRUE(check_auxpow(*a, p.aux_hash, p.chain_id).is_ok());
  EXPECT_TRUE(check_auxpow_pow(*a, p.bits).is_ok());
  EXPECT_EQ(a->coinbase_branch.hashes.size(), 2u);
  auto back = parse_auxpow(serialize_auxpow(*a));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, *a);
  // Deterministic.
  auto again = build_auxpow(p);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *a);
}

TEST(AuxPow, BuilderRejectsBadParams) {
  auto p = default_params();
  p.parent_chain_id = p.chain_id;
  EXPECT_FALSE(build_auxpow(p).has_value());
  p = default_params();
  p.bits = 0x04923456;  // negative
  EXPECT_FALSE(build_auxpow(p).has_value());
  p = default_params();
  p.bits = 0x03000001;  // a target of 0: nothing meets it
  p.max_nonce_tries = 10;
  EXPECT_FALSE(build_auxpow(p).has_value());
}

// Re-seals the parent block after a coinbase edit so only the intended rule can fail.
void reseal(AuxPow& a, const AuxPowBuildParams& p) {
  std::vector<Hash256> leaves{txid(a.coinbase)};
  leaves.insert(leaves.end(), p.extra_parent_txids.begin(), p.extra_parent_txids.end());
  a.coinbase_branch.hashes = merkle_branch(leaves, 0);
  a.parent_header.merkle_root = compute_merkle_root(leaves).root;
}

TEST(AuxPow, EachMutationFailsWithItsReason) {
  const auto p = default_params();
  const AuxPow good = *build_auxpow(p);
  auto expect = [&](AuxPow a, AuxPowError want, const char* what) {
    EXPECT_EQ(validate_auxpow(a, p.aux_hash, p.chain_id), want) << what;
  };
  {
    AuxPow a = good;
    a.parent_header.version = static_cast<std::int32_t>(p.chain_id << 16);
    expect(a, AuxPowError::kParentHasChainId, "parent chain id");
  }
  {
    AuxPow a = good;
    a.chain_branch.hashes.assign(31, Hash256{});
    expect(a, AuxPowError::kChainBranchTooLong, "chain branch length");
  }
  {
    AuxPow a = good;
    a.coinbase_branch.side_mask = 1;
    expect(a, AuxPowError::kNotAGenerate, "coinbase side mask");
  }
  {
    AuxPow a = good;
    a.coinbase.outputs[0].value = 1;
    expect(a, AuxPowError::kMerkleRootIncorrect, "coinbase edited");
  }
  {
    AuxPow a = good;
    a.coinbase_branch.hashes[1].data()[0] ^= 1;
    expect(a, AuxPowError::kMerkleRootIncorrect, "coinbase branch");
  }
  {
    AuxPow a = good;
    a.parent_header.merkle_root.data()[0] ^= 1;
    expect(a, AuxPowError::kMerkleRootIncorrect, "parent merkle root");
  }
  {
    AuxPow a = good;
    a.coinbase.outputs.resize(2);
    reseal(a, p);
    expect(a, AuxPowError::kCoinbaseOutputs, "commitment output removed");
  }
  {
    AuxPow a = good;
    a.coinbase.outputs[2].script_pubkey[10] ^= 1;
    a.coinbase.outputs.push_back(TxOut{0, {0x6a}});
    reseal(a, p);
    expect(a, AuxPowError::kMissingCommitment, "commitment hash");
  }
  {
    AuxPow a = good;
    a.coinbase.outputs[2].script_pubkey = merged_mining_commitment(p.aux_hash, 2, 0);
    reseal(a, p);
    expect(a, AuxPowError::kMerkleSizeMismatch, "merkle size");
  }
  {
    // A two-chain tree (height 1) whose side mask disagrees with the committed nonce.
    AuxPow a = good;
    const Hash256 sibling = test::hash_hex(std::string(64, '9'));
    a.chain_branch.hashes = {sibling};
    const std::uint32_t nonce = 7;
    a.chain_branch.side_mask =
        static_cast<std::uint32_t>(auxpow_expected_index(nonce, p.chain_id, 1) ^ 1);
    a.coinbase.outputs[2].script_pubkey =
        merged_mining_commitment(a.chain_branch.fold(p.aux_hash), 2, nonce);
    reseal(a, p);
    expect(a, AuxPowError::kWrongIndex, "chain index");
    a.chain_branch.side_mask ^= 1;
    a.coinbase.outputs[2].script_pubkey =
        merged_mining_commitment(a.chain_branch.fold(p.aux_hash), 2, nonce);
    reseal(a, p);
    expect(a, AuxPowError::kNone, "fixed index");
  }
  // A different aux hash is not committed to (no output 3 to fall back on).
  EXPECT_EQ(validate_auxpow(good, Hash256{}, p.chain_id), AuxPowError::kCoinbaseOutputs);
  // The parent header must meet the bits: a much harder target fails.
  EXPECT_FALSE(check_auxpow_pow(good, 0x1d00ffff).is_ok());
}

RC_GTEST_PROP(AuxPowProperty, BuiltAuxPowValidates, (const std::array<std::uint8_t, 32>& hash,
                                                     std::uint16_t chain_id)) {
  AuxPowBuildParams p;
  p.aux_hash = Hash256(hash);
  p.chain_id = chain_id;
  p.parent_chain_id = chain_id == 1 ? 2 : 1;
  const auto extras = *rc::gen::inRange<std::size_t>(0, 6);
  for (std::size_t i = 0; i < extras; ++i) {
    p.extra_parent_txids.push_back(Hash256(*rc::gen::arbitrary<std::array<std::uint8_t, 32>>()));
  }
  auto a = build_auxpow(p);
  RC_ASSERT(a.has_value());
  RC_ASSERT(validate_auxpow(*a, p.aux_hash, p.chain_id) == AuxPowError::kNone);
  RC_ASSERT(check_auxpow_pow(*a, p.bits).is_ok());
  auto back = parse_auxpow(serialize_auxpow(*a));
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == *a);
}

RC_GTEST_PROP(AuxPowProperty, DecodeMutatedIsTotal, ()) {
  Bytes bytes = serialize_auxpow(*build_auxpow(default_params()));
  const auto n = *rc::gen::inRange(1, 4);
  for (int i = 0; i < n && !bytes.empty(); ++i) {
    const auto pos = *rc::gen::inRange<std::size_t>(0, bytes.size());
    if (*rc::gen::arbitrary<bool>()) {
      bytes[pos] = *rc::gen::arbitrary<std::uint8_t>();
    } else {
      bytes.resize(pos);
    }
  }
  auto a = parse_auxpow(bytes);
  if (!a.has_value()) RC_ASSERT(!a.error().message().empty());
}

}  // namespace
}  // namespace alys
