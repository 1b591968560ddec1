// `alys-node budget`: prints the memory budget (node/memory_budget.h) of a profile and
// [limits] settings, term by term, without starting a node: what an operator sizes a
// machine by (docs/operations/memory.md).
//
//   alys-node budget --profile resource-conservative [--limit key=value]... [--peers N]
//                    [--frame-bytes N] [--no-bridge]
// --peers: connections to budget for (default: the limits' tcp_connections_max, the most
// the transport holds). --frame-bytes: bound every item by frames of that size (default:
// the codec's caps, the worst case). --no-bridge: a node without [bitcoin] (no bridge or
// federation actor). Exit codes: 0, or 2 for a bad profile or limit (named).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace alys::node {

struct BudgetOptions {
  std::string profile;               // empty: none (the defaults)
  std::vector<std::string> limits;   // "key=value[,key=value...]", later wins
  std::uint64_t peers = 0;        // 0: the limits' tcp_connections_max
  std::uint64_t frame_bytes = 0;  // 0: the codec's caps (the worst case)
  bool no_bridge = false;
};

int budget_command(const BudgetOptions& options);

}  // namespace alys::node
