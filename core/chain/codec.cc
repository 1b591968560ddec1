#include "core/chain/codec.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/chain/limits.h"

namespace alys {

namespace {

using limits::kMaxApprovals;
using limits::kMaxBitcoinAddressChars;
using limits::kMaxBitcoinTxBytes;
using limits::kMaxBlockBytes;
using limits::kMaxFinalizedPegoutsPerBlock;
using limits::kMaxPegInsPerBlock;
using limits::kMaxTxsPerBlock;

// Smallest encodings, used to bound element counts by the bytes left (ByteReader::count).
constexpr std::size_t kWeiBytes = 16;
constexpr std::size_t kMinLedgerTxBytes = 1 + 32 + 8 + 20 + kWeiBytes + kWeiBytes + 1 + 64;
constexpr std::size_t kPegInRefBytes = 2 * Hash256::kSize + 20 + 8;
constexpr std::size_t kApprovalBytes = 4 + 64;
// version, empty input list, zero flag (no outputs follow), lock_time.
constexpr std::size_t kMinBitcoinTxBytes = 4 + 1 + 1 + 4;
constexpr std::size_t kMinEmbeddedBitcoinTxBytes = 1 + kMinBitcoinTxBytes;  // length prefix

bool is_known_kind(LedgerTxKind kind) {
  return kind == LedgerTxKind::kTransfer || kind == LedgerTxKind::kPegOut;
}

// --- field readers: each fills `out` or returns the error naming `field` -----------------

Status get(ByteReader& r, std::string_view field, std::uint32_t& out) {
  auto v = r.u32le(field);
  if (!v) return v.error();
  out = *v;
  return Status::ok();
}

Status get(ByteReader& r, std::string_view field, std::uint64_t& out) {
  auto v = r.u64le(field);
  if (!v) return v.error();
  out = *v;
  return Status::ok();
}

Status get(ByteReader& r, std::string_view field, Hash256& out) {
  auto v = r.hash(field);
  if (!v) return v.error();
  out = *v;
  return Status::ok();
}

Status get(ByteReader& r, std::string_view field, Wei& out) {
  auto v = read_wei(r, field);
  if (!v) return v.error();
  out = *v;
  return Status::ok();
}

template <std::size_t N>
Status get(ByteReader& r, std::string_view field, std::array<std::uint8_t, N>& out) {
  auto v = r.take(N, field);
  if (!v) return v.error();
  std::copy(v->begin(), v->end(), out.begin());
  return Status::ok();
}

// The presence byte of an optional field: 0 absent, 1 present, anything else an error.
Status get_presence(ByteReader& r, std::string_view field, bool& present) {
  auto v = r.u8(field);
  if (!v) return v.error();
  if (*v > 1) {
    return Status::invalid_argument(
        fmt::format("{}: presence byte {} (want 0 or 1)", field, *v));
  }
  present = *v == 1;
  return Status::ok();
}

Status get_kind(ByteReader& r, LedgerTxKind& out) {
  auto v = r.u8("kind");
  if (!v) return v.error();
  const auto kind = static_cast<LedgerTxKind>(*v);
  if (!is_known_kind(kind)) return Status::invalid_argument(fmt::format("kind: unknown {}", *v));
  out = kind;
  return Status::ok();
}

std::uint64_t load_le64(ByteView b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  return v;
}

// --- Bitcoin transactions inside a block: length-prefixed, parsed inside exactly ----------

void write_bitcoin_tx(ByteWriter& w, const Transaction& tx) {
  ALYS_ASSERT(!tx.inputs.empty() || tx.outputs.empty(),
              "codec: a Bitcoin tx with outputs but no inputs does not round-trip");
  const Bytes raw = serialize_transaction(tx, TxSerialization::kWithWitness);
  ALYS_ASSERT(raw.size() <= kMaxBitcoinTxBytes, "codec: Bitcoin tx above kMaxBitcoinTxBytes");
  w.var_bytes(raw);
}

// Errors are relative to the embedding field: "length: ...", "body: truncated ...",
// "tx: <Bitcoin field>: ..." (parse_transaction's own, incl. "tx: N trailing bytes").
Status get_bitcoin_tx(ByteReader& r, Transaction& out) {
  auto len = r.compact_size("length");
  if (!len) return len.error();
  if (*len > kMaxBitcoinTxBytes) {
    return Status::invalid_argument(
        fmt::format("length: {} exceeds the maximum {}", *len, kMaxBitcoinTxBytes));
  }
  auto raw = r.take(static_cast<std::size_t>(*len), "body");
  if (!raw) return raw.error();
  auto tx = parse_transaction(*raw);
  if (!tx) return tx.error();
  out = std::move(*tx);
  return Status::ok();
}

// --- ledger transactions -------------------------------------------------------------

Status read_ledger_tx_unsigned(ByteReader& r, LedgerTx& tx) {
  if (Status s = get_kind(r, tx.kind); !s) return s;
  if (Status s = get(r, "sender_key", tx.sender_key); !s) return s;
  if (Status s = get(r, "nonce", tx.nonce); !s) return s;
  if (Status s = get(r, "to", tx.to); !s) return s;
  if (Status s = get(r, "value", tx.value); !s) return s;
  if (Status s = get(r, "fee", tx.fee); !s) return s;
  auto address = r.var_bytes("bitcoin_address", kMaxBitcoinAddressChars);
  if (!address) return address.error();
  tx.bitcoin_address.assign(address->begin(), address->end());
  return Status::ok();
}

// --- block parts ---------------------------------------------------------------------

// Errors are relative to the payload: "tx count: ...", "tx 3: fee: ...".
Status read_payload(ByteReader& r, ExecutionPayload& payload) {
  if (Status s = get(r, "state_root", payload.state_root); !s) return s;
  auto n = r.count("tx count", kMinLedgerTxBytes, kMaxTxsPerBlock);
  if (!n) return n.error();
  payload.transactions.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto tx = read_ledger_tx(r);
    if (!tx) return with_context(fmt::format("tx {}", i), tx.error());
    payload.transactions.push_back(std::move(*tx));
  }
  return Status::ok();
}

void write_pegins(ByteWriter& w, const std::vector<PegInRef>& pegins) {
  ALYS_ASSERT(pegins.size() <= kMaxPegInsPerBlock, "codec: too many peg-ins");
  w.compact_size(pegins.size());
  for (const auto& p : pegins) {
    ALYS_ASSERT(p.amount_sat > 0 && p.amount_sat <= limits::kMaxMoneySat,
                "codec: peg-in amount out of range");
    w.hash(p.txid);
    w.hash(p.block_hash);
    w.bytes(ByteView(p.to.data(), p.to.size()));
    w.i64le(p.amount_sat);
  }
}

Status read_pegins(ByteReader& r, std::vector<PegInRef>& pegins) {
  auto n = r.count("pegin count", kPegInRefBytes, kMaxPegInsPerBlock);
  if (!n) return n.error();
  pegins.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    PegInRef p;
    Status s = get(r, "txid", p.txid);
    if (s) s = get(r, "block_hash", p.block_hash);
    if (s) s = get(r, "to", p.to);
    if (s) {
      auto amount = r.i64le("amount");
      if (!amount) {
        s = amount.error();
      } else if (*amount <= 0 || *amount > limits::kMaxMoneySat) {
        s = Status::invalid_argument(
            fmt::format("amount: {} sat is outside 1..{}", *amount, limits::kMaxMoneySat));
      } else {
        p.amount_sat = *amount;
      }
    }
    if (!s) return with_context(fmt::format("pegin {}", i), s);
    pegins.push_back(p);
  }
  return Status::ok();
}

