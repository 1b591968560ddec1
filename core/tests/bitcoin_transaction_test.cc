// Transactions against published data: Bitcoin's genesis coinbase, mainnet segwit
// transactions with txids/wtxids published by block explorers and Bitcoin Core, and the
// BIP-341 wallet vectors' transactions. Plus round-trip and totality properties.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "core/bitcoin/transaction.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

using test::display_hash;
using test::hex_bytes;

constexpr char kGenesisCoinbase[] =
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff"
    "001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e"
    "6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104"
    "678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51e"
    "c112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

// Mainnet P2WPKH spend (learnmeabitcoin.com's wTXID page: txid c06aaaa2…, wtxid f12d56f2…).
constexpr char kSegwitP2wpkh[] =
    "01000000000101438afdb24e414d54cc4a17a95f3d40be90d23dfeeb07a48e9e782178efddd8890100000000fd"
    "ffffff020db9a60000000000160014b549d227c9edd758288112fe3573c1f85240166880a81201000000001976"
    "a914ae28f233464e6da03c052155119a413d13f3380188ac024730440220200254b765f25126334b8de16ee4ba"
    "df57315c047243942340c16cffd9b11196022074a9476633f093f229456ad904a9d97e26c271fc4f01d0501dec"
    "008e4aae71c2012102c37a3c5b21a5991d3d7b1e203be195be07104a1a19e5c2ed82329a56b431213000000000";

// Two P2SH-P2WSH 3-of-3 inputs, 14 outputs; txid/hash from Bitcoin Core's
// decoderawtransaction (rust-bitcoin's test_txid), weight 2718.
constexpr char kSegwitMultisig[] =
    "01000000000102ff34f95a672bb6a4f6ff4a7e90fa8c7b3be7e70ffc39bc99be3bda67942e836c00000000"
    "23220020cde476664d3fa347b8d54ef3aee33dcb686a65ced2b5207cbf4ec5eda6b9b46e4f414d4c934ad8"
    "1d330314e888888e3bd22c7dde8aac2ca9227b30d7c40093248af7812201000000232200200af6f6a071a6"
    "9d5417e592ed99d256ddfd8b3b2238ac73f5da1b06fc0b2e79d54f414d4c0ba0c8f505000000001976a914"
    "dcb5898d9036afad9209e6ff0086772795b1441088ac033c0f000000000017a914889f8c10ff2bd4bb9dab"
    "b68c5c0d700a46925e6c87033c0f000000000017a914889f8c10ff2bd4bb9dabb68c5c0d700a46925e6c87"
    "033c0f000000000017a914889f8c10ff2bd4bb9dabb68c5c0d700a46925e6c87033c0f000000000017a914"
    "889f8c10ff2bd4bb9dabb68c5c0d700a46925e6c87033c0f000000000017a914889f8c10ff2bd4bb9dabb6"
    "8c5c0d700a46925e6c87033c0f000000000017a914889f8c10ff2bd4bb9dabb68c5c0d700a46925e6c8703"
    "3c0f000000000017a914889f8c10ff2bd4bb9dabb68c5c0d700a46925e6c87033c0f000000000017a91488"
    "9f8c10ff2bd4bb9dabb68c5c0d700a46925e6c87033c0f000000000017a914889f8c10ff2bd4bb9dabb68c"
    "5c0d700a46925e6c87033c0f000000000017a914889f8c10ff2bd4bb9dabb68c5c0d700a46925e6c870500"
    "47304402200380b8663e727d7e8d773530ef85d5f82c0b067c97ae927800a0876a1f01d8e2022021ee611e"
    "f6507dfd217add2cd60a8aea3cbcfec034da0bebf3312d19577b8c290147304402207bd9943ce1c2c5547b"
    "120683fd05d78d23d73be1a5b5a2074ff586b9c853ed4202202881dcf435088d663c9af7b23efb3c03b9db"
    "c0c899b247aa94a74d9b4b3c84f501483045022100ba12bba745af3f18f6e56be70f8382ca8e107d1ed5ce"
    "aa3e8c360d5ecf78886f022069b38ebaac8fe6a6b97b497cbbb115f3176f7213540bef08f9292e5a72de52"
    "de01695321023c9cd9c6950ffee24772be948a45dc5ef1986271e46b686cb52007bac214395a2102756e27"
    "cb004af05a6e9faed81fd68ff69959e3c64ac8c9f6cd0e08fd0ad0e75d2103fa40da236bd82202a985a910"
    "4e851080b5940812685769202a3b43e4a8b13e6a53ae050048304502210098b9687b81d725a7970d1eee91"
    "ff6b89bc9832c2e0e3fb0d10eec143930b006f02206f77ce19dc58ecbfef9221f81daad90bb4f468df3912"
    "12abc4f084fe2cc9bdef01483045022100e5479f81a3ad564103da5e2ec8e12f61f3ac8d312ab68763c1dd"
    "d7bae94c20610220789b81b7220b27b681b1b2e87198897376ba9d033bc387f084c8b8310c8539c2014830"
    "45022100aa1cc48a2d256c0e556616444cc08ae4959d464e5ffff2ae09e3550bdab6ce9f02207192d5e332"
    "9a56ba7b1ead724634d104f1c3f8749fe6081e6233aee3e855817a016953210260de9cc68658c61af984e3"
    "ab0281d17cfca1cc035966d335f474932d5e6c5422210355fbb768ce3ce39360277345dbb5f376e706459e"
    "5a2b5e0e09a535e61690647021023222ceec58b94bd25925dd9743dae6b928737491bd940fc5dd7c6f5d5f"
    "2adc1e53ae00000000";

