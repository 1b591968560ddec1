// clang-format off
#include <utility>  // before Boost.Asio: GCC 12 + C++20 quirk
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
// clang-format on

#include "runtime-real/bitcoind_client.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/runtime/assert.h"
#include "core/types/hex.h"

namespace alys::real {

namespace {

using json = nlohmann::json;
using bridge::RpcCallback;

Status rpc_error(int code, const std::string& method, const std::string& message) {
  const std::string m = fmt::format("bitcoind {}: {} (RPC error {})", method, message, code);
  switch (code) {
    case -5:
    case -8: return Status::not_found(m);
    case -25:
    case -26: return Status::invalid_argument(m);
    case -27: return Status::failed_precondition(m);
    default: return Status::unavailable(m);
  }
}

Status bad_answer(const std::string& method, const std::string& why) {
  return Status::unavailable(fmt::format("bitcoind {}: unexpected answer: {}", method, why));
}

// BTC as bitcoind prints it (a JSON number with up to 8 decimals) in satoshis.
std::int64_t sats(const json& btc) { return std::llround(btc.get<double>() * 1e8); }

Result<Hash256> display_hash(const json& j, const std::string& method, const char* field) {
  if (!j.is_string()) return bad_answer(method, fmt::format("{}: not a string", field));
  auto h = Hash256::from_display_hex(j.get<std::string>());
  if (!h) return bad_answer(method, fmt::format("{}: {}", field, h.error().message()));
  return *h;
}

Result<Bytes> hex_bytes(const json& j, const std::string& method, const char* field) {
  if (!j.is_string()) return bad_answer(method, fmt::format("{}: not a string", field));
  auto b = from_hex(j.get<std::string>());
  if (!b) return bad_answer(method, fmt::format("{}: {}", field, b.error().message()));
  return *b;
}

}  // namespace

struct BitcoindClient::Impl {
  Impl(BitcoindOptions opts, Executor& reply) : o(std::move(opts)), reply_on(reply), pool(o.worker_threads) {}

  BitcoindOptions o;
  Executor& reply_on;
  boost::asio::thread_pool pool;
  std::atomic<bool> alive{true};
  std::atomic<std::uint64_t> next_id{1};

  // One JSON-RPC request with retries: the `result`, or the error the header describes.
  Result<json> request(const std::string& method, const json& params, bool wallet) {
    const std::string body =
        json{{"jsonrpc", "1.0"}, {"id", next_id++}, {"method", method}, {"params", params}}.dump();
    const std::string path = wallet && !o.wallet.empty() ? "/wallet/" + o.wallet : "/";
    const std::string where = fmt::format("{}:{}", o.host, o.port);
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(o.timeout);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(o.timeout - secs);
    Duration delay = o.retry_backoff;
    std::string last;
    for (unsigned attempt = 1; attempt <= o.attempts; ++attempt) {
      if (!alive) return Status::unavailable("bitcoind client closed");
      httplib::Client cli(o.host, o.port);
      cli.set_basic_auth(o.user, o.password);
      cli.set_connection_timeout(secs.count(), micros.count());
      cli.set_read_timeout(secs.count(), micros.count());
      cli.set_write_timeout(secs.count(), micros.count());
      const auto res = cli.Post(path, body, "application/json");
      if (!res) {
        last = fmt::format("bitcoind unreachable at {}: {}", where, httplib::to_string(res.error()));
      } else if (res->status == 401) {
        return Status::unavailable(
            fmt::format("bitcoind at {} refused the rpc user and password (HTTP 401)", where));
      } else {
        const json j = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded() || !j.is_object()) {
          last = fmt::format("bitcoind at {}: HTTP {} without a JSON-RPC answer", where, res->status);
        } else if (j.contains("error") && !j["error"].is_null()) {
          const json& e = j["error"];
          const int code = e.is_object() ? e.value("code", 0) : 0;
          const std::string message = e.is_object() ? e.value("message", "") : e.dump();
          if (code != -28) return rpc_error(code, method, message);
          last = fmt::format("bitcoind at {} is warming up: {}", where, message);
        } else if (!j.contains("result")) {
          last = fmt::format("bitcoind at {}: an answer without a result", where);
        } else {
          return j["result"];
        }
      }
      if (attempt < o.attempts) {
        std::this_thread::sleep_for(delay);  // a worker thread, not an actor's
        delay *= 2;
      }
    }
    return Status::unavailable(fmt::format("{} ({} attempts)", last, o.attempts));
  }
};

