// RapidCheck generators for the chain's wire types (core/chain/codec.h) and the network
// messages (core/network/messages.h), shared by chain_codec_test.cc and
// network_frame_codec_test.cc.
//
// Every generated value is within the codec's limits and satisfies its encoder's
// REQUIRES (Bitcoin txs have >= 1 input), so encode never asserts. Sizes stay small (a
// handful of elements per list, scripts <= 40 bytes) so properties that try every prefix
// of an encoding stay fast; the limits themselves are exercised by hand-built encodings.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/bitcoin/auxpow.h"
#include "core/chain/block.h"
#include "core/chain/limits.h"
#include "core/execution/ledger_tx.h"
#include "core/network/messages.h"

namespace alys::test {

template <std::size_t N>
inline std::array<std::uint8_t, N> gen_array() {
  return *rc::gen::arbitrary<std::array<std::uint8_t, N>>();
}

inline Hash256 gen_hash() { return Hash256(gen_array<32>()); }

inline Bytes gen_small_bytes(std::size_t max_len) {
  const auto n = *rc::gen::inRange<std::size_t>(0, max_len + 1);
  Bytes out(n);
  for (auto& b : out) b = *rc::gen::arbitrary<std::uint8_t>();
  return out;
}

// Small amounts most of the time (realistic), any 128-bit value sometimes (the wire).
inline rc::Gen<Wei> gen_wei() {
  return rc::gen::exec([] {
    if (*rc::gen::inRange(0, 3) == 0) {
      return Wei::from_parts(*rc::gen::arbitrary<std::uint64_t>(),
                             *rc::gen::arbitrary<std::uint64_t>());
    }
    return Wei::from_u64(*rc::gen::arbitrary<std::uint64_t>());
  });
}

// Any kind and any shape within the wire caps: the codec does not check kind-specific
// shape (codec.h), so transfers with an address and peg-outs with a `to` must round-trip.
inline rc::Gen<LedgerTx> gen_ledger_tx() {
  return rc::gen::exec([] {
    LedgerTx tx;
    tx.kind = *rc::gen::element(LedgerTxKind::kTransfer, LedgerTxKind::kPegOut);
    tx.sender_key = gen_array<32>();
    tx.nonce = *rc::gen::arbitrary<std::uint64_t>();
    tx.to = gen_array<20>();
    tx.value = *gen_wei();
    tx.fee = *gen_wei();
    const auto len = *rc::gen::inRange<std::size_t>(0, limits::kMaxBitcoinAddressChars + 1);
    for (std::size_t i = 0; i < len; ++i) {
      tx.bitcoin_address.push_back(static_cast<char>(*rc::gen::arbitrary<std::uint8_t>()));
    }
    tx.signature = gen_array<64>();
    return tx;
  });
}

// A Bitcoin tx with >= 1 input (the shape Bitcoin's serialization round-trips).
inline rc::Gen<Transaction> gen_bitcoin_tx() {
  return rc::gen::exec([] {
    Transaction tx;
    tx.version = *rc::gen::arbitrary<std::int32_t>();
    tx.lock_time = *rc::gen::arbitrary<std::uint32_t>();
    const bool segwit = *rc::gen::arbitrary<bool>();
    const auto n_in = *rc::gen::inRange<std::size_t>(1, 3);
    for (std::size_t i = 0; i < n_in; ++i) {
      TxIn in;
      in.prevout = OutPoint{gen_hash(), *rc::gen::arbitrary<std::uint32_t>()};
      in.script_sig = gen_small_bytes(40);
      in.sequence = *rc::gen::arbitrary<std::uint32_t>();
      if (segwit) {
        const auto items = *rc::gen::inRange<std::size_t>(0, 3);
        for (std::size_t k = 0; k < items; ++k) in.witness.push_back(gen_small_bytes(40));
      }
      tx.inputs.push_back(std::move(in));
    }
    const auto n_out = *rc::gen::inRange<std::size_t>(0, 3);
    for (std::size_t i = 0; i < n_out; ++i) {
      tx.outputs.push_back(TxOut{*rc::gen::arbitrary<std::int64_t>(), gen_small_bytes(40)});
    }
    return tx;
  });
}

inline MerkleBranchProof gen_branch() {
  MerkleBranchProof b;
  const auto n = *rc::gen::inRange<std::size_t>(0, 4);
  for (std::size_t i = 0; i < n; ++i) b.hashes.push_back(gen_hash());
  b.side_mask = *rc::gen::arbitrary<std::uint32_t>();
  return b;
}

// Half real (build_auxpow: a mined parent block committing to a random aux hash), half
// arbitrary fields (the codec must carry proofs that do not validate, too).
inline rc::Gen<AuxPow> gen_auxpow() {
  return rc::gen::exec([] {
    if (*rc::gen::arbitrary<bool>()) {
      AuxPowBuildParams p;
      p.aux_hash = gen_hash();
      p.chain_id = *rc::gen::inRange<std::uint32_t>(2, 0x8000);
      p.parent_time = *rc::gen::arbitrary<std::uint32_t>();
      const auto extras = *rc::gen::inRange<std::size_t>(0, 3);
      for (std::size_t i = 0; i < extras; ++i) p.extra_parent_txids.push_back(gen_hash());
      auto built = build_auxpow(p);
      RC_ASSERT(built.has_value());
      return *built;
    }
    AuxPow a;
    a.coinbase = *gen_bitcoin_tx();
    a.parent_block_hash = gen_hash();
    a.coinbase_branch = gen_branch();
    a.chain_branch = gen_branch();
    a.parent_header.version = *rc::gen::arbitrary<std::int32_t>();
    a.parent_header.prev_block = gen_hash();
    a.parent_header.merkle_root = gen_hash();
    a.parent_header.time = *rc::gen::arbitrary<std::uint32_t>();
    a.parent_header.bits = *rc::gen::arbitrary<std::uint32_t>();
    a.parent_header.nonce = *rc::gen::arbitrary<std::uint32_t>();
    return a;
  });
}

inline rc::Gen<AuxPowHeader> gen_auxpow_header() {
  return rc::gen::exec([] {
    AuxPowHeader h;
    h.range_start = gen_hash();
    h.range_end = gen_hash();
    h.bits = *rc::gen::arbitrary<std::uint32_t>();
    h.chain_id = *rc::gen::arbitrary<std::uint32_t>();
    h.height = *rc::gen::arbitrary<std::uint64_t>();
    if (*rc::gen::arbitrary<bool>()) h.auxpow = *gen_auxpow();
    h.fee_recipient = gen_array<20>();
    return h;
  });
}

inline rc::Gen<ConsensusBlock> gen_consensus_block() {
  return rc::gen::exec([] {
    ConsensusBlock b;
    b.parent_hash = gen_hash();
    b.height = *rc::gen::arbitrary<std::uint64_t>();
    b.slot = *rc::gen::arbitrary<std::uint64_t>();
    b.payload.state_root = gen_hash();
    const auto n_tx = *rc::gen::inRange<std::size_t>(0, 4);
    for (std::size_t i = 0; i < n_tx; ++i) b.payload.transactions.push_back(*gen_ledger_tx());
    const auto n_pegin = *rc::gen::inRange<std::size_t>(0, 3);
    for (std::size_t i = 0; i < n_pegin; ++i) {
      EvmAddress to;
      for (auto& byte : to) byte = *rc::gen::arbitrary<std::uint8_t>();
      b.pegins.push_back(PegInRef{gen_hash(), gen_hash(), to,
                                  *rc::gen::inRange<std::int64_t>(1, limits::kMaxMoneySat + 1)});
    }
    if (*rc::gen::arbitrary<bool>()) {
      PegOutProposal p;
      p.tx = *gen_bitcoin_tx();
      const auto n_in = *rc::gen::inRange<std::size_t>(0, 3);
      for (std::size_t i = 0; i < n_in; ++i) {
        p.input_values.push_back(*rc::gen::inRange<std::int64_t>(1, limits::kMaxMoneySat + 1));
      }
      const auto n_req = *rc::gen::inRange<std::size_t>(0, 3);
      for (std::size_t i = 0; i < n_req; ++i) p.request_ids.push_back(gen_hash());
      b.pegout_proposal = std::move(p);
    }
    const auto n_final = *rc::gen::inRange<std::size_t>(0, 3);
    for (std::size_t i = 0; i < n_final; ++i) b.finalized_pegouts.push_back(*gen_bitcoin_tx());
    if (*rc::gen::inRange(0, 3) == 0) b.auxpow_header = *gen_auxpow_header();
    return b;
  });
}

inline rc::Gen<Approval> gen_approval() {
  return rc::gen::exec([] {
    return Approval{*rc::gen::arbitrary<std::uint32_t>(), gen_array<64>()};
  });
}

inline rc::Gen<SignedBlock> gen_signed_block() {
  return rc::gen::exec([] {
    SignedBlock sb;
    sb.block = *gen_consensus_block();
    const auto n = *rc::gen::inRange<std::size_t>(0, 5);
    for (std::size_t i = 0; i < n; ++i) sb.approvals.push_back(*gen_approval());
    return sb;
  });
}

// One generator per WireMessage alternative, by variant index.
inline rc::Gen<WireMessage> gen_wire_message_of(std::size_t index) {
  return rc::gen::exec([index]() -> WireMessage {
    switch (index) {
      case 0:
        return Hello{*rc::gen::arbitrary<std::uint32_t>(), gen_hash(), gen_array<32>(),
                     *rc::gen::arbitrary<std::uint64_t>(), *rc::gen::arbitrary<std::uint64_t>(),
                     gen_array<64>()};
      case 1:
        return StatusMessage{gen_hash(), gen_hash(), *rc::gen::arbitrary<std::uint64_t>(),
                             gen_hash(), *rc::gen::arbitrary<std::uint64_t>()};
      case 2:
        return StatusRequest{};
      case 3:
        return BlocksByRangeRequest{
            *rc::gen::arbitrary<std::uint64_t>(), *rc::gen::arbitrary<std::uint64_t>(),
            *rc::gen::inRange<std::uint32_t>(1, limits::kMaxBlocksPerRange + 1)};
      case 4: {
        BlocksByRangeResponse m;
        m.request_id = *rc::gen::arbitrary<std::uint64_t>();
        const auto n = *rc::gen::inRange<std::size_t>(0, 3);
        for (std::size_t i = 0; i < n; ++i) m.blocks.push_back(*gen_signed_block());
        return m;
      }
      case 5:
        return NewBlock{*gen_signed_block()};
      case 6:
        return ApproveBlock{gen_hash(), *gen_approval()};
      case 7:
        return NewTx{*gen_ledger_tx()};
      case 8:
        return QueuePow{*gen_auxpow_header()};
      case 9:
        return Ping{*rc::gen::arbitrary<std::uint64_t>()};
      case 10:
        return Pong{*rc::gen::arbitrary<std::uint64_t>()};
      case 11:
        return Goodbye{*rc::gen::element(GoodbyeReason::kShutdown, GoodbyeReason::kWrongChain,
                                         GoodbyeReason::kBadHandshake, GoodbyeReason::kBanned)};
      case 13:
        return HeadersByRangeRequest{
            *rc::gen::arbitrary<std::uint64_t>(), *rc::gen::arbitrary<std::uint64_t>(),
            *rc::gen::inRange<std::uint32_t>(1, limits::kMaxHeadersPerRange + 1)};
      case 14: {
        HeadersByRangeResponse m;
        m.request_id = *rc::gen::arbitrary<std::uint64_t>();
        const auto n = *rc::gen::inRange<std::size_t>(0, 4);
        for (std::size_t i = 0; i < n; ++i) {
          m.headers.push_back(ConsensusHeader{gen_hash(), *rc::gen::arbitrary<std::uint64_t>(),
                                          *rc::gen::arbitrary<std::uint64_t>(), gen_hash(),
                                          gen_hash()});
        }
        return m;
      }
      case 12:
      default: {
        PegoutSignatures m;
        m.payment_txid = gen_hash();
        m.member_index = *rc::gen::arbitrary<std::uint32_t>();
        const auto n = *rc::gen::inRange<std::size_t>(1, 4);
        for (std::size_t i = 0; i < n; ++i) m.signatures.push_back(gen_array<64>());
        return m;
      }
    }
  });
}

inline rc::Gen<WireMessage> gen_wire_message() {
  return rc::gen::exec([] {
    const auto index = *rc::gen::inRange<std::size_t>(0, std::variant_size_v<WireMessage>);
    return *gen_wire_message_of(index);
  });
}

}  // namespace alys::test