// The first mainnet P2TR key-path spend (block 709635), txid 33e794d0…
constexpr char kFirstTaprootSpend[] =
    "01000000000101d1f1c1f8cdf6759167b90f52c9ad358a369f95284e841d7a2536cef31c0549580100000000fd"
    "ffffff020000000000000000316a2f49206c696b65205363686e6f7272207369677320616e6420492063616e6e"
    "6f74206c69652e204062697462756734329e06010000000000225120a37c3903c8d0db6512e2b40b0dffa05e5a"
    "3ab73603ce8c9c4b7771e5412328f90140a60c383f71bac0ec919b1d7dbc3eb72dd56e7aa99583615564f9f99b"
    "8ae4e837b758773a5b2e4c51348854c8389f008e05029db7f464a5ff2e01d5e6e626174affd30a00";

Transaction parse_ok(const char* hex) {
  auto tx = parse_transaction(hex_bytes(hex));
  EXPECT_TRUE(tx.has_value()) << (tx.has_value() ? "" : tx.error().to_string());
  return tx.has_value() ? *tx : Transaction{};
}

TEST(Transaction, GenesisCoinbaseTxid) {
  const Transaction tx = parse_ok(kGenesisCoinbase);
  EXPECT_TRUE(tx.is_coinbase());
  EXPECT_FALSE(tx.has_witness());
  EXPECT_EQ(tx.outputs.at(0).value, 5000000000);
  EXPECT_EQ(txid(tx).to_display_hex(),
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  EXPECT_EQ(wtxid(tx), txid(tx));
  EXPECT_EQ(to_hex(serialize_transaction(tx)), kGenesisCoinbase);
}

TEST(Transaction, MainnetSegwitP2wpkhTxidAndWtxid) {
  const Transaction tx = parse_ok(kSegwitP2wpkh);
  ASSERT_TRUE(tx.has_witness());
  EXPECT_EQ(tx.inputs.at(0).witness.size(), 2u);
  EXPECT_EQ(txid(tx).to_display_hex(),
            "c06aaaa2753dc4e74dd4fe817522dc3c126fd71792dd9acfefdaff11f8ff954d");
  EXPECT_EQ(wtxid(tx).to_display_hex(),
            "f12d56f2234e809129dbf59392961bbe7a89b6250651f6aea7852cc00ced63ff");
  EXPECT_EQ(to_hex(serialize_transaction(tx)), kSegwitP2wpkh);
}

TEST(Transaction, SegwitMultisigTxidWtxidWeight) {
  const Transaction tx = parse_ok(kSegwitMultisig);
  EXPECT_EQ(tx.inputs.size(), 2u);
  EXPECT_EQ(tx.outputs.size(), 11u);
  EXPECT_EQ(txid(tx).to_display_hex(),
            "9652aa62b0e748caeec40c4cb7bc17c6792435cc3dfe447dd1ca24f912a1c6ec");
  EXPECT_EQ(wtxid(tx).to_display_hex(),
            "d6ac4a5e61657c4c604dcde855a1db74ec6b3e54f32695d72c5e11c7761ea1b4");
  EXPECT_EQ(transaction_weight(tx), 2718u);
  EXPECT_EQ(to_hex(serialize_transaction(tx)), kSegwitMultisig);
}

TEST(Transaction, FirstMainnetTaprootSpendTxid) {
  const Transaction tx = parse_ok(kFirstTaprootSpend);
  EXPECT_EQ(txid(tx).to_display_hex(),
            "33e794d097969002ee05d336686fc03c9e15a597c1b9827669460fac98799036");
  EXPECT_NE(wtxid(tx), txid(tx));
  EXPECT_EQ(tx.inputs.at(0).witness.at(0).size(), 64u);  // a BIP-340 signature
}

TEST(Transaction, Bip341SignedAndUnsignedShareTxid) {
  const auto json = nlohmann::json::parse(test::read_data_file("bip341_wallet_test_vectors.json"));
  const auto& spend = json["keyPathSpending"][0];
  const std::string unsigned_hex = spend["given"]["rawUnsignedTx"];
  const std::string signed_hex = spend["auxiliary"]["fullySignedTx"];
  auto unsigned_tx = parse_transaction(hex_bytes(unsigned_hex));
  auto signed_tx = parse_transaction(hex_bytes(signed_hex));
  ASSERT_TRUE(unsigned_tx.has_value());
  ASSERT_TRUE(signed_tx.has_value());
  EXPECT_EQ(unsigned_tx->inputs.size(), 9u);
  // Signing adds a scriptSig (input 2 is P2PKH) and witnesses; stripping both gives back
  // the unsigned transaction exactly.
  Transaction stripped = *signed_tx;
  for (auto& in : stripped.inputs) {
    in.script_sig.clear();
    in.witness.clear();
  }
  EXPECT_EQ(stripped, *unsigned_tx);
  EXPECT_EQ(txid(stripped), txid(*unsigned_tx));
  EXPECT_EQ(to_hex(serialize_transaction(*unsigned_tx)), unsigned_hex);
  EXPECT_EQ(to_hex(serialize_transaction(*signed_tx)), signed_hex);
}

TEST(Transaction, DecoderErrorsNameTheField) {
  auto truncated = parse_transaction(hex_bytes("0100"));
  ASSERT_FALSE(truncated.has_value());
  EXPECT_NE(truncated.error().message().find("version"), std::string::npos);

  Bytes bytes = hex_bytes(kSegwitP2wpkh);
  bytes.resize(bytes.size() - 2);
  auto short_lock = parse_transaction(bytes);
  ASSERT_FALSE(short_lock.has_value());
  EXPECT_NE(short_lock.error().message().find("lock_time"), std::string::npos);

  Bytes trailing = hex_bytes(kGenesisCoinbase);
  trailing.push_back(0);
  auto extra = parse_transaction(trailing);
  ASSERT_FALSE(extra.has_value());
  EXPECT_NE(extra.error().message().find("trailing"), std::string::npos);

  // A huge input count with a few bytes behind it is refused before allocating.
  auto huge = parse_transaction(hex_bytes("01000000fe00000002" "00000000"));
  ASSERT_FALSE(huge.has_value());
  EXPECT_NE(huge.error().message().find("input count"), std::string::npos);

  // Segwit marker with every witness empty: Core's "superfluous witness record".
  Transaction t;
  t.inputs.push_back(TxIn{});
  t.outputs.push_back(TxOut{1, {0x51}});
  Bytes legacy = serialize_transaction(t);
  Bytes fake;
  append(fake, ByteView(legacy).subspan(0, 4));
  fake.push_back(0x00);
  fake.push_back(0x01);
  append(fake, ByteView(legacy).subspan(4, legacy.size() - 8));
  fake.push_back(0x00);  // empty witness stack for the one input
  append(fake, ByteView(legacy).subspan(legacy.size() - 4));
  auto superfluous = parse_transaction(fake);
  ASSERT_FALSE(superfluous.has_value());
  EXPECT_NE(superfluous.error().message().find("superfluous"), std::string::npos);

  fake[5] = 0x02;  // unknown flag
  auto unknown = parse_transaction(fake);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("segwit flag"), std::string::npos);
}

