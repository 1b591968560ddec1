// Consensus core of the chain, pure code: the spec and its commitment, the Aura schedule,
// authority approvals (with and without the VerifyCache), check_block_header (one test per
// rule, each breaking exactly that rule) and check_auxpow_header (each field broken in turn).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitcoin/auxpow.h"
#include "core/chain/approval.h"
#include "core/chain/block.h"
#include "core/chain/block_validation.h"
#include "core/chain/chain_spec.h"
#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/tagged_hash.h"
#include "core/crypto/verify_cache.h"
#include "core/tests/test_keys.h"

namespace alys {
namespace {

// Assertion helper (gmock is not linked): `text` contains `fragment`.
::testing::AssertionResult has_substr(const std::string& text, std::string_view fragment) {
  if (text.find(fragment) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << fragment << "'";
}

constexpr std::uint8_t kKeyPatterns[4] = {0x11, 0x22, 0x33, 0x44};

using test::key_of;

KeyBytes xonly_of(std::uint8_t pattern) { return key_of(pattern).xonly_public_key().bytes(); }

ChainSpec four_authority_spec() {
  ChainSpec spec;
  for (std::uint8_t p : kKeyPatterns) spec.authorities.push_back(xonly_of(p));
  return spec;
}

Hash256 some_hash(std::string_view label) { return tagged_hash("test/hash", as_bytes(label)); }

Approval approve(std::uint32_t signer_pattern_index, std::uint32_t claimed_index,
                 const Hash256& hash) {
  return sign_approval(SchnorrSigner(key_of(kKeyPatterns[signer_pattern_index])), claimed_index,
                       hash, Hash256{});
}

// ---------------------------------------------------------------------------------------
// Aura schedule
// ---------------------------------------------------------------------------------------

TEST(AuraSchedule, ProposerRotatesRoundRobinOverSlots) {
  const ChainSpec spec = four_authority_spec();
  for (std::uint64_t slot = 0; slot < 40; ++slot) {
    EXPECT_EQ(aura_proposer(spec, slot), slot % 4) << "slot " << slot;
  }
  // Each authority proposes exactly once in any 4 consecutive slots.
  for (std::uint64_t start = 0; start < 10; ++start) {
    std::array<int, 4> count{};
    for (std::uint64_t s = start; s < start + 4; ++s) ++count[aura_proposer(spec, s)];
    EXPECT_EQ(count, (std::array<int, 4>{1, 1, 1, 1}));
  }
  EXPECT_EQ(aura_proposer(spec, 1'000'000'000'003ULL), 3u);
  ChainSpec one = spec;
  one.authorities.resize(1);
  for (std::uint64_t slot = 0; slot < 5; ++slot) EXPECT_EQ(aura_proposer(one, slot), 0u);
  ChainSpec three = spec;
  three.authorities.resize(3);
  EXPECT_EQ(aura_proposer(three, 3), 0u);
  EXPECT_EQ(aura_proposer(three, 5), 2u);
}

TEST(AuraSchedule, SlotBoundaries) {
  ChainSpec spec = four_authority_spec();
  spec.slot_duration_ms = 2000;
  EXPECT_EQ(aura_slot(spec, 0), 0u);
  EXPECT_EQ(aura_slot(spec, 1), 0u);
  EXPECT_EQ(aura_slot(spec, 1999), 0u);
  EXPECT_EQ(aura_slot(spec, 2000), 1u);
  EXPECT_EQ(aura_slot(spec, 2001), 1u);
  EXPECT_EQ(aura_slot(spec, 3999), 1u);
  EXPECT_EQ(aura_slot(spec, 4000), 2u);
  EXPECT_EQ(aura_slot(spec, -1), 0u);
  EXPECT_EQ(aura_slot(spec, -5000), 0u);
  EXPECT_EQ(aura_slot(spec, 1'700'000'000'000LL), 850'000'000u);
  spec.slot_duration_ms = 5000;
  EXPECT_EQ(aura_slot(spec, 4999), 0u);
  EXPECT_EQ(aura_slot(spec, 5000), 1u);
}

TEST(AuraSchedule, MsUntilNextSlotAtBoundaries) {
  ChainSpec spec = four_authority_spec();
  spec.slot_duration_ms = 2000;
  EXPECT_EQ(ms_until_next_slot(spec, 0), 2000);
  EXPECT_EQ(ms_until_next_slot(spec, 1), 1999);
  EXPECT_EQ(ms_until_next_slot(spec, 1999), 1);
  EXPECT_EQ(ms_until_next_slot(spec, 2000), 2000);
  EXPECT_EQ(ms_until_next_slot(spec, 2001), 1999);
  EXPECT_EQ(ms_until_next_slot(spec, -1), 1);
  EXPECT_EQ(ms_until_next_slot(spec, -2000), 2000);
  EXPECT_EQ(ms_until_next_slot(spec, -1999), 1999);
  EXPECT_EQ(ms_until_next_slot(spec, -2001), 1);
}

RC_GTEST_PROP(AuraScheduleProperty, MsUntilNextSlotLandsOnTheNextBoundary, ()) {
  ChainSpec spec;
  spec.slot_duration_ms = *rc::gen::inRange<std::uint64_t>(1, 60'000);
  const auto d = static_cast<std::int64_t>(spec.slot_duration_ms);
  const std::int64_t t = *rc::gen::inRange<std::int64_t>(-1'000'000'000'000LL, 4'000'000'000'000LL);
  const std::int64_t wait = ms_until_next_slot(spec, t);
  RC_ASSERT(wait >= 1);
  RC_ASSERT(wait <= d);
  RC_ASSERT(((t + wait) % d + d) % d == 0);
  if (t >= 0) {
    RC_ASSERT(aura_slot(spec, t + wait) == aura_slot(spec, t) + 1);
    RC_ASSERT(aura_slot(spec, t + wait - 1) == aura_slot(spec, t));
  }
}

// ---------------------------------------------------------------------------------------
// Spec commitment and genesis
// ---------------------------------------------------------------------------------------

TEST(ChainSpecCommitment, DeterministicForEqualSpecs) {
  const ChainSpec a = four_authority_spec();
  const ChainSpec b = four_authority_spec();
  EXPECT_EQ(spec_commitment(a), spec_commitment(b));
  EXPECT_FALSE(spec_commitment(a).is_zero());
}

TEST(ChainSpecCommitment, ChangesWithEveryCommittedField) {
  const ChainSpec base = four_authority_spec();
  const Hash256 c = spec_commitment(base);
  std::vector<std::pair<std::string, ChainSpec>> variants;
  {
    ChainSpec s = base;
    s.chain_id += 1;
    variants.emplace_back("chain_id", s);
  }
  {
    ChainSpec s = base;
    s.slot_duration_ms = 4000;
    variants.emplace_back("slot_duration_ms", s);
  }
  {
    ChainSpec s = base;
    std::swap(s.authorities[1], s.authorities[2]);
    variants.emplace_back("authority order", s);
  }
  {
    ChainSpec s = base;
    s.authorities.pop_back();
    variants.emplace_back("one authority fewer", s);
  }
  {
    ChainSpec s = base;
    s.authorities[3] = xonly_of(0x55);
    variants.emplace_back("other authority key", s);
  }
  {
    ChainSpec s = base;
    s.max_blocks_without_pow = 10'000;
    variants.emplace_back("max_blocks_without_pow", s);
  }
  std::vector<Hash256> seen{c};
  for (const auto& [what, spec] : variants) {
    const Hash256 v = spec_commitment(spec);
    EXPECT_NE(v, c) << what;
    for (const Hash256& other : seen) EXPECT_NE(v, other) << what << " collides";
    seen.push_back(v);
  }
}

TEST(ChainSpecCommitment, GenesisCarriesCommitmentAsParent) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 root = some_hash("state root");
  const SignedBlock g = make_genesis(spec, root);
  EXPECT_EQ(g.block.parent_hash, spec_commitment(spec));
  EXPECT_EQ(g.block.height, 0u);
  EXPECT_EQ(g.block.slot, 0u);
  EXPECT_EQ(g.block.payload.state_root, root);
  EXPECT_TRUE(g.block.payload.transactions.empty());
  EXPECT_TRUE(g.approvals.empty());
  EXPECT_FALSE(g.block.auxpow_header.has_value());
  // Two nodes with different specs disagree on the genesis hash.
  ChainSpec other = spec;
  other.chain_id = 1;
  EXPECT_NE(block_hash(make_genesis(other, root).block), block_hash(g.block));
  EXPECT_EQ(block_hash(make_genesis(spec, root).block), block_hash(g.block));
}

// ---------------------------------------------------------------------------------------
// Approvals
// ---------------------------------------------------------------------------------------

TEST(ChainApproval, ValidApprovalPasses) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  for (std::uint32_t i = 0; i < 4; ++i) {
    const Approval a = approve(i, i, h);
    EXPECT_EQ(a.authority_index, i);
    const Status s = check_approval(spec, h, a);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }
}

TEST(ChainApproval, SignatureIsBip340OverApprovalMessage) {
  const Hash256 h = some_hash("block");
  const Approval a = approve(2, 2, h);
  auto sig = SchnorrSignature::from_bytes(ByteView{a.signature.data(), a.signature.size()});
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(schnorr_verify(key_of(kKeyPatterns[2]).xonly_public_key(),
                             approval_message(h).view(), *sig));
  EXPECT_FALSE(schnorr_verify(key_of(kKeyPatterns[2]).xonly_public_key(), h.view(), *sig));
  EXPECT_NE(approval_message(h), h);
}

TEST(ChainApproval, WrongIndexFails) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  const Approval a = approve(1, 2, h);  // authority 1 signs, claims to be authority 2
  const Status s = check_approval(spec, h, a);
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(has_substr(s.message(), "bad signature"));
  EXPECT_TRUE(has_substr(s.message(), "2"));
}

TEST(ChainApproval, SignatureByKeyOutsideFederationFails) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  const Approval a =
      sign_approval(SchnorrSigner(key_of(0x77)), 0, h, Hash256{});  // not an authority
  const Status s = check_approval(spec, h, a);
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(has_substr(s.message(), "authority 0"));
}

