// The chain scenario: a network of Alys nodes (AlysNode, core/system) in one simulated
// world: `authorities` federation members and `full_nodes` followers, Aura slots, a
// seeded merged miner that finds AuxPoW after exponential waits and submits to a random
// node, and a transfer workload of seeded random accounts. Hooks let tests inject faults
// at chosen times (crash, restart, partition, actor crashes).
//
// Checkers run at the end, over the evidence a ChainRecorder collected (scenarios/checkers/:
// each a named object; failures cite the name, the virtual time and the evidence):
// consensus safety (valid-blocks, proposer-per-slot, no-double-sign, finality), what the
// nodes stored (stored-chains), the transfer workload (transfers), the peg (pegins,
// no-double-mint, pegin-backing, pegin-value, pegouts, pegout-authorized,
// pegout-conservation, pegout-signatures) and liveness after the quiet tail
// (heads-converge, progress). `alys-sim checkers` lists them with what each guarantees.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "chaos/fault.h"
#include "chaos/nemesis.h"
#include "core/results/run_timeline.h"
#include "core/results/trace_recording.h"
#include "core/system/alys_node.h"
#include "runtime-sim/sim_bitcoin.h"
#include "runtime-sim/world.h"
#include "scenarios/check_failure.h"
#include "scenarios/pegin_workload.h"
#include "scenarios/pegout_workload.h"

namespace alys::scenarios {

class ChainRecorder;

struct ChainOptions {
  std::uint64_t seed = 1;
  std::size_t authorities = 5;
  std::size_t full_nodes = 2;
  Duration duration = 1h;
  Duration settle = 20s;          // quiet tail: no workload, no faults
  std::uint64_t slot_ms = 2000;
  std::uint32_t tx_per_sec = 0;   // transfer workload rate (0 = none)
  std::size_t accounts = 32;
  Duration miner_mean = 30s;      // mean wait between AuxPoW solutions
  std::uint64_t max_blocks_without_pow = 50'000;
  sim::NetworkConfig network;     // latency, loss and reconnect model of every link
  LogLevel log_level = LogLevel::kOff;
  sim::LogSink log_sink;
  sim::TraceSink trace_sink;  // every event as it runs (replay --trace)
  PlantedBug planted_bug = PlantedBug::kNone;  // test builds only (core/runtime/planted.h)
  // Stop the run at this virtual time, before the checks (replay --until): the result has
  // its stats and `stopped_early`, and no check failures.
  std::optional<Duration> stop_at;
  // Filled with the run's timeline (heights, peg operations, the fault schedule as spans)
  // for the run report, when set; the run is the same either way.
  RunTimeline* timeline = nullptr;
  // Filled with the run's Chrome-trace recording (scenarios/trace_recorder.h: handled
  // messages, arrows between them, faults) when set; the run is the same either way.
  TraceRecording* trace_recording = nullptr;
  // Faults. `faults`: a fixed schedule (scenario files, shrunk cases). With `chaos`, the
  // seeded nemesis (chaos/nemesis.h) adds its own schedule during `duration`: the kinds of
  // `nemesis.kinds` (crashes, partitions, clogs by default; clock jumps with
  // `clock_faults`; Bitcoin reorgs below the confirmation depth and bitcoind outages with
  // `bitcoin`), within its limits (one node down at a time, f = (authorities - 1) / 3
  // authorities impaired). run_chain fills the nemesis's nodes, authorities, active_for,
  // bitcoin and max_reorg_depth. Whenever the schedule holds a clock fault, every clock is
  // resynchronised when the quiet `settle` tail starts.
  chaos::Schedule faults;
  bool chaos = false;
  bool clock_faults = false;
  chaos::NemesisConfig nemesis = default_chain_nemesis();
  // false: run_chain adds clock-jump (with clock_faults) and the Bitcoin kinds (with
  // bitcoin) to nemesis.kinds and sets max_reorg_depth below the confirmation depth.
  // true (scenario files): nemesis.kinds and max_reorg_depth are used as given.
  bool nemesis_exact = false;
  // Buggify points on or off for the whole run whatever the nemesis draws (a shrunk
  // scenario pins what its seed had); unset: the nemesis's draw, off without chaos.
  std::optional<bool> buggify;
  static chaos::NemesisConfig default_chain_nemesis();
  // Called once after the nodes were added, before running: schedule faults here.
  std::function<void(sim::World&)> setup;
  // Called each time a node starts or restarts, on the config it is about to be built
  // from (its own copy): tests set what depends on the run so far (an assume-valid block).
  std::function<void(NodeId, NodeConfig&)> configure_node;
  // Nodes that start later (by index): added at `late_start` instead of time 0.
  std::vector<NodeId> late_nodes;
  Duration late_start = 0s;

