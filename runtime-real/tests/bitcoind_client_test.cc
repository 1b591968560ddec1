// BitcoindClient over real HTTP against a fake bitcoind (an httplib server on loopback that
// speaks bitcoind's JSON-RPC for a few canned blocks and transactions): every call's
// mapping, basic auth, the error classes, retries through a warming-up or failing bitcoind,
// an unreachable one, answers that do not match what was asked, and answers that are
// never delivered once the client is gone.
// clang-format off
#include <utility>  // before Boost.Asio: GCC 12 + C++20 quirk
#include <boost/asio.hpp>
// clang-format on

#include "runtime-real/bitcoind_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/types/hex.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/tests/await_answer.h"

namespace alys::real {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

Transaction sample_tx(std::uint8_t tag, Bytes spk) {
  Transaction tx;
  TxIn in;
  in.prevout.txid = Hash256::from_bytes(Bytes(32, tag)).value();
  in.prevout.vout = tag;
  tx.inputs.push_back(in);
  tx.outputs.push_back({12'345 + tag, std::move(spk)});
  return tx;
}

Bytes taproot_spk(std::uint8_t tag) {
  Bytes spk = {0x51, 0x20};
  spk.insert(spk.end(), 32, tag);
  return spk;
}

// bitcoind, as far as these tests need it. Every request is checked for basic auth and a
// well-formed JSON-RPC body; `fail_next` answers that many requests with HTTP 503 first,
// `warming` that many with RPC error -28.
class FakeBitcoind {
 public:
  FakeBitcoind() {
    block_.header.version = 0x20000000;
    block_.header.prev_block = Hash256::from_bytes(Bytes(32, 9)).value();
    block_.header.time = 1'700'000'000;
    block_.header.bits = 0x207fffff;
    block_.header.nonce = 42;
    block_.transactions.push_back(sample_tx(1, taproot_spk(7)));
    block_.header.merkle_root = txid(block_.transactions[0]);
    hash_ = block_hash(block_.header);
    server_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    // Bound already: connections wait in the backlog until the accept loop runs.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeBitcoind() {
    server_.stop();
    thread_.join();
  }
  BitcoindOptions options() const {
    BitcoindOptions o;
    o.port = static_cast<std::uint16_t>(port_);
    o.user = "alys";
    o.password = "secret";
    o.wallet = "federation";
    o.retry_backoff = 1ms;
    o.timeout = 5s;
    return o;
  }
  const Block& block() const { return block_; }
  const Hash256& hash() const { return hash_; }
  std::atomic<int> fail_next{0};
  std::atomic<int> warming{0};
  std::atomic<int> requests{0};
  std::atomic<bool> lie{false};  // answer with a header that hashes to something else
  std::string last_path() {
    std::lock_guard l(mu_);
    return last_path_;
  }

 private:
  void reply(httplib::Response& res, const json& id, const json& result) {
    res.set_content(json{{"result", result}, {"error", nullptr}, {"id", id}}.dump(), "application/json");
  }
  void error(httplib::Response& res, const json& id, int code, const std::string& message) {
    res.status = 500;
    res.set_content(json{{"result", nullptr}, {"error", {{"code", code}, {"message", message}}}, {"id", id}}.dump(),
                    "application/json");
  }
  void handle(const httplib::Request& req, httplib::Response& res) {
    ++requests;
    {
      std::lock_guard l(mu_);
      last_path_ = req.path;
    }
    if (req.get_header_value("Authorization") != "Basic YWx5czpzZWNyZXQ=") {  // alys:secret
      res.status = 401;
      return;
    }
    if (fail_next > 0) {
      --fail_next;
      res.status = 503;
      res.set_content("busy", "text/plain");
      return;
    }
    const json body = json::parse(req.body);
    const json id = body.at("id");
    const std::string method = body.at("method");
    const json& p = body.at("params");
    if (warming > 0) {
      --warming;
      return error(res, id, -28, "Loading block index...");
    }
    const std::string hash_hex = hash_.to_display_hex();
    const Transaction& tx = block_.transactions[0];
    if (method == "getblockcount") return reply(res, id, 101);
    if (method == "getblockhash") {
      if (p.at(0).get<int>() == 101) return reply(res, id, hash_hex);
      return error(res, id, -8, "Block height out of range");
    }
    if (method == "getblockheader" && p.at(0) == hash_hex) {
      const BlockHeader& h = block_.header;
      char bits[9];
      std::snprintf(bits, sizeof bits, "%08x", h.bits);
      return reply(res, id, {{"hash", hash_hex}, {"confirmations", 1}, {"height", 101},
                             {"version", h.version}, {"merkleroot", h.merkle_root.to_display_hex()},
                             {"time", h.time}, {"nonce", lie ? h.nonce + 1 : h.nonce}, {"bits", bits},
                             {"previousblockhash", h.prev_block.to_display_hex()}});
    }
    if (method == "getblock" && p.at(0) == hash_hex) return reply(res, id, to_hex(serialize_block(block_)));
    if (method == "getrawtransaction" && p.at(0) == txid(tx).to_display_hex()) {
      return reply(res, id, {{"hex", to_hex(serialize_transaction(tx))}, {"blockhash", hash_hex}, {"confirmations", 1}});
    }
    if (method == "sendrawtransaction") {
      const auto raw = parse_transaction(from_hex(p.at(0).get<std::string>()).value());
      if (!raw) return error(res, id, -22, "TX decode failed");
      if (raw->lock_time == 99) return error(res, id, -26, "min relay fee not met");
      if (raw->lock_time == 98) return error(res, id, -27, "Transaction already in block chain");
      return reply(res, id, txid(*raw).to_display_hex());
    }
    if (method == "estimatesmartfee") {
      if (p.at(0) == 1) return reply(res, id, {{"errors", {"Insufficient data or no feerate found"}}, {"blocks", 2}});
      return reply(res, id, {{"feerate", 0.00012345}, {"blocks", 6}});
    }
    if (method == "getmempoolentry") return reply(res, id, {{"vsize", 141}, {"fees", {{"base", 0.00000282}}}});
    if (method == "gettxout") {
      if (p.at(1) == 0) {
        return reply(res, id, {{"bestblock", hash_hex}, {"confirmations", 3}, {"value", 1.5},
                               {"scriptPubKey", {{"hex", to_hex(taproot_spk(7))}}}});
      }
      return reply(res, id, nullptr);
    }
    if (method == "listunspent") {
      const std::string mine = to_hex(taproot_spk(7));
      const auto id_of = [](std::uint8_t b) { return Hash256::from_bytes(Bytes(32, b)).value().to_display_hex(); };
      return reply(res, id, json::array({
          {{"txid", id_of(5)}, {"vout", 1}, {"amount", 0.25}, {"confirmations", 2}, {"scriptPubKey", mine}},
          {{"txid", id_of(3)}, {"vout", 0}, {"amount", 1.0}, {"confirmations", 9}, {"scriptPubKey", mine}},
          {{"txid", id_of(4)}, {"vout", 0}, {"amount", 2.0}, {"confirmations", 9},
           {"scriptPubKey", to_hex(taproot_spk(8))}},  // another address: filtered out
      }));
    }
    return error(res, id, -5, "No such block or transaction");
  }

  Block block_;
  Hash256 hash_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::string last_path_;
};

class BitcoindClientTest : public ::testing::Test {
 protected:
  BitcoindClientTest() : pool_(1), executor_(pool_.context()) { pool_.start(); }
  ~BitcoindClientTest() override { pool_.stop(); }

  // Calls `method` on `client` and waits for its answer (delivered on executor_).
  template <typename T, typename F>
  Result<T> ask(BitcoindClient& client, F method) {
    return real::await_answer<T>(client, method);
  }

  FakeBitcoind bitcoind_;
  AsioPool pool_;
  AsioExecutor executor_;
};

TEST_F(BitcoindClientTest, ReadsCountHashHeaderBlockAndTransaction) {
  BitcoindClient c(bitcoind_.options(), executor_);
  EXPECT_EQ(ask<std::uint64_t>(c, [](auto& rpc, auto d) { rpc.get_block_count(d); }).value(), 101u);
  EXPECT_EQ(ask<Hash256>(c, [](auto& rpc, auto d) { rpc.get_block_hash(101, d); }).value(), bitcoind_.hash());
  const auto header = ask<bridge::BlockHeaderInfo>(c, [&](auto& rpc, auto d) { rpc.get_block_header(bitcoind_.hash(), d); });
  ASSERT_TRUE(header) << header.error().to_string();
  EXPECT_EQ(header->header, bitcoind_.block().header);
  EXPECT_EQ(header->height, 101u);
  EXPECT_EQ(header->confirmations, 1);
  const auto block = ask<Block>(c, [&](auto& rpc, auto d) { rpc.get_block(bitcoind_.hash(), d); });
  ASSERT_TRUE(block) << block.error().to_string();
  EXPECT_EQ(*block, bitcoind_.block());
  const Hash256 id = txid(bitcoind_.block().transactions[0]);
  const auto raw = ask<bridge::RawTransactionInfo>(c, [&](auto& rpc, auto d) { rpc.get_raw_transaction(id, d); });
  ASSERT_TRUE(raw) << raw.error().to_string();
  EXPECT_EQ(raw->tx, bitcoind_.block().transactions[0]);
  EXPECT_EQ(raw->block_hash, bitcoind_.hash());
  EXPECT_EQ(bitcoind_.last_path(), "/");
}

TEST_F(BitcoindClientTest, SendsAndMapsBitcoindsRefusals) {
  BitcoindClient c(bitcoind_.options(), executor_);
  Transaction tx = sample_tx(2, taproot_spk(1));
  EXPECT_EQ(ask<Hash256>(c, [&](auto& rpc, auto d) { rpc.send_raw_transaction(tx, d); }).value(), txid(tx));
  tx.lock_time = 99;
  EXPECT_EQ(ask<Hash256>(c, [&](auto& rpc, auto d) { rpc.send_raw_transaction(tx, d); }).error().code(),
            StatusCode::kInvalidArgument);
  tx.lock_time = 98;
  EXPECT_EQ(ask<Hash256>(c, [&](auto& rpc, auto d) { rpc.send_raw_transaction(tx, d); }).error().code(),
            StatusCode::kFailedPrecondition);
  const auto missing = ask<Hash256>(c, [](auto& rpc, auto d) { rpc.get_block_hash(7, d); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.error().message().find("Block height out of range"), std::string::npos);
}

TEST_F(BitcoindClientTest, FeesMempoolUtxosAndTheWalletsUnspentOutputs) {
  BitcoindClient c(bitcoind_.options(), executor_);
  EXPECT_EQ(ask<bridge::FeeRate>(c, [](auto& rpc, auto d) { rpc.estimate_smart_fee(6, d); })->sat_per_kvb, 12'345);
  EXPECT_EQ(ask<bridge::FeeRate>(c, [](auto& rpc, auto d) { rpc.estimate_smart_fee(1, d); }).error().code(),
            StatusCode::kUnavailable);
  const auto entry = ask<bridge::MempoolEntry>(c, [](auto& rpc, auto d) { rpc.get_mempool_entry(Hash256{}, d); });
  EXPECT_EQ(entry->vsize, 141u);
  EXPECT_EQ(entry->fee_sat, 282);
  const auto out = ask<std::optional<bridge::TxOutInfo>>(c, [](auto& rpc, auto d) { rpc.get_tx_out({Hash256{}, 0}, d); });
  ASSERT_TRUE(out && out->has_value());
  EXPECT_EQ((*out)->out.value, 150'000'000);
  EXPECT_EQ((*out)->out.script_pubkey, taproot_spk(7));
  const auto spent = ask<std::optional<bridge::TxOutInfo>>(c, [](auto& rpc, auto d) { rpc.get_tx_out({Hash256{}, 1}, d); });
  ASSERT_TRUE(spent);
  EXPECT_FALSE(spent->has_value());
  const auto unspent = ask<std::vector<bridge::UnspentOutput>>(
      c, [](auto& rpc, auto d) { rpc.list_unspent(taproot_spk(7), 0, d); });
  ASSERT_TRUE(unspent) << unspent.error().to_string();
  ASSERT_EQ(unspent->size(), 2u);  // the other address's output left out, sorted by outpoint
  EXPECT_EQ((*unspent)[0].value, 100'000'000);
  EXPECT_EQ((*unspent)[1].value, 25'000'000);
  EXPECT_EQ(bitcoind_.last_path(), "/wallet/federation");
  const auto no_address = ask<std::vector<bridge::UnspentOutput>>(
      c, [](auto& rpc, auto d) { rpc.list_unspent(Bytes{0x6a}, 1, d); });
  EXPECT_EQ(no_address.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(BitcoindClientTest, RetriesABusyOrWarmingBitcoindAndGivesUpAfterTheAttempts) {
  BitcoindClient c(bitcoind_.options(), executor_);
  bitcoind_.fail_next = 1;
  bitcoind_.warming = 1;
  EXPECT_EQ(ask<std::uint64_t>(c, [](auto& rpc, auto d) { rpc.get_block_count(d); }).value(), 101u);
  EXPECT_EQ(bitcoind_.requests, 3);
  bitcoind_.fail_next = 3;
  const auto r = ask<std::uint64_t>(c, [](auto& rpc, auto d) { rpc.get_block_count(d); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.error().message().find("HTTP 503"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("3 attempts"), std::string::npos) << r.error().message();
}

TEST_F(BitcoindClientTest, WrongCredentialsAndAnUnreachableBitcoindAreUnavailable) {
  BitcoindOptions bad = bitcoind_.options();
  bad.password = "wrong";
  BitcoindClient c(bad, executor_);
  const auto denied = ask<std::uint64_t>(c, [](auto& rpc, auto d) { rpc.get_block_count(d); });
  EXPECT_EQ(denied.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(denied.error().message().find("HTTP 401"), std::string::npos);
  EXPECT_EQ(bitcoind_.requests, 1);  // not retried: it would not get better

  BitcoindOptions closed = bitcoind_.options();
  closed.port = 1;  // nothing listens there
  BitcoindClient nobody(closed, executor_);
  const auto unreachable = ask<std::uint64_t>(nobody, [](auto& rpc, auto d) { rpc.get_block_count(d); });
  EXPECT_EQ(unreachable.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(unreachable.error().message().find("unreachable"), std::string::npos);
}

TEST_F(BitcoindClientTest, AHeaderThatDoesNotHashToTheAskedHashIsRefused) {
  BitcoindClient c(bitcoind_.options(), executor_);
  bitcoind_.lie = true;
  const auto header = ask<bridge::BlockHeaderInfo>(c, [&](auto& rpc, auto d) { rpc.get_block_header(bitcoind_.hash(), d); });
  ASSERT_FALSE(header);
  EXPECT_NE(header.error().message().find("do not hash to"), std::string::npos);
}

TEST_F(BitcoindClientTest, AnswersAreNeverDeliveredInsideTheCallNorAfterTheClientIsGone) {
  std::atomic<int> delivered{0};
  // Blocks the reply executor, so the second answer is still queued when the client dies.
  std::promise<void> release;
  {
    BitcoindClient c(bitcoind_.options(), executor_);
    std::atomic<bool> returned{false};
    std::promise<void> done;
    c.get_block_count([&](Result<std::uint64_t>) {
      EXPECT_TRUE(returned);
      done.set_value();
    });
    returned = true;
    ASSERT_EQ(done.get_future().wait_for(30s), std::future_status::ready);
    executor_.post([released = release.get_future().share()] { released.wait(); });
    c.get_block_count([&](Result<std::uint64_t>) { ++delivered; });
    while (bitcoind_.requests < 2) std::this_thread::yield();
  }  // the destructor waits for the request in flight; its answer stays queued
  release.set_value();
  std::promise<void> drained;
  executor_.post([&] { drained.set_value(); });
  drained.get_future().wait();
  EXPECT_EQ(delivered, 0);
}

}  // namespace
}  // namespace alys::real
