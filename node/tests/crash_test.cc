// The crash test of issue 8: three authorities as alys-node processes under transfer load
// over JSON-RPC, with a CPU miner finalizing; one authority is killed with SIGKILL ten
// times, each time after a random number of its own new blocks, and restarted on its
// LevelDB directory. Checked:
//   - each restart recovers: the node answers again, still holds every block it had
//     reported finalized (same hash at each height), and catches up with the others;
//   - no finalized block is lost anywhere: every (height, hash) any node ever reported
//     finalized is, at the end, the block at that height on all three nodes;
//   - no acknowledged transaction is lost: every transfer a node acknowledged
//     (alys_sendRawTransaction answered its hash) is applied on all three at the end;
//   - no slot is double-signed: across the three stores, at most one block per slot, and
//     the killed node's guard record for a slot names that block.
// Random choices come from a seeded generator (printed); waits are polls with deadlines.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <iostream>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "core/chain/block.h"
#include "core/chain/codec.h"
#include "core/execution/ledger_tx.h"
#include "core/storage/chain_keys.h"
#include "core/types/hex.h"
#include "node/aux_miner.h"
#include "node/child_process.h"
#include "node/devnet.h"
#include "node/rpc_client.h"
#include "runtime-real/leveldb_storage.h"
#include "node/tests/process_test_util.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::free_port_run;

constexpr auto kDeadline = 90s;
constexpr int kNodes = 3;
constexpr int kKills = 10;
constexpr int kVictim = 0;

bool eventually(const std::function<bool()>& pred) { return real::poll_until(pred, kDeadline, 50ms); }

struct Pointer {
  std::uint64_t height = 0;
  std::string hash;
};

std::optional<Pointer> pointer_of(const nlohmann::json& p) {
  if (!p.is_object() || !p.contains("height") || !p.contains("hash")) return std::nullopt;
  return Pointer{p["height"].get<std::uint64_t>(), p["hash"].get<std::string>()};
}