void write_finalized_pegouts(ByteWriter& w, const std::vector<Transaction>& txs) {
  ALYS_ASSERT(txs.size() <= kMaxFinalizedPegoutsPerBlock, "codec: too many finalized peg-outs");
  w.compact_size(txs.size());
  for (const auto& tx : txs) write_bitcoin_tx(w, tx);
}

Status read_finalized_pegouts(ByteReader& r, std::vector<Transaction>& txs) {
  auto n = r.count("finalized_pegout count", kMinEmbeddedBitcoinTxBytes,
                   kMaxFinalizedPegoutsPerBlock);
  if (!n) return n.error();
  txs.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    Transaction tx;
    Status s = get_bitcoin_tx(r, tx);
    if (!s) return with_context(fmt::format("finalized_pegout {}", i), s);
    txs.push_back(std::move(tx));
  }
  return Status::ok();
}

void write_pegout_proposal(ByteWriter& w, const PegOutProposal& p) {
  ALYS_ASSERT(p.input_values.size() <= limits::kMaxPegoutInputs, "codec: too many input values");
  ALYS_ASSERT(p.request_ids.size() <= limits::kMaxPegoutPayments, "codec: too many requests");
  write_bitcoin_tx(w, p.tx);
  w.compact_size(p.input_values.size());
  for (std::int64_t v : p.input_values) {
    ALYS_ASSERT(v > 0 && v <= limits::kMaxMoneySat, "codec: input value out of range");
    w.i64le(v);
  }
  w.compact_size(p.request_ids.size());
  for (const Hash256& id : p.request_ids) w.hash(id);
}