TEST(ChainApproval, SignatureOverAnotherHashFails) {
  const ChainSpec spec = four_authority_spec();
  const Approval a = approve(3, 3, some_hash("other block"));
  const Status s = check_approval(spec, some_hash("block"), a);
  ASSERT_FALSE(s.is_ok());
  EXPECT_TRUE(has_substr(s.message(), "bad signature of authority 3"));
}

TEST(ChainApproval, IndexOutOfRangeFails) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  for (std::uint32_t index : {4u, 5u, 0xffffffffu}) {
    Approval a = approve(0, index, h);
    const Status s = check_approval(spec, h, a);
    ASSERT_FALSE(s.is_ok());
    EXPECT_TRUE(has_substr(s.message(), "out of range"));
    EXPECT_TRUE(has_substr(s.message(), std::to_string(index)));
  }
}

TEST(ChainApproval, GarbageSignatureBytesFail) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  Approval zero;
  zero.authority_index = 1;
  EXPECT_FALSE(check_approval(spec, h, zero).is_ok());
  Approval ff;
  ff.authority_index = 1;
  ff.signature.fill(0xff);
  EXPECT_FALSE(check_approval(spec, h, ff).is_ok());
}

TEST(ChainApproval, CacheSecondCheckIsAHitWithIdenticalResult) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  VerifyCache cache(64);
  const Approval good = approve(1, 1, h);
  const Status first = check_approval(spec, h, good, &cache);
  EXPECT_TRUE(first.is_ok());
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.misses(), 1u);
  const Status second = check_approval(spec, h, good, &cache);
  EXPECT_TRUE(second.is_ok());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);

  // A failing approval is also remembered, and fails the same way.
  const Approval bad = approve(1, 2, h);
  const Status bad1 = check_approval(spec, h, bad, &cache);
  const Status bad2 = check_approval(spec, h, bad, &cache);
  EXPECT_FALSE(bad1.is_ok());
  EXPECT_EQ(bad1.to_string(), bad2.to_string());
  EXPECT_EQ(bad1.to_string(), check_approval(spec, h, bad).to_string());
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(ChainApproval, TamperedSignatureNeverGetsTheCachedOk) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  VerifyCache cache(64);
  const Approval good = approve(0, 0, h);
  ASSERT_TRUE(check_approval(spec, h, good, &cache).is_ok());
  for (std::size_t byte : {0u, 31u, 32u, 63u}) {
    Approval tampered = good;
    tampered.signature[byte] ^= 0x01;
    const std::uint64_t misses = cache.misses();
    EXPECT_FALSE(check_approval(spec, h, tampered, &cache).is_ok()) << "byte " << byte;
    EXPECT_EQ(cache.misses(), misses + 1) << "byte " << byte;
  }
  // Same signature, other block hash: not the cached ok either.
  EXPECT_FALSE(check_approval(spec, some_hash("other"), good, &cache).is_ok());
  // Same signature bytes under another authority index (another key).
  Approval moved = good;
  moved.authority_index = 1;
  EXPECT_FALSE(check_approval(spec, h, moved, &cache).is_ok());
  // The original is still ok (a hit).
  const std::uint64_t hits = cache.hits();
  EXPECT_TRUE(check_approval(spec, h, good, &cache).is_ok());
  EXPECT_EQ(cache.hits(), hits + 1);
}

