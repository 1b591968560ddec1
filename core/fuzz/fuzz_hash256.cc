// libFuzzer target: Hash256::from_bytes / from_hex / from_display_hex (core/types/hash256.h).
//
// The input is tried both as raw bytes and as hex text. Checks: from_bytes accepts exactly
// 32 bytes and keeps them; from_hex accepts exactly 64 hex digits, to_hex gives them back
// lowercased; from_display_hex is from_hex reversed and to_display_hex inverts it.
#include "core/fuzz/fuzz_util.h"
#include "core/types/hash256.h"
#include "core/types/hex.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const ByteView raw = fuzz::input_bytes(data, size);
  auto h = Hash256::from_bytes(raw);
  FUZZ_CHECK(h.has_value() == (size == Hash256::kSize), "hash256: from_bytes size rule");
  if (h) {
    FUZZ_CHECK(equal_bytes(h->view(), raw), "hash256: from_bytes changed the bytes");
    FUZZ_CHECK(h->reversed().reversed() == *h, "hash256: reversed twice is not identity");
    auto back = Hash256::from_hex(h->to_hex());
    FUZZ_CHECK(back.has_value() && *back == *h, "hash256: from_hex(to_hex(h)) != h");
    auto shown = Hash256::from_display_hex(h->to_display_hex());
    FUZZ_CHECK(shown.has_value() && *shown == *h, "hash256: display hex round trip");
  }

  const std::string_view text = fuzz::input_text(data, size);
  auto natural = Hash256::from_hex(text);
  auto display = Hash256::from_display_hex(text);
  FUZZ_CHECK(natural.has_value() == display.has_value(), "hash256: hex forms disagree");
  if (natural) {
    FUZZ_CHECK(text.size() == 2 * Hash256::kSize, "hash256: accepted a wrong-length hex");
    FUZZ_CHECK(natural->to_hex() == fuzz::ascii_lower(text), "hash256: to_hex differs");
    FUZZ_CHECK(display->reversed() == *natural, "hash256: display is not natural reversed");
    FUZZ_CHECK(display->to_display_hex() == fuzz::ascii_lower(text),
               "hash256: to_display_hex differs");
  } else {
    FUZZ_CHECK(!natural.error().message().empty(), "hash256: error without a message");
  }
  return 0;
}
