// libFuzzer target: parse_auxpow / read_auxpow (core/bitcoin/auxpow.h).
//
// Checks: a rejection names the field ("auxpow: ..."); read and parse agree (parse = read
// + nothing left); what read_auxpow accepts re-serializes to exactly the bytes it consumed;
// neither branch exceeds the decoder cap; validation is total on any decoded AuxPoW,
// check_auxpow agrees with validate_auxpow, and the PoW check over the parent header's own
// bits is total. Validation is run twice: with
// a zero aux hash, and with the aux hash that the commitment in coinbase output 2 names
// when the chain branch is empty (so the later rules are reached too).
#include "core/bitcoin/auxpow.h"
#include "core/fuzz/fuzz_util.h"

namespace {

using namespace alys;

void validate(const AuxPow& a, const Hash256& aux_hash, std::uint32_t chain_id) {
  const AuxPowError e = validate_auxpow(a, aux_hash, chain_id);
  const Status st = check_auxpow(a, aux_hash, chain_id);
  FUZZ_CHECK(st.is_ok() == (e == AuxPowError::kNone), "auxpow: check and validate disagree");
  FUZZ_CHECK(!auxpow_error_name(e).empty(), "auxpow: unnamed error");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in = fuzz::input_bytes(data, size);
  ByteReader r(in);
  auto read = read_auxpow(r);
  auto parsed = parse_auxpow(in);
  FUZZ_CHECK(parsed.has_value() == (read.has_value() && r.empty()),
             "auxpow: parse and read disagree on acceptance");
  if (!read) {
    FUZZ_CHECK(read.error().message().starts_with("auxpow: "), "auxpow: error names no field");
    return 0;
  }
  const AuxPow& a = *read;
  FUZZ_CHECK(equal_bytes(serialize_auxpow(a), in.first(r.position())),
             "auxpow: re-serialization differs from the bytes read");
  FUZZ_CHECK(a.coinbase_branch.hashes.size() <= kAuxPowBranchDecodeMax &&
                 a.chain_branch.hashes.size() <= kAuxPowBranchDecodeMax,
             "auxpow: branch longer than the decoder cap");
  if (parsed) FUZZ_CHECK(*parsed == a, "auxpow: parse and read give different results");

  const std::uint32_t chain_id = 0x4d;  // any id other than the parent's exercises the rules
  validate(a, Hash256{}, chain_id);
  if (a.chain_branch.hashes.empty() && a.coinbase.outputs.size() > 2) {
    const Bytes& script = a.coinbase.outputs[2].script_pubkey;
    if (script.size() == kMergedMiningCommitmentSize) {
      auto root = Hash256::from_bytes(ByteView(script).subspan(4, Hash256::kSize));
      if (root) validate(a, *root, chain_id);
    }
  }
  const Status pow = check_auxpow_pow(a, a.parent_header.bits);
  FUZZ_CHECK(pow.is_ok() || !pow.message().empty(), "auxpow: pow error without a message");
  return 0;
}