TEST(ChainApproval, CacheSharedAcrossSpecsKeysOnTheAuthorityKey) {
  // Index 0 names different keys in two specs: a cached ok under one spec must not
  // pass the same approval under the other.
  const ChainSpec spec = four_authority_spec();
  ChainSpec rotated = spec;
  std::rotate(rotated.authorities.begin(), rotated.authorities.begin() + 1,
              rotated.authorities.end());
  const Hash256 h = some_hash("block");
  VerifyCache cache(64);
  const Approval a = approve(0, 0, h);
  ASSERT_TRUE(check_approval(spec, h, a, &cache).is_ok());
  EXPECT_FALSE(check_approval(rotated, h, a, &cache).is_ok());
  EXPECT_TRUE(check_approval(rotated, h, approve(0, 3, h), &cache).is_ok());
}

TEST(ChainApproval, ASignatureMadeWithTheCacheIsCheckedByLookupAlone) {
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  VerifyCache cache(64);
  const Approval a =
      sign_approval(SchnorrSigner(key_of(kKeyPatterns[2])), 2, h, Hash256{}, &cache);
  EXPECT_EQ(cache.size(), 1u);
  const SchnorrOpCounts before = schnorr_op_counts();
  EXPECT_TRUE(check_approval(spec, h, a, &cache).is_ok());
  EXPECT_EQ(schnorr_op_counts().verifies, before.verifies);  // no verification ran
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 0u);
}

