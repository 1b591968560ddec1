// The devnet as an operator runs it (issue 8 acceptance): `alys-node devnet --nodes 3`
// starts three node processes on loopback, the devnet Bitcoin and the CPU miner. Over the
// nodes' JSON-RPC and the devnet Bitcoin's bitcoind RPC, from outside:
//   - blocks are produced and finalized (AuxPoW from the miner) on all three nodes;
//   - a transfer sent to one node shows in the recipient's balance on all three;
//   - a peg-in deposited on the devnet Bitcoin is minted on all three;
//   - a peg-out of part of it is paid on the devnet Bitcoin;
//   - SIGINT stops the whole devnet with exit code 0.
// Progress is polled with generous deadlines (real processes on a shared machine).
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

#include "core/bitcoin/address.h"
#include "core/chain/codec.h"
#include "core/execution/ledger_tx.h"
#include "core/tests/test_keys.h"
#include "core/types/hex.h"
#include "node/child_process.h"
#include "node/devnet.h"
#include "node/node_files.h"
#include "node/rpc_client.h"
#include "node/tests/process_test_util.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::free_port_run;

constexpr auto kDeadline = 120s;
constexpr int kNodes = 3;

bool eventually(const std::function<bool()>& pred) { return real::poll_until(pred, kDeadline, 100ms); }

JsonRpcEndpoint node_rpc(std::uint16_t port) {
  JsonRpcEndpoint e;
  e.port = port;
  e.timeout = 3000ms;
  return e;
}

std::string balance_of(JsonRpcClient& rpc, const EvmAddress& address) {
  auto a = rpc.call("alys_getAccount", nlohmann::json::array({evm_address_hex(address)}));
  if (!a || !a->is_object() || !a->contains("balance")) return "?";
  return (*a)["balance"].get<std::string>();
}

std::optional<std::uint64_t> nonce_of(JsonRpcClient& rpc, const EvmAddress& address) {
  auto a = rpc.call("alys_getAccount", nlohmann::json::array({evm_address_hex(address)}));
  if (!a || !a->is_object() || !a->contains("nonce")) return std::nullopt;
  return (*a)["nonce"].get<std::uint64_t>();
}

using alys::test::key_of;

Result<nlohmann::json> send(JsonRpcClient& rpc, const LedgerTx& tx) {
  return rpc.call("alys_sendRawTransaction", nlohmann::json::array({to_hex(encode_ledger_tx(tx))}));
}

TEST(Devnet, ThreeNodesFinalizeTransferPegInAndPegOut) {
  std::string pattern = (fs::temp_directory_path() / "alys-devnet-XXXXXX").string();
  const fs::path root = ::mkdtemp(pattern.data());
  const fs::path dir = root / "net";
  const std::uint16_t base = free_port_run(2 * kNodes + 1);
  const auto rpc_base = static_cast<std::uint16_t>(base + kNodes);
  const auto btc_port = static_cast<std::uint16_t>(base + 2 * kNodes);
  auto devnet = ChildProcess::spawn(
      ALYS_NODE_BIN,
      {"devnet", "--nodes", std::to_string(kNodes), "--dir", dir.string(), "--base-port",
       std::to_string(base), "--rpc-base-port", std::to_string(rpc_base), "--bitcoin-port",
       std::to_string(btc_port), "--slot-ms", "400", "--bitcoin-block-ms", "500",
       "--mine-interval-ms", "400", "--confirmations", "2"},
      (root / "devnet.log").string());
  ASSERT_TRUE(devnet.has_value()) << devnet.error().message();
  std::vector<std::unique_ptr<JsonRpcClient>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(std::make_unique<JsonRpcClient>(node_rpc(static_cast<std::uint16_t>(rpc_base + i))));
  }

  // Produced and finalized everywhere.
  ASSERT_TRUE(eventually([&] {
    for (auto& n : nodes) {
      auto s = n->call("alys_status");
      if (!s || (*s)["head"]["height"].get<std::uint64_t>() < 5 ||
          (*s)["finalized"]["height"].get<std::uint64_t>() < 2) {
        return false;
      }
    }
    return true;
  })) << "the devnet never finalized; see " << root.string();

  // A transfer through node 0 shows on all three.
  const EvmAddress recipient = account_address(key_of(0x21).xonly_public_key());
  const EvmAddress faucet = devnet_faucet_address();
  auto nonce = nonce_of(*nodes[0], faucet);
  ASSERT_TRUE(nonce.has_value());
  auto sent = send(*nodes[0], signed_transfer(devnet_faucet_key(), *nonce, recipient,
                                              Wei::from_u64(12'345), Wei::from_u64(1'000'000'000)));
  ASSERT_TRUE(sent.has_value()) << sent.error().message();
  ASSERT_TRUE(eventually([&] {
    for (auto& n : nodes) {
      if (balance_of(*n, recipient) != "12345") return false;
    }
    return true;
  })) << "the transfer did not reach every node";

  // A peg-in on the devnet Bitcoin is minted on all three.
  auto node0 = load_node_file((dir / "n0" / "node.toml").string());
  ASSERT_TRUE(node0.has_value() && node0->bitcoin.has_value());
  JsonRpcEndpoint btc_endpoint;
  btc_endpoint.port = btc_port;
  btc_endpoint.basic_user = node0->bitcoin->user;
  btc_endpoint.basic_password = node0->bitcoin->password;
  JsonRpcClient bitcoin(btc_endpoint);
  const SecretKey user_key = key_of(0x42);
  const EvmAddress user = account_address(user_key.xonly_public_key());
  auto deposit = bitcoin.call("devnet_deposit", nlohmann::json::array({evm_address_hex(user), 100'000, 2'000}));
  ASSERT_TRUE(deposit.has_value()) << deposit.error().message();
  const std::string minted = Wei::from_sat(100'000).to_string();
  ASSERT_TRUE(eventually([&] {
    for (auto& n : nodes) {
      if (balance_of(*n, user) != minted) return false;
    }
    return true;
  })) << "the peg-in was not minted on every node";

  // A peg-out of half of it is paid on the devnet Bitcoin.
  WitnessProgram wp;
  wp.version = 0;
  wp.program.assign(20, 0x5a);
  const std::string payout = *encode_segwit_address(BitcoinNetwork::kRegtest, wp);
  LedgerTx pegout;
  pegout.kind = LedgerTxKind::kPegOut;
  pegout.nonce = 0;
  pegout.value = Wei::from_sat(50'000);
  pegout.fee = Wei::from_u64(1'000'000'000);
  pegout.bitcoin_address = payout;
  sign_ledger_tx(pegout, user_key, Hash256{});
  auto out = send(*nodes[1], pegout);
  ASSERT_TRUE(out.has_value()) << out.error().message();
  ASSERT_TRUE(eventually([&] {
    auto r = bitcoin.call("devnet_received", nlohmann::json::array({payout}));
    return r && r->is_object() && r->value("total_sat", std::int64_t{0}) > 0;
  })) << "the peg-out was never paid on Bitcoin";

  // Ctrl-C stops the whole devnet cleanly.
  ASSERT_TRUE(devnet->signal(SIGINT));
  auto code = devnet->wait_for(60s);
  ASSERT_TRUE(code.has_value()) << "the devnet did not stop within 60 s";
  EXPECT_EQ(*code, 0);
  fs::remove_all(root);
}

}  // namespace
}  // namespace alys::node
