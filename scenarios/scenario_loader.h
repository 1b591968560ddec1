// Scenario files (scenarios/*.toml), loaded with toml++.
//
//   name = "partition-during-pegout"        # optional: the file's stem by default
//   description = "..."
//   duration = "20m"                        # simulated time with workload and faults
//   settle = "60s"                          # quiet tail before the final checks
//
//   [nodes]    authorities = 5, full_nodes = 2, slot = "2s", late = [6], late_start = "5m"
//   [network]  latency_min = "1ms", latency_max = "20ms", tail_ppm = 0, tail_max = "200ms",
//              loss_ppm = 0
//   [workload] tx_rate = 5, accounts = 32, miner_mean = "30s", max_blocks_without_pow = 50000
//   [bitcoin]  block_mean = "1m", confirmations = 6, pegins = 20, pegouts = 10,
//              pegout_users = 10, pegout_due_after = "30m", pegin_window = "10m",
//              pegout_window_start = "5m", pegout_window_end = "15m"  (the table turns
//              Bitcoin on; windows default to the first half / middle half of duration)
//   [chaos]    enabled = true, kinds = ["crash", "partition", "clog"], swarm = false,
//              buggify_seed_ppm = 0, start = "0s", max_down = 1, max_faulty_authorities = 1,
//              mean_gap = "20s", min_fault = "1s", max_fault = "30s",
//              max_clock_jump_ms = 2000, bitcoin_mean_gap = "5m", max_reorg_depth = 5,
//              buggify = true (Buggify on for every seed; enabled = false keeps it usable)
//   [checks]   skip = ["heads-converge"]
//   [[faults]] see chaos/fault_toml.h
//
// Every key is optional but the ones a fault kind needs; absent keys keep run_chain's
// defaults. Errors name the file, the line and the key ("x.toml:7:14: chaos.kinds[1]:
// 'meteor' is not one of: ..."), every error of the file at once; unknown keys are errors.
// scenario_to_toml writes every field, so a written scenario is self-contained and loads
// back to the same runs.
#pragma once

#include <string>

#include "core/runtime/status.h"
#include "scenarios/scenario.h"

namespace alys::scenarios {

Result<Scenario> load_scenario_file(const std::string& path);
// `file` names the text in errors and gives the default name (its stem).
Result<Scenario> parse_scenario(const std::string& text, const std::string& file);

std::string scenario_to_toml(const Scenario& scenario);

}  // namespace alys::scenarios
