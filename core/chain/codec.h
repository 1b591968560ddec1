// The canonical wire codec of the chain's own types (ledger transactions, blocks,
// approvals, AuxPoW headers), built on core/bitcoin/serialize.h.
//
// Canonical: one value has exactly one encoding, and decode(encode(v)) == v; conversely
// whatever decodes re-encodes to exactly the bytes it was decoded from. Integers are
// fixed-width little-endian; Wei is 16 bytes little-endian (low u64, then high u64); fixed
// byte arrays (keys, signatures, addresses, hashes) are written raw; lists are a CompactSize
// count then the elements; strings are a CompactSize length then the bytes; optional fields
// are a presence byte (0 or 1; anything else is an error) then the value; enums are one byte
// and unknown values are errors. Bitcoin transactions inside a block are a CompactSize
// length (<= kMaxBitcoinTxBytes) then Bitcoin's own serialization (with witness), parsed
// inside exactly that many bytes; the AuxPoW of an AuxPowHeader uses Namecoin's wire form
// (core/bitcoin/auxpow.h).
//
// Field order (the wire order):
//   LedgerTx      kind u8 (1 transfer, 2 peg-out) | sender_key 32 | nonce u64 | to 20 |
//                 value Wei | fee Wei | bitcoin_address string | signature 64
//                 (the unsigned form, what the sender signs, stops before the signature)
//   AuxPowHeader  range_start 32 | range_end 32 | bits u32 | chain_id u32 | height u64 |
//                 auxpow optional | fee_recipient 20
//   ConsensusBlock parent_hash 32 | height u64 | slot u64 | state_root 32 | tx list |
//                 pegin list (txid 32 | block_hash 32 | to 20 | amount i64) |
//                 pegout_proposal optional (btc tx | input_value list of i64 |
//                 request_id list of 32) |
//                 finalized_pegouts list of btc tx | auxpow_header optional
//   Approval      authority_index u32 | signature 64
//   SignedBlock   ConsensusBlock | approval list
//
// Wire form only: the codec checks shape and the caps of core/chain/limits.h, never
// meaning. A transfer with a non-empty bitcoin_address, a peg-out with a non-zero `to`,
// duplicate approvals, an authority index past the set, an invalid key or signature: all
// decode (and round-trip); rejecting them is the ledger's and the chain's job.
//
// Versioned: encode_* of a top-level object writes limits::kWireVersion first and
// decode_* refuses any other version ("version: unsupported 7"). The write_*/read_*
// forms are the unversioned bodies, for embedding (frames, hashes).
//
// Total and bounded: every decoder returns the value or an invalid_argument Status whose
// message is the path of the failing field inside the object read, e.g. from
// read_signed_block / decode_signed_block "block: payload: tx 3: fee: truncated: need 16
// bytes, 2 left", "approval count: count 70 exceeds the maximum 64"; a caller that embeds
// the object prefixes its own context. Counts are checked against the limits of
// core/chain/limits.h and against the bytes left before anything is reserved; decode_*
// requires the input to be consumed exactly ("<what>: N trailing bytes"). After a failed
// read_* the reader's position is unspecified.
//
// Block encoders REQUIRE values within the limits (ALYS_ASSERT, paired with the decoder
// checks): list counts within their caps, each Bitcoin transaction <= kMaxBitcoinTxBytes
// and with at least one input or no outputs (the one shape Bitcoin's serialization cannot
// round-trip, core/bitcoin/transaction.h), a signed block body <= kMaxBlockBytes.
// write_ledger_tx* is total instead, because ledger_tx_hash / ledger_tx_signing_hash must
// be computable for any transaction the ledger is asked to judge: an unknown kind or a
// bitcoin_address over kMaxBitcoinAddressChars is written as is and refused by the
// decoder (and by the ledger). Everything a decoder returns satisfies all of these.
#pragma once

#include "core/bitcoin/serialize.h"
#include "core/chain/block.h"
#include "core/execution/ledger_tx.h"

namespace alys {

void write_wei(ByteWriter& w, Wei value);
// Errors: "<field>: truncated: need 16 bytes, N left".
Result<Wei> read_wei(ByteReader& r, std::string_view field);

void write_ledger_tx(ByteWriter& w, const LedgerTx& tx);
Result<LedgerTx> read_ledger_tx(ByteReader& r);
// Without the signature: what the sender signs.
void write_ledger_tx_unsigned(ByteWriter& w, const LedgerTx& tx);

void write_auxpow_header(ByteWriter& w, const AuxPowHeader& header);
Result<AuxPowHeader> read_auxpow_header(ByteReader& r);

// What body_root covers: transactions (count, then each), peg-ins, the peg-out proposal
// (flag, then it), finalized peg-outs, the AuxPoW header (flag, then it), each as
// write_consensus_block writes it.
void write_block_body(ByteWriter& w, const ConsensusBlock& block);
// A header: parent_hash, height u64le, slot u64le, state_root, body_root.
inline constexpr std::size_t kConsensusHeaderBytes = 32 + 8 + 8 + 32 + 32;
void write_consensus_header(ByteWriter& w, const ConsensusHeader& header);
Result<ConsensusHeader> read_consensus_header(ByteReader& r);

void write_consensus_block(ByteWriter& w, const ConsensusBlock& block);
Result<ConsensusBlock> read_consensus_block(ByteReader& r);

void write_approval(ByteWriter& w, const Approval& approval);
Result<Approval> read_approval(ByteReader& r);

// The body (ConsensusBlock then approvals) is at most kMaxBlockBytes; read_signed_block
// refuses a larger one ("size: ...").
void write_signed_block(ByteWriter& w, const SignedBlock& block);
Result<SignedBlock> read_signed_block(ByteReader& r);

// Versioned top-level forms.
Bytes encode_ledger_tx(const LedgerTx& tx);
Result<LedgerTx> decode_ledger_tx(ByteView bytes);
Bytes encode_signed_block(const SignedBlock& block);
// Refuses input longer than 1 + kMaxBlockBytes before reading anything.
Result<SignedBlock> decode_signed_block(ByteView bytes);
Bytes encode_auxpow_header(const AuxPowHeader& header);
Result<AuxPowHeader> decode_auxpow_header(ByteView bytes);

// Reads and checks the version byte. Errors: "version: truncated ...",
// "version: unsupported 7".
Status read_wire_version(ByteReader& r);

}  // namespace alys