namespace {

// Posts `r` to the reply executor, where it reaches `done` unless the client is gone by then.
template <typename T>
void answer(const std::shared_ptr<BitcoindClient::Impl>& impl, RpcCallback<T> done, Result<T> r) {
  if (!impl->alive) return;
  impl->reply_on.post([impl, done = std::move(done), r = std::move(r)]() mutable {
    if (impl->alive) done(std::move(r));
  });
}

// Runs `method` on a worker and answers parse(result) (or the error).
template <typename T, typename Parse>
void call(const std::shared_ptr<BitcoindClient::Impl>& impl, std::string method, json params,
          bool wallet, Parse parse, RpcCallback<T> done) {
  boost::asio::post(impl->pool, [impl, method = std::move(method), params = std::move(params),
                                 wallet, parse = std::move(parse), done = std::move(done)]() mutable {
    if (!impl->alive) return;
    Result<json> j = impl->request(method, params, wallet);
    answer<T>(impl, std::move(done), j ? parse(*j) : Result<T>(j.error()));
  });
}

}  // namespace

BitcoindClient::BitcoindClient(BitcoindOptions options, Executor& reply_on) {
  ALYS_ASSERT(options.attempts >= 1, "BitcoindClient: attempts must be >= 1");
  ALYS_ASSERT(options.worker_threads >= 1, "BitcoindClient: worker_threads must be >= 1");
  impl_ = std::make_shared<Impl>(std::move(options), reply_on);
}

BitcoindClient::~BitcoindClient() {
  impl_->alive = false;
  impl_->pool.join();
}

void BitcoindClient::get_block_count(RpcCallback<std::uint64_t> done) {
  call<std::uint64_t>(impl_, "getblockcount", json::array(), false, [](const json& j) -> Result<std::uint64_t> {
    if (!j.is_number_unsigned()) return bad_answer("getblockcount", "not a count");
    return j.get<std::uint64_t>();
  }, std::move(done));
}

void BitcoindClient::get_block_hash(std::uint64_t height, RpcCallback<Hash256> done) {
  call<Hash256>(impl_, "getblockhash", json::array({height}), false,
                [](const json& j) { return display_hash(j, "getblockhash", "result"); }, std::move(done));
}

void BitcoindClient::get_block_header(const Hash256& hash, RpcCallback<bridge::BlockHeaderInfo> done) {
  call<bridge::BlockHeaderInfo>(
      impl_, "getblockheader", json::array({hash.to_display_hex(), true}), false,
      [hash](const json& j) -> Result<bridge::BlockHeaderInfo> {
        const std::string m = "getblockheader";
        if (!j.is_object()) return bad_answer(m, "not an object");
        try {
          bridge::BlockHeaderInfo info;
          info.hash = hash;
          info.height = j.at("height").get<std::uint64_t>();
          info.confirmations = j.at("confirmations").get<std::int64_t>();
          info.header.version = j.at("version").get<std::int32_t>();
          if (j.contains("previousblockhash")) {
            auto prev = display_hash(j["previousblockhash"], m, "previousblockhash");
            if (!prev) return prev.error();
            info.header.prev_block = *prev;
          }
          auto merkle = display_hash(j.at("merkleroot"), m, "merkleroot");
          if (!merkle) return merkle.error();
          info.header.merkle_root = *merkle;
          info.header.time = j.at("time").get<std::uint32_t>();
          info.header.nonce = j.at("nonce").get<std::uint32_t>();
          info.header.bits = static_cast<std::uint32_t>(std::stoul(j.at("bits").get<std::string>(), nullptr, 16));
          if (block_hash(info.header) != hash) {
            return bad_answer(m, "the header's fields do not hash to " + hash.to_display_hex());
          }
          return info;
        } catch (const std::exception& e) {  // a missing field or a wrong type
          return bad_answer(m, e.what());
        }
      },
      std::move(done));
}

void BitcoindClient::get_block(const Hash256& hash, RpcCallback<Block> done) {
  call<Block>(impl_, "getblock", json::array({hash.to_display_hex(), 0}), false,
              [hash](const json& j) -> Result<Block> {
                auto bytes = hex_bytes(j, "getblock", "result");
                if (!bytes) return bytes.error();
                auto block = parse_block(*bytes);
                if (!block) return bad_answer("getblock", block.error().message());
                if (block_hash(block->header) != hash) {
                  return bad_answer("getblock", "a block that is not " + hash.to_display_hex());
                }
                return block;
              },
              std::move(done));
}

void BitcoindClient::get_raw_transaction(const Hash256& id, RpcCallback<bridge::RawTransactionInfo> done) {
  call<bridge::RawTransactionInfo>(
      impl_, "getrawtransaction", json::array({id.to_display_hex(), true}), false,
      [id](const json& j) -> Result<bridge::RawTransactionInfo> {
        const std::string m = "getrawtransaction";
        if (!j.is_object() || !j.contains("hex")) return bad_answer(m, "no hex");
        auto bytes = hex_bytes(j["hex"], m, "hex");
        if (!bytes) return bytes.error();
        auto tx = parse_transaction(*bytes);
        if (!tx) return bad_answer(m, tx.error().message());
        if (txid(*tx) != id) return bad_answer(m, "a transaction that is not " + id.to_display_hex());
        bridge::RawTransactionInfo info;
        info.tx = std::move(*tx);
        if (j.contains("blockhash")) {
          auto b = display_hash(j["blockhash"], m, "blockhash");
          if (!b) return b.error();
          info.block_hash = *b;
        }
        info.confirmations = j.value("confirmations", std::int64_t{0});
        return info;
      },
      std::move(done));
}