Status read_pegout_proposal(ByteReader& r, std::optional<PegOutProposal>& out) {
  bool present = false;
  if (Status s = get_presence(r, "pegout_proposal", present); !s) return s;
  if (!present) return Status::ok();
  PegOutProposal p;
  if (Status s = get_bitcoin_tx(r, p.tx); !s) return with_context("pegout_proposal", s);
  auto values = r.count("pegout_proposal: input_value count", 8, limits::kMaxPegoutInputs);
  if (!values) return values.error();
  p.input_values.reserve(static_cast<std::size_t>(*values));
  for (std::uint64_t i = 0; i < *values; ++i) {
    auto v = r.i64le("value");
    if (!v) return with_context(fmt::format("pegout_proposal: input_value {}", i), v.error());
    if (*v <= 0 || *v > limits::kMaxMoneySat) {
      return Status::invalid_argument(fmt::format(
          "pegout_proposal: input_value {}: {} sat is outside 1..{}", i, *v, limits::kMaxMoneySat));
    }
    p.input_values.push_back(*v);
  }
  auto ids = r.count("pegout_proposal: request_id count", Hash256::kSize,
                     limits::kMaxPegoutPayments);
  if (!ids) return ids.error();
  p.request_ids.resize(static_cast<std::size_t>(*ids));
  for (std::uint64_t i = 0; i < *ids; ++i) {
    if (Status s = get(r, "request_id", p.request_ids[i]); !s) {
      return with_context(fmt::format("pegout_proposal: request_id {}", i), s);
    }
  }
  out = std::move(p);
  return Status::ok();
}

Status read_block_auxpow_header(ByteReader& r, std::optional<AuxPowHeader>& out) {
  bool present = false;
  if (Status s = get_presence(r, "auxpow_header", present); !s) return s;
  if (!present) return Status::ok();
  auto header = read_auxpow_header(r);
  if (!header) return with_context("auxpow_header", header.error());
  out = std::move(*header);
  return Status::ok();
}

// decode_* = version, body, nothing left.
template <typename T, typename ReadBody>
Result<T> decode_versioned(ByteView bytes, std::string_view what, ReadBody read_body) {
  ByteReader r(bytes);
  if (Status s = read_wire_version(r); !s) return s;
  auto value = read_body(r);
  if (!value) return value;
  if (Status s = r.expect_end(what); !s) return s;
  return value;
}

}  // namespace

// --- Wei -----------------------------------------------------------------------------

void write_wei(ByteWriter& w, Wei value) {
  w.u64le(value.lo());
  w.u64le(value.hi());
}

Result<Wei> read_wei(ByteReader& r, std::string_view field) {
  auto raw = r.take(kWeiBytes, field);
  if (!raw) return raw.error();
  return Wei::from_parts(load_le64(raw->subspan(8, 8)), load_le64(raw->subspan(0, 8)));
}

// --- LedgerTx ------------------------------------------------------------------------

// Total on purpose (no asserts): the hashes and signatures over a transaction must be
// computable for any value the ledger is asked to judge, including one with an unknown kind
// or an over-long address, which the ledger then refuses. Such an encoding does not decode.
void write_ledger_tx_unsigned(ByteWriter& w, const LedgerTx& tx) {
  w.u8(static_cast<std::uint8_t>(tx.kind));
  w.bytes(tx.sender_key);
  w.u64le(tx.nonce);
  w.bytes(tx.to);
  write_wei(w, tx.value);
  write_wei(w, tx.fee);
  w.var_bytes(as_bytes(tx.bitcoin_address));
}

