#include "core/execution/ledger_tx.h"

#include <algorithm>

#include "core/chain/codec.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/tagged_hash.h"
#include "core/types/recent_memo.h"

namespace alys {

EvmAddress account_address(const XOnlyPublicKey& key) { return account_address(key.bytes()); }

namespace {

EvmAddress compute_account_address(const KeyBytes& key) {
  const Hash256 h = tagged_hash("alys/account", ByteView(key));
  EvmAddress out{};
  // The last 20 bytes, as Ethereum takes the last 20 bytes of keccak(pubkey).
  std::copy(h.bytes().end() - static_cast<std::ptrdiff_t>(out.size()), h.bytes().end(),
            out.begin());
  return out;
}

}  // namespace

// Executing a transaction derives its sender's address, and senders repeat: the addresses
// of recent keys are remembered per thread (a hit is the same 32 key bytes).
EvmAddress account_address(const KeyBytes& key) {
  thread_local RecentMemo<KeyBytes, EvmAddress, 64> memo;
  return memo.get(leading_u64(key), key, compute_account_address);
}

// Room for a transfer's encoding in one allocation (a peg-out's address may add more).
constexpr std::size_t kTxEncodingReserve = 256;

Hash256 ledger_tx_signing_hash(const LedgerTx& tx) {
  ByteWriter w(kTxEncodingReserve);
  write_ledger_tx_unsigned(w, tx);
  return tagged_hash("alys/tx-sig", w.data());
}

namespace {

Hash256 compute_ledger_tx_hash(const LedgerTx& tx) {
  ByteWriter w(kTxEncodingReserve);
  write_ledger_tx(w, tx);
  return tagged_hash("alys/tx", w.data());
}

}  // namespace

// A node hashes each transaction several times (on arrival, executing a block, re-executing
// it, pruning the mempool), and in the simulator every node does so within seconds of
// virtual time: two thirds of a chaos seed's transaction hashing was repeats. So the
// hashes of recent transactions are remembered per thread; a hit is a transaction equal
// field by field. Slots are picked by the signature's first bytes, which a sender chooses
// freely: colliding on purpose only costs the colliders misses. 512 slots: ~120 KB once a
// thread hashes a transaction.
Hash256 ledger_tx_hash(const LedgerTx& tx) {
  thread_local RecentMemo<LedgerTx, Hash256, 512> memo;
  return memo.get(leading_u64(tx.signature), tx, compute_ledger_tx_hash);
}

void sign_ledger_tx(LedgerTx& tx, const SecretKey& key, const Hash256& aux_rand) {
  tx.sender_key = key.xonly_public_key().bytes();
  const Hash256 msg = ledger_tx_signing_hash(tx);
  tx.signature = schnorr_sign(key, msg.view(), aux_rand).bytes();
}

void sign_ledger_tx(LedgerTx& tx, const SchnorrSigner& signer, const Hash256& aux_rand) {
  tx.sender_key = signer.public_key().bytes();
  const Hash256 msg = ledger_tx_signing_hash(tx);
  tx.signature = signer.sign(msg.view(), aux_rand).bytes();
}

namespace {

template <typename Signer>
LedgerTx signed_transfer_with(const Signer& signer, std::uint64_t nonce, const EvmAddress& to,
                              Wei value, Wei fee, const Hash256& aux_rand) {
  LedgerTx tx;
  tx.kind = LedgerTxKind::kTransfer;
  tx.nonce = nonce;
  tx.to = to;
  tx.value = value;
  tx.fee = fee;
  sign_ledger_tx(tx, signer, aux_rand);
  return tx;
}

}  // namespace

LedgerTx signed_transfer(const SecretKey& key, std::uint64_t nonce, const EvmAddress& to, Wei value,
                         Wei fee, const Hash256& aux_rand) {
  return signed_transfer_with(key, nonce, to, value, fee, aux_rand);
}

LedgerTx signed_transfer(const SchnorrSigner& signer, std::uint64_t nonce, const EvmAddress& to,
                         Wei value, Wei fee, const Hash256& aux_rand) {
  return signed_transfer_with(signer, nonce, to, value, fee, aux_rand);
}

bool verify_ledger_tx_signature(const LedgerTx& tx) {
  auto key = XOnlyPublicKey::from_bytes(tx.sender_key);
  if (!key) return false;  // not a curve point: no signature can verify
  auto sig = SchnorrSignature::from_bytes(tx.signature);
  if (!sig) return false;
  const Hash256 msg = ledger_tx_signing_hash(tx);
  return schnorr_verify(*key, msg.view(), *sig);
}

}  // namespace alys
