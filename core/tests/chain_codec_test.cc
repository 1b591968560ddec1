// The chain's canonical wire codec (core/chain/codec.h) and the hashes and signatures built
// on it (core/execution/ledger_tx.h, core/chain/block.h).
//
// Known answers pin the format twice: the encoding of small fixed objects is checked byte
// by byte against hand-written hex (field order, widths, endianness), and the hashes over
// them are checked to be the tagged hash of those very bytes before being pinned to hex, so
// a format change fails the byte check and a hashing change fails the pinned constant.
// Properties: round trip and byte-identical re-encoding for every type; every strict
// prefix fails; random and mutated input either fails with a message or is canonical
// (re-encodes to exactly the input); limits are refused before anything is allocated.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/crypto/sha256.h"
#include "core/crypto/tagged_hash.h"
#include "core/tests/chain_codec_gen.h"
#include "core/tests/primitives_test_util.h"
#include "core/types/hex.h"

namespace alys {
namespace {

using test::hex_bytes;

// `hex` repeated n times.
std::string rep(std::string_view hex, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += hex;
  return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> filled(std::uint8_t b) {
  std::array<std::uint8_t, N> a{};
  a.fill(b);
  return a;
}

Hash256 filled_hash(std::uint8_t b) { return Hash256(filled<32>(b)); }

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// A transfer with distinct, recognisable bytes in every field.
LedgerTx fixed_transfer() {
  LedgerTx tx;
  tx.kind = LedgerTxKind::kTransfer;
  tx.sender_key = filled<32>(0x11);
  tx.nonce = 0x0102030405060708ULL;
  tx.to = filled<20>(0x22);
  tx.value = Wei::from_parts(1, 2);  // 2^64 + 2 wei
  tx.fee = Wei::from_u64(0x1234);
  tx.signature = filled<64>(0x33);
  return tx;
}

// Hand-written: kind | key | nonce LE | to | value lo, hi | fee lo, hi | address | sig.
const std::string kFixedTransferHex = "01" + rep("11", 32) + "0807060504030201" + rep("22", 20) +
                                      "0200000000000000" "0100000000000000" +
                                      "3412000000000000" "0000000000000000" + "00" +
                                      rep("33", 64);

ConsensusBlock fixed_block() {
  ConsensusBlock b;
  b.parent_hash = filled_hash(0x44);
  b.height = 7;
  b.slot = 0x0100;
  b.payload.state_root = filled_hash(0x55);
  b.payload.transactions.push_back(fixed_transfer());
  EvmAddress to;
  to.fill(0x88);
  b.pegins.push_back(PegInRef{filled_hash(0x66), filled_hash(0x77), to, 0x0102});
  return b;
}

// parent | height | slot | state_root | 1 tx | 1 pegin (txid, block, to, amount LE) | no
// proposal | 0 finalized | no auxpow.
const std::string kFixedBlockHex = rep("44", 32) + "0700000000000000" + "0001000000000000" +
                                   rep("55", 32) + "01" + kFixedTransferHex + "01" +
                                   rep("66", 32) + rep("77", 32) + rep("88", 20) +
                                   "0201000000000000" + "00" + "00" + "00";

// --- known answers -------------------------------------------------------------------

TEST(ChainCodec, LedgerTxEncodingIsByteExact) {
  const LedgerTx tx = fixed_transfer();
  EXPECT_EQ(to_hex(encode_ledger_tx(tx)), "01" + kFixedTransferHex);
  ByteWriter w;
  write_ledger_tx_unsigned(w, tx);
  // The signing form is the same bytes without the trailing 64-byte signature.
  EXPECT_EQ(to_hex(w.data()), kFixedTransferHex.substr(0, kFixedTransferHex.size() - 128));

  LedgerTx pegout = tx;
  pegout.kind = LedgerTxKind::kPegOut;
  pegout.to = {};
  pegout.bitcoin_address = "bcrt1q";
  const std::string pegout_hex = "02" + rep("11", 32) + "0807060504030201" + rep("00", 20) +
                                 "0200000000000000" "0100000000000000" +
                                 "3412000000000000" "0000000000000000" + "06" +
                                 "626372743171" + rep("33", 64);
  EXPECT_EQ(to_hex(encode_ledger_tx(pegout)), "01" + pegout_hex);
}

TEST(ChainCodec, LedgerTxHashesArePinned) {
  const LedgerTx tx = fixed_transfer();
  const Bytes body = hex_bytes(kFixedTransferHex);
  EXPECT_EQ(ledger_tx_hash(tx), tagged_hash("alys/tx", body));
  EXPECT_EQ(ledger_tx_signing_hash(tx),
            tagged_hash("alys/tx-sig", ByteView(body).first(body.size() - 64)));
  EXPECT_EQ(ledger_tx_hash(tx).to_hex(),
            "a17446af1be2bd3ad0b611840b96137c83db0f7ebe8e7dca17d817d91b41b2b6");
}

TEST(ChainCodec, BlockEncodingIsByteExactAndHashPinned) {
  const ConsensusBlock b = fixed_block();
  ByteWriter w;
  write_consensus_block(w, b);
  EXPECT_EQ(to_hex(w.data()), kFixedBlockHex);
  const SignedBlock sb{b, {Approval{3, filled<64>(0x88)}}};
  EXPECT_EQ(to_hex(encode_signed_block(sb)),
            "01" + kFixedBlockHex + "01" + "03000000" + rep("88", 64));
  // The hash covers the header: the encoding's first 80 bytes (parent, height, slot, state
  // root) and the root of the rest (the body).
  const Hash256 body_root = tagged_hash("alys/block-body", hex_bytes(kFixedBlockHex.substr(160)));
  EXPECT_EQ(block_body_root(b), body_root);
  EXPECT_EQ(block_hash(b),
            tagged_hash("alys/block", hex_bytes(kFixedBlockHex.substr(0, 160) + body_root.to_hex())));
  EXPECT_EQ(header_hash(consensus_header(b)), block_hash(b));
  EXPECT_EQ(block_hash(b).to_hex(), "327439e70fe9a679a02e942b65720d8ce91cb5b48e8fe3a5c078f67a9f714704");
}

TEST(ChainCodec, OptionalFieldsEncodePresenceThenValue) {
  ConsensusBlock b = fixed_block();
  b.payload.transactions.clear();
  b.pegins.clear();
  Transaction btc;
  btc.inputs.push_back(TxIn{OutPoint{filled_hash(0x99), 1}, {}, 0xfffffffe, {}});
  b.pegout_proposal = PegOutProposal{btc, {50'000}, {filled_hash(0x77)}};
  AuxPowHeader h;
  h.range_start = filled_hash(0xaa);
  h.range_end = filled_hash(0xbb);
  h.bits = 0x207fffff;
  h.chain_id = 0x4d;
  h.height = 9;
  h.fee_recipient = filled<20>(0xcc);
  b.auxpow_header = h;
  ByteWriter w;
  write_consensus_block(w, b);
  const std::string btc_hex = "02000000" "01" + rep("99", 32) + "01000000" "00" "feffffff" "00" +
                              "00000000";
  const std::string header_hex = rep("aa", 32) + rep("bb", 32) + "ffff7f20" "4d000000" +
                                 "0900000000000000" + "00" + rep("cc", 20);
  EXPECT_EQ(to_hex(w.data()), rep("44", 32) + "0700000000000000" + "0001000000000000" +
                                  rep("55", 32) + "00" + "00" + "01" + "33" + btc_hex +
                                  "01" + "50c3000000000000" + "01" + rep("77", 32) + "00" +
                                  "01" + header_hex);
  EXPECT_EQ(btc_hex.size() / 2, 0x33u);
  EXPECT_EQ(to_hex(encode_auxpow_header(h)), "01" + header_hex);
}

TEST(ChainCodec, WeiIsSixteenBytesLowWordFirst) {
  ByteWriter w;
  write_wei(w, Wei::from_parts(0x0a0b0c0d0e0f1011ULL, 0x0102030405060708ULL));
  EXPECT_EQ(to_hex(w.data()), "0807060504030201" "11100f0e0d0c0b0a");
  ByteReader r(w.data());
  auto back = read_wei(r, "amount");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, Wei::from_parts(0x0a0b0c0d0e0f1011ULL, 0x0102030405060708ULL));
  const Bytes short_bytes(15, 0);
  ByteReader r2(short_bytes);
  auto err = read_wei(r2, "amount");
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().message(), "amount: truncated: need 16 bytes, 15 left");
}

TEST(ChainCodec, ApprovalQuorumTable) {
  const std::size_t expected[] = {1, 2, 2, 3, 4, 4, 5};
  for (std::size_t n = 1; n <= 7; ++n) EXPECT_EQ(approval_quorum(n), expected[n - 1]) << n;
  EXPECT_EQ(approval_quorum(limits::kMaxAuthorities), 43u);
}

// --- errors name the field -----------------------------------------------------------

std::string decode_tx_error(const std::string& hex) {
  auto r = decode_ledger_tx(hex_bytes(hex));
  EXPECT_FALSE(r.has_value()) << hex;
  return r.has_value() ? std::string() : r.error().message();
}

TEST(ChainCodec, LedgerTxErrorsNameTheField) {
  const std::string good = "01" + kFixedTransferHex;
  EXPECT_EQ(decode_tx_error(""), "version: truncated: need 1 bytes, 0 left");
  EXPECT_EQ(decode_tx_error("07" + kFixedTransferHex), "version: unsupported 7");
  EXPECT_EQ(decode_tx_error("00" + kFixedTransferHex), "version: unsupported 0");
  EXPECT_EQ(decode_tx_error("0103" + kFixedTransferHex.substr(2)), "kind: unknown 3");
  EXPECT_EQ(decode_tx_error("0100" + kFixedTransferHex.substr(2)), "kind: unknown 0");
  // Cut two bytes into the fee.
  const std::size_t fee_at = 2 * (1 + 1 + 32 + 8 + 20 + 16);
  EXPECT_EQ(decode_tx_error(good.substr(0, fee_at + 4)), "fee: truncated: need 16 bytes, 2 left");
  EXPECT_EQ(decode_tx_error(good + "00"), "tx: 1 trailing bytes");
  // An address one byte over the cap.
  const std::size_t addr_at = fee_at + 32;
  EXPECT_EQ(decode_tx_error(good.substr(0, addr_at) + "5b" + rep("61", 91) + rep("33", 64)),
            "bitcoin_address: length 91 exceeds the maximum 90");
  EXPECT_EQ(decode_tx_error(good.substr(0, good.size() - 2)),
            "signature: truncated: need 64 bytes, 63 left");
  // The writer is total (hashes of any value the ledger judges); the reader is not.
  LedgerTx odd = fixed_transfer();
  odd.bitcoin_address.assign(limits::kMaxBitcoinAddressChars + 1, 'q');
  EXPECT_EQ(decode_tx_error(to_hex(encode_ledger_tx(odd))),
            "bitcoin_address: length 91 exceeds the maximum 90");
  odd = fixed_transfer();
  odd.kind = static_cast<LedgerTxKind>(9);
  EXPECT_EQ(decode_tx_error(to_hex(encode_ledger_tx(odd))), "kind: unknown 9");
}

// Encodes `block` with the given tx count claimed but no txs following: the smallest
// input that makes a decoder consider a huge allocation.
Bytes block_claiming_txs(const std::string& count_hex) {
  return hex_bytes("01" + rep("44", 32) + rep("00", 16) + rep("55", 32) + count_hex);
}

std::string decode_block_error(ByteView bytes) {
  auto r = decode_signed_block(bytes);
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? std::string() : r.error().message();
}

TEST(ChainCodec, CountsAboveLimitsFailBeforeAllocating) {
  // 2^25 txs in an 86-byte input: refused on the count, not after a reserve.
  EXPECT_EQ(decode_block_error(block_claiming_txs("fe00000002")),
            "block: payload: tx count: count 33554432 exceeds the maximum 8192");
  // Within the cap but more than the bytes left could hold.
  // (ByteReader counts the count's own bytes among those left.)
  EXPECT_TRUE(contains(decode_block_error(block_claiming_txs("fd0020")),
                       "block: payload: tx count: count 8192 cannot fit in the "));
  EXPECT_TRUE(contains(decode_block_error(block_claiming_txs("ff0000000001000000")),
                       "block: payload: tx count: "));

  const std::string empty_block = rep("44", 32) + rep("00", 16) + rep("55", 32) + "00";
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "fd0104")),
            "block: pegin count: count 1025 exceeds the maximum 1024");
  // A peg-in amount must be a possible Bitcoin amount.
  const std::string pegin_head = "01" + rep("66", 32) + rep("77", 32) + rep("88", 20);
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + pegin_head + rep("00", 8) +
                                         "000000")),
            "block: pegin 0: amount: 0 sat is outside 1..2100000000000000");
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + pegin_head + "0140075af0750700" +
                                         "000000")),
            "block: pegin 0: amount: 2100000000000001 sat is outside 1..2100000000000000");
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "00" + "41")),
            "block: finalized_pegout count: count 65 exceeds the maximum 64");
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "00" + "00" + "00" + "41")),
            "approval count: count 65 exceeds the maximum 64");
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "01" + "fe811a0600")),
            "block: pegout_proposal: length: 400001 exceeds the maximum 400000");
  // A proposal's input values are amounts (1..21M BTC) and its lists are capped.
  const std::string btc = "02000000" "00" "00" "00000000";
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "01" + "0a" + btc + "01" +
                                         "0000000000000000" + "00" + "00" + "00" + "00")),
            "block: pegout_proposal: input_value 0: 0 sat is outside 1..2100000000000000");
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "01" + "0a" + btc + "c9")),
            "block: pegout_proposal: input_value count: count 201 exceeds the maximum 200");
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "01" + "0a" + btc + "00" +
                                         "41")),
            "block: pegout_proposal: request_id count: count 65 exceeds the maximum 64");
}

