#include "node/load/load_accounts_rpc.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "core/chain/codec.h"
#include "core/types/hex.h"

namespace alys::node::load {

namespace {

constexpr auto kFundingPoll = std::chrono::milliseconds(200);

struct AccountView {
  std::string balance;
  std::uint64_t nonce = 0;
};

std::optional<AccountView> read_account(JsonRpcClient& rpc, const EvmAddress& address) {
  auto a = rpc.call("alys_getAccount", nlohmann::json::array({evm_address_hex(address)}));
  if (!a || !a->is_object() || !(*a)["balance"].is_string() || !(*a)["nonce"].is_number_unsigned()) {
    return std::nullopt;
  }
  return AccountView{(*a)["balance"].get<std::string>(), (*a)["nonce"].get<std::uint64_t>()};
}

}  // namespace

Status fund_load_accounts(const std::vector<JsonRpcEndpoint>& nodes, const std::vector<LoadAccount>& accounts,
                          const SecretKey& faucet, std::chrono::steady_clock::time_point deadline) {
  JsonRpcClient via(nodes.at(0));
  const EvmAddress faucet_address = account_address(faucet.xonly_public_key());
  auto start = read_account(via, faucet_address);
  if (!start) {
    return Status::unavailable(fmt::format("funding: the faucet {} cannot be read on node 0",
                                           evm_address_hex(faucet_address)));
  }
  for (std::size_t k = 0; k < accounts.size(); ++k) {
    const LedgerTx tx = signed_transfer(faucet, start->nonce + k, accounts[k].address, kLoadFundWei, kLoadFeeWei);
    auto sent = via.call("alys_sendRawTransaction", nlohmann::json::array({to_hex(encode_ledger_tx(tx))}));
    if (!sent) {
      return Status::unavailable(fmt::format("funding sender {} ({}): {}", k, evm_address_hex(accounts[k].address),
                                             sent.error().message()));
    }
  }
  const std::string funded = kLoadFundWei.to_string();
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    JsonRpcClient rpc(nodes[j]);
    for (std::size_t k = 0; k < accounts.size();) {
      auto a = read_account(rpc, accounts[k].address);
      if (a && a->balance == funded) {
        ++k;
        continue;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return Status::timeout(fmt::format("funding: node {} does not show sender {} ({}) funded (balance {})", j,
                                           k, evm_address_hex(accounts[k].address), a ? a->balance : "unreadable"));
      }
      std::this_thread::sleep_for(kFundingPoll);
    }
  }
  return Status::ok();
}

std::uint64_t count_lost(const std::vector<std::vector<std::uint64_t>>& acked_nonces,
                         const std::vector<std::vector<std::uint64_t>>& applied) {
  std::uint64_t lost = 0;
  for (std::size_t s = 0; s < acked_nonces.size(); ++s) {
    std::uint64_t lowest = std::numeric_limits<std::uint64_t>::max();
    for (std::uint64_t n : applied.at(s)) lowest = std::min(lowest, n);
    lost += static_cast<std::uint64_t>(
        std::count_if(acked_nonces[s].begin(), acked_nonces[s].end(), [&](std::uint64_t n) { return n >= lowest; }));
  }
  return lost;
}

AccountCheck check_accounts(const std::vector<JsonRpcEndpoint>& nodes, const std::vector<LoadAccount>& accounts,
                            const std::vector<std::vector<std::uint64_t>>& acked_nonces) {
  AccountCheck check;
  auto note = [&](std::string s) {
    if (check.samples.size() < kMaxCheckSamples) check.samples.push_back(std::move(s));
  };
  // applied[s]: the nonces of the nodes that answered for sender s.
  std::vector<std::vector<std::uint64_t>> applied(accounts.size());
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    JsonRpcClient rpc(nodes[j]);
    for (std::size_t s = 0; s < accounts.size(); ++s) {
      auto sender = read_account(rpc, accounts[s].address);
      auto recipient = read_account(rpc, accounts[s].recipient);
      if (!sender || !recipient) {
        ++check.unreadable;
        note(fmt::format("node {}: sender {}'s accounts did not answer", j, s));
        continue;
      }
      applied[s].push_back(sender->nonce);
      const std::string expected = recipient_balance_after(std::min(sender->nonce, kMaxTransfersPerSender - 1)).to_string();
      if (recipient->balance != expected) {
        ++check.balance_mismatches;
        note(fmt::format("node {}: sender {} at nonce {}: its recipient holds {} wei, expected {}", j, s,
                         sender->nonce, recipient->balance, expected));
      }
    }
  }
  check.lost = count_lost(acked_nonces, applied);
  for (std::size_t s = 0; s < accounts.size() && check.lost > 0; ++s) {
    if (applied[s].empty()) continue;
    const std::uint64_t lowest = *std::min_element(applied[s].begin(), applied[s].end());
    for (std::uint64_t n : acked_nonces.at(s)) {
      if (n >= lowest) {
        note(fmt::format("sender {}: acknowledged nonce {} not applied on every node (lowest nonce {})", s, n, lowest));
        break;
      }
    }
  }
  return check;
}

}  // namespace alys::node::load
