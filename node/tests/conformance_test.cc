// Conformance of the two runtimes (issue 8): one fixed workload, no faults, run once in the
// simulator (three AlysNodes in a World, virtual time) and once as a devnet (three alys-node
// processes on loopback, wall time, the same transactions sent over JSON-RPC). The final
// ledger state of every account the workload touches (balance and nonce) must be the same.
//
// The workload is signed transactions with fixed bytes, so both runtimes apply exactly the
// same ones: the devnet faucet funds four senders, then the senders pay each other and two
// outsiders. Fees go to the fee pot (paid to the miner's address, which the workload does
// not touch), so block timing cannot change the compared state. The funding is applied
// before the transfers are sent, in both runtimes, so no transfer meets a short balance.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>

#include "core/chain/chain_actor.h"
#include "core/chain/codec.h"
#include "core/execution/ledger_tx.h"
#include "core/system/alys_node.h"
#include "core/tests/test_keys.h"
#include "core/types/hex.h"
#include "node/child_process.h"
#include "node/devnet.h"
#include "node/rpc_client.h"
#include "node/tests/process_test_util.h"
#include "runtime-real/tests/poll_until.h"
#include "runtime-sim/world.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::free_port_run;

constexpr int kNodes = 3;
constexpr int kSenders = 4;
constexpr int kTransfers = 36;
constexpr Wei kFee = Wei::from_u64(1'000'000'000);

using alys::test::key_of;

struct Workload {
  std::vector<LedgerTx> funding;    // from the faucet
  std::vector<LedgerTx> transfers;  // between the senders and to outsiders
  std::vector<EvmAddress> touched;  // every account either moves
  std::map<EvmAddress, std::uint64_t> final_nonces;
};

Workload make_workload() {
  Workload w;
  std::vector<SecretKey> senders;
  std::vector<EvmAddress> recipients;
  for (int s = 0; s < kSenders; ++s) {
    senders.push_back(key_of(static_cast<std::uint8_t>(0x60 + s)));
    recipients.push_back(account_address(senders.back().xonly_public_key()));
  }
  recipients.push_back(account_address(key_of(0x70).xonly_public_key()));
  recipients.push_back(account_address(key_of(0x71).xonly_public_key()));
  for (int s = 0; s < kSenders; ++s) {
    w.funding.push_back(signed_transfer(devnet_faucet_key(), static_cast<std::uint64_t>(s), recipients[s],
                                        Wei::from_u64(1'000'000'000'000'000'000ULL), kFee));
  }
  std::vector<std::uint64_t> nonce(kSenders, 0);
  for (int j = 0; j < kTransfers; ++j) {
    const int s = j % kSenders;
    const EvmAddress& to = recipients[static_cast<std::size_t>(j * 7 + 1) % recipients.size()];
    w.transfers.push_back(signed_transfer(senders[s], nonce[s]++, to, Wei::from_u64(1000 + 13ULL * j), kFee));
  }
  w.touched = recipients;
  w.touched.push_back(devnet_faucet_address());
  w.final_nonces[devnet_faucet_address()] = kSenders;
  for (int s = 0; s < kSenders; ++s) w.final_nonces[recipients[s]] = nonce[s];
  return w;
}

using Ledger = std::map<EvmAddress, std::pair<std::string, std::uint64_t>>;  // balance, nonce

// --- the simulator ----------------------------------------------------------------------

Ledger run_in_simulator(const Workload& w) {
  ChainSpec spec;
  spec.slot_duration_ms = 1000;
  for (int i = 0; i < kNodes; ++i) {
    spec.authorities.push_back(key_of(static_cast<std::uint8_t>(0x10 + i)).xonly_public_key().bytes());
  }
  spec.allocations.push_back({devnet_faucet_address(), kDevnetFaucetWei});
  auto shared = std::make_shared<const ChainSpec>(spec);
  sim::WorldConfig wc;
  wc.seed = 1;
  sim::World world(wc);
  for (int i = 0; i < kNodes; ++i) {
    NodeConfig c;
    c.spec = shared;
    c.node_key = key_of(static_cast<std::uint8_t>(0x10 + i));
    for (int p = 0; p < kNodes; ++p) {
      if (p != i) c.peers.push_back(static_cast<NodeId>(p));
    }
    world.add_node([c](Env& env) { return std::make_unique<AlysNode>(env, c); });
  }
  auto submit_at = [&world](Duration at, std::size_t j, const LedgerTx& tx) {
    world.schedule_at(Instant{} + at, sim::EventKind::kCustom, j, [&world, j, tx] {
      if (auto* node = dynamic_cast<AlysNode*>(world.program(static_cast<NodeId>(j % kNodes)))) {
        (void)node->chain().tell(chain::InboundTx{std::nullopt, tx});
      }
    });
  };
  for (std::size_t j = 0; j < w.funding.size(); ++j) submit_at(3s + j * 100ms, j, w.funding[j]);
  // Funding lands within a few 1 s slots; transfers start well after.
  for (std::size_t j = 0; j < w.transfers.size(); ++j) submit_at(15s + j * 100ms, j, w.transfers[j]);
  world.run_until(Instant{} + 60s);

  Ledger out;
  auto* node = dynamic_cast<AlysNode*>(world.program(0));
  EXPECT_NE(node, nullptr);
  if (node == nullptr) return out;
  for (const EvmAddress& a : w.touched) {
    (void)node->chain().tell(chain::GetAccount{a, [&out, a](Result<chain::AccountAtHead> r) {
      if (r) out[a] = {r->account.balance.to_string(), r->account.nonce};
    }});
  }
  world.run_for(1s);
  return out;
}

// --- the devnet -------------------------------------------------------------------------

std::optional<std::pair<std::string, std::uint64_t>> account_over_rpc(JsonRpcClient& rpc, const EvmAddress& a) {
  auto r = rpc.call("alys_getAccount", nlohmann::json::array({evm_address_hex(a)}));
  if (!r || !r->is_object()) return std::nullopt;
  return std::pair{(*r)["balance"].get<std::string>(), (*r)["nonce"].get<std::uint64_t>()};
}

TEST(Conformance, AFixedWorkloadEndsInTheSameLedgerInTheSimulatorAndTheDevnet) {
  const Workload w = make_workload();
  const Ledger simulated = run_in_simulator(w);
  ASSERT_EQ(simulated.size(), w.touched.size());
  for (const auto& [address, nonce] : w.final_nonces) {
    ASSERT_EQ(simulated.at(address).second, nonce) << "the simulator did not apply everything";
  }

  std::string pattern = (fs::temp_directory_path() / "alys-conformance-XXXXXX").string();
  const fs::path root = ::mkdtemp(pattern.data());
  const std::uint16_t base = free_port_run(2 * kNodes + 1);
  auto devnet = ChildProcess::spawn(
      ALYS_NODE_BIN,
      {"devnet", "--nodes", std::to_string(kNodes), "--dir", (root / "net").string(), "--base-port",
       std::to_string(base), "--rpc-base-port", std::to_string(base + kNodes), "--bitcoin-port",
       std::to_string(base + 2 * kNodes), "--slot-ms", "400", "--mine-interval-ms", "400"},
      (root / "devnet.log").string());
  ASSERT_TRUE(devnet.has_value()) << devnet.error().message();
  std::vector<std::unique_ptr<JsonRpcClient>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    JsonRpcEndpoint e;
    e.port = static_cast<std::uint16_t>(base + kNodes + i);
    e.timeout = 3000ms;
    nodes.push_back(std::make_unique<JsonRpcClient>(e));
  }
  auto send_all = [&](const std::vector<LedgerTx>& txs) {
    for (std::size_t j = 0; j < txs.size(); ++j) {
      const std::string hex = to_hex(encode_ledger_tx(txs[j]));
      // A node still starting may not answer yet: the same bytes again until one takes it.
      ASSERT_TRUE(real::poll_until([&] {
        return nodes[j % kNodes]->call("alys_sendRawTransaction", nlohmann::json::array({hex})).has_value();
      }, 60s, 100ms)) << "transaction " << j << " was never accepted";
    }
  };
  auto applied_everywhere = [&](const EvmAddress& a, std::uint64_t nonce) {
    return real::poll_until([&] {
      for (auto& n : nodes) {
        auto acc = account_over_rpc(*n, a);
        if (!acc || acc->second < nonce) return false;
      }
      return true;
    }, 90s, 100ms);
  };
  send_all(w.funding);
  ASSERT_TRUE(applied_everywhere(devnet_faucet_address(), kSenders)) << "funding not applied; see " << root;
  send_all(w.transfers);
  for (const auto& [address, nonce] : w.final_nonces) {
    ASSERT_TRUE(applied_everywhere(address, nonce)) << "transfers not applied; see " << root;
  }
  for (int i = 0; i < kNodes; ++i) {
    for (const EvmAddress& a : w.touched) {
      auto acc = account_over_rpc(*nodes[i], a);
      ASSERT_TRUE(acc.has_value());
      EXPECT_EQ(*acc, simulated.at(a)) << "node " << i << " account " << evm_address_hex(a);
    }
  }
  ASSERT_TRUE(devnet->signal(SIGINT));
  EXPECT_EQ(devnet->wait_for(60s), 0);
  if (!HasFailure()) fs::remove_all(root);
}

}  // namespace
}  // namespace alys::node