TEST(ChainApproval, AMadeSignatureUnderTheWrongIndexOrBlockIsStillVerifiedAndFails) {
  // The memo entry is keyed by the signer's own key: a node whose key is not the one the
  // spec names for its index, or a signature moved to another block, misses and fails.
  const ChainSpec spec = four_authority_spec();
  const Hash256 h = some_hash("block");
  VerifyCache cache(64);
  const Approval wrong_index =
      sign_approval(SchnorrSigner(key_of(kKeyPatterns[1])), 2, h, Hash256{}, &cache);
  const Approval outsider = sign_approval(SchnorrSigner(key_of(0x77)), 0, h, Hash256{}, &cache);
  const Approval elsewhere =
      sign_approval(SchnorrSigner(key_of(kKeyPatterns[3])), 3, some_hash("other"), Hash256{},
                    &cache);
  const SchnorrOpCounts before = schnorr_op_counts();
  EXPECT_FALSE(check_approval(spec, h, wrong_index, &cache).is_ok());
  EXPECT_FALSE(check_approval(spec, h, outsider, &cache).is_ok());
  EXPECT_FALSE(check_approval(spec, h, elsewhere, &cache).is_ok());
  EXPECT_EQ(schnorr_op_counts().verifies, before.verifies + 3);
  EXPECT_EQ(cache.hits(), 0u);
}

// ---------------------------------------------------------------------------------------
// check_block_header
// ---------------------------------------------------------------------------------------

class ChainValidationHeader : public ::testing::Test {
 protected:
  ChainValidationHeader()
      : spec_(four_authority_spec()),
        genesis_(make_genesis(spec_, some_hash("genesis state"))),
        genesis_hash_(block_hash(genesis_.block)),
        genesis_info_{genesis_hash_, 0, 0} {}

