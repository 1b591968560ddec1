// Ledger: the embedded execution engine's state and its transition rules (DESIGN.md §4).
// Pure, synchronous and deterministic: no clock, no randomness, no unordered iteration.
//
// State: accounts (address -> balance, nonce), the set of Bitcoin txids already minted
// (with what they minted), the pending fee pot, and the running totals
//   genesis_wei  allocated by the genesis state
//   minted_wei   minted by peg-ins (sum of amount_sat * 10^10)
//   burned_wei   burned by peg-outs
// Conservation (checked by check_conservation(), and by decode_snapshot()):
//   total_supply() = sum of balances + fee pot = genesis_wei + minted_wei - burned_wei.
// Fees move value from senders to the pot and from the pot to a recipient; they never
// create or destroy it.
//
// Every mutation is atomic: it checks everything first and changes nothing on error. Error
// Statuses are invalid_argument and name the object and field:
//   "tx 0x1f2e3d4c..: nonce: expected 3, got 5"
//   "peg-in 9a8b..(display txid): already minted"
//
// Copying a Ledger is cheap (bucket-level copy-on-write, core/execution/bucket_table.h) and
// the copies are independent values. A Ledger and its copies must be used from one thread
// at a time (they share storage).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "core/bitcoin/serialize.h"
#include "core/execution/bucket_table.h"
#include "core/execution/ledger_tx.h"
#include "core/execution/ledger_types.h"
#include "core/runtime/planted.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

namespace ledger_limits {
// Snapshot decoding refuses more entries than these before allocating anything.
inline constexpr std::uint64_t kMaxSnapshotAccounts = 1u << 24;
inline constexpr std::uint64_t kMaxSnapshotMints = 1u << 24;
// The only snapshot format version this build writes and reads.
inline constexpr std::uint8_t kSnapshotVersion = 1;
}  // namespace ledger_limits

// What a peg-in mint left behind, remembered under its txid.
struct MintRecord {
  EvmAddress to{};
  std::int64_t amount_sat = 0;
  friend bool operator==(const MintRecord&, const MintRecord&) = default;
};

class Ledger {
 public:
  // The empty ledger: no accounts, nothing minted, all totals zero.
  Ledger() = default;

  // The genesis state: each allocation credited, genesis_wei = their sum. Zero allocations
  // are allowed and store nothing.
  // Errors: an address listed twice ("genesis: allocation 3: address 0x..: listed twice"),
  // or the sum overflowing 128 bits.
  static Result<Ledger> from_genesis(std::span<const GenesisAllocation> allocations);

  // ---- queries
  // The account at `address` (the zero Account if never touched).
  Account account(const EvmAddress& address) const;
  // The mint of `txid`, if it was minted.
  std::optional<MintRecord> minted(const Hash256& txid) const;
  std::size_t account_count() const { return accounts_.size(); }
  std::size_t minted_count() const { return mints_.size(); }

  Wei fee_pot() const { return fee_pot_; }
  Wei genesis_wei() const { return genesis_wei_; }
  Wei minted_wei() const { return minted_wei_; }
  Wei burned_wei() const { return burned_wei_; }
  // Sum of every balance plus the fee pot. O(accounts): computed from the accounts, so it
  // is an independent check of the totals above, not a copy of them.
  Wei total_supply() const;
  // Ok iff total_supply() == genesis_wei + minted_wei - burned_wei; otherwise a
  // corruption Status naming both sides.
  Status check_conservation() const;

  // ---- transitions (atomic; on error the ledger is unchanged)

  // Credits amount_sat * 10^10 wei to `to` and remembers the txid.
  // Errors: amount_sat <= 0, txid already minted, a total overflowing.
  Status mint(const PegInMint& mint);