void write_ledger_tx(ByteWriter& w, const LedgerTx& tx) {
  write_ledger_tx_unsigned(w, tx);
  w.bytes(tx.signature);
}

Result<LedgerTx> read_ledger_tx(ByteReader& r) {
  LedgerTx tx;
  if (Status s = read_ledger_tx_unsigned(r, tx); !s) return s;
  if (Status s = get(r, "signature", tx.signature); !s) return s;
  return tx;
}

// --- AuxPowHeader --------------------------------------------------------------------

void write_auxpow_header(ByteWriter& w, const AuxPowHeader& header) {
  w.hash(header.range_start);
  w.hash(header.range_end);
  w.u32le(header.bits);
  w.u32le(header.chain_id);
  w.u64le(header.height);
  w.u8(header.auxpow ? 1 : 0);
  if (header.auxpow) write_auxpow(w, *header.auxpow);
  w.bytes(header.fee_recipient);
}

Result<AuxPowHeader> read_auxpow_header(ByteReader& r) {
  AuxPowHeader h;
  if (Status s = get(r, "range_start", h.range_start); !s) return s;
  if (Status s = get(r, "range_end", h.range_end); !s) return s;
  if (Status s = get(r, "bits", h.bits); !s) return s;
  if (Status s = get(r, "chain_id", h.chain_id); !s) return s;
  if (Status s = get(r, "height", h.height); !s) return s;
  bool present = false;
  if (Status s = get_presence(r, "auxpow", present); !s) return s;
  if (present) {
    auto auxpow = read_auxpow(r);  // its errors already start with "auxpow: "
    if (!auxpow) return auxpow.error();
    h.auxpow = std::move(*auxpow);
  }
  if (Status s = get(r, "fee_recipient", h.fee_recipient); !s) return s;
  return h;
}

// --- ConsensusBlock ------------------------------------------------------------------

void write_block_body(ByteWriter& w, const ConsensusBlock& block) {
  const auto& txs = block.payload.transactions;
  ALYS_ASSERT(txs.size() <= kMaxTxsPerBlock, "codec: too many txs");
  w.compact_size(txs.size());
  for (const auto& tx : txs) write_ledger_tx(w, tx);
  write_pegins(w, block.pegins);
  w.u8(block.pegout_proposal ? 1 : 0);
  if (block.pegout_proposal) write_pegout_proposal(w, *block.pegout_proposal);
  write_finalized_pegouts(w, block.finalized_pegouts);
  w.u8(block.auxpow_header ? 1 : 0);
  if (block.auxpow_header) write_auxpow_header(w, *block.auxpow_header);
}

void write_consensus_header(ByteWriter& w, const ConsensusHeader& header) {
  w.hash(header.parent_hash);
  w.u64le(header.height);
  w.u64le(header.slot);
  w.hash(header.state_root);
  w.hash(header.body_root);
}

Result<ConsensusHeader> read_consensus_header(ByteReader& r) {
  ConsensusHeader h;
  if (Status s = get(r, "parent_hash", h.parent_hash); !s) return s;
  if (Status s = get(r, "height", h.height); !s) return s;
  if (Status s = get(r, "slot", h.slot); !s) return s;
  if (Status s = get(r, "state_root", h.state_root); !s) return s;
  if (Status s = get(r, "body_root", h.body_root); !s) return s;
  return h;
}

void write_consensus_block(ByteWriter& w, const ConsensusBlock& block) {
  // The header's fields but body_root, then the body: a block's hash covers exactly these
  // two parts (block_hash), and the state root sits where the payload begins.
  w.hash(block.parent_hash);
  w.u64le(block.height);
  w.u64le(block.slot);
  w.hash(block.payload.state_root);
  write_block_body(w, block);
}

Result<ConsensusBlock> read_consensus_block(ByteReader& r) {
  ConsensusBlock b;
  if (Status s = get(r, "parent_hash", b.parent_hash); !s) return s;
  if (Status s = get(r, "height", b.height); !s) return s;
  if (Status s = get(r, "slot", b.slot); !s) return s;
  if (Status s = read_payload(r, b.payload); !s) return with_context("payload", s);
  if (Status s = read_pegins(r, b.pegins); !s) return s;
  if (Status s = read_pegout_proposal(r, b.pegout_proposal); !s) return s;
  if (Status s = read_finalized_pegouts(r, b.finalized_pegouts); !s) return s;
  if (Status s = read_block_auxpow_header(r, b.auxpow_header); !s) return s;
  return b;
}

