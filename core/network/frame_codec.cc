#include "core/network/frame_codec.h"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/runtime/transport.h"

namespace alys {

namespace {

using limits::kMaxBlocksPerRange;

// Smallest SignedBlock body: parent 32, height 8, slot 8, state_root 32, five one-byte
// counts / presence bytes, an empty approval list. Bounds the response's block count.
constexpr std::size_t kMinSignedBlockBytes = 32 + 8 + 8 + 32 + 5 + 1;

template <typename T>
struct Tag {};

// --- bodies: one write/read pair per message; read errors are relative to the body ----

void write_body(ByteWriter& w, const Hello& m) {
  w.u32le(m.chain_id);
  w.hash(m.genesis);
  w.bytes(m.node_key);
  w.u64le(m.from_node);
  w.u64le(m.to_node);
  w.bytes(m.signature);
}

template <std::size_t N>
Status get_array(ByteReader& r, std::string_view field, std::array<std::uint8_t, N>& out) {
  auto v = r.take(N, field);
  if (!v) return v.error();
  std::copy(v->begin(), v->end(), out.begin());
  return Status::ok();
}

Status get_hash(ByteReader& r, std::string_view field, Hash256& out) {
  auto v = r.hash(field);
  if (!v) return v.error();
  out = *v;
  return Status::ok();
}

Status get_u64(ByteReader& r, std::string_view field, std::uint64_t& out) {
  auto v = r.u64le(field);
  if (!v) return v.error();
  out = *v;
  return Status::ok();
}

Result<Hello> read_body(ByteReader& r, Tag<Hello>) {
  Hello m;
  auto chain_id = r.u32le("chain_id");
  if (!chain_id) return chain_id.error();
  m.chain_id = *chain_id;
  if (Status s = get_hash(r, "genesis", m.genesis); !s) return s;
  if (Status s = get_array(r, "node_key", m.node_key); !s) return s;
  if (Status s = get_u64(r, "from_node", m.from_node); !s) return s;
  if (Status s = get_u64(r, "to_node", m.to_node); !s) return s;
  if (Status s = get_array(r, "signature", m.signature); !s) return s;
  return m;
}

void write_body(ByteWriter& w, const StatusMessage& m) {
  w.hash(m.genesis);
  w.hash(m.head_hash);
  w.u64le(m.head_height);
  w.hash(m.finalized_hash);
  w.u64le(m.finalized_height);
}

Result<StatusMessage> read_body(ByteReader& r, Tag<StatusMessage>) {
  StatusMessage m;
  if (Status s = get_hash(r, "genesis", m.genesis); !s) return s;
  if (Status s = get_hash(r, "head_hash", m.head_hash); !s) return s;
  if (Status s = get_u64(r, "head_height", m.head_height); !s) return s;
  if (Status s = get_hash(r, "finalized_hash", m.finalized_hash); !s) return s;
  if (Status s = get_u64(r, "finalized_height", m.finalized_height); !s) return s;
  return m;
}

void write_body(ByteWriter&, const StatusRequest&) {}

Result<StatusRequest> read_body(ByteReader&, Tag<StatusRequest>) { return StatusRequest{}; }

// BlocksByRange and HeadersByRange requests: request_id, start_height, count in 1..max.
template <typename Request>
void write_range_request(ByteWriter& w, const Request& m, std::uint32_t max) {
  ALYS_ASSERT(m.count >= 1 && m.count <= max, "frame: range request count outside 1..max");
  w.u64le(m.request_id);
  w.u64le(m.start_height);
  w.u32le(m.count);
}

template <typename Request>
Result<Request> read_range_request(ByteReader& r, std::uint32_t max) {
  Request m;
  if (Status s = get_u64(r, "request_id", m.request_id); !s) return s;
  if (Status s = get_u64(r, "start_height", m.start_height); !s) return s;
  auto count = r.u32le("count");
  if (!count) return count.error();
  if (*count < 1 || *count > max) {
    return Status::invalid_argument(fmt::format("count: {} is not in 1..{}", *count, max));
  }
  m.count = *count;
  return m;
}

void write_body(ByteWriter& w, const BlocksByRangeRequest& m) {
  write_range_request(w, m, kMaxBlocksPerRange);
}

Result<BlocksByRangeRequest> read_body(ByteReader& r, Tag<BlocksByRangeRequest>) {
  return read_range_request<BlocksByRangeRequest>(r, kMaxBlocksPerRange);
}

void write_body(ByteWriter& w, const BlocksByRangeResponse& m) {
  ALYS_ASSERT(m.blocks.size() <= kMaxBlocksPerRange, "frame: BlocksByRange response too long");
  w.u64le(m.request_id);
  w.compact_size(m.blocks.size());
  for (const auto& b : m.blocks) write_signed_block(w, b);
}

Result<BlocksByRangeResponse> read_body(ByteReader& r, Tag<BlocksByRangeResponse>) {
  BlocksByRangeResponse m;
  if (Status s = get_u64(r, "request_id", m.request_id); !s) return s;
  auto n = r.count("block count", kMinSignedBlockBytes, kMaxBlocksPerRange);
  if (!n) return n.error();
  m.blocks.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto b = read_signed_block(r);
    if (!b) return with_context(fmt::format("block {}", i), b.error());
    m.blocks.push_back(std::move(*b));
  }
  return m;
}

// Single-field wrappers: the kind name is context enough, so their bodies' errors are
// the inner object's own ("frame: new_block: block: slot: ...").
void write_body(ByteWriter& w, const NewBlock& m) { write_signed_block(w, m.block); }

Result<NewBlock> read_body(ByteReader& r, Tag<NewBlock>) {
  auto b = read_signed_block(r);
  if (!b) return b.error();
  return NewBlock{std::move(*b)};
}

void write_body(ByteWriter& w, const ApproveBlock& m) {
  w.hash(m.block_hash);
  write_approval(w, m.approval);
}

Result<ApproveBlock> read_body(ByteReader& r, Tag<ApproveBlock>) {
  ApproveBlock m;
  if (Status s = get_hash(r, "block_hash", m.block_hash); !s) return s;
  auto a = read_approval(r);
  if (!a) return with_context("approval", a.error());
  m.approval = *a;
  return m;
}

void write_body(ByteWriter& w, const NewTx& m) { write_ledger_tx(w, m.tx); }

Result<NewTx> read_body(ByteReader& r, Tag<NewTx>) {
  auto tx = read_ledger_tx(r);
  if (!tx) return tx.error();
  return NewTx{std::move(*tx)};
}

void write_body(ByteWriter& w, const QueuePow& m) { write_auxpow_header(w, m.header); }

Result<QueuePow> read_body(ByteReader& r, Tag<QueuePow>) {
  auto h = read_auxpow_header(r);
  if (!h) return h.error();
  return QueuePow{std::move(*h)};
}

void write_body(ByteWriter& w, const Ping& m) { w.u64le(m.nonce); }

Result<Ping> read_body(ByteReader& r, Tag<Ping>) {
  Ping m;
  if (Status s = get_u64(r, "nonce", m.nonce); !s) return s;
  return m;
}

void write_body(ByteWriter& w, const Pong& m) { w.u64le(m.nonce); }

Result<Pong> read_body(ByteReader& r, Tag<Pong>) {
  Pong m;
  if (Status s = get_u64(r, "nonce", m.nonce); !s) return s;
  return m;
}

bool is_known_reason(GoodbyeReason reason) {
  return reason >= GoodbyeReason::kShutdown && reason <= GoodbyeReason::kBanned;
}

void write_body(ByteWriter& w, const Goodbye& m) {
  ALYS_ASSERT(is_known_reason(m.reason), "frame: unknown GoodbyeReason");
  w.u8(static_cast<std::uint8_t>(m.reason));
}

Result<Goodbye> read_body(ByteReader& r, Tag<Goodbye>) {
  auto v = r.u8("reason");
  if (!v) return v.error();
  const auto reason = static_cast<GoodbyeReason>(*v);
  if (!is_known_reason(reason)) {
    return Status::invalid_argument(fmt::format("reason: unknown {}", *v));
  }
  return Goodbye{reason};
}

void write_body(ByteWriter& w, const PegoutSignatures& m) {
  ALYS_ASSERT(!m.signatures.empty() && m.signatures.size() <= limits::kMaxPegoutInputs,
              "frame: peg-out signature count out of range");
  w.hash(m.payment_txid);
  w.u32le(m.member_index);
  w.compact_size(m.signatures.size());
  for (const SigBytes& sig : m.signatures) w.bytes(sig);
}

Result<PegoutSignatures> read_body(ByteReader& r, Tag<PegoutSignatures>) {
  PegoutSignatures m;
  if (Status s = get_hash(r, "payment_txid", m.payment_txid); !s) return s;
  auto member = r.u32le("member_index");
  if (!member) return member.error();
  m.member_index = *member;
  auto n = r.count("signature count", SchnorrSignature::kSize, limits::kMaxPegoutInputs);
  if (!n) return n.error();
  if (*n == 0) return Status::invalid_argument("signature count: none");
  m.signatures.resize(static_cast<std::size_t>(*n));
  for (SigBytes& sig : m.signatures) {
    auto raw = r.take(sig.size(), "signature");
    if (!raw) return raw.error();
    std::copy(raw->begin(), raw->end(), sig.begin());
  }
  return m;
}

void write_body(ByteWriter& w, const HeadersByRangeRequest& m) {
  write_range_request(w, m, limits::kMaxHeadersPerRange);
}

Result<HeadersByRangeRequest> read_body(ByteReader& r, Tag<HeadersByRangeRequest>) {
  return read_range_request<HeadersByRangeRequest>(r, limits::kMaxHeadersPerRange);
}

void write_body(ByteWriter& w, const HeadersByRangeResponse& m) {
  ALYS_ASSERT(m.headers.size() <= limits::kMaxHeadersPerRange,
              "frame: HeadersByRange response too long");
  w.u64le(m.request_id);
  w.compact_size(m.headers.size());
  for (const ConsensusHeader& h : m.headers) write_consensus_header(w, h);
}

Result<HeadersByRangeResponse> read_body(ByteReader& r, Tag<HeadersByRangeResponse>) {
  HeadersByRangeResponse m;
  if (Status s = get_u64(r, "request_id", m.request_id); !s) return s;
  auto n = r.count("header count", kConsensusHeaderBytes, limits::kMaxHeadersPerRange);
  if (!n) return n.error();
  m.headers.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto h = read_consensus_header(r);
    if (!h) return with_context(fmt::format("header {}", i), h.error());
    m.headers.push_back(*h);
  }
  return m;
}