  // Checks, in this order (cheap first, the signature last):
  //   kind       Transfer or PegOut.
  //   shape      Transfer: bitcoin_address empty.
  //              PegOut: `to` all zero; bitcoin_address non-empty and at most
  //              limits::kMaxBitcoinAddressChars characters (its syntax and network are
  //              the bridge's business: the ledger does not know the Bitcoin network);
  //              value worth at least 1 satoshi (value.to_sat_floor() >= 1), since a
  //              peg-out that pays nothing would burn value for no payment.
  //   nonce      tx.nonce == the sender's account nonce (and below 2^64 - 1).
  //   balance    value + fee does not overflow and the sender's balance covers it.
  //   signature  `check` (verify_ledger_tx_signature when empty) accepts it.
  // then debits value + fee from the sender, credits value to `to` (Transfer) or burns it
  // (PegOut: burned_wei += value, and the effect carries the PegOutRequest), increments the
  // sender's nonce and adds fee to the fee pot. A transfer to oneself only pays the fee.
  Result<TxEffect> apply_transaction(const LedgerTx& tx, const SignatureCheck& check = {});

  // Pays the whole fee pot to `recipient` and empties it; returns the amount paid.
  // Errors: the recipient's balance overflowing (impossible while conservation holds).
  Result<Wei> pay_fees(const EvmAddress& recipient);

  // ---- commitment and storage

  // tagged_hash("alys/ledger/state", accounts root || mints root || fee_pot ||
  // genesis_wei || minted_wei || burned_wei), where the roots are BucketTable roots with
  // tags "alys/ledger/accounts[-bucket]" (entry = address || balance u128le || nonce u64le)
  // and "alys/ledger/mints[-bucket]" (entry = txid || to || amount_sat i64le).
  // Deterministic, independent of the order accounts were created in. Incremental: only
  // buckets changed since the last call are rehashed.
  Hash256 state_root() const;

  // The full state as bytes (ledger_limits::kSnapshotVersion, then accounts sorted by
  // address, mints sorted by txid, then the pot and totals), for storage at checkpoints.
  Bytes encode_snapshot() const;
  // The inverse. Total and bounded: any input decodes or yields an invalid_argument Status
  // naming the field ("snapshot: account 4: balance: truncated: need 16 bytes, 3 left").
  // Also refuses non-canonical or inconsistent input: unsorted or duplicate keys, stored
  // zero accounts, non-positive mint amounts, minted_wei != sum of mints, broken
  // conservation, trailing bytes.
  static Result<Ledger> decode_snapshot(ByteView bytes);

  // The run's planted bug (core/runtime/planted.h), set on the genesis state by the node's
  // engine factory and inherited by every state derived from it; kNone but in planted runs.
  void set_planted_bug(PlantedBug bug) { planted_ = bug; }

  // Equal states (same accounts, mints, pot and totals).
  friend bool operator==(const Ledger& a, const Ledger& b) { return a.state_root() == b.state_root(); }

 private:
  struct AccountTraits {
    static std::size_t bucket_of(const EvmAddress& a);
    static void digest_entry(ByteWriter& w, const EvmAddress& a, const Account& v);
  };
  struct MintTraits {
    static std::size_t bucket_of(const Hash256& txid);
    static void digest_entry(ByteWriter& w, const Hash256& txid, const MintRecord& v);
  };
  static constexpr std::size_t kAccountBuckets = 256;
  static constexpr std::size_t kMintBuckets = 64;

  using AccountTable = BucketTable<EvmAddress, Account, AccountTraits, kAccountBuckets>;
  using MintTable = BucketTable<Hash256, MintRecord, MintTraits, kMintBuckets>;

  // Stores `account` (or nothing if it is empty and was never stored).
  void store(const EvmAddress& address, const Account& account);

  AccountTable accounts_;
  MintTable mints_;
  Wei fee_pot_;
  Wei genesis_wei_;
  Wei minted_wei_;
  Wei burned_wei_;

  // Planted bug double-mint-after-restart only (see Ledger::mint); empty otherwise and
  // never part of the state root.
  bool forgets_mint(const Hash256& txid) const;
  PlantedBug planted_ = PlantedBug::kNone;
  std::uint64_t fee_payouts_ = 0;                 // pay_fees calls: AuxPoW bundles
  std::map<Hash256, std::uint64_t> mint_payout_;  // txid -> fee_payouts_ when minted
};

// "0x1f2e3d4c.." : the first 4 bytes of a hash, for error messages.
std::string short_hash(const Hash256& h);

}  // namespace alys