TEST(ChainCodec, BlockErrorsNameTheFieldPath) {
  // Txs 0..2 carry 90-character addresses so that, cut inside tx 3, the input still holds
  // four minimal txs and the count check passes: the failure is then tx 3's own.
  SignedBlock sb;
  sb.block = fixed_block();
  LedgerTx long_tx = fixed_transfer();
  long_tx.bitcoin_address.assign(limits::kMaxBitcoinAddressChars, 'q');
  sb.block.payload.transactions.assign(3, long_tx);
  sb.block.payload.transactions.push_back(fixed_transfer());
  const Bytes bytes = encode_signed_block(sb);
  // version, parent, height, slot, state_root, count, three txs, tx 3 up to 2 fee bytes.
  const std::size_t cut = 1 + 32 + 8 + 8 + 32 + 1 + 3 * (158 + 90) + (1 + 32 + 8 + 20 + 16) + 2;
  EXPECT_EQ(decode_block_error(ByteView(bytes).first(cut)),
            "block: payload: tx 3: fee: truncated: need 16 bytes, 2 left");

  const std::string empty_block = rep("44", 32) + rep("00", 16) + rep("55", 32) + "00";
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "02")),
            "block: pegout_proposal: presence byte 2 (want 0 or 1)");
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "00" + "00" + "ff")),
            "block: auxpow_header: presence byte 255 (want 0 or 1)");
  // A Bitcoin tx is parsed inside exactly its length: a spare byte inside is an error.
  const std::string btc = "02000000" "00" "00" "00000000";
  EXPECT_EQ(decode_block_error(hex_bytes("01" + empty_block + "00" + "00" + "01" + "0b" + btc +
                                         "00" + "00" + "00")),
            "block: finalized_pegout 0: tx: 1 trailing bytes");
  EXPECT_TRUE(contains(decode_block_error(hex_bytes("01" + empty_block + "00" + "01" + "04" +
                                                    "02000000")),
                       "block: pegout_proposal: tx: "));
  // Every list is bounded by the bytes left, so a short list fails on its count.
  EXPECT_TRUE(contains(decode_block_error(hex_bytes("01" + empty_block + "00" + "00" + "00" +
                                                    "00" + "01" + "07000000")),
                       "approval count: count 1 cannot fit in the "));
  // The AuxPoW inside a header keeps Bitcoin's own field names.
  auto h = decode_auxpow_header(hex_bytes("01" + rep("aa", 64) + rep("00", 16) + "01" + "02"));
  ASSERT_FALSE(h.has_value());
  EXPECT_TRUE(contains(h.error().message(), "auxpow: coinbase: tx: ")) << h.error().message();
  h = decode_auxpow_header(hex_bytes("01" + rep("aa", 64) + rep("00", 16) + "03"));
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error().message(), "auxpow: presence byte 3 (want 0 or 1)");
}

