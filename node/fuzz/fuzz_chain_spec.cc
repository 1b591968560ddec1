// libFuzzer target: parse_chain_spec (node/node_files.h), the loader of a network's chain
// spec (spec.toml), over the text of a file named "spec.toml".
//
// Checks:
// - a rejection names the file and, for each error, a line or a key
//   (fuzz::errors_name_place);
// - an accepted spec passes its own rules: at least one authority, and the authorities
//   form a federation (federation_of: valid x-only keys, no duplicates); the slot, block
//   and transaction bounds are in range; pow_initial_bits is a usable target under the
//   pow limit (target_from_bits), else no AuxPoW could ever be accepted;
// - chain_spec_toml of it (what `alys-node init` writes) loads back to the same spec.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bitcoin/pow.h"
#include "core/chain/chain_spec.h"
#include "core/fuzz/fuzz_util.h"
#include "node/node_files.h"

namespace {

using namespace alys;

constexpr const char* kFile = "spec.toml";

bool same(const ChainSpec& a, const ChainSpec& b) {
  return a.chain_id == b.chain_id && a.slot_duration_ms == b.slot_duration_ms &&
         a.authorities == b.authorities && a.max_blocks_without_pow == b.max_blocks_without_pow &&
         a.max_txs_per_block == b.max_txs_per_block && a.allocations == b.allocations &&
         a.bitcoin_network == b.bitcoin_network && a.retarget.initial_bits == b.retarget.initial_bits &&
         a.retarget.pow_no_retargeting == b.retarget.pow_no_retargeting;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto spec = node::parse_chain_spec(fuzz::input_text(data, size), kFile);
  if (!spec) {
    FUZZ_CHECK(fuzz::errors_name_place(spec.error().message(), kFile),
               "chain_spec: an error names no line or key: " + spec.error().message());
    return 0;
  }
  FUZZ_CHECK(!spec->authorities.empty(), "chain_spec: accepted without authorities");
  auto federation = federation_of(*spec);
  FUZZ_CHECK(federation.has_value(), "chain_spec: accepted authorities that form no federation: " +
                                         (federation ? std::string() : federation.error().message()));
  FUZZ_CHECK(spec->slot_duration_ms >= 10 && spec->slot_duration_ms <= 3'600'000, "chain_spec: slot_ms");
  FUZZ_CHECK(spec->max_blocks_without_pow >= 1, "chain_spec: max_blocks_without_pow");
  FUZZ_CHECK(spec->max_txs_per_block >= 1 && spec->max_txs_per_block <= 1'000'000, "chain_spec: max_txs_per_block");
  auto target = target_from_bits(spec->retarget.initial_bits, decode_compact(spec->retarget.pow_limit_bits).value);
  FUZZ_CHECK(target.has_value(), "chain_spec: accepted an unusable pow_initial_bits: " +
                                     (target ? std::string() : target.error().message()));

  const std::string written = node::chain_spec_toml(*spec);
  auto again = node::parse_chain_spec(written, kFile);
  FUZZ_CHECK(again.has_value(), "chain_spec: chain_spec_toml's output does not load: " +
                                    (again ? std::string() : again.error().message()) + "\n" + written);
  FUZZ_CHECK(same(*spec, *again), "chain_spec: chain_spec_toml's output loads differently:\n" + written);
  return 0;
}