  // A block on `parent` at `slot`, signed by the given authorities (by pattern index, each
  // claiming its own index), in that order. Default: the slot's proposer only.
  SignedBlock make_block(const ParentInfo& parent, std::uint64_t slot,
                         std::vector<std::uint32_t> signers = {}) const {
    SignedBlock b;
    b.block.parent_hash = parent.hash;
    b.block.height = parent.height + 1;
    b.block.slot = slot;
    b.block.payload.state_root = some_hash("state");
    if (signers.empty()) signers.push_back(aura_proposer(spec_, slot));
    sign(b, signers);
    return b;
  }
  static void sign(SignedBlock& b, const std::vector<std::uint32_t>& signers) {
    const Hash256 h = block_hash(b.block);
    b.approvals.clear();
    for (std::uint32_t i : signers) b.approvals.push_back(approve(i, i, h));
  }
  Status check(const SignedBlock& b, const ParentInfo& parent, std::uint64_t local_slot,
               VerifyCache* cache = nullptr) const {
    return check_block_header(spec_, b, block_hash(b.block), parent, local_slot, cache);
  }
  static void expect_rejected(const Status& s, std::string_view fragment) {
    ASSERT_FALSE(s.is_ok()) << "expected a rejection naming '" << fragment << "'";
    EXPECT_TRUE(has_substr(s.message(), std::string(fragment)));
  }

  ChainSpec spec_;
  SignedBlock genesis_;
  Hash256 genesis_hash_;
  ParentInfo genesis_info_;
};

TEST_F(ChainValidationHeader, ValidBlocksPass) {
  // Proposer alone, proposer plus a quorum, all four authorities.
  for (const auto& signers : std::vector<std::vector<std::uint32_t>>{{1}, {1, 0, 2}, {1, 3, 2, 0}}) {
    const SignedBlock b = make_block(genesis_info_, 1, signers);
    const Status s = check(b, genesis_info_, 1);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }
}

TEST_F(ChainValidationHeader, ValidChainWithSlotGapsPasses) {
  ParentInfo parent = genesis_info_;
  std::uint64_t slot = 0;
  for (std::uint64_t step : {1u, 1u, 3u, 1u, 7u, 2u, 1u, 4u}) {
    slot += step;
    const SignedBlock b = make_block(parent, slot, {aura_proposer(spec_, slot),
                                                    (aura_proposer(spec_, slot) + 1) % 4});
    const Status s = check(b, parent, slot);
    ASSERT_TRUE(s.is_ok()) << "slot " << slot << ": " << s.to_string();
    parent = ParentInfo{block_hash(b.block), b.block.height, b.block.slot};
  }
  EXPECT_EQ(parent.height, 8u);
}

TEST_F(ChainValidationHeader, ParentMismatchRejected) {
  SignedBlock b = make_block(genesis_info_, 1);
  b.block.parent_hash = some_hash("elsewhere");
  sign(b, {1});
  expect_rejected(check(b, genesis_info_, 1), "parent");
}

TEST_F(ChainValidationHeader, WrongHeightRejected) {
  for (std::uint64_t height : {0u, 2u, 100u}) {
    SignedBlock b = make_block(genesis_info_, 1);
    b.block.height = height;
    sign(b, {1});
    expect_rejected(check(b, genesis_info_, 1), "height");
  }
}

TEST_F(ChainValidationHeader, SlotNotAboveParentRejected) {
  const SignedBlock b1 = make_block(genesis_info_, 5);
  ASSERT_TRUE(check(b1, genesis_info_, 5).is_ok());
  const ParentInfo p1{block_hash(b1.block), 1, 5};
  for (std::uint64_t slot : {5u, 4u, 0u}) {
    const SignedBlock b2 = make_block(p1, slot);
    const Status s = check(b2, p1, 10);
    expect_rejected(s, "slot");
    EXPECT_TRUE(has_substr(s.message(), "not above parent"));
  }
  EXPECT_TRUE(check(make_block(p1, 6), p1, 10).is_ok());
}

