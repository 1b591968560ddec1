// DevnetBitcoin over real HTTP on loopback, asked through the real BitcoindClient (as a
// devnet node asks it) and through raw JSON-RPC: every BitcoinRpc call answers what the
// model holds (heights, hashes, headers, blocks, a deposit in the mempool and then
// confirmed, its output in gettxout and listunspent), refusals map to the client's error
// classes, a federation-signed spend is accepted and lands where devnet_received sees it,
// blocks arrive as wall time passes, and the HTTP/JSON-RPC envelope (auth, paths, verbs,
// parse errors, batches) is bitcoind's.
#include "node/devnet_bitcoin.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/bitcoin/federation.h"
#include "core/crypto/schnorr.h"
#include "core/types/hex.h"
#include "node/devnet_bitcoin_rpc.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/bitcoind_client.h"
#include "runtime-real/tests/await_answer.h"
#include "runtime-real/tests/poll_until.h"
#include "runtime-sim/sim_bitcoin.h"

namespace alys::node {
namespace {

using json = nlohmann::json;
using real::BitcoindClient;
using real::poll_until;
using sim::SimBitcoin;
using namespace std::chrono_literals;

constexpr char kPassword[] = "devnet-secret";

SecretKey member_key(std::uint8_t i) {
  Bytes raw(32, 0);
  raw[31] = i;
  return *SecretKey::from_bytes(raw);
}

// Members are keys 1..3, threshold 2 (Federation::majority).
Federation federation() {
  std::vector<XOnlyPublicKey> keys;
  for (std::uint8_t i = 1; i <= 3; ++i) keys.push_back(member_key(i).xonly_public_key());
  return *Federation::create(keys, Federation::majority(keys.size()));
}

EvmAddress evm_address(std::uint8_t fill) {
  EvmAddress a{};
  a.fill(fill);
  a[0] = 0xfe;  // not valid UTF-8: the deposit carries the 20 raw bytes
  return a;
}

// A regtest P2WPKH address of its own: where the test's "peg-out" pays.
std::pair<std::string, Bytes> payout_address(std::uint8_t fill) {
  const WitnessProgram wp{0, Bytes(20, fill)};
  return {*encode_segwit_address(BitcoinNetwork::kRegtest, wp), witness_program_script(wp)};
}

DevnetBitcoinOptions options(Duration block_interval = kDevnetBlockIntervalMax) {
  DevnetBitcoinOptions o;
  o.password = kPassword;
  o.block_interval = block_interval;  // the maximum: no block arrives by itself in a test
  o.seed = 7;
  o.federation = federation();
  return o;
}

struct RawAnswer {
  int http_status = 0;
  json body;  // null when the body is not JSON
};

class DevnetBitcoinTest : public ::testing::Test {
 protected:
  DevnetBitcoinTest() : pool_(1), executor_(pool_.context()) { pool_.start(); }
  ~DevnetBitcoinTest() override { pool_.stop(); }

  std::unique_ptr<DevnetBitcoin> start(DevnetBitcoinOptions o = options()) {
    auto d = DevnetBitcoin::start(std::move(o));
    EXPECT_TRUE(d) << d.error().to_string();
    return std::move(*d);
  }

  std::unique_ptr<BitcoindClient> client(const DevnetBitcoin& d, std::string password = kPassword) {
    real::BitcoindOptions o = d.client_options();
    o.password = std::move(password);
    o.wallet = "federation";  // listunspent goes to /wallet/federation, as on a real bitcoind
    o.retry_backoff = 1ms;
    return std::make_unique<BitcoindClient>(o, executor_);
  }

  // Calls `method` on `client` and waits for its answer (delivered on executor_).
  template <typename T, typename F>
  Result<T> ask(BitcoindClient& client, F method) {
    return real::await_answer<T>(client, method);
  }

