// The load tool's threads against a scripted node (issue 10): LoadGenerator's connections
// and InclusionMonitor's follower talk JSON-RPC over loopback HTTP to two in-process
// servers that share one scripted chain. The script makes, for every sender:
//   - nonce 0: the first send refused   -> resent as the same bytes, then acknowledged;
//   - nonce 1: the first send taken but its answer lost (HTTP 500)
//                                        -> resent, the same bytes, acknowledged;
//   - nonce 2: the first send taken and its answer lost, the resend refused "nonce: too low"
//                                        -> given up (it applied), the sender goes on at 3;
// and the chain replaces its top block once after the monitor read it (a reorg). Checked:
// every request accounted for, refusals and errors counted where they happened, each
// sender's nonces reached the node in order with no gap, acknowledged = what the node
// acknowledged, and the monitor sees every acknowledged transfer in a block on both nodes
// across the reorg. Runs under TSan (no processes).
#include <gtest/gtest.h>

#include <httplib.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/chain/codec.h"
#include "core/crypto/tagged_hash.h"
#include "core/types/hex.h"
#include "node/load/inclusion_monitor.h"
#include "node/load/load_generator.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node::load {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr std::size_t kServers = 2;
constexpr std::size_t kConnectionsPerNode = 2;
constexpr std::size_t kSenders = 8;
constexpr std::uint32_t kRate = 400;
constexpr std::uint32_t kReadPercent = 40;

Hash256 block_hash_of(std::uint64_t serial) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(serial >> (8 * i));
  return tagged_hash("alys/test/scripted-block", ByteView(b.data(), b.size()));
}

// One chain behind every server; every method under one mutex.
class ScriptedChain {
 public:
  ScriptedChain() { blocks_.push_back({block_hash_of(0), Hash256{}, {}}); }

  json handle(std::size_t server, const json& req, int& http_status) {
    std::lock_guard lock(mu_);
    const std::string method = req.value("method", "");
    const json& params = req["params"];
    if (method == "alys_sendRawTransaction") return send(params[0].get<std::string>(), http_status);
    if (method == "alys_getAccount") return result(req, {{"balance", "0"}, {"nonce", 0}, {"head", head()}});
    if (method == "alys_head") {
      seal();
      return result(req, head());
    }
    if (method == "alys_getBlockByNumber") {
      const auto h = params[0].get<std::uint64_t>();
      if (h >= blocks_.size()) return result(req, nullptr);
      read_[{server, h}] = true;
      const Block& b = blocks_[h];
      return result(req, {{"height", h}, {"hash", b.hash.to_hex()}, {"parent", b.parent.to_hex()},
                          {"transactions", b.txs}});
    }
    return {{"jsonrpc", "2.0"}, {"id", req["id"]}, {"error", {{"code", -32601}, {"message", "no such method"}}}};
  }

  std::size_t out_of_order() const {
    std::lock_guard lock(mu_);
    return out_of_order_;
  }
  std::set<std::string> refused_first() const {
    std::lock_guard lock(mu_);
    return refused_first_;
  }
  bool reorged() const {
    std::lock_guard lock(mu_);
    return reorged_;
  }

 private:
  struct Block {
    Hash256 hash;
    Hash256 parent;
    std::vector<std::string> txs;
  };

  static json result(const json& req, json r) { return {{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", std::move(r)}}; }
  static json refusal(const json& id, const std::string& message) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32000}, {"message", message}}}};
  }

  json head() const { return {{"height", blocks_.size() - 1}, {"hash", blocks_.back().hash.to_hex()}}; }

  json send(const std::string& hex, int& http_status) {
    const Bytes raw = *from_hex(hex);
    const LedgerTx tx = *decode_ledger_tx(ByteView(raw.data(), raw.size()));
    const std::string hash = ledger_tx_hash(tx).to_hex();
    Sender& s = senders_[tx.sender_key];
    const int sends = s.sends[tx.nonce]++;
    if (held_.count(hash)) {
      if (tx.nonce == 2) return refusal(nullptr, "transaction refused: nonce: too low: the sender's next nonce is 3");
      return result({{"id", nullptr}}, hash);  // a resend of what the node holds
    }
    if (tx.nonce == 0 && sends == 0) {
      refused_first_.insert(hash);
      return refusal(nullptr, "transaction refused: busy");
    }
    if (tx.nonce != s.next_nonce) ++out_of_order_;
    s.next_nonce = tx.nonce + 1;
    held_.insert(hash);
    pending_.push_back(hash);
    if ((tx.nonce == 1 || tx.nonce == 2) && sends == 0) {
      http_status = 500;  // taken, but the answer is lost
      return nullptr;
    }
    return result({{"id", nullptr}}, hash);
  }

  // A new block of what is pending; once, after every server's follower read the top block
  // (height >= 3), that block is first replaced by another with the same transactions, and
  // a block on it follows even with nothing pending (the followers learn of the reorg from
  // that block's parent).
  void seal() {
    const std::uint64_t top = blocks_.size() - 1;
    bool reorg = false;
    if (!reorged_ && top >= 3 && read_.count({0, top}) && read_.count({1, top})) {
      reorged_ = reorg = true;
      blocks_[top].hash = block_hash_of(1'000'000 + top);
    }
    if (pending_.empty() && !reorg) return;
    blocks_.push_back({block_hash_of(blocks_.size()), blocks_.back().hash, std::move(pending_)});
    pending_.clear();
  }

  struct Sender {
    std::uint64_t next_nonce = 0;
    std::map<std::uint64_t, int> sends;
  };
  mutable std::mutex mu_;
  std::vector<Block> blocks_;
  std::vector<std::string> pending_;
  std::set<std::string> held_;
  std::set<std::string> refused_first_;
  std::map<KeyBytes, Sender> senders_;
  std::map<std::pair<std::size_t, std::uint64_t>, bool> read_;
  std::size_t out_of_order_ = 0;
  bool reorged_ = false;
};

