// Compact targets and retargeting. Vectors: Bitcoin Core's arith_uint256_tests
// (bignum_SetCompact) and pow_tests (the four CalculateNextWorkRequired cases on mainnet
// history); Alys's own retarget tests (app/src/auxpow_miner.rs) plus worked examples.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <fmt/format.h>

#include "core/bitcoin/alys_retarget.h"
#include "core/bitcoin/pow.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

struct CompactCase {
  std::uint32_t bits;
  const char* hex;             // GetHex() of the decoded value (nullptr: don't check)
  std::uint32_t reencoded;     // GetCompact(negative)
  bool negative;
  bool overflow;
};

// Bitcoin Core src/test/arith_uint256_tests.cpp, bignum_SetCompact.
const CompactCase kCompactCases[] = {
    {0x00000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x00123456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x01003456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x02000056, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x03000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x04000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x00923456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x01803456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x02800056, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x03800000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x04800000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false},
    {0x01123456, "0000000000000000000000000000000000000000000000000000000000000012", 0x01120000, false, false},
    {0x01fedcba, "000000000000000000000000000000000000000000000000000000000000007e", 0x01fe0000, true, false},
    {0x02123456, "0000000000000000000000000000000000000000000000000000000000001234", 0x02123400, false, false},
    {0x03123456, "0000000000000000000000000000000000000000000000000000000000123456", 0x03123456, false, false},
    {0x04123456, "0000000000000000000000000000000000000000000000000000000012345600", 0x04123456, false, false},
    {0x04923456, "0000000000000000000000000000000000000000000000000000000012345600", 0x04923456, true, false},
    {0x05009234, "0000000000000000000000000000000000000000000000000000000092340000", 0x05009234, false, false},
    {0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456, false, false},
    {0xff123456, nullptr, 0, false, true},
};

TEST(Compact, BitcoinCoreSetCompactVectors) {
  int passed = 0;
  for (const auto& c : kCompactCases) {
    SCOPED_TRACE(fmt::format("bits 0x{:08x}", c.bits));
    const CompactTarget t = decode_compact(c.bits);
    EXPECT_EQ(t.negative, c.negative);
    EXPECT_EQ(t.overflow, c.overflow);
    if (c.hex != nullptr) {
      EXPECT_EQ(t.value.to_hex(), c.hex);
      EXPECT_EQ(encode_compact(t.value, c.negative), c.reencoded);
    }
    if (!::testing::Test::HasFailure()) ++passed;
  }
  EXPECT_EQ(passed, 20);
}

struct RetargetCase {
  std::int64_t last_retarget_time;
  std::int64_t last_block_time;
  std::uint32_t last_bits;
  std::uint32_t expected;
};

// Bitcoin Core src/test/pow_tests.cpp (mainnet parameters).
const RetargetCase kRetargetCases[] = {
    {1261130161, 1262152739, 0x1d00ffff, 0x1d00d86a},  // get_next_work (blocks 30240..32255)
    {1231006505, 1233061996, 0x1d00ffff, 0x1d00ffff},  // get_next_work_pow_limit
    {1279008237, 1279297671, 0x1c05a3f4, 0x1c0168fd},  // get_next_work_lower_limit_actual
    {1263163443, 1269211443, 0x1c387f6f, 0x1d00e1fd},  // get_next_work_upper_limit_actual
};

TEST(Retarget, BitcoinCorePowTests) {
  for (const auto& c : kRetargetCases) {
    EXPECT_EQ(bitcoin_next_work_required(c.last_bits, c.last_retarget_time, c.last_block_time,
                                         BitcoinRetargetParams::mainnet()),
              c.expected)
        << "from 0x" << std::hex << c.last_bits;
  }
}

TEST(ProofOfWork, RejectsBadBitsAndHighHashes) {
  const Uint256 limit = decode_compact(0x1d00ffff).value;
  const Hash256 zero;
  EXPECT_TRUE(check_proof_of_work(zero, 0x1d00ffff, limit).is_ok());
  EXPECT_NE(check_proof_of_work(zero, 0x04923456, limit).message().find("negative"),
            std::string::npos);
  EXPECT_NE(check_proof_of_work(zero, 0xff123456, limit).message().find("overflow"),
            std::string::npos);
  EXPECT_NE(check_proof_of_work(zero, 0x00000000, limit).message().find("zero"),
            std::string::npos);
  EXPECT_NE(check_proof_of_work(zero, 0x1e00ffff, limit).message().find("pow limit"),
            std::string::npos);
  Hash256 high;
  high.data()[31] = 0x01;  // 2^248 as a little-endian number
  EXPECT_NE(check_proof_of_work(high, 0x1d00ffff, limit).message().find("above target"),
            std::string::npos);
}

// --- Alys --------------------------------------------------------------------------------

