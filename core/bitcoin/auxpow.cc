#include "core/bitcoin/auxpow.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/bitcoin/merkle.h"
#include "core/bitcoin/pow.h"
#include "core/crypto/sha256.h"

namespace alys {

Hash256 MerkleBranchProof::fold(const Hash256& leaf) const {
  Hash256 node = leaf;
  for (std::size_t n = 0; n < hashes.size(); ++n) {
    const bool left = n < 32 && ((side_mask >> n) & 1) == 1;
    node = left ? sha256d_pair(hashes[n], node) : sha256d_pair(node, hashes[n]);
  }
  return node;
}

std::string_view auxpow_error_name(AuxPowError e) {
  switch (e) {
    case AuxPowError::kNone: return "ok";
    case AuxPowError::kParentHasChainId: return "parent block has our chain id";
    case AuxPowError::kChainBranchTooLong: return "chain merkle branch too long";
    case AuxPowError::kNotAGenerate: return "committed transaction is not the parent coinbase";
    case AuxPowError::kMerkleRootIncorrect: return "coinbase is not in the parent merkle root";
    case AuxPowError::kCoinbaseOutputs: return "coinbase lacks commitment outputs";
    case AuxPowError::kMissingCommitment: return "missing merged-mining commitment to the chain root";
    case AuxPowError::kMerkleSizeMismatch: return "chain merkle size does not match the branch";
    case AuxPowError::kWrongIndex: return "wrong chain index";
  }
  return "unknown";
}

std::uint64_t auxpow_expected_index(std::uint32_t nonce, std::uint32_t chain_id, unsigned height) {
  const std::uint64_t m = std::uint64_t{1} << height;
  std::uint64_t rand = nonce;
  rand = rand * 1103515245u + 12345u;
  rand %= m;
  rand += chain_id;
  rand = rand * 1103515245u + 12345u;
  rand %= m;
  return rand;
}

Hash256 auxpow_aggregate_hash(std::span<const Hash256> block_hashes) {
  Bytes all;
  all.reserve(block_hashes.size() * Hash256::kSize);
  for (const auto& h : block_hashes) append(all, h.view());
  return sha256d(all);
}

Bytes merged_mining_commitment(const Hash256& chain_root, std::uint32_t merkle_size,
                               std::uint32_t merkle_nonce) {
  ByteWriter w(kMergedMiningCommitmentSize);
  w.bytes(ByteView(kMergedMiningMagic, 4));
  w.hash(chain_root);
  w.u32le(merkle_size);
  w.u32le(merkle_nonce);
  return w.take();
}

namespace {

// Alys's MergedMiningHeader::from_script_pub_key.
bool parse_commitment(ByteView script, const Hash256& expected_root, MergedMiningCommitment& out) {
  if (script.size() != kMergedMiningCommitmentSize) return false;
  if (!std::equal(script.begin(), script.begin() + 4, kMergedMiningMagic)) return false;
  ByteReader r(script.subspan(4));
  out.chain_root = *r.hash("root");
  out.merkle_size = *r.u32le("size");
  out.merkle_nonce = *r.u32le("nonce");
  return out.chain_root == expected_root;
}

}  // namespace

AuxPowError find_merged_mining_commitment(const Transaction& coinbase, const Hash256& chain_root,
                                          MergedMiningCommitment& out) {
  const auto& outs = coinbase.outputs;
  if (outs.size() < 3) return AuxPowError::kCoinbaseOutputs;
  if (parse_commitment(outs[2].script_pubkey, chain_root, out)) return AuxPowError::kNone;
  if (outs.size() < 4) return AuxPowError::kCoinbaseOutputs;
  if (parse_commitment(outs[3].script_pubkey, chain_root, out)) return AuxPowError::kNone;
  return AuxPowError::kMissingCommitment;
}

AuxPowError validate_auxpow(const AuxPow& a, const Hash256& aux_hash, std::uint32_t chain_id) {
  if (a.parent_chain_id() == chain_id) return AuxPowError::kParentHasChainId;
  if (a.chain_branch.hashes.size() > kAuxPowChainBranchMax) return AuxPowError::kChainBranchTooLong;
  const Hash256 chain_root = a.chain_branch.fold(aux_hash);
  if (a.coinbase_branch.side_mask != 0) return AuxPowError::kNotAGenerate;
  if (a.coinbase_branch.fold(txid(a.coinbase)) != a.parent_header.merkle_root) {
    return AuxPowError::kMerkleRootIncorrect;
  }
  MergedMiningCommitment c;
  const AuxPowError found = find_merged_mining_commitment(a.coinbase, chain_root, c);
  if (found != AuxPowError::kNone) return found;
  const auto height = static_cast<unsigned>(a.chain_branch.hashes.size());
  if (c.merkle_size != (std::uint32_t{1} << height)) return AuxPowError::kMerkleSizeMismatch;
  if (a.chain_branch.side_mask != auxpow_expected_index(c.merkle_nonce, chain_id, height)) {
    return AuxPowError::kWrongIndex;
  }
  return AuxPowError::kNone;
}

Status check_auxpow(const AuxPow& a, const Hash256& aux_hash, std::uint32_t chain_id) {
  const AuxPowError e = validate_auxpow(a, aux_hash, chain_id);
  if (e == AuxPowError::kNone) return Status::ok();
  return Status::invalid_argument(fmt::format("auxpow: {}", auxpow_error_name(e)));
}

Status check_auxpow_pow(const AuxPow& a, std::uint32_t bits) {
  const CompactTarget t = decode_compact(bits);
  if (t.negative || t.overflow) {
    return Status::invalid_argument(fmt::format("auxpow: bits 0x{:08x} unusable", bits));
  }
  const Hash256 hash = block_hash(a.parent_header);
  if (Uint256::from_le_bytes(hash) > t.value) {
    return Status::invalid_argument("auxpow: parent block hash does not meet the target");
  }
  return Status::ok();
}

namespace {

void write_branch(ByteWriter& w, const MerkleBranchProof& b) {
  w.compact_size(b.hashes.size());
  for (const auto& h : b.hashes) w.hash(h);
  w.u32le(b.side_mask);
}

Result<MerkleBranchProof> read_branch(ByteReader& r, std::string_view field) {
  MerkleBranchProof b;
  auto n = r.count(fmt::format("{}: hash count", field), Hash256::kSize, kAuxPowBranchDecodeMax);
  if (!n) return n.error();
  b.hashes.reserve(static_cast<std::size_t>(*n));
  for (std::uint64_t i = 0; i < *n; ++i) {
    auto h = r.hash("hash");
    if (!h) return with_context(fmt::format("{}: hash {}", field, i), h.error());
    b.hashes.push_back(*h);
  }
  auto mask = r.u32le(fmt::format("{}: side mask", field));
  if (!mask) return mask.error();
  b.side_mask = *mask;
  return b;
}

}  // namespace

void write_auxpow(ByteWriter& w, const AuxPow& a) {
  write_transaction(w, a.coinbase);
  w.hash(a.parent_block_hash);
  write_branch(w, a.coinbase_branch);
  write_branch(w, a.chain_branch);
  write_block_header(w, a.parent_header);
}

Bytes serialize_auxpow(const AuxPow& a) {
  ByteWriter w;
  write_auxpow(w, a);
  return w.take();
}

Result<AuxPow> read_auxpow(ByteReader& r) {
  AuxPow a;
  auto tx = read_transaction(r);
  if (!tx) return with_context("auxpow: coinbase", tx.error());
  a.coinbase = std::move(*tx);
  auto block = r.hash("auxpow: parent block hash");
  if (!block) return block.error();
  a.parent_block_hash = *block;
  auto cb = read_branch(r, "auxpow: coinbase branch");
  if (!cb) return cb.error();
  a.coinbase_branch = std::move(*cb);
  auto chain = read_branch(r, "auxpow: chain branch");
  if (!chain) return chain.error();
  a.chain_branch = std::move(*chain);
  auto header = read_block_header(r);
  if (!header) return with_context("auxpow: parent header", header.error());
  a.parent_header = *header;
  return a;
}

Result<AuxPow> parse_auxpow(ByteView bytes) {
  ByteReader r(bytes);
  auto a = read_auxpow(r);
  if (!a) return a;
  Status end = r.expect_end("auxpow");
  if (!end) return end;
  return a;
}

Result<AuxPow> build_auxpow(const AuxPowBuildParams& p) {
  if (p.parent_chain_id == p.chain_id) {
    return Status::invalid_argument("auxpow builder: parent chain id equals the aux chain id");
  }
  if (p.parent_chain_id > 0x7fff) {
    return Status::invalid_argument("auxpow builder: parent chain id does not fit the version");
  }
  const CompactTarget target = decode_compact(p.bits);
  if (target.negative || target.overflow || target.value.is_zero()) {
    return Status::invalid_argument(fmt::format("auxpow builder: bits 0x{:08x} unusable", p.bits));
  }
  AuxPow a;
  TxIn in;
  in.prevout.vout = 0xffffffff;  // null prevout: a coinbase
  in.script_sig = {0x01, 0x00};  // a minimal height-like push
  a.coinbase.version = 1;
  a.coinbase.inputs.push_back(std::move(in));
  a.coinbase.outputs.push_back(TxOut{0, {}});
  a.coinbase.outputs.push_back(TxOut{0, {}});
  a.coinbase.outputs.push_back(TxOut{0, merged_mining_commitment(p.aux_hash, 1, 0)});

  std::vector<Hash256> leaves{txid(a.coinbase)};
  leaves.insert(leaves.end(), p.extra_parent_txids.begin(), p.extra_parent_txids.end());
  a.coinbase_branch.hashes = merkle_branch(leaves, 0);
  a.coinbase_branch.side_mask = 0;

  a.parent_header.version = static_cast<std::int32_t>(p.parent_chain_id << 16);
  a.parent_header.prev_block = p.parent_prev_block;
  a.parent_header.merkle_root = compute_merkle_root(leaves).root;
  a.parent_header.time = p.parent_time;
  a.parent_header.bits = p.bits;
  for (std::uint64_t tries = 0; tries < p.max_nonce_tries; ++tries) {
    a.parent_header.nonce = static_cast<std::uint32_t>(tries);
    if (Uint256::from_le_bytes(block_hash(a.parent_header)) <= target.value) {
      a.parent_block_hash = block_hash(a.parent_header);
      return a;
    }
  }
  return Status::unavailable(fmt::format("auxpow builder: no nonce below {} meets bits 0x{:08x}",
                                         p.max_nonce_tries, p.bits));
}

}  // namespace alys
