// The Hello handshake as pure functions: build our Hello, judge a peer's.
//
// A Hello binds a node key to one ordered pair of node ids on one chain: the signature is
// BIP-340 over hello_signing_hash (chain id, genesis, key, from, to), so a Hello captured on
// one connection cannot be replayed to another node or by another node id.
// What check_hello does NOT do: pin keys to node ids (there is no peer key registry yet; any
// valid key is accepted for the id that signs with it) or detect replays on the same pair.
#pragma once

#include <cstdint>
#include <string>

#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/verify_cache.h"
#include "core/network/messages.h"
#include "core/runtime/node_id.h"
#include "core/types/hash256.h"

namespace alys::net {

// Our Hello to `to`. Signed with zero aux randomness (BIP-340 allows it; the nonce still
// depends on key and message), so the same inputs give the same frame bytes in every run.
// `signer` holds the node key's prepared keypair, so a Hello costs one signature and no key
// derivation (a node sends one per connection and reconnects after every fault).
Hello make_hello(std::uint32_t chain_id, const Hash256& genesis, const SchnorrSigner& signer,
                 NodeId from, NodeId to);

enum class HelloVerdict : std::uint8_t {
  kOk,
  kWrongChain,    // chain id or genesis differ: a node of another network
  kBadHandshake,  // ids do not match the connection, bad key or signature
};

struct HelloCheck {
  HelloVerdict verdict = HelloVerdict::kOk;
  std::string reason;  // empty when kOk; names the field otherwise
};

// Judges `hello` received from `peer` by node `self` on chain (chain_id, genesis). With a
// cache, the signature check is memoized there: a Hello's bytes are the same at every
// reconnect of the same pair (see make_hello), so only the first one is verified.
HelloCheck check_hello(const Hello& hello, std::uint32_t chain_id, const Hash256& genesis,
                       NodeId self, NodeId peer, VerifyCache* cache = nullptr);

}  // namespace alys::net