// --- dispatch by kind byte -----------------------------------------------------------

using KindReader = Result<WireMessage> (*)(ByteReader&);

template <std::size_t I>
Result<WireMessage> read_kind(ByteReader& r) {
  using T = std::variant_alternative_t<I, WireMessage>;
  auto body = read_body(r, Tag<T>{});
  if (!body) {
    // Names come from wire_message_name so there is one table of them.
    const WireMessage named{std::in_place_index<I>};
    return with_context(fmt::format("frame: {}", wire_message_name(named)), body.error());
  }
  return WireMessage{std::in_place_index<I>, std::move(*body)};
}

template <std::size_t... I>
constexpr std::array<KindReader, sizeof...(I)> make_kind_readers(std::index_sequence<I...>) {
  return {&read_kind<I>...};
}

constexpr auto kKindReaders =
    make_kind_readers(std::make_index_sequence<std::variant_size_v<WireMessage>>{});

}  // namespace

Bytes encode_frame(const WireMessage& message) {
  ByteWriter w(256);  // most frames (approvals, txs, pings) fit; blocks grow it
  w.u8(limits::kWireVersion);
  w.u8(static_cast<std::uint8_t>(message.index() + 1));
  std::visit([&w](const auto& m) { write_body(w, m); }, message);
  return w.take();
}

Result<WireMessage> decode_frame(ByteView frame) {
  if (frame.size() > Transport::kMaxFrameBytes) {
    return Status::invalid_argument(fmt::format("frame: size {} exceeds the maximum {}",
                                                frame.size(), Transport::kMaxFrameBytes));
  }
  ByteReader r(frame);
  if (Status s = read_wire_version(r); !s) return with_context("frame", s);
  auto kind = r.u8("kind");
  if (!kind) return with_context("frame", kind.error());
  if (*kind == 0 || *kind > kKindReaders.size()) {
    return Status::invalid_argument(fmt::format("frame: kind: unknown {}", *kind));
  }
  auto message = kKindReaders[*kind - 1u](r);
  if (!message) return message;
  if (Status s = r.expect_end("frame"); !s) return s;
  return message;
}

std::optional<std::size_t> peek_frame_kind(ByteView frame) {
  if (frame.size() < 2 || frame[0] != limits::kWireVersion) return std::nullopt;
  if (frame[1] == 0 || frame[1] > std::variant_size_v<WireMessage>) return std::nullopt;
  return std::size_t{frame[1]} - 1u;
}

}  // namespace alys