TEST(ChainCodec, OversizedBlockIsRefused) {
  // Eleven maximal Bitcoin txs: every list within its cap, the whole above kMaxBlockBytes.
  Transaction big;
  big.inputs.push_back(TxIn{OutPoint{filled_hash(1), 0}, {}, 0, {}});
  big.outputs.push_back(TxOut{1, Bytes(limits::kMaxBitcoinTxBytes - 64, 0x6a)});
  ASSERT_LE(serialize_transaction(big).size(), limits::kMaxBitcoinTxBytes);
  ConsensusBlock b;
  b.finalized_pegouts.assign(11, big);
  ByteWriter w;
  w.u8(limits::kWireVersion);
  write_consensus_block(w, b);  // the body alone; write_signed_block would assert
  w.compact_size(0);
  ASSERT_GT(w.data().size(), 1 + limits::kMaxBlockBytes);
  EXPECT_TRUE(decode_block_error(w.data()).starts_with("size: "));
  ByteReader r(ByteView(w.data()).subspan(1));
  auto read = read_signed_block(r);
  ASSERT_FALSE(read.has_value());
  EXPECT_TRUE(read.error().message().starts_with("size: ")) << read.error().message();
}

// --- signatures ----------------------------------------------------------------------

SecretKey key_from(std::uint8_t seed) {
  const Hash256 h = sha256(Bytes{seed});
  return *SecretKey::from_bytes(h.view());
}

