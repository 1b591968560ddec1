#include "node/synthetic_chain.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "core/bitcoin/alys_retarget.h"
#include "core/bitcoin/auxpow.h"
#include "core/chain/approval.h"
#include "core/chain/limits.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/tagged_hash.h"
#include "core/execution/block_execution.h"
#include "core/execution/ledger.h"
#include "core/runtime/assert.h"
#include "core/storage/chain_store.h"

namespace alys::node {

namespace {

SecretKey derived_key(std::string_view seed, std::string_view role, std::uint32_t index) {
  // A hash is an invalid secp256k1 scalar (zero, or above the order) with negligible
  // probability; the attempt counter steps past such a miss, still deterministically.
  for (std::uint32_t attempt = 0;; ++attempt) {
    const std::string material = fmt::format("{}/{}/{}/{}", seed, role, index, attempt);
    auto key = SecretKey::from_bytes(tagged_hash("alys/synthetic-key", as_bytes(material)).view());
    if (key) return *key;
  }
}

EvmAddress recipient(std::uint64_t n) {
  EvmAddress a{};
  a[0] = 0x5e;  // numbered; a sender's (hashed) address equals one only by chance
  const auto v = static_cast<std::uint32_t>(n % kSyntheticRecipients);
  a[16] = static_cast<std::uint8_t>(v >> 24);
  a[17] = static_cast<std::uint8_t>(v >> 16);
  a[18] = static_cast<std::uint8_t>(v >> 8);
  a[19] = static_cast<std::uint8_t>(v);
  return a;
}

Status check_options(const SyntheticNetwork& network, const SyntheticChainOptions& options) {
  const ChainSpec& spec = *network.spec;
  if (options.blocks == 0) return Status::invalid_argument("synthetic chain: blocks: 0");
  if (options.txs_per_block == 0 || options.txs_per_block > spec.max_txs_per_block) {
    return Status::invalid_argument(fmt::format(
        "synthetic chain: txs_per_block: {} not in 1..{} (spec.max_txs_per_block)",
        options.txs_per_block, spec.max_txs_per_block));
  }
  if (options.first_slot == 0) {
    return Status::invalid_argument("synthetic chain: first_slot: 0 is genesis's slot");
  }
  if (network.sender_keys.empty()) {
    return Status::invalid_argument("synthetic chain: sender_keys: none");
  }
  if (network.authority_keys.size() != spec.authorities.size()) {
    return Status::invalid_argument(
        fmt::format("synthetic chain: authority_keys: {} keys for {} authorities",
                    network.authority_keys.size(), spec.authorities.size()));
  }
  for (std::size_t i = 0; i < spec.authorities.size(); ++i) {
    if (network.authority_keys[i].xonly_public_key().bytes() != spec.authorities[i]) {
      return Status::invalid_argument(
          fmt::format("synthetic chain: authority_keys: key {} is not authority {}", i, i));
    }
  }
  return Status::ok();
}

// What the next AuxPoW header must cover: BlockTree::pow_view of the parent, kept as the
// chain grows instead of walked back.
struct PowTrack {
  std::vector<Hash256> unfinalized;  // after the newest header's range_end, up to the tip
  std::uint64_t last_pow_height = 0;
  std::optional<std::uint32_t> last_pow_bits;
};

Result<AuxPowHeader> make_header(const ChainSpec& spec, const PowTrack& pow,
                                 std::uint64_t parent_height) {
  AuxPowHeader header;
  header.range_start = pow.unfinalized.front();
  header.range_end = pow.unfinalized.back();
  header.height = parent_height;
  header.chain_id = spec.chain_id;
  header.bits = alys_next_work_required(pow.last_pow_height,
                                        pow.last_pow_bits.value_or(spec.retarget.initial_bits),
                                        parent_height, spec.retarget);
  header.fee_recipient = recipient(kSyntheticRecipients - 1);
  AuxPowBuildParams params;
  params.aux_hash = auxpow_aggregate_hash(pow.unfinalized);
  params.chain_id = spec.chain_id;
  params.bits = header.bits;
  params.parent_time = static_cast<std::uint32_t>(parent_height);
  auto auxpow = build_auxpow(params);
  if (!auxpow) {
    return with_context(fmt::format("synthetic chain: AuxPoW at h{}", parent_height + 1),
                        auxpow.error());
  }
  header.auxpow = std::move(*auxpow);
  return header;
}

}  // namespace

SyntheticNetwork make_synthetic_network(std::uint32_t authorities, std::uint32_t senders,
                                        std::string_view seed) {
  ALYS_ASSERT(authorities >= 1 && authorities <= limits::kMaxAuthorities,
              "make_synthetic_network: authorities out of range");
  ALYS_ASSERT(senders >= 1, "make_synthetic_network: no senders");
  SyntheticNetwork net;
  auto spec = std::make_shared<ChainSpec>();
  spec->retarget.initial_bits = 0x207fffff;  // regtest: a proof in a few nonces
  for (std::uint32_t i = 0; i < authorities; ++i) {
    net.authority_keys.push_back(derived_key(seed, "authority", i));
    spec->authorities.push_back(net.authority_keys.back().xonly_public_key().bytes());
  }
  for (std::uint32_t i = 0; i < senders; ++i) {
    net.sender_keys.push_back(derived_key(seed, "sender", i));
    spec->allocations.push_back(GenesisAllocation{
        account_address(net.sender_keys.back().xonly_public_key()),
        Wei::from_sat(kSyntheticSenderBalanceSat)});
  }
  net.spec = std::move(spec);
  return net;
}

SecretKey synthetic_node_key(std::string_view seed, std::uint32_t index) {
  return derived_key(seed, "node", index);
}

Result<SyntheticChain> build_synthetic_chain(const SyntheticNetwork& network,
                                             const SyntheticChainOptions& options) {
  if (Status s = check_options(network, options); !s) return s;
  const ChainSpec& spec = *network.spec;
  auto genesis_state = Ledger::from_genesis(spec.allocations);
  if (!genesis_state) return with_context("synthetic chain: genesis", genesis_state.error());
  Ledger state = std::move(*genesis_state);
  const SignedBlock genesis = make_genesis(spec, state.state_root());

  std::vector<SchnorrSigner> authorities;
  for (const SecretKey& k : network.authority_keys) authorities.emplace_back(k);
  std::vector<SchnorrSigner> senders;
  for (const SecretKey& k : network.sender_keys) senders.emplace_back(k);
  std::vector<std::uint64_t> nonces(senders.size(), 0);
  const std::size_t quorum = approval_quorum(authorities.size());
  // The transactions were signed just above: checking them again would double the cost
  // of generation and prove nothing the importer does not check anyway.
  ExecutionOptions execution;
  execution.signature_check = [](const LedgerTx&, const Hash256&) { return true; };

  SyntheticChain chain;
  chain.blocks.reserve(options.blocks);
  chain.hashes.reserve(options.blocks);
  PowTrack pow;
  Hash256 parent = block_hash(genesis.block);
  std::uint64_t tx_counter = 0;
  for (std::uint64_t height = 1; height <= options.blocks; ++height) {
    SignedBlock signed_block;
    ConsensusBlock& b = signed_block.block;
    b.parent_hash = parent;
    b.height = height;
    b.slot = options.first_slot + height - 1;
    if (options.pow_every > 0 && height % options.pow_every == 0 && !pow.unfinalized.empty()) {
      auto header = make_header(spec, pow, height - 1);
      if (!header) return header.error();
      b.auxpow_header = std::move(*header);
    }
    b.payload.transactions.reserve(options.txs_per_block);
    for (std::uint32_t i = 0; i < options.txs_per_block; ++i, ++tx_counter) {
      const std::size_t s = tx_counter % senders.size();
      b.payload.transactions.push_back(signed_transfer(senders[s], nonces[s]++, recipient(tx_counter),
                                                       Wei::from_sat(1000 + tx_counter % 1000),
                                                       Wei::from_sat(1)));
    }
    BlockContext context;
    context.height = height;
    if (b.auxpow_header) context.fee_recipient = b.auxpow_header->fee_recipient;
    auto executed =
        execute_block(state, context, b.payload.transactions, ExecutionMode::kVerify, execution);
    if (!executed) return with_context("synthetic chain", executed.error());
    b.payload.state_root = executed->state_root;
    state = std::move(executed->state);

    const Hash256 hash = block_hash(b);
    const std::uint32_t proposer = aura_proposer(spec, b.slot);
    signed_block.approvals.push_back(sign_approval(authorities[proposer], proposer, hash, Hash256{}));
    for (std::uint32_t k = 1; k < quorum; ++k) {
      const auto index = static_cast<std::uint32_t>((proposer + k) % authorities.size());
      signed_block.approvals.push_back(sign_approval(authorities[index], index, hash, Hash256{}));
    }

    if (b.auxpow_header) {
      // The header finalized everything before this block: the range starts again here.
      chain.finalized = storage::ChainPointer{b.auxpow_header->range_end, b.auxpow_header->height};
      pow.last_pow_height = height;
      pow.last_pow_bits = b.auxpow_header->bits;
      pow.unfinalized.clear();
    }
    pow.unfinalized.push_back(hash);
    chain.transactions += b.payload.transactions.size();
    chain.blocks.push_back(std::move(signed_block));
    chain.hashes.push_back(hash);
    parent = hash;
  }
  chain.head = storage::ChainPointer{parent, options.blocks};
  return chain;
}

Status write_synthetic_chain(Storage& storage, const SyntheticChain& chain) {
  storage::ChainStore store(storage);
  auto existing = store.head();
  if (!existing) return existing.error();
  if (existing->has_value()) {
    return Status::failed_precondition(fmt::format(
        "synthetic chain: the store already holds a chain (head h{})", (*existing)->height));
  }
  for (std::size_t first = 0; first < chain.blocks.size(); first += kSyntheticWriteChunkBlocks) {
    const std::size_t end = std::min(chain.blocks.size(), first + kSyntheticWriteChunkBlocks);
    storage::ChainWrite w;
    for (std::size_t i = first; i < end; ++i) {
      w.add_block(chain.blocks[i], chain.hashes[i]);
      w.canonical.emplace_back(chain.blocks[i].block.height, chain.hashes[i]);
    }
    if (Status s = store.write(w, /*sync=*/false); !s) return s;
  }
  // Pointers last: until they are durable the store holds no chain.
  storage::ChainWrite pointers;
  pointers.head = chain.head;
  pointers.finalized = chain.finalized;
  return store.write(pointers, /*sync=*/true);
}

}  // namespace alys::node
