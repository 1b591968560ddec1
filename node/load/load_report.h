// LoadReport: what a load run measured and found (docs/operations/load.md), printed for a
// person (render_report) and as JSON for machines (report_json; the keys are the schema,
// latencies in microseconds, rates in requests or transfers per second).
//
// A run passes iff no acknowledged transfer was lost, every recipient balance matches its
// sender's nonce on every node, every account could be read, and no node failed (went
// silent for kNodeSilenceLimit or more, or a started devnet did not stop cleanly).
// Refusals, errors and unsent requests are measured, not failures: they are what overload
// looks like.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/load/inclusion_monitor.h"
#include "node/load/latency_recorder.h"
#include "node/load/load_accounts_rpc.h"
#include "node/load/load_schedule.h"

namespace alys::node::load {

// A node that answers nothing for this long has failed the run.
inline constexpr std::chrono::seconds kNodeSilenceLimit{10};

struct MethodReport {
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;
  std::uint64_t refused = 0;
  std::uint64_t rate_limited = 0;
  std::uint64_t errors = 0;
  LatencySummary latency;  // due time -> answer
  LatencySummary service;  // send -> answer
  std::vector<std::string> error_samples;
};

struct LoadReport {
  // What was asked.
  std::size_t nodes = 0;
  std::size_t connections = 0;
  std::size_t senders = 0;
  std::uint32_t rate = 0;
  std::uint32_t read_percent = 0;
  std::int64_t duration_ns = 0;
  std::uint64_t slot_ms = 0;  // 0 when attached to running nodes
  // What was sent.
  std::uint64_t scheduled = 0;
  std::uint64_t sent = 0;
  std::uint64_t unsent = 0;
  std::int64_t window_ns = 0;  // start -> last answer (at least duration)
  std::int64_t max_send_lag_ns = 0;
  std::array<MethodReport, kRequestKinds> methods;
  // Transfers: acknowledged = methods[kTransfer].ok, one distinct transaction each.
  std::uint64_t applied_everywhere = 0;  // acknowledged and seen in a block on every node
  LatencySummary inclusion;              // acknowledged -> in a block on every node
  std::int64_t last_inclusion_ns = 0;    // since the start
  bool drained = false;                  // every acknowledged transfer seen everywhere
  std::int64_t drain_ns = 0;             // end of sending -> drained (or gave up)
  AccountCheck accounts;
  MonitorStats monitor;
  std::vector<std::uint64_t> heights;           // per node, at the end
  std::vector<std::int64_t> longest_silence_ns;  // per node
  std::vector<std::string> node_failures;
  std::optional<int> devnet_exit_code;  // a started devnet's, after SIGINT

  const MethodReport& transfers() const { return methods[static_cast<std::size_t>(RequestKind::kTransfer)]; }
  bool passed() const;
};

std::string render_report(const LoadReport& report);
nlohmann::json report_json(const LoadReport& report);

}  // namespace alys::node::load