  // One raw HTTP request to the devnet bitcoin.
  static RawAnswer post(const DevnetBitcoin& d, const std::string& body,
                        const std::string& path = "/", const std::string& password = kPassword) {
    httplib::Client cli("127.0.0.1", d.port());
    cli.set_basic_auth(d.options().user, password);
    const auto res = cli.Post(path, body, "application/json");
    EXPECT_TRUE(res) << "no HTTP answer";
    if (!res) return {};
    return {res->status, json::parse(res->body, nullptr, /*allow_exceptions=*/false)};
  }
  static RawAnswer rpc(const DevnetBitcoin& d, const std::string& method,
                       json params = json::array()) {
    return post(
        d, json{{"jsonrpc", "1.0"}, {"id", "t"}, {"method", method}, {"params", params}}.dump());
  }
  // The result of a call that must succeed.
  static json result(const DevnetBitcoin& d, const std::string& method,
                     json params = json::array()) {
    const RawAnswer a = rpc(d, method, std::move(params));
    EXPECT_EQ(a.http_status, 200) << method << ": " << a.body.dump();
    EXPECT_TRUE(a.body.is_object() && a.body["error"].is_null()) << method << ": " << a.body.dump();
    return a.body.is_object() ? a.body["result"] : json();
  }
  static Hash256 hash_of(const json& display_hex) {
    return *Hash256::from_display_hex(display_hex.get<std::string>());
  }

