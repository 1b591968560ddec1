// `alys-node devnet`: a whole local Alys network in one command (DESIGN.md §8, issue 8).
//
// In DIR it writes a federation of N authorities (init_command) with JSON-RPC on, a
// funded devnet faucet account in the genesis allocations, and every node's bridge
// pointed at the devnet Bitcoin with short devnet waits (devnet_bridge_settings); then it
// starts, and owns until SIGINT/SIGTERM:
//   - the devnet Bitcoin (node/devnet_bitcoin.h) in this process, on --bitcoin-port;
//   - N `alys-node run` processes (this executable), output in DIR/n<i>/node.log;
//   - a CPU AuxPoW miner (node/aux_miner.h) asking the nodes in turn for work, so blocks
//     finalize.
// It prints the endpoints at start and a status line every kDevnetStatusEvery. On SIGINT
// or SIGTERM it stops the miner, sends SIGTERM to every node and waits for them (SIGKILL
// after kDevnetStopGrace), then stops Bitcoin. Exit code 0 when every node stopped cleanly,
// 1 when a node died or did not stop in time, 2 for bad options (named).
// A node that dies while the devnet runs is reported, not restarted (crash tests restart
// nodes themselves).
// The devnet Bitcoin lives in memory, so a devnet cannot be resumed: DIR must not hold one.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/crypto/keys.h"
#include "core/runtime/status.h"
#include "core/types/evm_address.h"
#include "core/types/wei.h"
#include "node/commands.h"
#include "node/node_files.h"

namespace alys::node {

inline constexpr auto kDevnetStatusEvery = std::chrono::seconds(10);
inline constexpr auto kDevnetStopGrace = std::chrono::seconds(30);

struct DevnetOptions {
  std::size_t nodes = 3;
  std::string dir;
  std::uint16_t base_port = 7000;       // node i: p2p on base_port + i
  std::uint16_t rpc_base_port = 8545;   // node i: JSON-RPC on rpc_base_port + i
  std::uint16_t bitcoin_port = 18443;   // the devnet Bitcoin's JSON-RPC
  std::uint64_t slot_ms = 1000;
  std::uint32_t chain_id = 212121;
  std::uint64_t bitcoin_block_ms = 2000;  // mean interval between devnet Bitcoin blocks
  std::uint64_t mine_interval_ms = 1000;  // between AuxPoW proofs
  std::uint32_t confirmations = 2;        // peg-in confirmations the bridges wait for
  std::uint64_t seed = 1;                 // the devnet Bitcoin's randomness
  // Every node's JSON-RPC per-client rate limit (rpc_rate_per_sec / rpc_burst in its node
  // file). Loopback clients share one IP, so a load test raises them to kMaxRpcRate to
  // measure the node rather than its limiter.
  std::uint32_t rpc_rate_per_sec = kDefaultRpcRatePerSec;
  std::uint32_t rpc_burst = kDefaultRpcBurst;
};

// The faucet: a fixed, public key (tagged_hash("alys/devnet-faucet")) funded with
// kDevnetFaucetWei at genesis. Never use it outside a devnet.
SecretKey devnet_faucet_key();
EvmAddress devnet_faucet_address();
// Regtest's pow limit: about two nonces per AuxPoW.
inline constexpr std::uint32_t kDevnetPowBits = 0x207fffff;
inline constexpr Wei kDevnetFaucetWei = Wei::from_parts(0x10000, 0);  // about 1.2e24 wei

// The devnet Bitcoin's user; its password is drawn at start and written into every node
// file's [bitcoin] section (and printed).
inline constexpr const char* kDevnetBitcoinUser = "alys";

// The files of a devnet in options.dir (what devnet_command writes before it starts
// anything): init's network (plan_local_network), the faucet, devnet difficulty and, with a
// `bitcoin_password`, every node's [bitcoin] section (the devnet Bitcoin on bitcoin_port)
// with short bridge waits; without, no bridge. Returns what it wrote. Errors:
// plan_local_network's and write_local_network's.
Result<LocalNetwork> write_devnet_network(const DevnetOptions& options,
                                          const std::optional<std::string>& bitcoin_password);

int devnet_command(const DevnetOptions& options);

}  // namespace alys::node
