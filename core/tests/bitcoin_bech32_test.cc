// BIP-173 and BIP-350 test vectors (the "Test vectors" sections of bip-0173.mediawiki and
// bip-0350.mediawiki), plus round-trip and totality properties.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "core/bitcoin/address.h"
#include "core/bitcoin/bech32.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

const std::vector<std::string> kValidBech32 = {  // BIP-173
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
};

const std::vector<std::string> kValidBech32m = {  // BIP-350
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
};

const std::vector<std::string> kInvalidBech32 = {  // BIP-173
    std::string("\x20") + "1nwldj5",   // HRP character out of range
    std::string("\x7f") + "1axkwrx",   // HRP character out of range
    std::string("\x80") + "1eym55h",   // HRP character out of range
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk",                     // no separator
    "1pzry9x0s0muk",                    // empty HRP
    "x1b4n0q5v",                        // invalid data character
    "li1dgmt3",                         // too short checksum
    std::string("de1lg7wt") + "\xff",  // invalid character in checksum
    "A1G7SGD8",                         // checksum calculated with uppercase HRP
    "10a06t8",                          // empty HRP
    "1qzzfhee",                         // empty HRP
};

const std::vector<std::string> kInvalidBech32m = {  // BIP-350
    std::string("\x20") + "1xj0phk",
    std::string("\x7f") + "1g6xzxy",
    std::string("\x80") + "1vctc34",
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",
    "1qyrz8wqd2c9m",
    "y1b0jsk6g",
    "lt1igcx5c0",
    "in1muywd",
    "mm1crxm3i",
    "au1s5cgom",
    "M1VUXWEZ",
    "16plkw9",
    "1p2gdwpf",
};

struct ValidAddress {
  const char* address;
  const char* script_pubkey;
};

