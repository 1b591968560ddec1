// libFuzzer target: decode_auxpow_header / read_auxpow_header (core/chain/codec.h).
//
// Checks: a rejection carries a message; decode = version byte + read + nothing left;
// whatever decodes re-encodes to exactly the input (canonical); validating the carried
// AuxPoW against the header's own range is total.
#include "core/chain/codec.h"
#include "core/chain/limits.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);
  auto header = decode_auxpow_header(in);
  if (!in.empty() && in[0] == limits::kWireVersion) {
    ByteReader r(in.subspan(1));
    auto read = read_auxpow_header(r);
    FUZZ_CHECK(header.has_value() == (read.has_value() && r.empty()),
               "auxpow_header: decode and read disagree on acceptance");
  }
  if (!header) {
    FUZZ_CHECK(!header.error().message().empty(), "auxpow_header: error without a message");
    return 0;
  }
  FUZZ_CHECK(equal_bytes(encode_auxpow_header(*header), in), "auxpow_header: re-encoding differs");
  if (header->auxpow) {
    (void)validate_auxpow(*header->auxpow, header->range_end, header->chain_id);
    (void)check_auxpow_pow(*header->auxpow, header->bits);
  }
  return 0;
}
