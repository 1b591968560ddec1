// The demo scenario: N nodes running CounterGossip (core/demo) in one simulated world,
// with a seeded nemesis schedule (crashes, partitions, clogs, clock jumps) during
// `duration`, then a quiet tail in which every node is restarted, the network heals and
// counters stop growing, and three checkers run:
//   durability   a restarted node recovers at least the last value it wrote with sync;
//   convergence  after the quiet tail every node holds the same value;
//   no-loss      that value is at least every value any node ever synced.
// The same options give the same DemoResult (and trace hash), bit for bit.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "chaos/fault.h"
#include "core/demo/counter_gossip.h"
#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"
#include "scenarios/check_failure.h"

namespace alys::scenarios {

struct DemoOptions {
  std::uint64_t seed = 1;
  std::size_t nodes = 5;
  Duration duration = 10min;  // faults happen within this
  Duration settle = 30s;      // quiet tail before the final checks
  bool chaos = true;
  LogLevel log_level = LogLevel::kOff;
  sim::LogSink log_sink;  // receives log lines when set
  // Test hook: replaces the program on every node (e.g. a deliberately nondeterministic
  // one). It must behave like CounterGossip enough for the checks to be meaningful.
  std::function<std::unique_ptr<demo::CounterGossip>(Env&, demo::CounterGossipConfig)> make_program;
};

struct DemoResult {
  sim::RunStats stats;
  std::vector<std::uint64_t> final_values;  // per node
  std::vector<CheckFailure> failures;
  chaos::Schedule schedule;
  sim::NetworkStats network;
  std::uint64_t crashes = 0;
  bool ok() const { return failures.empty(); }
};

DemoResult run_demo(const DemoOptions& options);

}  // namespace alys::scenarios
