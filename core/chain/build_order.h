// Build order: the mempool's candidates as a build must try them.
//
// Contract: in_nonce_order(txs) returns the same transactions, rearranged only within each
// sender: the places that held sender S's transactions hold them again, in ascending nonce
// (equal nonces keep their order). Other senders' places are untouched, so the pool's
// arrival order still decides between senders. Deterministic: a function of its input.
//
// Why: a build tries its candidates once, in order (execution::BuildRequest), and skips a
// nonce met before its predecessor as early. The pool's arrival order scrambles one
// sender's nonces: transfers a node acknowledged itself come before those a peer handed
// over when it joined, and early ones are moved to the back at every build. In the crash
// test (node/tests/crash_test.cc) every proposer held the faucet's ~300 waiting transfers,
// yet each block took 1 to 5 of them, and the backlog outlasted the test's 90 s.
#pragma once

#include <vector>

#include "core/execution/ledger_tx.h"

namespace alys::chain {

std::vector<LedgerTx> in_nonce_order(std::vector<LedgerTx> txs);

}  // namespace alys::chain
