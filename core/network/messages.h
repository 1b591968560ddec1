// The node-to-node protocol: one WireMessage per transport frame (Alys's gossip topics
// and eth2-style req/resp, over our Transport instead of libp2p).
//
//   Hello            first frame on every connection, both ways: chain id, genesis, the
//                    sender's node key and a BIP-340 signature binding them to this pair of
//                    node ids (hello_signing_hash). A peer that fails it is dropped.
//   StatusMessage    head and finalized point; sent after Hello and when asked.
//   StatusRequest    asks for a StatusMessage.
//   BlocksByRangeRequest / BlocksByRangeResponse
//                    up to kMaxBlocksPerRange blocks from start_height, matched by
//                    request_id; the response holds the blocks the server has, in order.
//   HeadersByRangeRequest / HeadersByRangeResponse
//                    up to kMaxHeadersPerRange block headers from start_height (the
//                    canonical chain's), matched by request_id: how a node with an
//                    assume-valid block checks the chain below it before fetching bodies.
//   NewBlock         gossip of a signed block (ConsensusBlock topic).
//   ApproveBlock     gossip of one authority's approval (ApproveBlock topic).
//   NewTx            gossip of a ledger transaction.
//   QueuePow         gossip of a mined AuxPoW header (QueuePow topic).
//   Ping / Pong      liveness, echoing the nonce.
//   Goodbye          the sender is closing the connection, with a reason code.
// Wire form (core/network/frame_codec.h): version byte, kind byte, body.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "core/chain/block.h"
#include "core/execution/ledger_tx.h"
#include "core/types/hash256.h"

namespace alys {

struct Hello {
  std::uint32_t chain_id = 0;
  Hash256 genesis;
  KeyBytes node_key{};
  std::uint64_t from_node = 0;  // NodeId values
  std::uint64_t to_node = 0;
  SigBytes signature{};
  friend bool operator==(const Hello&, const Hello&) = default;
};

struct StatusMessage {
  Hash256 genesis;
  Hash256 head_hash;
  std::uint64_t head_height = 0;
  Hash256 finalized_hash;
  std::uint64_t finalized_height = 0;
  friend bool operator==(const StatusMessage&, const StatusMessage&) = default;
};

struct StatusRequest {
  friend bool operator==(const StatusRequest&, const StatusRequest&) = default;
};

struct BlocksByRangeRequest {
  std::uint64_t request_id = 0;
  std::uint64_t start_height = 0;
  std::uint32_t count = 0;  // 1..kMaxBlocksPerRange
  friend bool operator==(const BlocksByRangeRequest&, const BlocksByRangeRequest&) = default;
};

struct BlocksByRangeResponse {
  std::uint64_t request_id = 0;
  std::vector<SignedBlock> blocks;
  friend bool operator==(const BlocksByRangeResponse&, const BlocksByRangeResponse&) = default;
};

struct NewBlock {
  SignedBlock block;
  friend bool operator==(const NewBlock&, const NewBlock&) = default;
};

struct ApproveBlock {
  Hash256 block_hash;
  Approval approval;
  friend bool operator==(const ApproveBlock&, const ApproveBlock&) = default;
};

struct NewTx {
  LedgerTx tx;
  friend bool operator==(const NewTx&, const NewTx&) = default;
};

struct QueuePow {
  AuxPowHeader header;
  friend bool operator==(const QueuePow&, const QueuePow&) = default;
};

struct Ping {
  std::uint64_t nonce = 0;
  friend bool operator==(const Ping&, const Ping&) = default;
};

struct Pong {
  std::uint64_t nonce = 0;
  friend bool operator==(const Pong&, const Pong&) = default;
};

enum class GoodbyeReason : std::uint8_t {
  kShutdown = 1,
  kWrongChain = 2,
  kBadHandshake = 3,
  kBanned = 4,
};

struct Goodbye {
  GoodbyeReason reason = GoodbyeReason::kShutdown;
  friend bool operator==(const Goodbye&, const Goodbye&) = default;
};

// A federation member's signatures for a peg-out payment (Alys's PegoutSignatures topic):
// one BIP-340 signature per input, in input order, over the BIP-341 script-path sighash.
struct PegoutSignatures {
  Hash256 payment_txid;
  std::uint32_t member_index = 0;
  std::vector<SigBytes> signatures;  // 1..limits::kMaxPegoutInputs
  friend bool operator==(const PegoutSignatures&, const PegoutSignatures&) = default;
};

struct HeadersByRangeRequest {
  std::uint64_t request_id = 0;
  std::uint64_t start_height = 0;
  std::uint32_t count = 0;  // 1..kMaxHeadersPerRange
  friend bool operator==(const HeadersByRangeRequest&, const HeadersByRangeRequest&) = default;
};

struct HeadersByRangeResponse {
  std::uint64_t request_id = 0;
  std::vector<ConsensusHeader> headers;  // in height order, at most kMaxHeadersPerRange
  friend bool operator==(const HeadersByRangeResponse&, const HeadersByRangeResponse&) = default;
};

// The variant index is the wire kind byte minus one; append new kinds at the end.
using WireMessage = std::variant<Hello, StatusMessage, StatusRequest, BlocksByRangeRequest,
                                 BlocksByRangeResponse, NewBlock, ApproveBlock, NewTx, QueuePow,
                                 Ping, Pong, Goodbye, PegoutSignatures, HeadersByRangeRequest,
                                 HeadersByRangeResponse>;

// Printable kind name ("hello", "blocks_by_range_response", ...), for logs and scores.
std::string_view wire_message_name(const WireMessage& message);

// What a Hello signature covers: tagged_hash("alys/hello", chain_id, genesis, node_key,
// from_node, to_node).
Hash256 hello_signing_hash(const Hello& hello);

}  // namespace alys
