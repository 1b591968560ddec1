// Frames of the node-to-node protocol (core/network/frame_codec.h) and the message helpers
// of core/network/messages.h.
//
// Known answers pin the frame header and small bodies byte by byte; properties check, for
// every WireMessage alternative, the round trip, byte-identical re-encoding, that every
// strict prefix fails, and that random or mutated frames either fail with a message
// naming the field or are canonical. Limits (range counts, response length, block caps,
// frame size) are refused with the field named and before anything is allocated.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/crypto/tagged_hash.h"
#include "core/network/frame_codec.h"
#include "core/runtime/transport.h"
#include "core/tests/chain_codec_gen.h"
#include "core/tests/primitives_test_util.h"
#include "core/types/hex.h"

namespace alys {
namespace {

using test::hex_bytes;

std::string rep(std::string_view hex, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += hex;
  return out;
}

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

std::string frame_error(ByteView frame) {
  auto r = decode_frame(frame);
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? std::string() : r.error().message();
}

std::string frame_error_hex(const std::string& hex) { return frame_error(hex_bytes(hex)); }

// --- names and the Hello signing hash -----------------------------------------------

TEST(WireMessage, NamesFollowTheVariantOrder) {
  const char* expected[] = {"hello",         "status",   "status_request",
                            "blocks_by_range_request", "blocks_by_range_response",
                            "new_block",     "approve_block", "new_tx", "queue_pow",
                            "ping",          "pong",     "goodbye",  "pegout_signatures",
                            "headers_by_range_request", "headers_by_range_response"};
  static_assert(std::size(expected) == std::variant_size_v<WireMessage>);
  EXPECT_EQ(wire_message_name(WireMessage{Hello{}}), "hello");
  EXPECT_EQ(wire_message_name(WireMessage{Goodbye{}}), "goodbye");
  EXPECT_EQ(wire_message_name(WireMessage{BlocksByRangeResponse{}}), "blocks_by_range_response");
  EXPECT_EQ(wire_message_name(WireMessage{NewBlock{}}), expected[5]);
  EXPECT_EQ(wire_message_name(WireMessage{HeadersByRangeResponse{}}), expected[14]);
  EXPECT_EQ(wire_message_name(WireMessage{QueuePow{}}), expected[8]);
}

Hello fixed_hello() {
  Hello h;
  h.chain_id = 0x01020304;
  h.genesis = Hash256::from_hex(rep("aa", 32)).value();
  h.node_key.fill(0xbb);
  h.from_node = 5;
  h.to_node = 0x0600;
  h.signature.fill(0xcc);
  return h;
}

TEST(WireMessage, HelloSigningHashCoversEverythingButTheSignature) {
  const Hello h = fixed_hello();
  const Bytes expected_input = hex_bytes("04030201" + rep("aa", 32) + rep("bb", 32) +
                                         "0500000000000000" + "0006000000000000");
  EXPECT_EQ(hello_signing_hash(h), tagged_hash("alys/hello", expected_input));
  Hello other = h;
  other.signature.fill(0);
  EXPECT_EQ(hello_signing_hash(other), hello_signing_hash(h));
  // Each covered field matters, the node pair in its direction too.
  other = h;
  std::swap(other.from_node, other.to_node);
  EXPECT_NE(hello_signing_hash(other), hello_signing_hash(h));
  other = h;
  other.chain_id ^= 1;
  EXPECT_NE(hello_signing_hash(other), hello_signing_hash(h));
  other = h;
  other.node_key[31] ^= 1;
  EXPECT_NE(hello_signing_hash(other), hello_signing_hash(h));
  other = h;
  other.genesis = Hash256{};
  EXPECT_NE(hello_signing_hash(other), hello_signing_hash(h));
}

// --- known answers -------------------------------------------------------------------

TEST(FrameCodec, FramesAreVersionKindBody) {
  EXPECT_EQ(to_hex(encode_frame(Ping{0x0102030405060708ULL})), "010a" "0807060504030201");
  EXPECT_EQ(to_hex(encode_frame(Pong{7})), "010b" "0700000000000000");
  EXPECT_EQ(to_hex(encode_frame(StatusRequest{})), "0103");
  EXPECT_EQ(to_hex(encode_frame(Goodbye{GoodbyeReason::kBanned})), "010c04");
  EXPECT_EQ(to_hex(encode_frame(BlocksByRangeRequest{1, 0x10, 1024})),
            "0104" "0100000000000000" "1000000000000000" "00040000");
  EXPECT_EQ(to_hex(encode_frame(fixed_hello())),
            "0101" "04030201" + rep("aa", 32) + rep("bb", 32) + "0500000000000000" +
                "0006000000000000" + rep("cc", 64));
  ApproveBlock approve;
  approve.block_hash = Hash256::from_hex(rep("dd", 32)).value();
  approve.approval.authority_index = 2;
  approve.approval.signature.fill(0xee);
  EXPECT_EQ(to_hex(encode_frame(approve)), "0107" + rep("dd", 32) + "02000000" + rep("ee", 64));
  // Chain bodies are codec.h's unversioned forms.
  SignedBlock sb;
  sb.block.height = 3;
  ByteWriter w;
  write_signed_block(w, sb);
  EXPECT_EQ(to_hex(encode_frame(NewBlock{sb})), "0106" + to_hex(w.data()));
  LedgerTx tx;
  EXPECT_EQ(to_hex(encode_frame(NewTx{tx})), "0108" + to_hex(encode_ledger_tx(tx)).substr(2));
  // Peg-out signatures: payment txid | member index | CompactSize count | 64-byte sigs.
  PegoutSignatures sigs;
  sigs.payment_txid = Hash256::from_hex(rep("ab", 32)).value();
  sigs.member_index = 3;
  sigs.signatures.assign(2, SigBytes{});
  sigs.signatures[1].fill(0x5c);
  EXPECT_EQ(to_hex(encode_frame(sigs)),
            "010d" + rep("ab", 32) + "03000000" + "02" + rep("00", 64) + rep("5c", 64));
}

TEST(FrameCodec, PegoutSignatureCountsAreChecked) {
  const std::string head = "010d" + rep("ab", 32) + "03000000";
  EXPECT_EQ(frame_error_hex(head + "00"),
            "frame: pegout_signatures: signature count: none");
  EXPECT_TRUE(frame_error_hex(head + "c9" + rep("00", 64 * 201))
                  .starts_with("frame: pegout_signatures: signature count: count 201 exceeds"));
  EXPECT_TRUE(frame_error_hex(head + "02" + rep("00", 64))
                  .starts_with("frame: pegout_signatures: signature count: count 2 cannot fit"));
}

TEST(FrameCodec, HeaderErrorsNameTheField) {
  EXPECT_EQ(frame_error_hex(""), "frame: version: truncated: need 1 bytes, 0 left");
  EXPECT_EQ(frame_error_hex("070a0000000000000000"), "frame: version: unsupported 7");
  EXPECT_EQ(frame_error_hex("01"), "frame: kind: truncated: need 1 bytes, 0 left");
  EXPECT_EQ(frame_error_hex("0100"), "frame: kind: unknown 0");
  EXPECT_EQ(frame_error_hex("0110"), "frame: kind: unknown 16");
  EXPECT_EQ(frame_error_hex("012a"), "frame: kind: unknown 42");
  EXPECT_EQ(frame_error_hex("010300"), "frame: 1 trailing bytes");
  EXPECT_EQ(frame_error_hex("010a" + rep("00", 11)), "frame: 3 trailing bytes");
  EXPECT_EQ(frame_error_hex("010a000000"), "frame: ping: nonce: truncated: need 8 bytes, 3 left");
  const Bytes huge(Transport::kMaxFrameBytes + 1, 0);
  EXPECT_TRUE(frame_error(huge).starts_with("frame: size "));
}

TEST(FrameCodec, BodyErrorsNameTheField) {
  EXPECT_EQ(frame_error_hex("010c00"), "frame: goodbye: reason: unknown 0");
  EXPECT_EQ(frame_error_hex("010c05"), "frame: goodbye: reason: unknown 5");
  EXPECT_EQ(frame_error_hex("0101" "04030201" + rep("aa", 10)),
            "frame: hello: genesis: truncated: need 32 bytes, 10 left");
  EXPECT_EQ(frame_error_hex("0107" + rep("dd", 32) + "02000000" + rep("ee", 63)),
            "frame: approve_block: approval: signature: truncated: need 64 bytes, 63 left");
  EXPECT_EQ(frame_error_hex("0108" "03"), "frame: new_tx: kind: unknown 3");
  EXPECT_EQ(frame_error_hex("0109" + rep("00", 64) + rep("00", 16) + "02"),
            "frame: queue_pow: auxpow: presence byte 2 (want 0 or 1)");
  // NewBlock cut inside the slot.
  EXPECT_EQ(frame_error_hex("0106" + rep("44", 32) + rep("00", 8) + "0102"),
            "frame: new_block: block: slot: truncated: need 8 bytes, 2 left");
  EXPECT_EQ(frame_error_hex("0106" + rep("44", 32) + rep("00", 16) + rep("55", 32) + "02"),
            "frame: new_block: block: payload: tx count: count 2 cannot fit in the 1 bytes left");
}

TEST(FrameCodec, HeaderRangesAreKnownAnswersWithCheckedCounts) {
  EXPECT_EQ(to_hex(encode_frame(HeadersByRangeRequest{2, 0x20, 4096})),
            "010e" "0200000000000000" "2000000000000000" "00100000");
  const std::string head = "010e" "0200000000000000" "2000000000000000";
  EXPECT_EQ(frame_error_hex(head + "00000000"),
            "frame: headers_by_range_request: count: 0 is not in 1..4096");
  EXPECT_EQ(frame_error_hex(head + "01100000"),
            "frame: headers_by_range_request: count: 4097 is not in 1..4096");
  ConsensusHeader h;
  h.parent_hash = Hash256::from_hex(rep("11", 32)).value();
  h.height = 3;
  h.slot = 9;
  h.state_root = Hash256::from_hex(rep("22", 32)).value();
  h.body_root = Hash256::from_hex(rep("33", 32)).value();
  EXPECT_EQ(to_hex(encode_frame(HeadersByRangeResponse{5, {h}})),
            "010f" "0500000000000000" "01" + rep("11", 32) + "0300000000000000" +
                "0900000000000000" + rep("22", 32) + rep("33", 32));
  const std::string response = "010f" "0500000000000000";
  EXPECT_EQ(frame_error_hex(response + "fd0110"),
            "frame: headers_by_range_response: header count: count 4097 exceeds the maximum 4096");
  EXPECT_EQ(frame_error_hex(response + "01" + rep("11", 32) + "03000000"),
            "frame: headers_by_range_response: header count: count 1 cannot fit in the 37 "
            "bytes left");
}

TEST(FrameCodec, RangeCountsAreChecked) {
  const std::string head = "0104" "0100000000000000" "1000000000000000";
  EXPECT_EQ(frame_error_hex(head + "00000000"),
            "frame: blocks_by_range_request: count: 0 is not in 1..1024");
  EXPECT_EQ(frame_error_hex(head + "01040000"),
            "frame: blocks_by_range_request: count: 1025 is not in 1..1024");
  EXPECT_EQ(frame_error_hex(head + "ffffffff"),
            "frame: blocks_by_range_request: count: 4294967295 is not in 1..1024");
  for (std::uint32_t count : {1u, 1024u}) {
    auto m = decode_frame(encode_frame(BlocksByRangeRequest{1, 16, count}));
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(std::get<BlocksByRangeRequest>(*m).count, count);
  }
  // A response longer than a range, and one claiming more blocks than its bytes hold.
  const std::string response = "0105" "0100000000000000";
  EXPECT_EQ(frame_error_hex(response + "fd0104"),
            "frame: blocks_by_range_response: block count: count 1025 exceeds the maximum 1024");
  EXPECT_TRUE(contains(frame_error_hex(response + "fd0004"),
                       "frame: blocks_by_range_response: block count: count 1024 cannot fit"));
  // A block inside a response keeps its index and its own path.
  // (Block 0 carries an approval so the cut frame still holds two minimal blocks and the
  // count check passes: the failure is then block 1's own.)
  SignedBlock approved;
  approved.approvals.push_back(Approval{});
  BlocksByRangeResponse two{9, {approved, SignedBlock{}}};
  Bytes frame = encode_frame(two);
  frame.resize(frame.size() - 1);  // the second block's approval count
  EXPECT_EQ(frame_error(frame),
            "frame: blocks_by_range_response: block 1: approval count: truncated: need 1 bytes, "
            "0 left");
}

TEST(FrameCodec, HugeCountsInTinyFramesFailFast) {
  // 2^25 txs claimed by an 88-byte NewBlock frame: refused on the count, naming it.
  const std::string block_head = "0106" + rep("44", 32) + rep("00", 16) + rep("55", 32);
  EXPECT_EQ(frame_error_hex(block_head + "fe00000002"),
            "frame: new_block: block: payload: tx count: count 33554432 exceeds the maximum 8192");
  EXPECT_TRUE(contains(frame_error_hex(block_head + "ff0000000000000001"),
                       "frame: new_block: block: payload: tx count: size "));
  // And 2^25 blocks in a response.
  EXPECT_EQ(frame_error_hex("0105" "0100000000000000" "fe00000002"),
            "frame: blocks_by_range_response: block count: count 33554432 exceeds the maximum "
            "1024");
}

// The fuzz seeds are written by an independent encoder (core/fuzz/corpus/make_corpus.py):
// every one must decode and re-encode to the same bytes, which cross-checks the format.
TEST(FrameCodec, FuzzSeedsFromThePythonEncoderDecode) {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(ALYS_CORE_TEST_DATA) / ".." / ".." / "fuzz" / "corpus";
  const auto read_all = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  std::size_t seen = 0;
  for (const std::string dir : {"ledger_tx", "signed_block", "auxpow_header", "frame"}) {
    for (const auto& entry : fs::directory_iterator(corpus / dir)) {
      const Bytes bytes = read_all(entry.path());
      const std::string name = dir + "/" + entry.path().filename().string();
      Bytes again;
      if (dir == "ledger_tx") {
        auto v = decode_ledger_tx(bytes);
        ASSERT_TRUE(v.has_value()) << name << ": " << v.error().message();
        again = encode_ledger_tx(*v);
      } else if (dir == "signed_block") {
        auto v = decode_signed_block(bytes);
        ASSERT_TRUE(v.has_value()) << name << ": " << v.error().message();
        again = encode_signed_block(*v);
      } else if (dir == "auxpow_header") {
        auto v = decode_auxpow_header(bytes);
        ASSERT_TRUE(v.has_value()) << name << ": " << v.error().message();
        again = encode_auxpow_header(*v);
      } else {
        auto v = decode_frame(bytes);
        ASSERT_TRUE(v.has_value()) << name << ": " << v.error().message();
        again = encode_frame(*v);
      }
      EXPECT_EQ(again, bytes) << name;
      ++seen;
    }
  }
  EXPECT_GE(seen, 4u);
}

// --- properties ----------------------------------------------------------------------

void check_frame_round_trip(const WireMessage& m) {
  const Bytes frame = encode_frame(m);
  RC_ASSERT(frame.size() >= 2u);
  RC_ASSERT(frame[0] == limits::kWireVersion);
  RC_ASSERT(frame[1] == m.index() + 1);
  auto back = decode_frame(frame);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == m);
  RC_ASSERT(encode_frame(*back) == frame);
}

// Every alternative, each checked on its own so none is left to chance.
TEST(FrameCodecProperty, EveryKindRoundTrips) {
  for (std::size_t i = 0; i < std::variant_size_v<WireMessage>; ++i) {
    const bool ok = rc::check("round trip of kind " + std::to_string(i + 1), [i] {
      check_frame_round_trip(*test::gen_wire_message_of(i));
    });
    EXPECT_TRUE(ok) << "kind " << i + 1;
  }
}

TEST(FrameCodecProperty, EveryKindRejectsEveryStrictPrefix) {
  for (std::size_t i = 0; i < std::variant_size_v<WireMessage>; ++i) {
    const bool ok = rc::check("prefixes of kind " + std::to_string(i + 1), [i] {
      const Bytes frame = encode_frame(*test::gen_wire_message_of(i));
      for (std::size_t n = 0; n < frame.size(); ++n) {
        auto m = decode_frame(ByteView(frame).first(n));
        RC_ASSERT(!m.has_value());
        RC_ASSERT(m.error().message().starts_with("frame: "));
      }
    });
    EXPECT_TRUE(ok) << "kind " << i + 1;
  }
}

// The peeked kind is the decoded message's kind whenever the frame decodes (the network
// drops duplicate gossip on the peeked kind alone).
RC_GTEST_PROP(FrameCodecProperty, PeekedKindIsTheDecodedKind, ()) {
  const WireMessage message = *test::gen_wire_message();
  const Bytes frame = encode_frame(message);
  RC_ASSERT(peek_frame_kind(frame) == std::optional<std::size_t>(message.index()));
}

TEST(FrameCodec, PeekRefusesShortForeignAndUnknownHeaders) {
  EXPECT_EQ(peek_frame_kind(Bytes{}), std::nullopt);
  EXPECT_EQ(peek_frame_kind(Bytes{limits::kWireVersion}), std::nullopt);
  EXPECT_EQ(peek_frame_kind(Bytes{limits::kWireVersion + 1, 1}), std::nullopt);
  EXPECT_EQ(peek_frame_kind(Bytes{limits::kWireVersion, 0}), std::nullopt);
  EXPECT_EQ(peek_frame_kind(Bytes{limits::kWireVersion,
                                  std::variant_size_v<WireMessage> + 1}),
            std::nullopt);
  EXPECT_EQ(peek_frame_kind(Bytes{limits::kWireVersion, 10}), std::optional<std::size_t>(9));
}

void check_canonical_or_error(ByteView frame) {
  auto m = decode_frame(frame);
  if (m.has_value()) {
    RC_ASSERT(peek_frame_kind(frame) == std::optional<std::size_t>(m->index()));
    RC_ASSERT(equal_bytes(encode_frame(*m), frame));
  } else {
    RC_ASSERT(m.error().message().starts_with("frame: "));
  }
}

RC_GTEST_PROP(FrameCodecProperty, RandomBytesFailOrAreCanonical, (Bytes bytes)) {
  // Mostly a valid header, so the bodies of every kind are reached.
  if (bytes.size() >= 2 && *rc::gen::inRange(0, 4) != 0) {
    bytes[0] = limits::kWireVersion;
    bytes[1] = *rc::gen::inRange<std::uint8_t>(1, std::variant_size_v<WireMessage> + 1);
  }
  check_canonical_or_error(bytes);
}

RC_GTEST_PROP(FrameCodecProperty, MutatedFramesFailOrAreCanonical, ()) {
  Bytes frame = encode_frame(*test::gen_wire_message());
  const auto pos = *rc::gen::inRange<std::size_t>(0, frame.size());
  frame[pos] = *rc::gen::arbitrary<std::uint8_t>();
  check_canonical_or_error(frame);
}

RC_GTEST_PROP(FrameCodecProperty, WrongVersionIsRefused, (std::uint8_t version)) {
  RC_PRE(version != limits::kWireVersion);
  Bytes frame = encode_frame(*test::gen_wire_message());
  frame[0] = version;
  auto m = decode_frame(frame);
  RC_ASSERT(!m.has_value());
  RC_ASSERT(m.error().message() == "frame: version: unsupported " + std::to_string(version));
}

}  // namespace
}  // namespace alys
