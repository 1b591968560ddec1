// The accounts of a load run: `count` senders, each with its own recipient, derived from a
// per-run salt (so runs against one long-lived devnet never share a nonce sequence), and
// the transfers they send.
//
// Sender k's transfer with nonce n pays load_transfer_value(n) to sender k's recipient, so
// after a node applied a sender's nonces 0..n-1 its recipient holds exactly
// recipient_balance_after(n): the final check needs no record of what was sent. Every
// transfer of one (sender, nonce) is the same bytes (fixed aux randomness), so a resend
// after a lost answer can never apply twice or conflict.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/crypto/schnorr.h"
#include "core/execution/ledger_tx.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"
#include "core/types/wei.h"

namespace alys::node::load {

inline constexpr Wei kLoadFeeWei = Wei::from_u64(1'000'000'000);
// What the faucet gives each sender: 10^9 transfers' fees and values at the rates a run
// can reach.
inline constexpr Wei kLoadFundWei = Wei::from_u64(1'000'000'000'000'000'000ULL);
// recipient_balance_after stays in 64 bits below this many transfers per sender.
inline constexpr std::uint64_t kMaxTransfersPerSender = 1u << 31;

struct LoadAccount {
  explicit LoadAccount(const SecretKey& key);
  SchnorrSigner signer;
  EvmAddress address;
  EvmAddress recipient{};
};

std::vector<LoadAccount> make_load_accounts(std::size_t count, const Hash256& salt);

Wei load_transfer_value(std::uint64_t nonce);
// The sum of load_transfer_value(0..applied-1). REQUIRES: applied < kMaxTransfersPerSender.
Wei recipient_balance_after(std::uint64_t applied);
// REQUIRES: nonce < kMaxTransfersPerSender.
LedgerTx load_transfer(const LoadAccount& account, std::uint64_t nonce);

}  // namespace alys::node::load