  // Bitcoin and the bridge (issue 6). With `bitcoin`, a simulated Bitcoin runs whose
  // federation is the authorities (majority threshold), every node runs a bridge on its own
  // bitcoind client, and `pegins` deposits are made at seeded times in the first
  // `pegin_window` (default: the first half of `duration`). With `chaos` too, Bitcoin gets
  // seeded shallow reorgs and bitcoind outages (the nemesis's Bitcoin kinds). Checkers:
  // pegin_workload.h.
  bool bitcoin = false;
  Duration bitcoin_block_mean = 60s;
  std::uint32_t pegin_confirmations = 6;
  std::size_t pegins = 0;
  std::optional<Duration> pegin_window;
  // Peg-outs (with `bitcoin`): `pegouts` burns at seeded times in
  // [pegout_window_start, pegout_window_end) (default: the middle half of `duration`) by
  // `pegout_users` users whom the peg-in deposits fund (they then all go to those users).
  // A burn is due for payment `pegout_due_after` after it became final. Checkers:
  // pegout_workload.h.
  std::size_t pegouts = 0;
  std::size_t pegout_users = 10;
  std::optional<Duration> pegout_window_start;
  std::optional<Duration> pegout_window_end;
  Duration pegout_due_after = 30min;
  // Called (on the signing member's strand, so only schedule world events from it) each time
  // a federation member releases its signatures of a payment: tests crash members here.
  std::function<void(sim::World&, NodeId node, std::uint32_t member, const Hash256& payment)>
      on_pegout_signed;
  // Called with the peg-out checkers' input before they run: tests falsify the evidence
  // to show each checker can fail.
  std::function<void(PegOutCheckInput&)> inspect_pegout_check;
  // Called once after the Bitcoin model exists, before running: schedule Bitcoin faults.
  std::function<void(sim::World&, sim::SimBitcoin&, PegInWorkload&)> bitcoin_setup;
};

struct NodeSummary {
  bool up = false;
  Hash256 head;
  std::uint64_t head_height = 0;
  std::uint64_t finalized_height = 0;
  // Restarts per actor name in the node's current incarnation ("chain", "engine", ...).
  std::map<std::string, std::uint64_t> actor_restarts;
  bool root_failed = false;
  sync::SyncProgress sync;
};

struct ChainResult {
  sim::RunStats stats;
  std::vector<NodeSummary> nodes;
  std::vector<CheckFailure> failures;
  std::uint64_t blocks = 0;           // distinct valid blocks seen
  std::uint64_t txs_submitted = 0;
  std::uint64_t txs_applied = 0;
  std::uint64_t auxpow_submitted = 0;
  std::uint64_t max_finalized = 0;
  std::size_t faults = 0;          // in the schedule (fixed and nemesis)
  std::size_t equivocations_seen = 0;  // double signs by nodes the schedule made equivocate
  std::uint64_t process_exits = 0;     // nodes whose supervision tree gave up (then rebooted)
  chaos::Schedule schedule;        // every fault of the run, by time
  std::vector<std::string> chaos_kinds;  // the nemesis's kinds for this seed (swarm)
  bool buggify = false;            // Buggify points were on
  bool stopped_early = false;      // by stop_at: the checkers did not run
  // With bitcoin: deposits made, peg-ins minted on the final chain, Bitcoin's height.
  std::size_t deposits = 0;
  std::size_t pegins_minted = 0;
  std::uint64_t bitcoin_height = 0;
  // With peg-outs: burns sent, burns on the final chain, burns paid on Bitcoin.
  std::size_t pegouts_sent = 0;
  std::size_t pegout_burns = 0;
  std::size_t pegouts_paid = 0;
  bool ok() const { return failures.empty(); }
};

ChainResult run_chain(const ChainOptions& options);

// One line per failure: "checker: evidence".
std::string describe_failures(const ChainResult& result);

// The key and address of workload account `index` (funded at genesis).
SecretKey workload_key(std::size_t index);
// Each workload account's balance at genesis.
Wei workload_initial_balance();
EvmAddress workload_address(std::size_t index);

// The BridgeActor of node `node` of a chain scenario's world, or nullptr while the node or
// its bridge is down. Same strand only (the simulator's, in a scheduled event).
const bridge::BridgeActor* bridge_actor_of(sim::World& world, NodeId node);
// The same for its ChainActor.
const chain::ChainActor* chain_actor_of(sim::World& world, NodeId node);

// The deterministic key of authority/node `index` (independent of the seed).
SecretKey sim_node_key(std::size_t index);

}  // namespace alys::scenarios