TEST_F(ChainValidationHeader, OneSlotAheadAcceptedTwoRejectedAsFromTheFuture) {
  const std::uint64_t local = 10;
  EXPECT_TRUE(check(make_block(genesis_info_, local - 1), genesis_info_, local).is_ok());
  EXPECT_TRUE(check(make_block(genesis_info_, local), genesis_info_, local).is_ok());
  EXPECT_TRUE(check(make_block(genesis_info_, local + 1), genesis_info_, local).is_ok());
  const Status s = check(make_block(genesis_info_, local + 2), genesis_info_, local);
  expect_rejected(s, "slot");
  EXPECT_TRUE(has_substr(s.message(), "from the future"));
  expect_rejected(check(make_block(genesis_info_, local + 1000), genesis_info_, local),
                  "from the future");
}

TEST_F(ChainValidationHeader, NoApprovalsRejected) {
  SignedBlock b = make_block(genesis_info_, 1);
  b.approvals.clear();
  expect_rejected(check(b, genesis_info_, 1), "approvals");
}

TEST_F(ChainValidationHeader, WrongProposerRejected) {
  // Slot 1 belongs to authority 1; authority 2 signs validly as itself.
  const Status s = check(make_block(genesis_info_, 1, {2}), genesis_info_, 1);
  expect_rejected(s, "proposer");
  EXPECT_TRUE(has_substr(s.message(), "belongs to 1"));
}

TEST_F(ChainValidationHeader, ProposerPresentButNotFirstRejected) {
  expect_rejected(check(make_block(genesis_info_, 1, {0, 1}), genesis_info_, 1), "proposer");
}

TEST_F(ChainValidationHeader, ProposerSignatureByAnotherKeyRejected) {
  SignedBlock b = make_block(genesis_info_, 1);
  b.approvals[0] = approve(2, 1, block_hash(b.block));  // claims index 1, key of 2
  const Status s = check(b, genesis_info_, 1);
  expect_rejected(s, "bad signature");
  EXPECT_TRUE(has_substr(s.message(), "authority 1"));
  EXPECT_TRUE(has_substr(s.message(), "block"));
}

TEST_F(ChainValidationHeader, ApprovalOverAnotherHashRejected) {
  SignedBlock b = make_block(genesis_info_, 1, {1, 2});
  b.approvals[1] = approve(2, 2, some_hash("other block"));
  expect_rejected(check(b, genesis_info_, 1), "bad signature of authority 2");
}

TEST_F(ChainValidationHeader, SignaturesDoNotCarryOverToAModifiedBlock) {
  SignedBlock b = make_block(genesis_info_, 1, {1, 2});
  b.block.payload.state_root = some_hash("other state");  // approvals now sign a stale hash
  expect_rejected(check(b, genesis_info_, 1), "bad signature");
}

TEST_F(ChainValidationHeader, ApprovalIndexOutOfRangeRejected) {
  SignedBlock b = make_block(genesis_info_, 1, {1});
  b.approvals.push_back(approve(2, 4, block_hash(b.block)));
  expect_rejected(check(b, genesis_info_, 1), "out of range");
}

TEST_F(ChainValidationHeader, DuplicatedApproverRejected) {
  const SignedBlock b = make_block(genesis_info_, 1, {1, 3, 3});
  const Status s = check(b, genesis_info_, 1);
  expect_rejected(s, "approvals");
  EXPECT_TRUE(has_substr(s.message(), "authority 3 twice"));
  // The proposer twice.
  expect_rejected(check(make_block(genesis_info_, 1, {1, 1}), genesis_info_, 1), "twice");
}

TEST_F(ChainValidationHeader, MoreApprovalsThanAuthoritiesRejected) {
  const SignedBlock b = make_block(genesis_info_, 1, {1, 0, 2, 3, 0});
  expect_rejected(check(b, genesis_info_, 1), "more than authorities");
}

TEST_F(ChainValidationHeader, TooManyTransactionsRejected) {
  spec_.max_txs_per_block = 3;
  SignedBlock b = make_block(genesis_info_, 1);
  b.block.payload.transactions.resize(3);
  sign(b, {1});
  {
    const Status s = check(b, genesis_info_, 1);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }
  b.block.payload.transactions.resize(4);
  sign(b, {1});
  const Status s = check(b, genesis_info_, 1);
  expect_rejected(s, "payload");
  EXPECT_TRUE(has_substr(s.message(), "4 txs above limit 3"));
}

