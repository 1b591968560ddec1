// libFuzzer target: decode_frame (core/network/frame_codec.h).
//
// Checks: a rejection names the frame ("frame: ..."); whatever decodes is a known kind
// whose kind byte is the input's second byte, and re-encodes to exactly the input
// (canonical, and within the limits encode_frame asserts).
#include "core/fuzz/fuzz_util.h"
#include "core/network/frame_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView in = fuzz::input_bytes(data, size);
  auto message = decode_frame(in);
  if (!message) {
    FUZZ_CHECK(message.error().message().starts_with("frame: "), "frame: error names no field");
    return 0;
  }
  FUZZ_CHECK(in.size() >= 2 && in[1] == message->index() + 1, "frame: kind byte mismatch");
  FUZZ_CHECK(!wire_message_name(*message).empty(), "frame: unnamed kind");
  FUZZ_CHECK(equal_bytes(encode_frame(*message), in), "frame: re-encoding differs");
  return 0;
}
