// AuxMiner: a CPU merged miner for devnets (DESIGN.md §8), the real-process counterpart of
// the simulator's miner. It asks a node for work over JSON-RPC (createauxblock), builds a
// Bitcoin parent block whose coinbase commits to the aux hash and grinds its nonce until the
// header meets the work's bits (build_auxpow, core/bitcoin/auxpow.h), and hands the proof
// back (submitauxblock). Finalization of the sidechain rides on these proofs.
//
// Devnet difficulty is regtest's (bits 0x207fffff: about two nonces per proof), so one core
// keeps up easily; the miner is not meant for real difficulty.
//
// mine_once is one round against one node, synchronous, for tests and tools. AuxMiner runs
// rounds on its own thread, one every `interval`, asking the nodes in turn, until stop().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/runtime/status.h"
#include "core/types/evm_address.h"
#include "node/rpc_client.h"

namespace alys::node {

struct MinedProof {
  std::string aux_hash;  // hex, as createauxblock answered it
  std::uint64_t height = 0;
};

// createauxblock, build, submitauxblock. Errors: the node's (unreachable, no work yet:
// nothing unfinalized to commit to), a work answer that does not parse (kCorruption naming
// the field), or the node refusing the proof (kInvalidArgument with its reason).
// REQUIRES: max_nonce_tries >= 1.
Result<MinedProof> mine_once(JsonRpcClient& node, const EvmAddress& payout,
                             std::uint64_t max_nonce_tries = 1u << 24);

struct AuxMinerOptions {
  std::vector<JsonRpcEndpoint> nodes;  // REQUIRED: at least one; asked in turn
  std::chrono::milliseconds interval{2000};
  EvmAddress payout{};
};

struct AuxMinerStats {
  std::uint64_t rounds = 0;
  std::uint64_t accepted = 0;
  std::uint64_t failed = 0;  // any error (no work yet included)
};

class AuxMiner {
 public:
  explicit AuxMiner(AuxMinerOptions options);
  ~AuxMiner();  // stops
  AuxMiner(const AuxMiner&) = delete;
  AuxMiner& operator=(const AuxMiner&) = delete;

  void start();
  // Wakes the thread and joins it; at most one round in flight finishes first.
  void stop();
  AuxMinerStats stats() const;
  std::string last_error() const;

 private:
  void loop();

  AuxMinerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  AuxMinerStats stats_;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace alys::node
