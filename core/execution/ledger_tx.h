// LedgerTx: a signed transaction of the embedded execution ledger (core/execution).
//
// Two kinds:
//   Transfer  `value` wei from the sender's account to `to`, paying `fee`.
//   PegOut    burns `value` wei from the sender (Alys: Bridge.requestPegOut) for a payment
//             of floor(value / 10^10) satoshis to `bitcoin_address`, paying `fee`.
// The sender is the BIP-340 x-only key `sender_key`; its account address is
// account_address(sender_key). `nonce` must equal the sender's account nonce.
// `signature` is BIP-340 over ledger_tx_signing_hash(tx), which covers every field but the
// signature itself. tx hash = tagged hash over the whole canonical encoding.
// Keys and signatures are raw bytes here: decoding never validates curve points (that is
// the ledger's job, and costs a verification), so any well-formed encoding decodes.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"
#include "core/types/wei.h"

namespace alys {

using KeyBytes = std::array<std::uint8_t, 32>;
using SigBytes = std::array<std::uint8_t, 64>;

enum class LedgerTxKind : std::uint8_t { kTransfer = 1, kPegOut = 2 };

struct LedgerTx {
  LedgerTxKind kind = LedgerTxKind::kTransfer;
  KeyBytes sender_key{};
  std::uint64_t nonce = 0;
  EvmAddress to{};              // Transfer: recipient. PegOut: all zero.
  Wei value;
  Wei fee;
  std::string bitcoin_address;  // PegOut: destination (<= kMaxBitcoinAddressChars). Transfer: empty.
  SigBytes signature{};

  friend bool operator==(const LedgerTx&, const LedgerTx&) = default;
};

// The account address of a key: the last 20 bytes of tagged_hash("alys/account", key).
EvmAddress account_address(const XOnlyPublicKey& key);
EvmAddress account_address(const KeyBytes& key);

// tagged_hash("alys/tx-sig", encoding without the signature).
Hash256 ledger_tx_signing_hash(const LedgerTx& tx);
// tagged_hash("alys/tx", full canonical encoding): the transaction's identity.
Hash256 ledger_tx_hash(const LedgerTx& tx);

// Sets sender_key from `key` and signs. aux_rand as in schnorr_sign.
void sign_ledger_tx(LedgerTx& tx, const SecretKey& key, const Hash256& aux_rand);
// The same with a precomputed keypair (workloads signing many transactions).
void sign_ledger_tx(LedgerTx& tx, const SchnorrSigner& signer, const Hash256& aux_rand);
// A transfer of `value` from `key`'s account to `to`, paying `fee`, signed. With the default
// aux_rand the signature is a function of the fields: the same call gives the same bytes.
LedgerTx signed_transfer(const SecretKey& key, std::uint64_t nonce, const EvmAddress& to, Wei value,
                         Wei fee, const Hash256& aux_rand = Hash256{});
LedgerTx signed_transfer(const SchnorrSigner& signer, std::uint64_t nonce, const EvmAddress& to,
                         Wei value, Wei fee, const Hash256& aux_rand = Hash256{});
// True iff sender_key is a valid x-only key and the signature verifies.
bool verify_ledger_tx_signature(const LedgerTx& tx);

}  // namespace alys
