// Ledger::encode_snapshot / decode_snapshot (contract in ledger.h).
//
// Layout (integers little-endian, counts CompactSize):
//   version u8 (ledger_limits::kSnapshotVersion)
//   accounts: count, then per account (strictly increasing address):
//             address 20 | balance u128 | nonce u64                      (44 bytes)
//   mints:    count, then per mint (strictly increasing txid):
//             txid 32 | to 20 | amount_sat i64                           (60 bytes)
//   fee_pot u128 | genesis_wei u128 | minted_wei u128 | burned_wei u128
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/chain/codec.h"
#include "core/execution/ledger.h"

namespace alys {
namespace {

constexpr std::size_t kAccountBytes = 20 + 16 + 8;
constexpr std::size_t kMintBytes = 32 + 20 + 8;

Result<EvmAddress> read_address(ByteReader& r, std::string_view field) {
  auto raw = r.take(20, field);
  if (!raw) return raw.error();
  EvmAddress a{};
  std::copy(raw->begin(), raw->end(), a.begin());
  return a;
}

Status at(std::string_view what, std::size_t index, const Status& error) {
  return with_context("snapshot: " + std::string(what) + " " + std::to_string(index), error);
}

}  // namespace

Bytes Ledger::encode_snapshot() const {
  std::vector<std::pair<EvmAddress, Account>> accounts;
  accounts.reserve(accounts_.size());
  accounts_.for_each([&](const EvmAddress& k, const Account& v) { accounts.emplace_back(k, v); });
  std::sort(accounts.begin(), accounts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<Hash256, MintRecord>> mints;
  mints.reserve(mints_.size());
  mints_.for_each([&](const Hash256& k, const MintRecord& v) { mints.emplace_back(k, v); });
  std::sort(mints.begin(), mints.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  ByteWriter w(1 + 9 + accounts.size() * kAccountBytes + 9 + mints.size() * kMintBytes + 64);
  w.u8(ledger_limits::kSnapshotVersion);
  w.compact_size(accounts.size());
  for (const auto& [address, account] : accounts) {
    w.bytes(ByteView{address.data(), address.size()});
    write_wei(w, account.balance);
    w.u64le(account.nonce);
  }
  w.compact_size(mints.size());
  for (const auto& [txid, record] : mints) {
    w.hash(txid);
    w.bytes(ByteView{record.to.data(), record.to.size()});
    w.i64le(record.amount_sat);
  }
  write_wei(w, fee_pot_);
  write_wei(w, genesis_wei_);
  write_wei(w, minted_wei_);
  write_wei(w, burned_wei_);
  return w.take();
}

Result<Ledger> Ledger::decode_snapshot(ByteView bytes) {
  ByteReader r(bytes);
  auto version = r.u8("snapshot: version");
  if (!version) return version.error();
  if (*version != ledger_limits::kSnapshotVersion) {
    return Status::invalid_argument("snapshot: version: unsupported " + std::to_string(*version));
  }

  Ledger ledger;
  auto n_accounts =
      r.count("snapshot: accounts", kAccountBytes, ledger_limits::kMaxSnapshotAccounts);
  if (!n_accounts) return n_accounts.error();
  std::optional<EvmAddress> previous;
  for (std::uint64_t i = 0; i < *n_accounts; ++i) {
    auto address = read_address(r, "address");
    if (!address) return at("account", i, address.error());
    auto balance = read_wei(r, "balance");
    if (!balance) return at("account", i, balance.error());
    auto nonce = r.u64le("nonce");
    if (!nonce) return at("account", i, nonce.error());
    if (previous && !(*previous < *address)) {
      return at("account", i, Status::invalid_argument(
                                  "address: not after the previous one (unsorted or duplicate)"));
    }
    const Account account{*balance, *nonce};
    if (account.is_empty()) {
      return at("account", i,
                Status::invalid_argument("zero balance and nonce: such accounts are not stored"));
    }
    ledger.accounts_.put(*address, account);
    previous = *address;
  }

  auto n_mints = r.count("snapshot: mints", kMintBytes, ledger_limits::kMaxSnapshotMints);
  if (!n_mints) return n_mints.error();
  std::optional<Hash256> previous_txid;
  Wei minted_sum;
  for (std::uint64_t i = 0; i < *n_mints; ++i) {
    auto txid = r.hash("txid");
    if (!txid) return at("mint", i, txid.error());
    auto to = read_address(r, "to");
    if (!to) return at("mint", i, to.error());
    auto amount = r.i64le("amount_sat");
    if (!amount) return at("mint", i, amount.error());
    if (previous_txid && !(*previous_txid < *txid)) {
      return at("mint", i, Status::invalid_argument(
                               "txid: not after the previous one (unsorted or duplicate)"));
    }
    if (*amount <= 0) {
      return at("mint", i, Status::invalid_argument("amount_sat: must be positive, got " +
                                                    std::to_string(*amount)));
    }
    const auto sum = minted_sum.checked_add(Wei::from_sat(static_cast<std::uint64_t>(*amount)));
    if (!sum) return at("mint", i, Status::invalid_argument("amount_sat: total overflows"));
    minted_sum = *sum;
    ledger.mints_.put(*txid, MintRecord{*to, *amount});
    previous_txid = *txid;
  }

  const std::array<Wei*, 4> totals = {&ledger.fee_pot_, &ledger.genesis_wei_,
                                       &ledger.minted_wei_, &ledger.burned_wei_};
  const std::array<std::string_view, 4> names = {"snapshot: fee_pot", "snapshot: genesis_wei",
                                                 "snapshot: minted_wei", "snapshot: burned_wei"};
  for (std::size_t i = 0; i < totals.size(); ++i) {
    auto v = read_wei(r, names[i]);
    if (!v) return v.error();
    *totals[i] = *v;
  }
  if (Status s = r.expect_end("snapshot"); !s) return s;
  if (ledger.minted_wei_ != minted_sum) {
    return Status::invalid_argument("snapshot: minted_wei: " + ledger.minted_wei_.to_string() +
                                    ", but the mints sum to " + minted_sum.to_string());
  }
  // Balances are summed with checked adds; an overflowing sum cannot be conserved anyway.
  Wei supply = ledger.fee_pot_;
  bool overflow = false;
  ledger.accounts_.for_each([&](const EvmAddress&, const Account& a) {
    const auto next = supply.checked_add(a.balance);
    if (next) supply = *next;
    else overflow = true;
  });
  if (overflow) return Status::invalid_argument("snapshot: balances: total overflows");
  if (Status s = ledger.check_conservation(); !s) {
    return Status::invalid_argument("snapshot: " + s.message());
  }
  return ledger;
}

}  // namespace alys