void BitcoindClient::send_raw_transaction(const Transaction& tx, RpcCallback<Hash256> done) {
  call<Hash256>(impl_, "sendrawtransaction", json::array({to_hex(serialize_transaction(tx))}), false,
                [](const json& j) { return display_hash(j, "sendrawtransaction", "result"); },
                std::move(done));
}

void BitcoindClient::estimate_smart_fee(std::uint32_t conf_target, RpcCallback<bridge::FeeRate> done) {
  call<bridge::FeeRate>(impl_, "estimatesmartfee", json::array({conf_target}), false,
                        [](const json& j) -> Result<bridge::FeeRate> {
                          if (!j.is_object()) return bad_answer("estimatesmartfee", "not an object");
                          if (!j.contains("feerate") || !j["feerate"].is_number()) {
                            return Status::unavailable("bitcoind estimatesmartfee: no estimate yet: " +
                                                       (j.contains("errors") ? j["errors"].dump() : "no feerate"));
                          }
                          return bridge::FeeRate{sats(j["feerate"])};
                        },
                        std::move(done));
}

void BitcoindClient::get_mempool_entry(const Hash256& id, RpcCallback<bridge::MempoolEntry> done) {
  call<bridge::MempoolEntry>(impl_, "getmempoolentry", json::array({id.to_display_hex()}), false,
                             [](const json& j) -> Result<bridge::MempoolEntry> {
                               try {
                                 return bridge::MempoolEntry{j.at("vsize").get<std::uint64_t>(),
                                                             sats(j.at("fees").at("base"))};
                               } catch (const std::exception& e) {
                                 return bad_answer("getmempoolentry", e.what());
                               }
                             },
                             std::move(done));
}

void BitcoindClient::get_tx_out(const OutPoint& outpoint,
                                RpcCallback<std::optional<bridge::TxOutInfo>> done) {
  call<std::optional<bridge::TxOutInfo>>(
      impl_, "gettxout", json::array({outpoint.txid.to_display_hex(), outpoint.vout, false}), false,
      [](const json& j) -> Result<std::optional<bridge::TxOutInfo>> {
        const std::string m = "gettxout";
        if (j.is_null()) return std::optional<bridge::TxOutInfo>{};
        try {
          bridge::TxOutInfo info;
          auto best = display_hash(j.at("bestblock"), m, "bestblock");
          if (!best) return best.error();
          info.best_block = *best;
          info.confirmations = j.at("confirmations").get<std::int64_t>();
          info.out.value = sats(j.at("value"));
          auto spk = hex_bytes(j.at("scriptPubKey").at("hex"), m, "scriptPubKey.hex");
          if (!spk) return spk.error();
          info.out.script_pubkey = std::move(*spk);
          return std::optional<bridge::TxOutInfo>(std::move(info));
        } catch (const std::exception& e) {
          return bad_answer(m, e.what());
        }
      },
      std::move(done));
}

void BitcoindClient::list_unspent(const Bytes& script_pubkey, std::uint32_t min_conf,
                                  RpcCallback<std::vector<bridge::UnspentOutput>> done) {
  auto program = parse_witness_program_script(script_pubkey);
  Result<std::string> address = program ? encode_segwit_address(impl_->o.network, *program)
                                        : Result<std::string>(program.error());
  if (!address) {
    answer<std::vector<bridge::UnspentOutput>>(
        impl_, std::move(done),
        Status::invalid_argument("list_unspent: the script has no address: " +
                                 address.error().message()));
    return;
  }
  call<std::vector<bridge::UnspentOutput>>(
      impl_, "listunspent", json::array({std::max<std::uint32_t>(min_conf, 1), 9'999'999, json::array({*address})}),
      /*wallet=*/true,
      [script_pubkey](const json& j) -> Result<std::vector<bridge::UnspentOutput>> {
        const std::string m = "listunspent";
        if (!j.is_array()) return bad_answer(m, "not an array");
        std::vector<bridge::UnspentOutput> out;
        try {
          for (const json& u : j) {
            auto spk = hex_bytes(u.at("scriptPubKey"), m, "scriptPubKey");
            if (!spk) return spk.error();
            if (*spk != script_pubkey) continue;
            auto id = display_hash(u.at("txid"), m, "txid");
            if (!id) return id.error();
            out.push_back({OutPoint{*id, u.at("vout").get<std::uint32_t>()}, sats(u.at("amount")),
                           u.at("confirmations").get<std::int64_t>()});
          }
        } catch (const std::exception& e) {
          return bad_answer(m, e.what());
        }
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return a.outpoint < b.outpoint; });
        return out;
      },
      std::move(done));
}

}  // namespace alys::real
