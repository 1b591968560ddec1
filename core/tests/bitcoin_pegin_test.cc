// Peg-in parsing: Alys's own fixture (crates/federation/src/lib.rs test_pegin_info: a regtest
// deposit of 10000 sat with a raw 20-byte OP_RETURN) plus each rule and its rejection.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/bitcoin/address.h"
#include "core/bitcoin/pegin.h"
#include "core/bitcoin/script.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

using test::hex_bytes;

constexpr char kAlysPeginTx[] =
    "02000000000101d590828406d3a14f06e41565d1ced296100350c2a04f11f1431f915b240ac48b0100000000fd"
    "ffffff0310270000000000002251209b1e062807d4c8fd92ab26322c8bd9f2a5394e0ae9211fd5c53b35f89e36"
    "55fc0000000000000000166a14f9a9b63f5b7f9336da0ce520c6bec64627027f5b981f042a010000002251209a"
    "6580d80f882470a4d5cb994d057d457e0b5945e10ab4e8c0d64768202fe93b014053d2cf18b07206df067198db"
    "735562f9e6410be180771e29dbaf9cf5499a7ff179fb70405d05fc5c6def8efce3c3715af9a186ed1bc1bcb664"
    "9902b689026a3200000000";

Bytes federation_spk() {
  auto wp = decode_segwit_address(BitcoinNetwork::kRegtest,
                                  "bcrt1pnv0qv2q86ny0my4tycezez7e72jnjns2ays3l4w98v6l383k2h7q0lwmyh");
  EXPECT_TRUE(wp.has_value());
  return wp.has_value() ? witness_program_script(*wp) : Bytes{};
}

TEST(PegIn, AlysFixture) {
  auto tx = parse_transaction(hex_bytes(kAlysPeginTx));
  ASSERT_TRUE(tx.has_value());
  auto pegin = parse_pegin(*tx, federation_spk());
  ASSERT_TRUE(pegin.has_value()) << pegin.error().to_string();
  EXPECT_EQ(pegin->vout, 0u);
  EXPECT_EQ(pegin->amount_sat, 10000);
  EXPECT_EQ(to_hex(ByteView(pegin->evm_address.data(), 20)), "f9a9b63f5b7f9336da0ce520c6bec64627027f5b");
  EXPECT_EQ(pegin->txid, txid(*tx));
}

Transaction deposit(Bytes op_return_script) {
  Transaction tx;
  tx.inputs.push_back(TxIn{});
  tx.outputs.push_back(TxOut{5000, test::hex_bytes("0014751e76e8199196d454941c45d1b3a323f1433bd6")});
  tx.outputs.push_back(TxOut{0, std::move(op_return_script)});
  tx.outputs.push_back(TxOut{123456, federation_spk()});
  tx.outputs.push_back(TxOut{999, federation_spk()});  // only the first counts
  return tx;
}

TEST(PegIn, TextAddressWithAndWithoutPrefix) {
  const std::string text = "f9a9b63f5b7f9336da0ce520c6bec64627027f5b";
  for (const std::string& t : {text, "0x" + text, std::string("F9A9B63F5B7F9336DA0CE520C6BEC64627027F5B")}) {
    Bytes script{op::kReturn};
    script_push_data(script, as_bytes(t));
    auto p = parse_pegin(deposit(script), federation_spk());
    ASSERT_TRUE(p.has_value()) << t;
    EXPECT_EQ(p->vout, 2u);
    EXPECT_EQ(p->amount_sat, 123456);
    EXPECT_EQ(to_hex(ByteView(p->evm_address.data(), 20)), text);
  }
}

TEST(PegIn, RejectionsNameTheReason) {
  EvmAddress ascii{};
  ascii.fill('a');  // valid UTF-8, so read as (bad) text: Alys's quirk
  auto r = parse_pegin(deposit(pegin_op_return_script(ascii)), federation_spk());
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("EVM address"), std::string::npos);

  Transaction no_fed = deposit(pegin_op_return_script(EvmAddress{0xff}));
  no_fed.outputs.resize(2);
  auto nf = parse_pegin(no_fed, federation_spk());
  ASSERT_FALSE(nf.has_value());
  EXPECT_NE(nf.error().message().find("federation"), std::string::npos);

  EXPECT_FALSE(evm_address_from_op_return(hex_bytes("6a")).has_value());
  EXPECT_FALSE(evm_address_from_op_return(hex_bytes("6a00")).has_value());
  EXPECT_FALSE(evm_address_from_op_return(hex_bytes("6a14ff")).has_value());  // push past end
  EXPECT_FALSE(evm_address_from_op_return(hex_bytes("6a0401020304")).has_value());
  EXPECT_FALSE(evm_address_from_op_return(hex_bytes("0014751e76e8199196d454941c45d1b3a323f1433bd6")).has_value());
  // The last push decides: raw address followed by a short push is rejected.
  Bytes two = pegin_op_return_script(EvmAddress{0xff});
  script_push_data(two, hex_bytes("01"));
  EXPECT_FALSE(evm_address_from_op_return(two).has_value());
}

RC_GTEST_PROP(PegInProperty, RawNonUtf8AddressRoundTrips, (const std::array<std::uint8_t, 20>& raw)) {
  EvmAddress a = raw;
  a[0] = 0xff;  // 0xff never appears in UTF-8
  auto p = evm_address_from_op_return(pegin_op_return_script(a));
  RC_ASSERT(p.has_value());
  RC_ASSERT(*p == a);
}

RC_GTEST_PROP(PegInProperty, ParserIsTotal, (const std::vector<std::uint8_t>& script)) {
  Bytes s = script;
  s.insert(s.begin(), op::kReturn);
  auto a = evm_address_from_op_return(s);
  if (!a.has_value()) RC_ASSERT(!a.error().message().empty());
}

}  // namespace
}  // namespace alys
