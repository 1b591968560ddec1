#include "harness/chain_command.h"

#include <fmt/format.h>

#include <chrono>

#include "harness/commands.h"
#include "reports/results_json.h"
#include "scenarios/chain_scenario.h"

namespace alys::harness {

std::string chain_replay_command(const ChainArgs& a) {
  std::string cmd = fmt::format(
      "alys-sim chain --seed {} --authorities {} --full-nodes {} --duration {} --tx-rate {} "
      "--miner-mean {}",
      a.seed, a.authorities, a.full_nodes, format_duration(a.duration), a.tx_per_sec,
      format_duration(a.miner_mean));
  if (a.chaos) cmd += " --chaos";
  if (a.clock_faults) cmd += " --clock-faults";
  if (a.pegins > 0) {
    cmd += fmt::format(" --pegins {} --bitcoin-block-mean {}", a.pegins,
                       format_duration(a.bitcoin_block_mean));
  }
  if (a.pegouts > 0) cmd += fmt::format(" --pegouts {}", a.pegouts);
  return cmd;
}

int run_chain_command(const ChainArgs& args, std::ostream& out) {
  if (args.authorities == 0 || args.authorities > 64) {
    out << "alys-sim chain: --authorities must be in 1..64, got " << args.authorities << "\n";
    return kExitBadInput;
  }
  if (args.authorities + args.full_nodes > 256) {
    out << "alys-sim chain: at most 256 nodes in all\n";
    return kExitBadInput;
  }
  if (args.clock_faults && !args.chaos) {
    out << "alys-sim chain: --clock-faults needs --chaos\n";
    return kExitBadInput;
  }
  if (args.miner_mean <= Duration::zero()) {
    out << "alys-sim chain: --miner-mean must be positive\n";
    return kExitBadInput;
  }
  if (args.bitcoin_block_mean <= Duration::zero()) {
    out << "alys-sim chain: --bitcoin-block-mean must be positive\n";
    return kExitBadInput;
  }
  if (args.pegins > 10'000) {
    out << "alys-sim chain: --pegins must be at most 10000, got " << args.pegins << "\n";
    return kExitBadInput;
  }
  if (args.pegouts > 0 && args.pegins == 0) {
    out << "alys-sim chain: --pegouts needs --pegins (peg-ins fund the users who peg out)\n";
    return kExitBadInput;
  }
  if (args.pegouts > 10'000) {
    out << "alys-sim chain: --pegouts must be at most 10000, got " << args.pegouts << "\n";
    return kExitBadInput;
  }
  scenarios::ChainOptions o;
  o.seed = args.seed;
  o.authorities = args.authorities;
  o.full_nodes = args.full_nodes;
  o.duration = args.duration;
  o.tx_per_sec = args.tx_per_sec;
  o.miner_mean = args.miner_mean;
  o.chaos = args.chaos;
  // After faults, a wallet resends what was lost once it is 20 s stale: the quiet tail
  // must leave room for that and for the resent transfers to land.
  if (args.chaos) o.settle = 60s;
  o.clock_faults = args.clock_faults;
  o.log_level = args.log_level;
  o.bitcoin = args.pegins > 0;
  o.pegins = args.pegins;
  o.pegouts = args.pegouts;
  o.bitcoin_block_mean = args.bitcoin_block_mean;
  if (args.log_level != LogLevel::kOff) {
    o.log_sink = [&out](std::string_view line) { out << line << "\n"; };
  }
  out << fmt::format("chain: seed {}, {} authorities + {} full nodes, {} simulated, {} tx/s, "
                     "chaos {}{}\n",
                     args.seed, args.authorities, args.full_nodes, format_duration(args.duration),
                     args.tx_per_sec, args.chaos ? "on" : "off",
                     args.clock_faults ? " (with clock faults)" : "");
  const auto start = std::chrono::steady_clock::now();
  const scenarios::ChainResult r = scenarios::run_chain(o);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << fmt::format("events: {}   virtual time: {}   wall time: {:.3f} s\n", r.stats.events,
                     format_duration(r.stats.now - Instant{}), wall_s);
  out << fmt::format("blocks: {} seen, head height {}, finalized {}; auxpow submitted {}\n",
                     r.blocks, r.nodes.empty() ? 0 : r.nodes[0].head_height, r.max_finalized,
                     r.auxpow_submitted);
  out << fmt::format("transfers: {} submitted, {} applied\n", r.txs_submitted, r.txs_applied);
  if (o.bitcoin) {
    out << fmt::format("peg-ins: {} deposits, {} minted; bitcoin height {}\n", r.deposits,
                       r.pegins_minted, r.bitcoin_height);
  }
  if (o.pegouts > 0) {
    out << fmt::format("peg-outs: {} burns sent, {} on the chain, {} paid on Bitcoin\n",
                       r.pegouts_sent, r.pegout_burns, r.pegouts_paid);
  }
  if (args.chaos) out << fmt::format("faults: {} scheduled\n", r.faults);
  out << "trace hash: " << reports::hex64(r.stats.trace_hash) << "\n";
  for (const auto& f : r.failures) {
    out << fmt::format("FAILED {} at {}: {}\n", f.checker, format_duration(f.at - Instant{}),
                       f.evidence);
  }
  out << (r.ok() ? "result: PASS\n" : "result: FAIL\n");
  if (!r.ok()) out << "replay: " << chain_replay_command(args) << "\n";
  return r.ok() ? kExitPass : kExitCheckFailed;
}

}  // namespace alys::harness
