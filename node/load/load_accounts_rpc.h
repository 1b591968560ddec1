// The load run's accounts over JSON-RPC: funding the senders from the faucet before the run
// and the final check after it, that every acknowledged transfer applied on every node.
//
// The check reads, on every node, each sender's nonce and its recipient's balance
// (alys_getAccount). An acknowledged transfer with nonce n applied on a node iff the
// sender's nonce there is above n (each (sender, nonce) has one transaction: a resend is
// the same bytes), and the recipient's balance must then be recipient_balance_after(that
// nonce): a transfer applied twice, or one that applied without its value, shows there.
// Threading: the caller's thread (blocking calls).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto/keys.h"
#include "core/runtime/status.h"
#include "node/load/load_accounts.h"
#include "node/rpc_client.h"

namespace alys::node::load {

// Check results kept as text, the first ones.
inline constexpr std::size_t kMaxCheckSamples = 8;

// Sends kLoadFundWei from `faucet` to every account through nodes[0] (nonces from the
// faucet's account there), then waits until every node shows every account funded.
// Errors: a send refused or unanswered (naming the account), or some node not showing
// the funding by `deadline` (naming it).
Status fund_load_accounts(const std::vector<JsonRpcEndpoint>& nodes, const std::vector<LoadAccount>& accounts,
                          const SecretKey& faucet, std::chrono::steady_clock::time_point deadline);

// Acknowledged transfers not applied on every node: for each sender, its acknowledged
// nonces at or above the lowest nonce any node reports for it.
// applied[s][j]: sender s's account nonce on node j. REQUIRES: applied.size() == acked.size().
std::uint64_t count_lost(const std::vector<std::vector<std::uint64_t>>& acked_nonces,
                         const std::vector<std::vector<std::uint64_t>>& applied);

struct AccountCheck {
  std::uint64_t lost = 0;                // count_lost over what could be read
  std::uint64_t balance_mismatches = 0;  // (sender, node) pairs
  std::uint64_t unreadable = 0;          // (sender, node) pairs whose accounts did not answer
  std::vector<std::string> samples;      // what was wrong, the first few
  bool ok() const { return lost == 0 && balance_mismatches == 0 && unreadable == 0; }
};

// acked_nonces[s]: the nonces of sender s that a node acknowledged.
AccountCheck check_accounts(const std::vector<JsonRpcEndpoint>& nodes, const std::vector<LoadAccount>& accounts,
                            const std::vector<std::vector<std::uint64_t>>& acked_nonces);

}  // namespace alys::node::load