  real::AsioPool pool_;
  real::AsioExecutor executor_;
};

TEST_F(DevnetBitcoinTest, ChainCallsAnswerWhatTheModelHolds) {
  auto d = start();
  auto c = client(*d);
  const json mined = result(*d, "generate", {3});
  ASSERT_EQ(mined.size(), 3u);

  std::uint64_t tip = 0;
  std::vector<Hash256> hashes;
  std::vector<Block> blocks;
  d->with_model([&](SimBitcoin& m) {
    tip = m.tip_height();
    for (std::uint64_t h = 0; h <= tip; ++h) {
      blocks.push_back(*m.block_at(h));
      hashes.push_back(block_hash(m.block_at(h)->header));
    }
  });
  ASSERT_EQ(tip, 3u);
  EXPECT_EQ(hash_of(mined[2]), hashes[3]);
  EXPECT_EQ(ask<std::uint64_t>(*c, [](auto& rpc, auto done) { rpc.get_block_count(done); }).value(),
            tip);
  for (std::uint64_t h = 0; h <= tip; ++h) {
    EXPECT_EQ(ask<Hash256>(*c, [h](auto& rpc, auto done) { rpc.get_block_hash(h, done); }).value(),
              hashes[h]);
  }
  const auto above = ask<Hash256>(*c, [](auto& rpc, auto done) { rpc.get_block_hash(4, done); });
  ASSERT_FALSE(above);
  EXPECT_EQ(above.error().code(), StatusCode::kNotFound);
  EXPECT_NE(above.error().message().find("RPC error -8"), std::string::npos)
      << above.error().message();

  const auto header = ask<bridge::BlockHeaderInfo>(
      *c, [&](auto& rpc, auto done) { rpc.get_block_header(hashes[2], done); });
  ASSERT_TRUE(header) << header.error().to_string();
  EXPECT_EQ(header->header, blocks[2].header);
  EXPECT_EQ(header->height, 2u);
  EXPECT_EQ(header->confirmations, 2);
  const auto genesis = ask<bridge::BlockHeaderInfo>(
      *c, [&](auto& rpc, auto done) { rpc.get_block_header(hashes[0], done); });
  ASSERT_TRUE(genesis) << genesis.error().to_string();
  EXPECT_EQ(genesis->confirmations, 4);
  EXPECT_TRUE(genesis->header.prev_block.is_zero());

  const auto block = ask<Block>(*c, [&](auto& rpc, auto done) { rpc.get_block(hashes[3], done); });
  ASSERT_TRUE(block) << block.error().to_string();
  EXPECT_EQ(*block, blocks[3]);

  const Hash256 unknown = *Hash256::from_bytes(Bytes(32, 0x42));
  EXPECT_EQ(ask<bridge::BlockHeaderInfo>(
                *c, [&](auto& rpc, auto done) { rpc.get_block_header(unknown, done); })
                .error()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      ask<Block>(*c, [&](auto& rpc, auto done) { rpc.get_block(unknown, done); }).error().code(),
      StatusCode::kNotFound);
  // The model's fee rate (SimBitcoinConfig's default 2000 sat/kvB).
  bridge::FeeRate model_rate;
  d->with_model([&](SimBitcoin& m) { model_rate = m.fee_rate(); });
  const auto fee =
      ask<bridge::FeeRate>(*c, [](auto& rpc, auto done) { rpc.estimate_smart_fee(6, done); });
  ASSERT_TRUE(fee) << fee.error().to_string();
  EXPECT_EQ(fee->sat_per_kvb, model_rate.sat_per_kvb);
  EXPECT_GT(fee->sat_per_kvb, 0);
}

TEST_F(DevnetBitcoinTest, ADepositIsInTheMempoolThenConfirmedAndListedAsTheFederationsCoin) {
  auto d = start();
  auto c = client(*d);
  const Bytes fed_spk = federation().script_pubkey();
  const Hash256 dep =
      hash_of(result(*d, "devnet_deposit", {evm_address_hex(evm_address(1)), 250'000, 1'500}));

  Transaction model_tx;
  d->with_model([&](SimBitcoin& m) {
    ASSERT_TRUE(m.in_mempool(dep));
    model_tx = *m.transaction(dep);
  });
  ASSERT_EQ(model_tx.outputs[0], (TxOut{250'000, fed_spk}));
  const auto pending = ask<bridge::RawTransactionInfo>(
      *c, [&](auto& rpc, auto done) { rpc.get_raw_transaction(dep, done); });
  ASSERT_TRUE(pending) << pending.error().to_string();
  EXPECT_EQ(pending->tx, model_tx);
  EXPECT_FALSE(pending->block_hash.has_value());
  EXPECT_EQ(pending->confirmations, 0);
  const auto entry = ask<bridge::MempoolEntry>(
      *c, [&](auto& rpc, auto done) { rpc.get_mempool_entry(dep, done); });
  ASSERT_TRUE(entry) << entry.error().to_string();
  EXPECT_EQ(entry->fee_sat, 1'500);
  EXPECT_EQ(entry->vsize, (transaction_weight(model_tx) + 3) / 4);
  // Not confirmed yet: neither the UTXO set nor the wallet has it.
  EXPECT_FALSE(ask<std::optional<bridge::TxOutInfo>>(*c, [&](auto& rpc, auto done) {
                 rpc.get_tx_out({dep, 0}, done);
               })->has_value());
  EXPECT_TRUE(ask<std::vector<bridge::UnspentOutput>>(*c, [&](auto& rpc, auto done) {
                rpc.list_unspent(fed_spk, 1, done);
              })->empty());
  // A rebroadcast of a mempool transaction is accepted again, as bitcoind does.
  EXPECT_EQ(
      ask<Hash256>(*c, [&](auto& rpc, auto done) { rpc.send_raw_transaction(model_tx, done); })
          .value(),
      dep);

  const Hash256 tip = hash_of(result(*d, "generate", {1})[0]);
  const auto confirmed = ask<bridge::RawTransactionInfo>(
      *c, [&](auto& rpc, auto done) { rpc.get_raw_transaction(dep, done); });
  ASSERT_TRUE(confirmed) << confirmed.error().to_string();
  EXPECT_EQ(confirmed->block_hash, tip);
  EXPECT_EQ(confirmed->confirmations, 1);
  EXPECT_EQ(
      ask<bridge::MempoolEntry>(*c, [&](auto& rpc, auto done) { rpc.get_mempool_entry(dep, done); })
          .error()
          .code(),
      StatusCode::kNotFound);

  const auto out = ask<std::optional<bridge::TxOutInfo>>(*c, [&](auto& rpc, auto done) {
    rpc.get_tx_out({dep, 0}, done);
  });
  ASSERT_TRUE(out && out->has_value());
  EXPECT_EQ((*out)->out, (TxOut{250'000, fed_spk}));
  EXPECT_EQ((*out)->confirmations, 1);
  EXPECT_EQ((*out)->best_block, tip);
  // Output 1 is the OP_RETURN: provably unspendable, not in the UTXO set.
  EXPECT_FALSE(ask<std::optional<bridge::TxOutInfo>>(*c, [&](auto& rpc, auto done) {
                 rpc.get_tx_out({dep, 1}, done);
               })->has_value());

  result(*d, "generate", {1});
  const auto unspent = ask<std::vector<bridge::UnspentOutput>>(
      *c, [&](auto& rpc, auto done) { rpc.list_unspent(fed_spk, 1, done); });
  ASSERT_TRUE(unspent) << unspent.error().to_string();
  std::vector<bridge::UnspentOutput> model_unspent;
  d->with_model([&](SimBitcoin& m) { model_unspent = m.list_unspent(fed_spk, 1); });
  EXPECT_EQ(*unspent, model_unspent);
  ASSERT_EQ(unspent->size(), 1u);
  EXPECT_EQ((*unspent)[0], (bridge::UnspentOutput{{dep, 0}, 250'000, 2}));
  EXPECT_TRUE(ask<std::vector<bridge::UnspentOutput>>(*c, [&](auto& rpc, auto done) {
                rpc.list_unspent(fed_spk, 3, done);
              })->empty());
}

TEST_F(DevnetBitcoinTest, RefusalsMapToTheClientsErrorClasses) {
  auto d = start();
  auto c = client(*d);
  const Hash256 dep =
      hash_of(result(*d, "devnet_deposit", {evm_address_hex(evm_address(2)), 100'000}));
  Transaction deposit;
  d->with_model([&](SimBitcoin& m) { deposit = *m.transaction(dep); });
  result(*d, "generate", {1});

  // Confirmed already: -27.
  const auto again =
      ask<Hash256>(*c, [&](auto& rpc, auto done) { rpc.send_raw_transaction(deposit, done); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.error().message().find("RPC error -27"), std::string::npos)
      << again.error().message();

  // The deposit's user coin, spent on the chain, spent again: missing inputs, -25.
  Transaction double_spend = deposit;
  double_spend.outputs = {TxOut{50'000, SimBitcoin::user_script_pubkey()}};
  const auto chain_conflict =
      ask<Hash256>(*c, [&](auto& rpc, auto done) { rpc.send_raw_transaction(double_spend, done); });
  ASSERT_FALSE(chain_conflict);
  EXPECT_EQ(chain_conflict.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(chain_conflict.error().message().find("bad-txns-inputs-missingorspent"),
            std::string::npos);
  EXPECT_NE(chain_conflict.error().message().find("RPC error -25"), std::string::npos);

  // A second deposit in the mempool and a conflicting spend of its coin: -26.
  const Hash256 dep2 =
      hash_of(result(*d, "devnet_deposit", {evm_address_hex(evm_address(3)), 100'000}));
  Transaction conflict;
  d->with_model([&](SimBitcoin& m) { conflict = *m.transaction(dep2); });
  conflict.outputs = {TxOut{60'000, SimBitcoin::user_script_pubkey()}};
  const auto mempool_conflict =
      ask<Hash256>(*c, [&](auto& rpc, auto done) { rpc.send_raw_transaction(conflict, done); });
  ASSERT_FALSE(mempool_conflict);
  EXPECT_EQ(mempool_conflict.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mempool_conflict.error().message().find("txn-mempool-conflict"), std::string::npos);
  EXPECT_NE(mempool_conflict.error().message().find("RPC error -26"), std::string::npos);
  d->with_model([&](SimBitcoin& m) {
    EXPECT_TRUE(m.in_mempool(dep2));
    EXPECT_FALSE(m.in_mempool(txid(conflict)));
  });

  const Hash256 unknown = *Hash256::from_bytes(Bytes(32, 0x24));
  const auto missing = ask<bridge::RawTransactionInfo>(
      *c, [&](auto& rpc, auto done) { rpc.get_raw_transaction(unknown, done); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.error().message().find("RPC error -5"), std::string::npos);
  EXPECT_EQ(ask<bridge::MempoolEntry>(
                *c, [&](auto& rpc, auto done) { rpc.get_mempool_entry(unknown, done); })
                .error()
                .code(),
            StatusCode::kNotFound);
  const auto no_out = ask<std::optional<bridge::TxOutInfo>>(*c, [&](auto& rpc, auto done) {
    rpc.get_tx_out({unknown, 0}, done);
  });
  ASSERT_TRUE(no_out);
  EXPECT_FALSE(no_out->has_value());
}

// A spend of a deposit: a payout to `to` of `value` (the rest is fee), signed for the
// federation by the keys `signers` (slot, key).
Transaction federation_spend(const Federation& fed, const OutPoint& from, std::int64_t from_value,
                             const Bytes& to, std::int64_t value,
                             const std::vector<std::pair<std::size_t, SecretKey>>& signers) {
  Transaction tx;
  TxIn in;
  in.prevout = from;
  tx.inputs.push_back(in);
  tx.outputs.push_back(TxOut{value, to});
  const std::vector<TxOut> spent = {TxOut{from_value, fed.script_pubkey()}};
  const Hash256 msg = *fed.sighash(tx, 0, spent);
  std::vector<std::optional<SchnorrSignature>> sigs(fed.members().size());
  for (const auto& [slot, key] : signers) sigs[slot] = schnorr_sign(key, msg.view(), Hash256{});
  tx.inputs[0].witness = *fed.assemble_witness(sigs);
  return tx;
}

TEST_F(DevnetBitcoinTest, AFederationSignedPayoutIsAcceptedAndDevnetReceivedSeesItLand) {
  auto d = start();
  auto c = client(*d);
  const Federation fed = federation();
  const Hash256 dep =
      hash_of(result(*d, "devnet_deposit", {evm_address_hex(evm_address(4)), 400'000}));
  result(*d, "generate", {1});
  const auto payout_to = payout_address(0x77);
  // Named copies: Clang 14 lambdas cannot capture structured bindings.
  const auto& address = payout_to.first;
  const auto& spk = payout_to.second;

  // One signature by a key that is not the member's: the script check refuses it.
  const Transaction forged = federation_spend(fed, {dep, 0}, 400'000, spk, 390'000,
                                              {{0, member_key(1)}, {1, member_key(9)}});
  const auto refused =
      ask<Hash256>(*c, [&](auto& rpc, auto done) { rpc.send_raw_transaction(forged, done); });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("mandatory-script-verify-flag-failed"),
            std::string::npos)
      << refused.error().message();

  EXPECT_EQ(result(*d, "devnet_received", {address})["total_sat"], 0);
  const Transaction payout = federation_spend(fed, {dep, 0}, 400'000, spk, 390'000,
                                              {{0, member_key(1)}, {2, member_key(3)}});
  const auto sent =
      ask<Hash256>(*c, [&](auto& rpc, auto done) { rpc.send_raw_transaction(payout, done); });
  ASSERT_TRUE(sent) << sent.error().to_string();
  EXPECT_EQ(*sent, txid(payout));
  // In the mempool only: not received yet, and the wallet no longer lists the spent coin.
  EXPECT_EQ(result(*d, "devnet_received", {address})["total_sat"], 0);
  EXPECT_TRUE(ask<std::vector<bridge::UnspentOutput>>(*c, [&](auto& rpc, auto done) {
                rpc.list_unspent(fed.script_pubkey(), 1, done);
              })->empty());

  result(*d, "generate", {2});
  const json received = result(*d, "devnet_received", {address});
  EXPECT_EQ(received["address"], address);
  EXPECT_EQ(received["total_sat"], 390'000);
  ASSERT_EQ(received["outputs"].size(), 1u);
  EXPECT_EQ(hash_of(received["outputs"][0]["txid"]), txid(payout));
  EXPECT_EQ(received["outputs"][0]["vout"], 0);
  EXPECT_EQ(received["outputs"][0]["value_sat"], 390'000);
  EXPECT_EQ(received["outputs"][0]["confirmations"], 2);
  EXPECT_EQ(received["outputs"][0]["spent"], false);
  EXPECT_EQ(result(*d, "devnet_received", {address, 3})["total_sat"], 0);  // minconf 3
  // The deposit's output is spent on the chain now.
  EXPECT_FALSE(ask<std::optional<bridge::TxOutInfo>>(*c, [&](auto& rpc, auto done) {
                 rpc.get_tx_out({dep, 0}, done);
               })->has_value());
  // Through the client's listunspent, the payout address shows the coin too.
  const auto paid = ask<std::vector<bridge::UnspentOutput>>(
      *c, [&](auto& rpc, auto done) { rpc.list_unspent(spk, 1, done); });
  ASSERT_TRUE(paid) << paid.error().to_string();
  EXPECT_EQ(*paid, (std::vector<bridge::UnspentOutput>{{{txid(payout), 0}, 390'000, 2}}));
}

TEST_F(DevnetBitcoinTest, BlocksArriveAsWallTimePassesWithRealTimes) {
  const std::int64_t before_s = std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  auto d = start(options(100ms));
  auto c = client(*d);
  // No request drives it: the ticker mines on schedule.
  ASSERT_TRUE(poll_until(
      [&] {
        std::uint64_t tip = 0;
        d->with_model([&](SimBitcoin& m) { tip = m.tip_height(); });
        return tip >= 3;
      },
      60s, 10ms));
  const auto count =
      ask<std::uint64_t>(*c, [](auto& rpc, auto done) { rpc.get_block_count(done); });
  ASSERT_TRUE(count) << count.error().to_string();
  EXPECT_GE(*count, 3u);
  const auto hash = ask<Hash256>(*c, [](auto& rpc, auto done) { rpc.get_block_hash(3, done); });
  ASSERT_TRUE(hash) << hash.error().to_string();
  const auto header = ask<bridge::BlockHeaderInfo>(
      *c, [&](auto& rpc, auto done) { rpc.get_block_header(*hash, done); });
  ASSERT_TRUE(header) << header.error().to_string();
  const std::int64_t after_s = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  // Block times are Unix times of this run (the median-time-past rule may add a second or
  // so to a block; a block mined in the last second may be rounded down).
  EXPECT_GE(std::int64_t{header->header.time}, before_s - 1);
  EXPECT_LE(std::int64_t{header->header.time}, after_s + 12);
  // And they keep coming with wall time alone.
  ASSERT_TRUE(poll_until(
      [&] {
        const auto n =
            ask<std::uint64_t>(*c, [](auto& rpc, auto done) { rpc.get_block_count(done); });
        return n && *n >= *count + 2;
      },
      60s, 10ms));
}

TEST_F(DevnetBitcoinTest, WrongCredentialsAre401AndTheClientSaysSo) {
  auto d = start();
  auto c = client(*d, "wrong");
  const auto denied =
      ask<std::uint64_t>(*c, [](auto& rpc, auto done) { rpc.get_block_count(done); });
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(denied.error().message().find("HTTP 401"), std::string::npos)
      << denied.error().message();
  const RawAnswer raw = post(*d, R"({"method":"getblockcount","params":[],"id":1})", "/", "wrong");
  EXPECT_EQ(raw.http_status, 401);
}

TEST_F(DevnetBitcoinTest, TheEnvelopeIsBitcoindsForErrorsPathsVerbsAndBatches) {
  auto d = start();
  const RawAnswer bad_json = post(*d, "{\"method\": \"getblockcount\", ");
  EXPECT_EQ(bad_json.http_status, 500);
  ASSERT_TRUE(bad_json.body.is_object());
  EXPECT_TRUE(bad_json.body["result"].is_null());
  EXPECT_EQ(bad_json.body["error"]["code"], -32700);
  EXPECT_TRUE(bad_json.body["id"].is_null());

  const RawAnswer unknown = rpc(*d, "getnetworkhashps");
  EXPECT_EQ(unknown.http_status, 404);
  EXPECT_EQ(unknown.body["error"]["code"], -32601);
  EXPECT_EQ(unknown.body["id"], "t");

  const RawAnswer not_request = post(*d, "[1]");
  EXPECT_EQ(not_request.http_status, 200);  // a batch: each answer carries its error
  EXPECT_EQ(not_request.body[0]["error"]["code"], -32600);
  EXPECT_EQ(post(*d, "17").body["error"]["code"], -32600);

  const RawAnswer bad_hash = rpc(*d, "getblockheader", {"xyz"});
  EXPECT_EQ(bad_hash.http_status, 500);
  EXPECT_EQ(bad_hash.body["error"]["code"], -8);
  EXPECT_EQ(rpc(*d, "getblockhash", {"one"}).body["error"]["code"], -3);
  EXPECT_EQ(rpc(*d, "getblockhash").body["error"]["code"], -1);
  EXPECT_EQ(rpc(*d, "sendrawtransaction", {"00zz"}).body["error"]["code"], -22);
  EXPECT_EQ(rpc(*d, "generate", {kDevnetRpcMaxGenerate + 1}).body["error"]["code"], -8);
  EXPECT_EQ(rpc(*d, "devnet_deposit", {"0x1234", 1000}).body["error"]["code"], -8);
  EXPECT_EQ(rpc(*d, "devnet_received", {"bc1notregtest"}).body["error"]["code"], -5);
  EXPECT_EQ(rpc(*d, "listunspent", {1, 9999999}).body["error"]["code"], -8);  // no address filter

  const RawAnswer batch =
      post(*d, R"([{"method":"getblockcount","params":[],"id":1},{"method":"nope","id":2}])");
  EXPECT_EQ(batch.http_status, 200);
  ASSERT_TRUE(batch.body.is_array());
  ASSERT_EQ(batch.body.size(), 2u);
  EXPECT_EQ(batch.body[0]["result"], 0);
  EXPECT_EQ(batch.body[0]["id"], 1);
  EXPECT_EQ(batch.body[1]["error"]["code"], -32601);
  EXPECT_EQ(batch.body[1]["id"], 2);

  EXPECT_EQ(post(*d, R"({"method":"getblockcount","id":1})", "/rest/chaininfo.json").http_status,
            404);
  EXPECT_EQ(post(*d, R"({"method":"getblockcount","id":1})", "/wallet/anything").body["result"], 0);
  httplib::Client cli("127.0.0.1", d->port());
  const auto get = cli.Get("/");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
}

TEST_F(DevnetBitcoinTest, DevnetInfoDescribesTheChainAndTheFederation) {
  auto d = start();
  result(*d, "generate", {2});
  result(*d, "devnet_deposit", {evm_address_hex(evm_address(5)), 300'000});
  const json info = result(*d, "devnet_info");
  EXPECT_EQ(info["chain"], "regtest");
  EXPECT_EQ(info["blocks"], 2);
  EXPECT_EQ(info["mempool_size"], 1);
  EXPECT_EQ(info["block_interval_ms"], to_ms(kDevnetBlockIntervalMax));
  EXPECT_EQ(info["coinbase_maturity"], d->options().coinbase_maturity);
  EXPECT_EQ(info["federation_address"], *federation().address(BitcoinNetwork::kRegtest));
  EXPECT_EQ(info["federation_balance_sat"], 0);  // the deposit is not confirmed yet
  EXPECT_EQ(info["stats"]["txs_accepted"], 1);
  result(*d, "generate", {1});
  EXPECT_EQ(result(*d, "devnet_info")["federation_balance_sat"], 300'000);
}

TEST(DevnetBitcoinOptionsTest, ValidateNamesTheBadField) {
  EXPECT_TRUE(options().validate().is_ok());
  const auto bad = [](auto change) {
    DevnetBitcoinOptions o = options();
    change(o);
    const Status s = o.validate();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    return s.message();
  };
  EXPECT_NE(bad([](auto& o) { o.host.clear(); }).find("host"), std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.user.clear(); }).find("user"), std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.user = "a:b"; }).find("user"), std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.password.clear(); }).find("password"), std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.block_interval = 0ms; }).find("block_interval"), std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.block_interval = 2h; }).find("block_interval"), std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.coinbase_maturity = 0; }).find("coinbase_maturity"),
            std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.coinbase_maturity = 101; }).find("coinbase_maturity"),
            std::string::npos);
  EXPECT_NE(bad([](auto& o) { o.federation.reset(); }).find("federation"), std::string::npos);
  DevnetBitcoinOptions o = options();
  o.password.clear();
  const auto refused = DevnetBitcoin::start(o);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("password"), std::string::npos);
}

TEST(DevnetBitcoinStartTest, APortInUseIsUnavailableNamingIt) {
  auto first = DevnetBitcoin::start(options());
  ASSERT_TRUE(first) << first.error().to_string();
  DevnetBitcoinOptions o = options();
  o.port = (*first)->port();
  const auto second = DevnetBitcoin::start(o);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.error().message().find(fmt::format("127.0.0.1:{}", o.port)), std::string::npos)
      << second.error().message();
}

}  // namespace
}  // namespace alys::node
