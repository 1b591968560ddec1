#include "core/execution/ledger_tx.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "core/chain/codec.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/tagged_hash.h"

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

// The addresses of recently seen sender keys, per thread: executing a transaction derives
// its sender's address, and senders repeat. A pure memo like TxHashMemo below: a hit is
// the same 32 key bytes.
class AddressMemo {
 public:
  EvmAddress address(const KeyBytes& key) {
    std::uint64_t index = 0;
    for (std::size_t i = 0; i < sizeof(index); ++i) index = (index << 8) | key[i];
    Slot& slot = slots_[index % kSlots];
    if (!slot.used || slot.key != key) slot = Slot{key, compute_account_address(key), true};
    return slot.address;
  }

 private:
  static constexpr std::size_t kSlots = 64;
  struct Slot {
    KeyBytes key{};
    EvmAddress address{};
    bool used = false;
  };
  std::array<Slot, kSlots> slots_{};
};

}  // namespace

EvmAddress account_address(const KeyBytes& key) {
  thread_local AddressMemo memo;
  return memo.address(key);
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

// The hashes of recently hashed transactions, per thread (so no lock). A node hashes each
// transaction several times (on arrival, executing a block, re-executing it, pruning the
// mempool, computing block hashes), and in the simulator every node does so within seconds
// of virtual time: two thirds of a chaos seed's transaction hashing was repeats. A pure
// memo (DESIGN.md §5): a hit is a transaction equal field by field to the one whose hash a
// slot holds; anything else is hashed afresh and replaces the slot. Direct-mapped by the
// signature's first bytes, which a sender chooses freely: colliding on purpose only costs
// the colliders misses.
class TxHashMemo {
 public:
  Hash256 hash(const LedgerTx& tx) {
    if (slots_.empty()) slots_.resize(kSlots);
    std::uint64_t index = 0;
    for (std::size_t i = 0; i < sizeof(index); ++i) index = (index << 8) | tx.signature[i];
    Slot& slot = slots_[index % kSlots];
    if (slot.used && slot.tx == tx) return slot.hash;
    slot.hash = compute_ledger_tx_hash(tx);
    slot.tx = tx;
    slot.used = true;
    return slot.hash;
  }

 private:
  static constexpr std::size_t kSlots = 512;  // ~120 KB once a thread hashes a transaction
  struct Slot {
    LedgerTx tx;
    Hash256 hash;
    bool used = false;
  };
  std::vector<Slot> slots_;
};

}  // namespace

Hash256 ledger_tx_hash(const LedgerTx& tx) {
  thread_local TxHashMemo memo;
  return memo.hash(tx);
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
