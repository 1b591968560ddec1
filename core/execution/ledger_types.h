// Value types of the embedded ledger (core/execution/ledger.h) and of the ExecutionEngine
// interface that carries them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/execution/ledger_tx.h"
#include "core/runtime/status.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"
#include "core/types/wei.h"

namespace alys {

// One account. An address never touched reads as the zero Account; the ledger never
// stores an account that is all zero (so the state root does not depend on whether a zero
// transfer "created" an account).
struct Account {
  Wei balance;
  std::uint64_t nonce = 0;  // number of transactions this account has sent
  bool is_empty() const { return balance.is_zero() && nonce == 0; }
  friend bool operator==(const Account&, const Account&) = default;
};

// An initial balance of the genesis state.
struct GenesisAllocation {
  EvmAddress address{};
  Wei balance;
  friend bool operator==(const GenesisAllocation&, const GenesisAllocation&) = default;
};

// A confirmed Bitcoin deposit to mint on the sidechain (Alys mints these as withdrawals in
// the payload): `amount_sat` satoshis become amount_sat * 10^10 wei at `to`. Each Bitcoin
// txid mints at most once, ever.
struct PegInMint {
  Hash256 txid;
  EvmAddress to{};
  std::int64_t amount_sat = 0;
  friend bool operator==(const PegInMint&, const PegInMint&) = default;
};

// What a peg-out transaction asks of the federation: pay `sats` = floor(value / 10^10) to
// `bitcoin_address`. The whole `value` was burned (Alys: fractional satoshis round down).
struct PegOutRequest {
  Hash256 tx_hash;  // the LedgerTx that burned the value
  EvmAddress sender{};
  std::string bitcoin_address;
  Wei value;
  std::int64_t sats = 0;
  friend bool operator==(const PegOutRequest&, const PegOutRequest&) = default;
};

// The outcome of one transaction applied to a ledger.
struct TxEffect {
  Hash256 tx_hash;
  EvmAddress sender{};
  Wei fee;                              // added to the fee pot
  std::optional<PegOutRequest> pegout;  // set for a PegOut
  friend bool operator==(const TxEffect&, const TxEffect&) = default;
};

// Checks a transaction's signature; `tx_hash` is ledger_tx_hash(tx), which covers the
// signature, so (tx_hash -> valid) is a pure function a caller may memoize (DESIGN.md §5:
// the simulator shares verification across nodes). Must return exactly what
// verify_ledger_tx_signature(tx) returns. An empty SignatureCheck means that function.
using SignatureCheck = std::function<bool(const LedgerTx& tx, const Hash256& tx_hash)>;

// The block a ledger transition belongs to.
//   height         of the block being executed (parent height + 1); used in messages and
//                  checked by the engine.
//   fee_recipient  if set, the whole fee pot (this block's fees plus any still pending from
//                  earlier blocks) is paid to it at the end of the block; if not, this
//                  block's fees join the pending pot. Alys pays fees to the fee recipient
//                  of the block that includes the AuxPoW; the chain passes that block's
//                  recipient here and nullopt for other blocks.
//   mints          peg-ins minted at the start of the block, in order, before any
//                  transaction (so a deposit can be spent in the block that mints it).
struct BlockContext {
  std::uint64_t height = 0;
  std::optional<EvmAddress> fee_recipient;
  std::vector<PegInMint> mints;
  // The block is below the node's assume-valid block (chain::AssumeValidHashes): the
  // engine does not verify its transfers' signatures, and in a run of such blocks
  // (ExecutionEngine::execute_run) it may check only the last one's state root, which
  // vouches for the state they reach together (the trusted header chain commits to every
  // stated root). Everything else applies as usual.
  bool assumed_valid = false;
  friend bool operator==(const BlockContext&, const BlockContext&) = default;
};

// One considered transaction: ok, or why it was rejected.
struct TxReceipt {
  Hash256 tx_hash;
  Status status;
};

}  // namespace alys
