// `alys-node loadtest`: a load test of a devnet's JSON-RPC and P2P (issue 10;
// docs/operations/load.md). It starts a devnet (or attaches to running nodes), funds
// `senders` accounts from the devnet faucet, plays an open-loop schedule of signed
// transfers and reads at a fixed rate for a bounded time over several connections to
// every node (node/load/load_generator.h), follows every node's chain meanwhile
// (node/load/inclusion_monitor.h), waits up to drain_timeout for every acknowledged
// transfer to be in a block on every node (gossip and block production carry them
// between the nodes: that is the P2P half), checks every account on every node
// (node/load/load_accounts_rpc.h) and prints the report (node/load/load_report.h), and
// writes it as JSON with --json.
// SIGINT/SIGTERM end the sending early; the drain, check and report still run.
// Exit codes: 0 the run passed (nothing lost, no node failed), 1 it failed or could not
// be set up (named), 2 bad options (named).
#pragma once

#include "node/load/load_options.h"

namespace alys::node::load {

int loadtest_command(const LoadOptions& options);

}  // namespace alys::node::load
