// `alys-sim chain`: one run of the chain scenario (scenarios/chain_scenario.h) — Alys
// nodes with Aura slots, a merged miner and a transfer workload on the simulator — with
// its checkers. Exit codes as every subcommand: 0 pass, 1 a check failed, 2 bad input.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/runtime/log.h"
#include "core/runtime/time.h"

namespace alys::harness {

struct ChainArgs {
  std::uint64_t seed = 1;
  std::size_t authorities = 5;
  std::size_t full_nodes = 2;
  Duration duration = 10min;
  std::uint32_t tx_per_sec = 10;
  Duration miner_mean = 30s;
  bool chaos = false;         // seeded nemesis: crashes, partitions, clogs
  bool clock_faults = false;  // with chaos: clock jumps and drift too
  std::size_t pegins = 0;     // > 0: a simulated Bitcoin, bridges and this many deposits
  std::size_t pegouts = 0;    // with pegins: this many burns, paid by the federation
  Duration bitcoin_block_mean = 60s;
  LogLevel log_level = LogLevel::kOff;
};

std::string chain_replay_command(const ChainArgs& args);
int run_chain_command(const ChainArgs& args, std::ostream& out);

}  // namespace alys::harness