// The transfer with nonce n from the faucet: always the same bytes (fixed aux randomness),
// so a resent one is the same transaction.
LedgerTx transfer_for(std::uint64_t nonce) {
  EvmAddress to{};
  to[0] = 0xc0;
  to[12] = static_cast<std::uint8_t>(nonce >> 8);
  to[13] = static_cast<std::uint8_t>(nonce);
  return signed_transfer(devnet_faucet_key(), nonce, to, Wei::from_u64(1000 + nonce),
                         Wei::from_u64(1'000'000'000));
}

TEST(Crash, AnAuthorityKilledTenTimesUnderLoadLosesNothingAndNeverDoubleSigns) {
  const unsigned seed = static_cast<unsigned>(::getpid());
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::string pattern = (fs::temp_directory_path() / "alys-crash-XXXXXX").string();
  const fs::path dir = ::mkdtemp(pattern.data());
  DevnetOptions o;
  o.nodes = kNodes;
  o.dir = (dir / "net").string();
  o.base_port = free_port_run(2 * kNodes);
  o.rpc_base_port = static_cast<std::uint16_t>(o.base_port + kNodes);
  o.slot_ms = 300;
  const auto written = write_devnet_network(o, std::nullopt);
  ASSERT_TRUE(written.has_value()) << written.error().message();

  std::array<std::optional<ChildProcess>, kNodes> nodes;
  auto log_of = [&](int i) { return (fs::path(o.dir) / ("n" + std::to_string(i)) / "node.log").string(); };
  auto start = [&](int i) {
    auto child = ChildProcess::spawn(ALYS_NODE_BIN,
                                     {"run", "--config", (fs::path(o.dir) / ("n" + std::to_string(i)) / "node.toml").string()},
                                     log_of(i));
    ASSERT_TRUE(child.has_value()) << child.error().message();
    nodes[i] = std::move(*child);
  };
  for (int i = 0; i < kNodes; ++i) start(i);
  auto endpoint = [&](int i) {
    JsonRpcEndpoint e;
    e.port = static_cast<std::uint16_t>(o.rpc_base_port + i);
    e.timeout = 2000ms;
    return e;
  };

  AuxMinerOptions mo;
  for (int i = 0; i < kNodes; ++i) mo.nodes.push_back(endpoint(i));
  mo.interval = 300ms;
  AuxMiner miner(mo);
  miner.start();

  // Everything any node reported finalized, by height (the test thread only).
  std::map<std::uint64_t, std::string> finalized;
  std::vector<std::unique_ptr<JsonRpcClient>> rpc;
  for (int i = 0; i < kNodes; ++i) rpc.push_back(std::make_unique<JsonRpcClient>(endpoint(i)));
  auto observe = [&](int i) -> std::optional<nlohmann::json> {
    auto s = rpc[i]->call("alys_status");
    if (!s) return std::nullopt;
    if (auto f = pointer_of((*s)["finalized"]); f && f->height > 0) {
      auto [it, fresh] = finalized.emplace(f->height, f->hash);
      EXPECT_EQ(it->second, f->hash) << "node " << i << " finalized another block at h" << f->height;
    }
    return *s;
  };
  auto head_of = [&](int i) -> std::uint64_t {
    auto s = observe(i);
    return s ? (*s)["head"]["height"].get<std::uint64_t>() : 0;
  };

  // The load: the faucet's transfers, nonce by nonce, each to a random node until one
  // acknowledges it (a node being killed may not answer). A jthread: a failed ASSERT
  // returns from the test, and the load must stop there, not std::terminate the binary.
  std::mutex acked_mu;
  std::uint64_t acked = 0;  // nonces 0..acked-1 acknowledged
  std::jthread load([&](std::stop_token stop_load) {
    std::mt19937 lrng(seed + 1);
    std::vector<std::unique_ptr<JsonRpcClient>> clients;
    for (int i = 0; i < kNodes; ++i) clients.push_back(std::make_unique<JsonRpcClient>(endpoint(i)));
    std::uint64_t nonce = 0;
    while (!stop_load.stop_requested()) {
      const std::string hex = to_hex(encode_ledger_tx(transfer_for(nonce)));
      auto r = clients[lrng() % kNodes]->call("alys_sendRawTransaction", nlohmann::json::array({hex}));
      if (r) {
        std::lock_guard lock(acked_mu);
        acked = ++nonce;
      }
      std::this_thread::sleep_for(20ms);  // pacing of the load, not a wait for a result
    }
  });

  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < kNodes; ++i) {
      auto s = observe(i);
      if (!s || (*s)["finalized"]["height"].get<std::uint64_t>() < 3) return false;
    }
    return true;
  })) << "no finality before the first kill; see " << dir.string();

  for (int k = 0; k < kKills; ++k) {
    SCOPED_TRACE("kill " + std::to_string(k + 1));
    const std::uint64_t wait_blocks = 1 + rng() % 6;
    const std::uint64_t from = head_of(kVictim);
    ASSERT_TRUE(eventually([&] { return head_of(kVictim) >= from + wait_blocks; }));
    auto before = observe(kVictim);
    ASSERT_TRUE(before.has_value());
    const Pointer fin = *pointer_of((*before)["finalized"]);
    ASSERT_TRUE(nodes[kVictim]->signal(SIGKILL));
    ASSERT_EQ(nodes[kVictim]->wait_for(10s), 128 + SIGKILL);
    const std::uint64_t others = std::max(head_of(1), head_of(2));
    start(kVictim);
    // Recovered from its store: the finalized block is still there, and it catches up.
    ASSERT_TRUE(eventually([&] {
      auto s = observe(kVictim);
      if (!s) return false;
      const auto f = pointer_of((*s)["finalized"]);
      return f && f->height >= fin.height && (*s)["head"]["height"].get<std::uint64_t>() >= others;
    })) << "the restarted node did not recover past h" << others;
    auto block = rpc[kVictim]->call("alys_getBlockByNumber", nlohmann::json::array({fin.height}));
    ASSERT_TRUE(block.has_value() && block->is_object());
    EXPECT_EQ((*block)["hash"].get<std::string>(), fin.hash) << "finalized h" << fin.height << " changed";
  }

  load.request_stop();
  load.join();
  // Every acknowledged transfer is applied everywhere (the faucet's nonce passed it).
  ASSERT_GT(acked, 20u) << "too little load to mean anything";
  std::string heads_before_wait;
  for (int i = 0; i < kNodes; ++i) heads_before_wait += fmt::format(" h{}", head_of(i));
  const auto wait_started = std::chrono::steady_clock::now();
  const bool all_applied = eventually([&] {
    for (int i = 0; i < kNodes; ++i) {
      auto a = rpc[i]->call("alys_getAccount", nlohmann::json::array({evm_address_hex(devnet_faucet_address())}));
      if (!a || (*a)["nonce"].get<std::uint64_t>() < acked) return false;
    }
    return true;
  });
  const auto drained_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wait_started).count();
  if (!all_applied) {
    // What a failure in CI must say, since its directory is gone: where each node stands.
    std::string where;
    for (int i = 0; i < kNodes; ++i) {
      auto a = rpc[i]->call("alys_getAccount", nlohmann::json::array({evm_address_hex(devnet_faucet_address())}));
      auto s = rpc[i]->call("alys_status");
      where += fmt::format("\n  node {}: faucet nonce {}, status {}", i, a ? (*a)["nonce"].dump() : "unreadable",
                           s ? s->dump() : "unreadable");
    }
    FAIL() << "an acknowledged transfer was lost (" << acked << " acknowledged; heads before the "
           << kDeadline.count() << " s wait:" << heads_before_wait << "); see " << dir.string() << where;
  }
  for (std::uint64_t n = 0; n < acked; n += 7) {
    const LedgerTx tx = transfer_for(n);
    for (int i = 0; i < kNodes; ++i) {
      auto a = rpc[i]->call("alys_getAccount", nlohmann::json::array({evm_address_hex(tx.to)}));
      ASSERT_TRUE(a.has_value());
      EXPECT_EQ((*a)["balance"].get<std::string>(), tx.value.to_string()) << "nonce " << n << " node " << i;
    }
  }
  std::size_t resubmitted = 0;  // journaled transactions a restart found still pending
  {
    std::ifstream log(log_of(kVictim));
    static const std::regex pending(R"(tx journal: \d+ acknowledged transactions found, (\d+) still pending)");
    for (std::string line; std::getline(log, line);) {
      std::smatch m;
      if (std::regex_search(line, m, pending)) resubmitted += std::stoul(m[1].str());
    }
  }
  std::cout << "crash test: " << acked << " transfers acknowledged (all applied everywhere " << drained_ms
            << " ms after the load stopped), " << finalized.size()
            << " finalized heights observed, " << resubmitted << " journaled transfers resubmitted by restarts\n";
  // Every finalized block ever reported is the block at its height on every node.
  for (int i = 0; i < kNodes; ++i) observe(i);
  for (const auto& [height, hash] : finalized) {
    for (int i = 0; i < kNodes; ++i) {
      auto b = rpc[i]->call("alys_getBlockByNumber", nlohmann::json::array({height}));
      ASSERT_TRUE(b.has_value() && b->is_object()) << "node " << i << " h" << height;
      EXPECT_EQ((*b)["hash"].get<std::string>(), hash) << "node " << i << " lost finalized h" << height;
    }
  }

  miner.stop();
  for (auto& n : nodes) n->signal(SIGINT);
  for (int i = 0; i < kNodes; ++i) EXPECT_EQ(nodes[i]->wait_for(60s), 0) << "node " << i;

  // No slot double-signed: one block per slot across every store, and it is the one the
  // killed node's guard recorded.
  std::map<std::uint64_t, std::set<Hash256>> by_slot;
  std::map<std::uint64_t, Hash256> guard;
  for (int i = 0; i < kNodes; ++i) {
    auto disk = real::LevelDbStorage::open((fs::path(o.dir) / ("n" + std::to_string(i)) / "data").string());
    ASSERT_TRUE(disk) << disk.error().to_string();
    auto it = (*disk)->iterate();
    for (it->seek_to_first(); it->valid(); it->next()) {
      const ByteView key = it->key();
      if (key.size() == 1 + Hash256::kSize && key[0] == storage::kBlockPrefix) {
        auto b = decode_signed_block(it->value());
        ASSERT_TRUE(b.has_value()) << "node " << i;
        by_slot[b->block.slot].insert(block_hash(b->block));
      } else if (i == kVictim && key.size() == storage::kHeightKeyBytes && key[0] == storage::kSignedPrefix) {
        auto slot = storage::key_number(key, storage::kSignedPrefix);
        auto h = storage::decode_hash_value(key, it->value());
        ASSERT_TRUE(slot && h.has_value());
        guard[*slot] = *h;
      }
    }
    ASSERT_TRUE(it->status().is_ok()) << it->status().to_string();
  }
  ASSERT_GT(guard.size(), 10u) << "the killed node signed almost nothing";
  for (const auto& [slot, hashes] : by_slot) {
    if (slot == 0) continue;  // genesis
    EXPECT_EQ(hashes.size(), 1u) << "slot " << slot << " has " << hashes.size() << " blocks";
    if (auto g = guard.find(slot); g != guard.end()) {
      EXPECT_TRUE(hashes.count(g->second)) << "slot " << slot;
    }
  }
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace alys::node