TEST(Transaction, NonCanonicalCompactSizeRejected) {
  // One input encoded as fd 01 00 instead of 01.
  Bytes bytes = hex_bytes(kGenesisCoinbase);
  Bytes nc;
  append(nc, ByteView(bytes).subspan(0, 4));
  nc.insert(nc.end(), {0xfd, 0x01, 0x00});
  append(nc, ByteView(bytes).subspan(5));
  auto tx = parse_transaction(nc);
  ASSERT_FALSE(tx.has_value());
  EXPECT_NE(tx.error().message().find("non-canonical"), std::string::npos);
}

// --- properties -------------------------------------------------------------------------

rc::Gen<Bytes> gen_script() {
  return rc::gen::resize(40, rc::gen::arbitrary<Bytes>());
}

rc::Gen<Transaction> gen_transaction() {
  return rc::gen::exec([] {
    Transaction tx;
    tx.version = *rc::gen::arbitrary<std::int32_t>();
    tx.lock_time = *rc::gen::arbitrary<std::uint32_t>();
    const auto n_in = *rc::gen::inRange<std::size_t>(1, 4);
    const bool segwit = *rc::gen::arbitrary<bool>();
    for (std::size_t i = 0; i < n_in; ++i) {
      TxIn in;
      in.prevout.txid = Hash256(*rc::gen::arbitrary<std::array<std::uint8_t, 32>>());
      in.prevout.vout = *rc::gen::arbitrary<std::uint32_t>();
      in.script_sig = *gen_script();
      in.sequence = *rc::gen::arbitrary<std::uint32_t>();
      if (segwit) {
        const auto n_items = *rc::gen::inRange<std::size_t>(0, 4);
        for (std::size_t k = 0; k < n_items; ++k) in.witness.push_back(*gen_script());
      }
      tx.inputs.push_back(std::move(in));
    }
    const auto n_out = *rc::gen::inRange<std::size_t>(0, 4);
    for (std::size_t i = 0; i < n_out; ++i) {
      tx.outputs.push_back(TxOut{*rc::gen::arbitrary<std::int64_t>(), *gen_script()});
    }
    return tx;
  });
}