TEST_F(ChainValidationHeader, CacheGivesSameVerdictAndHitsOnRecheck) {
  VerifyCache cache(64);
  const SignedBlock good = make_block(genesis_info_, 1, {1, 2, 3});
  ASSERT_TRUE(check(good, genesis_info_, 1, &cache).is_ok());
  EXPECT_EQ(cache.misses(), 3u);
  ASSERT_TRUE(check(good, genesis_info_, 1, &cache).is_ok());
  EXPECT_EQ(cache.hits(), 3u);

  SignedBlock bad = good;
  bad.approvals[2].signature[5] ^= 0x40;
  const Status with_cache = check(bad, genesis_info_, 1, &cache);
  const Status without = check(bad, genesis_info_, 1);
  ASSERT_FALSE(with_cache.is_ok());
  EXPECT_EQ(with_cache.to_string(), without.to_string());
  EXPECT_TRUE(has_substr(with_cache.message(), "authority 3"));
}

// ---------------------------------------------------------------------------------------
// check_auxpow_header
// ---------------------------------------------------------------------------------------

class ChainValidationAuxPow : public ::testing::Test {
 protected:
  static constexpr std::uint32_t kBits = 0x207fffff;

  ChainValidationAuxPow() : spec_(four_authority_spec()) {
    // A chain of 5 unfinalized blocks after genesis (finalized), heights 1..5.
    const SignedBlock genesis = make_genesis(spec_, Hash256{});
    Hash256 parent = block_hash(genesis.block);
    finalized_hash_ = parent;
    for (std::uint64_t h = 1; h <= 5; ++h) {
      ConsensusBlock b;
      b.parent_hash = parent;
      b.height = h;
      b.slot = h;
      parent = block_hash(b);
      unfinalized_.push_back(parent);
    }
  }

  PowContext context() const { return PowContext{unfinalized_, 1, kBits}; }

  AuxPow mine(const Hash256& aux_hash, std::uint32_t bits = kBits) const {
    AuxPowBuildParams p;
    p.aux_hash = aux_hash;
    p.chain_id = spec_.chain_id;
    p.parent_chain_id = 1;
    p.bits = bits;
    auto r = build_auxpow(p);
    EXPECT_TRUE(r.has_value()) << r.error().to_string();
    return *r;
  }

  // A valid header finalizing unfinalized_[0 ..= k].
  AuxPowHeader header_for(std::size_t k) const {
    AuxPowHeader h;
    h.range_start = unfinalized_[0];
    h.range_end = unfinalized_[k];
    h.bits = kBits;
    h.chain_id = spec_.chain_id;
    h.height = 1 + k;
    h.auxpow = mine(auxpow_aggregate_hash(std::span<const Hash256>(unfinalized_).first(k + 1)));
    return h;
  }

  static void expect_rejected(const Status& s, std::string_view fragment) {
    ASSERT_FALSE(s.is_ok()) << "expected a rejection naming '" << fragment << "'";
    EXPECT_TRUE(has_substr(s.message(), std::string(fragment)));
  }

  ChainSpec spec_;
  Hash256 finalized_hash_;
  std::vector<Hash256> unfinalized_;
};

TEST_F(ChainValidationAuxPow, FullRangeIsValid) {
  const Status s = check_auxpow_header(spec_, header_for(4), context());
  EXPECT_TRUE(s.is_ok()) << s.to_string();
}

TEST_F(ChainValidationAuxPow, StrictPrefixOfTheRangeIsValid) {
  for (std::size_t k = 0; k < 4; ++k) {
    const Status s = check_auxpow_header(spec_, header_for(k), context());
    EXPECT_TRUE(s.is_ok()) << "k=" << k << ": " << s.to_string();
  }
}

TEST_F(ChainValidationAuxPow, MissingAuxPowRejected) {
  AuxPowHeader h = header_for(4);
  h.auxpow.reset();
  expect_rejected(check_auxpow_header(spec_, h, context()), "auxpow: missing");
}