class ScriptedServer {
 public:
  ScriptedServer(ScriptedChain& chain, std::size_t index) {
    server_.set_tcp_nodelay(true);  // as the node's server: no delayed-ACK stall per answer
    server_.Post("/", [&chain, index](const httplib::Request& req, httplib::Response& res) {
      int status = 200;
      json answer = chain.handle(index, json::parse(req.body), status);
      res.status = status;
      res.set_content(status == 200 ? answer.dump() : std::string("lost"), "application/json");
    });
    port_ = static_cast<std::uint16_t>(server_.bind_to_any_port("127.0.0.1"));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~ScriptedServer() {
    server_.stop();
    thread_.join();
  }
  JsonRpcEndpoint endpoint() const {
    JsonRpcEndpoint e;
    e.port = port_;
    e.timeout = 10s;
    return e;
  }

 private:
  httplib::Server server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST(LoadGenerator, ResendsSameBytesCountsOutcomesAndMonitorFollowsAReorg) {
  ScriptedChain chain;
  std::vector<std::unique_ptr<ScriptedServer>> servers;
  std::vector<JsonRpcEndpoint> nodes;
  for (std::size_t i = 0; i < kServers; ++i) {
    servers.push_back(std::make_unique<ScriptedServer>(chain, i));
    nodes.push_back(servers.back()->endpoint());
  }
  const auto accounts = make_load_accounts(kSenders, Hash256{});
  const auto epoch = std::chrono::steady_clock::now() + 100ms;
  InclusionMonitor monitor(nodes, 20ms, epoch);
  ASSERT_TRUE(monitor.start().is_ok());

  GeneratorOptions o;
  o.nodes = nodes;
  o.connections_per_node = kConnectionsPerNode;
  o.rate = kRate;
  o.duration_ns = 1'000'000'000;
  o.read_percent = kReadPercent;
  o.send_grace = 60s;  // slow sanitizer builds still send everything
  LoadGenerator generator(o, accounts);
  generator.start(epoch);
  ASSERT_TRUE(real::poll_until([&] { return generator.done(); }, 120s, 10ms));
  const GeneratorResult r = generator.finish();

  // Every request accounted for.
  EXPECT_EQ(r.scheduled, kRate);
  EXPECT_EQ(r.sent, r.scheduled);
  EXPECT_EQ(r.unsent, 0u);
  std::uint64_t sent = 0;
  for (const MethodStats& m : r.methods) {
    EXPECT_GT(m.sent(), 0u);
    EXPECT_EQ(m.latency.count(), m.sent());
    EXPECT_EQ(m.service.count(), m.sent());
    sent += m.sent();
  }
  EXPECT_EQ(sent, r.sent);
  const MethodStats& t = r.methods[static_cast<std::size_t>(RequestKind::kTransfer)];
  const MethodStats& reads = r.methods[static_cast<std::size_t>(RequestKind::kHead)];
  EXPECT_EQ(reads.ok, reads.sent());
  // Per sender: nonce 0 refused once; nonces 1 and 2 lost their answer once; nonce 2's
  // resend refused as applied.
  EXPECT_EQ(t.refused, 2 * kSenders);
  EXPECT_EQ(t.errors, 2 * kSenders);
  EXPECT_EQ(t.rate_limited, 0u);
  EXPECT_EQ(t.ok, r.acked.size());
  EXPECT_EQ(chain.out_of_order(), 0u) << "a sender's nonces reached the node out of order or with a gap";

  std::map<std::uint32_t, std::vector<std::uint64_t>> nonces;
  std::set<std::string> acked_hashes;
  for (const AckedTransfer& a : r.acked) {
    nonces[a.sender].push_back(a.nonce);
    acked_hashes.insert(a.hash.to_hex());
    EXPECT_EQ(a.hash, ledger_tx_hash(load_transfer(accounts[a.sender], a.nonce)));
    EXPECT_EQ(a.node, (a.sender % (kServers * kConnectionsPerNode)) % kServers) << "a sender's connection is fixed";
  }
  ASSERT_EQ(nonces.size(), kSenders);
  for (auto& [sender, n] : nonces) {
    std::sort(n.begin(), n.end());
    ASSERT_GE(n.size(), 3u) << "sender " << sender;
    EXPECT_EQ(n[0], 0u);
    EXPECT_EQ(n[1], 1u);
    for (std::size_t k = 2; k < n.size(); ++k) EXPECT_EQ(n[k], k + 1) << "sender " << sender << ": 2 skipped, no gap";
  }
  for (const std::string& h : chain.refused_first()) {
    EXPECT_TRUE(acked_hashes.count(h)) << "a refused transfer was not resent as the same bytes";
  }

  // The monitor saw every acknowledged transfer in a block on both nodes, across a reorg.
  EXPECT_TRUE(real::poll_until(
      [&] {
        for (const AckedTransfer& a : r.acked) {
          if (!monitor.included_everywhere(a.hash)) return false;
        }
        return chain.reorged() && monitor.stats().reorgs > 0;
      },
      60s, 20ms))
      << "reorged " << chain.reorged() << ", monitor reorgs " << monitor.stats().reorgs;
  for (const AckedTransfer& a : r.acked) {
    auto at = monitor.included_everywhere(a.hash);
    ASSERT_TRUE(at.has_value());
    EXPECT_GE(*at, 0);
  }
  monitor.stop();
  for (std::int64_t s : monitor.longest_silence_ns()) EXPECT_LT(s, std::int64_t{60'000'000'000});
}

}  // namespace
}  // namespace alys::node::load