// Alys's own tests use PREV_BITS = 505544640 with pow_target_spacing 100000 and assert
// direction: 150000 blocks -> easier (higher bits), 50000 -> harder.
TEST(AlysRetarget, AlysDirectionTests) {
  AlysRetargetParams p;
  p.pow_target_spacing = 100000;
  p.max_pow_adjustment_pct = 20;
  constexpr std::uint32_t kPrevBits = 505544640;
  const std::uint32_t prev = encode_compact(decode_compact(kPrevBits).value);
  EXPECT_GT(alys_calculate_next_work_required(150000, kPrevBits, p), prev);
  EXPECT_LT(alys_calculate_next_work_required(50000, kPrevBits, p), prev);
}

TEST(AlysRetarget, WorkedExamplesWithChainJsonParams) {
  const AlysRetargetParams p;  // chain.json: spacing 5, max adjustment 20%
  const std::uint32_t bits = 0x1d00ffff;
  const Uint256 target = decode_compact(bits).value;
  auto expect_pct = [&](std::uint32_t blocks, std::uint64_t pct) {
    EXPECT_EQ(alys_calculate_next_work_required(blocks, bits, p),
              encode_compact(target.div_u64(100).saturating_mul_u64(pct)))
        << blocks << " blocks";
  };
  expect_pct(5, 100);   // on schedule: ratio 1.00
  expect_pct(6, 120);   // 1.20
  expect_pct(7, 120);   // 1.40 clamped to 1 + 20%
  expect_pct(4, 20);    // 0.80 -> min(0.80, 0.20): Alys's clamp below 1
  expect_pct(0, 20);    // 0 treated as 1 block -> 0.20
  // Exactly 1.00 still computes (target / 100) * 100, and the truncating division nudges
  // the target down: 0x1d00ffff becomes 0x1d00fffe (faithful to Alys).
  EXPECT_EQ(alys_calculate_next_work_required(5, bits, p), 0x1d00fffeu);
}

TEST(AlysRetarget, RoundsHalfToEvenLikeRustDecimal) {
  AlysRetargetParams p;
  p.pow_target_spacing = 8;
  p.max_pow_adjustment_pct = 155;
  const std::uint32_t bits = 0x1d00ffff;
  const Uint256 target = decode_compact(bits).value;
  // 9/8 = 1.125 -> 1.12 (tie to even); 11/8 = 1.375 -> 1.38 (tie to even).
  EXPECT_EQ(alys_calculate_next_work_required(9, bits, p),
            encode_compact(target.div_u64(100).saturating_mul_u64(112)));
  EXPECT_EQ(alys_calculate_next_work_required(11, bits, p),
            encode_compact(target.div_u64(100).saturating_mul_u64(138)));
}

TEST(AlysRetarget, RetargetHeightsAndPassThrough) {
  const AlysRetargetParams p;  // interval = 60 / 5 = 12
  EXPECT_EQ(p.adjustment_interval(), 12u);
  EXPECT_TRUE(alys_is_retarget_height(24, 1, p));
  EXPECT_FALSE(alys_is_retarget_height(25, 12, p));
  EXPECT_TRUE(alys_is_retarget_height(25, 13, p));
  // Not a retarget height: the last AuxPoW's bits carry over.
  EXPECT_EQ(alys_next_work_required(20, 0x1d00ffff, 25, p), 0x1d00ffffu);
  // Head 24 is a multiple of 12: difference 24 + 1 - 20 = 5 blocks -> ratio 1.00.
  EXPECT_EQ(alys_next_work_required(20, 0x1d00ffff, 24, p), 0x1d00fffeu);
  AlysRetargetParams off = p;
  off.pow_no_retargeting = true;
  EXPECT_EQ(alys_next_work_required(0, 0x1d00ffff, 120, off), 0x1d00ffffu);
}

RC_GTEST_PROP(CompactProperty, EncodeDecodeIsStable, (std::uint32_t bits)) {
  const CompactTarget t = decode_compact(bits);
  RC_PRE(!t.overflow);
  // Re-encoding a decoded value and decoding again gives the same value.
  const std::uint32_t again = encode_compact(t.value);
  RC_ASSERT(decode_compact(again).value == t.value);
  RC_ASSERT(!decode_compact(again).negative);
}

RC_GTEST_PROP(Uint256Property, MulDivInverse, (std::uint64_t lo, std::uint32_t m)) {
  RC_PRE(m != 0u);
  const Uint256 x = Uint256::from_u64(lo) << 100;
  const auto prod = x.mul_u64(m);
  RC_ASSERT(!prod.overflow);
  RC_ASSERT(prod.value.div_u64(m) == x);
  RC_ASSERT((x >> 100) == Uint256::from_u64(lo));
}

}  // namespace
}  // namespace alys