TEST(LedgerTxSignature, SignVerifyAndAccountAddress) {
  LedgerTx tx = fixed_transfer();
  const SecretKey key = key_from(1);
  sign_ledger_tx(tx, key, Hash256{});
  EXPECT_EQ(tx.sender_key, key.xonly_public_key().bytes());
  EXPECT_TRUE(verify_ledger_tx_signature(tx));
  // Not a curve point (x >= p): false, not a crash.
  LedgerTx bad_key = tx;
  bad_key.sender_key = filled<32>(0xff);
  EXPECT_FALSE(verify_ledger_tx_signature(bad_key));

  const Hash256 h = tagged_hash("alys/account", ByteView(tx.sender_key));
  EvmAddress expected{};
  std::copy(h.bytes().begin() + 12, h.bytes().end(), expected.begin());
  EXPECT_EQ(account_address(tx.sender_key), expected);
  EXPECT_EQ(account_address(key.xonly_public_key()), expected);
}

// Every field is covered by the signature: changing any one breaks verification.
RC_GTEST_PROP(LedgerTxSignatureProperty, TamperingAnyFieldBreaksVerify, ()) {
  LedgerTx tx = *test::gen_ledger_tx();
  const auto seed = *rc::gen::arbitrary<std::uint8_t>();
  const SecretKey key = key_from(seed);
  sign_ledger_tx(tx, key, test::gen_hash());
  RC_ASSERT(verify_ledger_tx_signature(tx));
  RC_ASSERT(ledger_tx_signing_hash(tx) != ledger_tx_hash(tx));

  LedgerTx t = tx;
  const auto field = *rc::gen::inRange(0, 8);
  switch (field) {
    case 0:
      t.kind = t.kind == LedgerTxKind::kTransfer ? LedgerTxKind::kPegOut : LedgerTxKind::kTransfer;
      break;
    case 1:
      t.sender_key = key_from(static_cast<std::uint8_t>(seed + 1)).xonly_public_key().bytes();
      break;
    case 2:
      t.nonce ^= 1ULL << *rc::gen::inRange(0, 64);
      break;
    case 3:
      t.to[*rc::gen::inRange<std::size_t>(0, 20)] ^= 0x01;
      break;
    case 4:
      t.value = Wei::from_parts(t.value.hi() ^ 1, t.value.lo());
      break;
    case 5:
      t.fee = Wei::from_parts(t.fee.hi(), t.fee.lo() ^ 1);
      break;
    case 6:
      if (t.bitcoin_address.empty()) {
        t.bitcoin_address = "x";
      } else {
        t.bitcoin_address.pop_back();
      }
      break;
    default:
      t.signature[*rc::gen::inRange<std::size_t>(0, 64)] ^= 0x80;
      break;
  }
  RC_ASSERT(!(t == tx));
  RC_ASSERT(!verify_ledger_tx_signature(t));
  RC_ASSERT(ledger_tx_hash(t) != ledger_tx_hash(tx));
  if (field != 7) RC_ASSERT(ledger_tx_signing_hash(t) != ledger_tx_signing_hash(tx));
}