// --- Approval, SignedBlock -----------------------------------------------------------

void write_approval(ByteWriter& w, const Approval& approval) {
  w.u32le(approval.authority_index);
  w.bytes(approval.signature);
}

Result<Approval> read_approval(ByteReader& r) {
  Approval a;
  if (Status s = get(r, "authority_index", a.authority_index); !s) return s;
  if (Status s = get(r, "signature", a.signature); !s) return s;
  return a;
}

void write_signed_block(ByteWriter& w, const SignedBlock& block) {
  ALYS_ASSERT(block.approvals.size() <= kMaxApprovals, "codec: too many approvals");
  const std::size_t start = w.data().size();
  write_consensus_block(w, block.block);
  w.compact_size(block.approvals.size());
  for (const auto& a : block.approvals) write_approval(w, a);
  ALYS_ASSERT(w.data().size() - start <= kMaxBlockBytes, "codec: block above kMaxBlockBytes");
}

Result<SignedBlock> read_signed_block(ByteReader& r) {
  const std::size_t start = r.position();
  SignedBlock sb;
  auto block = read_consensus_block(r);
  if (!block) return with_context("block", block.error());
  sb.block = std::move(*block);
  auto n = r.count("approval count", kApprovalBytes, kMaxApprovals);
  if (!n) return n.error();
  sb.approvals.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto a = read_approval(r);
    if (!a) return with_context(fmt::format("approval {}", i), a.error());
    sb.approvals.push_back(*a);
  }
  // Checked after the fact: every list above is already bounded by the input's length, so
  // this bounds what a peer may make us store or relay, not what we allocate.
  const std::size_t size = r.position() - start;
  if (size > kMaxBlockBytes) {
    return Status::invalid_argument(
        fmt::format("size: {} bytes exceed the maximum {}", size, kMaxBlockBytes));
  }
  return sb;
}

// --- versioned top-level forms -------------------------------------------------------

Status read_wire_version(ByteReader& r) {
  auto v = r.u8("version");
  if (!v) return v.error();
  if (*v != limits::kWireVersion) {
    return Status::invalid_argument(fmt::format("version: unsupported {}", *v));
  }
  return Status::ok();
}

Bytes encode_ledger_tx(const LedgerTx& tx) {
  ByteWriter w(1 + kMinLedgerTxBytes + tx.bitcoin_address.size());
  w.u8(limits::kWireVersion);
  write_ledger_tx(w, tx);
  return w.take();
}

Result<LedgerTx> decode_ledger_tx(ByteView bytes) {
  return decode_versioned<LedgerTx>(bytes, "tx", [](ByteReader& r) { return read_ledger_tx(r); });
}

Bytes encode_signed_block(const SignedBlock& block) {
  // A transfer encodes to exactly kMinLedgerTxBytes: reserve for those, plus the rest.
  ByteWriter w(256 + block.block.payload.transactions.size() * kMinLedgerTxBytes +
               block.approvals.size() * kApprovalBytes);
  w.u8(limits::kWireVersion);
  write_signed_block(w, block);
  return w.take();
}

Result<SignedBlock> decode_signed_block(ByteView bytes) {
  if (bytes.size() > 1 + kMaxBlockBytes) {
    return Status::invalid_argument(
        fmt::format("size: {} bytes exceed the maximum {}", bytes.size() - 1, kMaxBlockBytes));
  }
  return decode_versioned<SignedBlock>(bytes, "signed_block",
                                       [](ByteReader& r) { return read_signed_block(r); });
}

Bytes encode_auxpow_header(const AuxPowHeader& header) {
  ByteWriter w;
  w.u8(limits::kWireVersion);
  write_auxpow_header(w, header);
  return w.take();
}

Result<AuxPowHeader> decode_auxpow_header(ByteView bytes) {
  return decode_versioned<AuxPowHeader>(bytes, "auxpow_header",
                                        [](ByteReader& r) { return read_auxpow_header(r); });
}

}  // namespace alys
