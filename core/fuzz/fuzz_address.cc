// libFuzzer target: decode_segwit_address and parse_witness_program_script
// (core/bitcoin/address.h).
//
// The input is tried as an address for every network's HRP and as a scriptPubKey. Checks:
// a decoded address holds a valid witness program, encodes back to the input lowercased,
// and its scriptPubKey parses back to the same program; at most one HRP accepts a given
// string (signet shares testnet's). A scriptPubKey that parses as a witness program is
// rebuilt byte for byte by witness_program_script, and its address decodes back to it.
#include "core/bitcoin/address.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const std::string_view text = fuzz::input_text(data, size);
  int accepted = 0;
  for (const BitcoinNetwork net :
       {BitcoinNetwork::kMainnet, BitcoinNetwork::kTestnet, BitcoinNetwork::kRegtest}) {
    auto wp = decode_segwit_address(net, text);
    if (!wp) {
      FUZZ_CHECK(wp.error().message().starts_with("segwit: "), "address: error names nothing");
      continue;
    }
    ++accepted;
    FUZZ_CHECK(validate_witness_program(*wp).is_ok(), "address: invalid program accepted");
    auto encoded = encode_segwit_address(net, *wp);
    FUZZ_CHECK(encoded.has_value() && *encoded == fuzz::ascii_lower(text),
               "address: re-encoding differs from the input");
    auto script_wp = parse_witness_program_script(witness_program_script(*wp));
    FUZZ_CHECK(script_wp.has_value() && *script_wp == *wp,
               "address: scriptPubKey does not parse back to the program");
  }
  FUZZ_CHECK(accepted <= 1, "address: accepted under two HRPs");

  const ByteView script = fuzz::input_bytes(data, size);
  auto wp = parse_witness_program_script(script);
  if (!wp) return 0;
  FUZZ_CHECK(validate_witness_program(*wp).is_ok(), "witness script: invalid program accepted");
  FUZZ_CHECK(equal_bytes(witness_program_script(*wp), script),
             "witness script: rebuilt scriptPubKey differs from the input");
  auto address = encode_segwit_address(BitcoinNetwork::kMainnet, *wp);
  FUZZ_CHECK(address.has_value(), "witness script: valid program has no address");
  auto back = decode_segwit_address(BitcoinNetwork::kMainnet, *address);
  FUZZ_CHECK(back.has_value() && *back == *wp, "witness script: address round trip");
  return 0;
}