// --- round trips and canonicality ----------------------------------------------------

// `bytes` decodes (by `decode`) to something that re-encodes (by `encode`) to exactly
// `bytes`, or fails with a non-empty message.
template <typename Decode, typename Encode>
void check_canonical_or_error(ByteView bytes, Decode decode, Encode encode) {
  auto v = decode(bytes);
  if (v.has_value()) {
    RC_ASSERT(equal_bytes(encode(*v), bytes));
  } else {
    RC_ASSERT(!v.error().message().empty());
  }
}

template <typename Decode>
void check_every_prefix_fails(const Bytes& bytes, Decode decode) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto v = decode(ByteView(bytes).first(n));
    RC_ASSERT(!v.has_value());
    RC_ASSERT(!v.error().message().empty());
  }
}

template <typename T, typename Decode, typename Encode>
void check_round_trip(const T& value, Decode decode, Encode encode) {
  const Bytes bytes = encode(value);
  RC_ASSERT(bytes.at(0) == limits::kWireVersion);
  auto back = decode(bytes);
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == value);
  RC_ASSERT(encode(*back) == bytes);
}

const auto kDecodeTx = [](ByteView b) { return decode_ledger_tx(b); };
const auto kEncodeTx = [](const LedgerTx& v) { return encode_ledger_tx(v); };
const auto kDecodeBlock = [](ByteView b) { return decode_signed_block(b); };
const auto kEncodeBlock = [](const SignedBlock& v) { return encode_signed_block(v); };
const auto kDecodeHeader = [](ByteView b) { return decode_auxpow_header(b); };
const auto kEncodeHeader = [](const AuxPowHeader& v) { return encode_auxpow_header(v); };