const ValidAddress kValidAddresses[] = {  // BIP-350 (supersedes BIP-173's list)
    {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
    {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
     "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
    {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
     "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
    {"BC1SW50QGDZ25J", "6002751e"},
    {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
    {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
     "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
     "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
    {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
     "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
};

const std::vector<std::string> kInvalidAddresses = {
    // BIP-350
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
    "bc1pw5dgrnzv",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
    "bc1gmk9yu",
    // BIP-173 (all still invalid under BIP-350)
    "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
    "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
    "bc1rw5uspcuh",
    "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
    "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
};

void expect_valid(const std::vector<std::string>& strings, Bech32Encoding encoding, int& passed) {
  for (const auto& s : strings) {
    SCOPED_TRACE(s);
    auto d = bech32_decode(s);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(d->encoding, encoding);
    auto again = bech32_encode(encoding, d->hrp, d->values);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, lower(s));
    if (!::testing::Test::HasFailure()) ++passed;
  }
}

TEST(Bech32, Bip173AndBip350ValidStrings) {
  int passed = 0;
  expect_valid(kValidBech32, Bech32Encoding::kBech32, passed);
  expect_valid(kValidBech32m, Bech32Encoding::kBech32m, passed);
  EXPECT_EQ(passed, 14);
}

TEST(Bech32, Bip173AndBip350InvalidStrings) {
  int rejected = 0;
  for (const auto* list : {&kInvalidBech32, &kInvalidBech32m}) {
    for (const auto& s : *list) {
      auto d = bech32_decode(s);
      EXPECT_FALSE(d.has_value()) << "accepted " << s;
      if (!d.has_value()) {
        EXPECT_FALSE(d.error().message().empty());
        ++rejected;
      }
    }
  }
  EXPECT_EQ(rejected, 26);
}

std::string hrp_of(const std::string& address) { return lower(address.substr(0, address.rfind('1'))); }

TEST(SegwitAddress, Bip350ValidAddresses) {
  int passed = 0;
  for (const auto& v : kValidAddresses) {
    SCOPED_TRACE(v.address);
    const std::string hrp = hrp_of(v.address);
    auto wp = decode_segwit_address(hrp, v.address);
    ASSERT_TRUE(wp.has_value()) << wp.error().to_string();
    EXPECT_EQ(to_hex(witness_program_script(*wp)), v.script_pubkey);
    auto parsed = parse_witness_program_script(test::hex_bytes(v.script_pubkey));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, *wp);
    auto again = encode_segwit_address(hrp, *wp);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, lower(v.address));
    if (!::testing::Test::HasFailure()) ++passed;
  }
  EXPECT_EQ(passed, 8);
}

TEST(SegwitAddress, Bip173AndBip350InvalidAddresses) {
  int rejected = 0;
  for (const auto& a : kInvalidAddresses) {
    auto bc = decode_segwit_address("bc", a);
    auto tb = decode_segwit_address("tb", a);
    EXPECT_FALSE(bc.has_value()) << a;
    EXPECT_FALSE(tb.has_value()) << a;
    if (!bc.has_value() && !tb.has_value()) ++rejected;
  }
  EXPECT_EQ(rejected, 23);
}

TEST(SegwitAddress, NetworksAndReasons) {
  const WitnessProgram wp{0, test::hex_bytes("751e76e8199196d454941c45d1b3a323f1433bd6")};
  auto main = encode_segwit_address(BitcoinNetwork::kMainnet, wp);
  auto test_net = encode_segwit_address(BitcoinNetwork::kTestnet, wp);
  auto reg = encode_segwit_address(BitcoinNetwork::kRegtest, wp);
  ASSERT_TRUE(main.has_value());
  ASSERT_TRUE(test_net.has_value());
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(*main, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  EXPECT_EQ(*test_net, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx");
  EXPECT_EQ(reg->substr(0, 5), "bcrt1");
  auto wrong_net = decode_segwit_address(BitcoinNetwork::kMainnet, *test_net);
  ASSERT_FALSE(wrong_net.has_value());
  EXPECT_NE(wrong_net.error().message().find("human-readable part"), std::string::npos);
  auto reg_back = decode_segwit_address(BitcoinNetwork::kRegtest, *reg);
  ASSERT_TRUE(reg_back.has_value());
  EXPECT_EQ(*reg_back, wp);
  auto kind = decode_segwit_address("bc", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd");
  ASSERT_FALSE(kind.has_value());
  EXPECT_NE(kind.error().message().find("bech32m"), std::string::npos);
}

RC_GTEST_PROP(Bech32Property, EncodeDecodeRoundTrip, (bool use_m)) {
  const auto hrp_len = *rc::gen::inRange<std::size_t>(1, 10);
  std::string hrp;
  for (std::size_t i = 0; i < hrp_len; ++i) hrp.push_back(*rc::gen::inRange('a', static_cast<char>('z' + 1)));
  const auto n = *rc::gen::inRange<std::size_t>(0, kBech32MaxLength - hrp.size() - 7);
  std::vector<std::uint8_t> values;
  for (std::size_t i = 0; i < n; ++i) values.push_back(*rc::gen::inRange<std::uint8_t>(0, 32));
  const auto enc = use_m ? Bech32Encoding::kBech32m : Bech32Encoding::kBech32;
  auto text = bech32_encode(enc, hrp, values);
  RC_ASSERT(text.has_value());
  auto back = bech32_decode(*text);
  RC_ASSERT(back.has_value());
  RC_ASSERT(back->encoding == enc);
  RC_ASSERT(back->hrp == hrp);
  RC_ASSERT(back->values == values);
}

RC_GTEST_PROP(SegwitAddressProperty, RoundTrip, (bool mainnet)) {
  WitnessProgram wp;
  wp.version = *rc::gen::inRange<std::uint8_t>(0, 17);
  const std::size_t len = wp.version == 0 ? (*rc::gen::arbitrary<bool>() ? 20u : 32u)
                                          : *rc::gen::inRange<std::size_t>(2, 41);
  for (std::size_t i = 0; i < len; ++i) wp.program.push_back(*rc::gen::arbitrary<std::uint8_t>());
  const auto net = mainnet ? BitcoinNetwork::kMainnet : BitcoinNetwork::kRegtest;
  auto addr = encode_segwit_address(net, wp);
  RC_ASSERT(addr.has_value());
  auto back = decode_segwit_address(net, *addr);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == wp);
  auto script = parse_witness_program_script(witness_program_script(wp));
  RC_ASSERT(script.has_value());
  RC_ASSERT(*script == wp);
}

RC_GTEST_PROP(Bech32Property, DecodeIsTotal, (const std::string& text)) {
  auto d = bech32_decode(text);
  if (!d.has_value()) RC_ASSERT(!d.error().message().empty());
  auto a = decode_segwit_address("bc", text);
  if (!a.has_value()) RC_ASSERT(!a.error().message().empty());
}

}  // namespace
}  // namespace alys
