#include "core/network/handshake.h"

#include <fmt/format.h>

#include "core/crypto/schnorr.h"

namespace alys::net {

Hello make_hello(std::uint32_t chain_id, const Hash256& genesis, const SchnorrSigner& signer,
                 NodeId from, NodeId to) {
  Hello h;
  h.chain_id = chain_id;
  h.genesis = genesis;
  h.node_key = signer.public_key().bytes();
  h.from_node = from;
  h.to_node = to;
  const Hash256 digest = hello_signing_hash(h);
  h.signature = signer.sign(digest.view(), Hash256{}).bytes();
  return h;
}

HelloCheck check_hello(const Hello& hello, std::uint32_t chain_id, const Hash256& genesis,
                       NodeId self, NodeId peer, VerifyCache* cache) {
  if (hello.chain_id != chain_id) {
    return {HelloVerdict::kWrongChain,
            fmt::format("hello: chain_id: {} (ours {})", hello.chain_id, chain_id)};
  }
  if (hello.genesis != genesis) {
    return {HelloVerdict::kWrongChain, "hello: genesis: " + hello.genesis.to_hex()};
  }
  if (hello.to_node != self) {
    return {HelloVerdict::kBadHandshake,
            fmt::format("hello: to_node: {} (we are {})", hello.to_node, self)};
  }
  if (hello.from_node != peer) {
    return {HelloVerdict::kBadHandshake,
            fmt::format("hello: from_node: {} (connection is from {})", hello.from_node, peer)};
  }
  const Result<XOnlyPublicKey> key =
      XOnlyPublicKey::from_bytes(ByteView(hello.node_key.data(), hello.node_key.size()));
  if (!key) return {HelloVerdict::kBadHandshake, "hello: node_key: " + key.error().message()};
  const Result<SchnorrSignature> sig =
      SchnorrSignature::from_bytes(ByteView(hello.signature.data(), hello.signature.size()));
  if (!sig) return {HelloVerdict::kBadHandshake, "hello: signature: " + sig.error().message()};
  const Hash256 digest = hello_signing_hash(hello);
  const bool ok = cache != nullptr ? cache->verify(*key, digest.view(), *sig)
                                   : schnorr_verify(*key, digest.view(), *sig);
  if (!ok) {
    return {HelloVerdict::kBadHandshake, "hello: signature: does not verify"};
  }
  return {};
}

}  // namespace alys::net
