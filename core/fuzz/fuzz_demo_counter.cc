// libFuzzer target: decode_counter (core/demo/counter_gossip.h), the demo protocol's frame
// and stored-value decoder.
//
// Checks: it accepts exactly 8-byte frames, and encode_counter gives the frame back.
#include "core/demo/counter_gossip.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView frame = fuzz::input_bytes(data, size);
  std::uint64_t value = 0;
  const bool ok = demo::decode_counter(frame, value);
  FUZZ_CHECK(ok == (size == demo::CounterGossip::kFrameBytes), "counter: frame size rule");
  if (ok) {
    FUZZ_CHECK(equal_bytes(demo::encode_counter(value), frame), "counter: round trip");
  }
  return 0;
}