RC_GTEST_PROP(TransactionProperty, SerializeParseRoundTrip, ()) {
  const Transaction tx = *gen_transaction();
  const Bytes bytes = serialize_transaction(tx);
  auto back = parse_transaction(bytes);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == tx);
  RC_ASSERT(txid(*back) == txid(tx));
  // Stripping the witness never changes the txid.
  Transaction stripped = tx;
  for (auto& in : stripped.inputs) in.witness.clear();
  RC_ASSERT(txid(stripped) == txid(tx));
  RC_ASSERT((wtxid(tx) == txid(tx)) == !tx.has_witness());
}

RC_GTEST_PROP(TransactionProperty, DecodeRandomBytesIsTotal,
              (const std::vector<std::uint8_t>& bytes)) {
  auto tx = parse_transaction(bytes);
  if (tx.has_value()) {
    RC_ASSERT(serialize_transaction(*tx).size() <= bytes.size());
  } else {
    RC_ASSERT(!tx.error().message().empty());
  }
}

RC_GTEST_PROP(TransactionProperty, DecodeMutatedBytesIsTotal, ()) {
  Bytes bytes = serialize_transaction(*gen_transaction());
  const auto n_mutations = *rc::gen::inRange<std::size_t>(1, 4);
  for (std::size_t m = 0; m < n_mutations; ++m) {
    const auto kind = *rc::gen::inRange(0, 3);
    const auto pos = *rc::gen::inRange<std::size_t>(0, bytes.size());
    if (kind == 0) {
      bytes[pos] = *rc::gen::arbitrary<std::uint8_t>();
    } else if (kind == 1) {
      bytes.resize(pos);
      if (bytes.empty()) break;
    } else {
      bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                   *rc::gen::arbitrary<std::uint8_t>());
    }
  }
  auto tx = parse_transaction(bytes);
  if (!tx.has_value()) RC_ASSERT(!tx.error().message().empty());
}

}  // namespace
}  // namespace alys
