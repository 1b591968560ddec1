#include "node/load/load_accounts.h"

#include <algorithm>

#include "core/crypto/tagged_hash.h"
#include "core/runtime/assert.h"

namespace alys::node::load {

namespace {

Hash256 derive(std::string_view tag, const Hash256& salt, std::uint64_t index) {
  Bytes data(salt.data(), salt.data() + Hash256::kSize);
  for (int shift = 56; shift >= 0; shift -= 8) data.push_back(static_cast<std::uint8_t>(index >> shift));
  return tagged_hash(tag, ByteView(data.data(), data.size()));
}

SecretKey sender_key(const Hash256& salt, std::uint64_t index) {
  const Hash256 seed = derive("alys/loadtest-sender", salt, index);
  auto key = SecretKey::from_bytes(ByteView(seed.data(), seed.size()));
  // A tagged hash is a valid secp256k1 scalar but with probability ~2^-128.
  ALYS_ASSERT(key.has_value(), "loadtest sender key");
  return *key;
}

}  // namespace

LoadAccount::LoadAccount(const SecretKey& key)
    : signer(key), address(account_address(signer.public_key())) {}

std::vector<LoadAccount> make_load_accounts(std::size_t count, const Hash256& salt) {
  std::vector<LoadAccount> out;
  out.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    LoadAccount& a = out.emplace_back(sender_key(salt, k));
    const Hash256 r = derive("alys/loadtest-recipient", salt, k);
    std::copy_n(r.data(), a.recipient.size(), a.recipient.begin());
  }
  return out;
}

Wei load_transfer_value(std::uint64_t nonce) { return Wei::from_u64(1 + nonce); }

Wei recipient_balance_after(std::uint64_t applied) {
  ALYS_ASSERT(applied < kMaxTransfersPerSender, "too many transfers for one sender");
  // sum_{n < applied} (1 + n)
  return Wei::from_u64(applied + applied * (applied == 0 ? 0 : applied - 1) / 2);
}

LedgerTx load_transfer(const LoadAccount& account, std::uint64_t nonce) {
  ALYS_ASSERT(nonce < kMaxTransfersPerSender, "too many transfers for one sender");
  return signed_transfer(account.signer, nonce, account.recipient, load_transfer_value(nonce), kLoadFeeWei);
}

}  // namespace alys::node::load