RC_GTEST_PROP(ChainCodecProperty, LedgerTxRoundTrips, ()) {
  check_round_trip(*test::gen_ledger_tx(), kDecodeTx, kEncodeTx);
}

RC_GTEST_PROP(ChainCodecProperty, AuxPowHeaderRoundTrips, ()) {
  check_round_trip(*test::gen_auxpow_header(), kDecodeHeader, kEncodeHeader);
}

RC_GTEST_PROP(ChainCodecProperty, SignedBlockRoundTrips, ()) {
  check_round_trip(*test::gen_signed_block(), kDecodeBlock, kEncodeBlock);
}

RC_GTEST_PROP(ChainCodecProperty, ConsensusBlockAndApprovalBodiesRoundTrip, ()) {
  const ConsensusBlock b = *test::gen_consensus_block();
  const Approval a = *test::gen_approval();
  ByteWriter w;
  write_consensus_block(w, b);
  write_approval(w, a);
  ByteReader r(w.data());
  auto b2 = read_consensus_block(r);
  RC_ASSERT(b2.has_value());
  RC_ASSERT(*b2 == b);
  auto a2 = read_approval(r);
  RC_ASSERT(a2.has_value());
  RC_ASSERT(*a2 == a);
  RC_ASSERT(r.empty());
  // block_hash covers exactly the consensus block: its first 80 bytes (the header's
  // fields) and, through body_root, the rest.
  ByteWriter whole;
  write_consensus_block(whole, b);
  const ByteView bytes = whole.data();
  ByteWriter header;
  header.bytes(bytes.first(80));
  header.hash(tagged_hash("alys/block-body", bytes.subspan(80)));
  RC_ASSERT(block_hash(b) == tagged_hash("alys/block", header.data()));
}