TEST_F(ChainValidationAuxPow, RangeStartNotFirstUnfinalizedRejected) {
  AuxPowHeader h = header_for(4);
  for (const Hash256& start : {unfinalized_[1], finalized_hash_, some_hash("nowhere")}) {
    h.range_start = start;
    expect_rejected(check_auxpow_header(spec_, h, context()), "range_start");
  }
}

TEST_F(ChainValidationAuxPow, EmptyUnfinalizedRangeRejected) {
  const AuxPowHeader h = header_for(0);
  const PowContext empty{std::span<const Hash256>{}, 6, kBits};
  expect_rejected(check_auxpow_header(spec_, h, empty), "range_start");
}

TEST_F(ChainValidationAuxPow, RangeEndNotInRangeRejected) {
  AuxPowHeader h = header_for(4);
  for (const Hash256& end : {finalized_hash_, some_hash("nowhere")}) {
    h.range_end = end;
    expect_rejected(check_auxpow_header(spec_, h, context()), "range_end");
  }
  // A range of 3 known blocks does not contain the 4th.
  AuxPowHeader prefix = header_for(2);
  prefix.range_end = unfinalized_[3];
  prefix.height = 4;
  const PowContext shorter{std::span<const Hash256>(unfinalized_).first(3), 1, kBits};
  expect_rejected(check_auxpow_header(spec_, prefix, shorter), "range_end");
}

TEST_F(ChainValidationAuxPow, WrongHeightRejected) {
  AuxPowHeader h = header_for(2);
  for (std::uint64_t height : {0u, 2u, 4u, 5u}) {
    h.height = height;
    const Status s = check_auxpow_header(spec_, h, context());
    expect_rejected(s, "height");
    EXPECT_TRUE(has_substr(s.message(), "expected 3"));
  }
}

TEST_F(ChainValidationAuxPow, WrongChainIdRejected) {
  AuxPowHeader h = header_for(4);
  h.chain_id = spec_.chain_id + 1;
  expect_rejected(check_auxpow_header(spec_, h, context()), "chain_id");
}

TEST_F(ChainValidationAuxPow, WrongBitsRejected) {
  AuxPowHeader h = header_for(4);
  h.bits = 0x207ffffe;
  expect_rejected(check_auxpow_header(spec_, h, context()), "bits");
  // The header is right but the chain expects other bits.
  PowContext ctx = context();
  ctx.expected_bits = 0x1d00ffff;
  expect_rejected(check_auxpow_header(spec_, header_for(4), ctx), "bits");
}

TEST_F(ChainValidationAuxPow, AuxPowCommittingToAnotherHashRejected) {
  AuxPowHeader h = header_for(4);
  h.auxpow = mine(some_hash("another bundle"));
  expect_rejected(check_auxpow_header(spec_, h, context()), "commitment");
  // Committing to the whole range while claiming a prefix.
  AuxPowHeader prefix = header_for(2);
  prefix.auxpow = header_for(4).auxpow;
  expect_rejected(check_auxpow_header(spec_, prefix, context()), "commitment");
  // Committing to a prefix while claiming the whole range.
  AuxPowHeader whole = header_for(4);
  whole.auxpow = header_for(2).auxpow;
  expect_rejected(check_auxpow_header(spec_, whole, context()), "commitment");
}

TEST_F(ChainValidationAuxPow, ParentBlockWithOurChainIdRejected) {
  // A parent chain id is the version's upper 16 bits: use a chain id that fits.
  spec_.chain_id = 0x62;
  AuxPowHeader h = header_for(4);
  ASSERT_TRUE(check_auxpow_header(spec_, h, context()).is_ok());
  h.auxpow->parent_header.version =
      static_cast<std::int32_t>((spec_.chain_id << 16) | (h.auxpow->parent_header.version & 0xffff));
  expect_rejected(check_auxpow_header(spec_, h, context()), "chain id");
}

TEST_F(ChainValidationAuxPow, ParentBlockNotMeetingBitsRejected) {
  // Mined for the easy target, claimed (and expected) at a hard one.
  constexpr std::uint32_t kHard = 0x1d00ffff;
  AuxPowHeader h = header_for(4);
  h.bits = kHard;
  PowContext ctx = context();
  ctx.expected_bits = kHard;
  expect_rejected(check_auxpow_header(spec_, h, ctx), "target");
}

}  // namespace
}  // namespace alys