RC_GTEST_PROP(ChainCodecProperty, EveryStrictPrefixFails, ()) {
  check_every_prefix_fails(encode_ledger_tx(*test::gen_ledger_tx()), kDecodeTx);
  check_every_prefix_fails(encode_auxpow_header(*test::gen_auxpow_header()), kDecodeHeader);
  check_every_prefix_fails(encode_signed_block(*test::gen_signed_block()), kDecodeBlock);
}

RC_GTEST_PROP(ChainCodecProperty, WrongVersionIsRefused, (std::uint8_t version)) {
  RC_PRE(version != limits::kWireVersion);
  Bytes tx = encode_ledger_tx(*test::gen_ledger_tx());
  Bytes block = encode_signed_block(*test::gen_signed_block());
  Bytes header = encode_auxpow_header(*test::gen_auxpow_header());
  tx[0] = block[0] = header[0] = version;
  const std::string want = "version: unsupported " + std::to_string(version);
  RC_ASSERT(decode_ledger_tx(tx).error().message() == want);
  RC_ASSERT(decode_signed_block(block).error().message() == want);
  RC_ASSERT(decode_auxpow_header(header).error().message() == want);
}

// Random bytes, with the right version byte half of the time so the bodies are reached.
RC_GTEST_PROP(ChainCodecProperty, RandomBytesFailOrAreCanonical, (Bytes bytes)) {
  if (!bytes.empty() && *rc::gen::arbitrary<bool>()) bytes[0] = limits::kWireVersion;
  check_canonical_or_error(bytes, kDecodeTx, kEncodeTx);
  check_canonical_or_error(bytes, kDecodeBlock, kEncodeBlock);
  check_canonical_or_error(bytes, kDecodeHeader, kEncodeHeader);
}

Bytes mutate_one_byte(Bytes bytes) {
  const auto pos = *rc::gen::inRange<std::size_t>(0, bytes.size());
  bytes[pos] = *rc::gen::arbitrary<std::uint8_t>();
  return bytes;
}

RC_GTEST_PROP(ChainCodecProperty, MutatedEncodingsFailOrAreCanonical, ()) {
  check_canonical_or_error(mutate_one_byte(encode_ledger_tx(*test::gen_ledger_tx())), kDecodeTx,
                           kEncodeTx);
  check_canonical_or_error(mutate_one_byte(encode_auxpow_header(*test::gen_auxpow_header())),
                           kDecodeHeader, kEncodeHeader);
  check_canonical_or_error(mutate_one_byte(encode_signed_block(*test::gen_signed_block())),
                           kDecodeBlock, kEncodeBlock);
}

}  // namespace
}  // namespace alys
