// libFuzzer target: parse_duration (core/runtime/time.h), the text decoder for durations in
// scenario and node config files.
//
// Checks: an accepted text gives a non-negative duration, and format_duration of it parses
// back to the same value (the text itself is not canonical: "60s" and "1m" agree). The
// first 8 input bytes, read as a little-endian count of nanoseconds, must survive
// format_duration -> parse_duration too when non-negative; negative ones format with a
// '-', which parse_duration rejects.
#include <algorithm>

#include "core/fuzz/fuzz_util.h"
#include "core/runtime/time.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  auto parsed = parse_duration(fuzz::input_text(data, size));
  if (parsed) {
    FUZZ_CHECK(parsed->count() >= 0, "duration: negative duration accepted");
    auto again = parse_duration(format_duration(*parsed));
    FUZZ_CHECK(again.has_value() && *again == *parsed, "duration: format/parse round trip");
  }

  std::uint64_t raw = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(8, size); ++i) {
    raw |= static_cast<std::uint64_t>(data[i]) << (8 * i);
  }
  const Duration d{static_cast<std::int64_t>(raw)};
  const std::string text = format_duration(d);
  auto back = parse_duration(text);
  if (d.count() >= 0) {
    FUZZ_CHECK(back.has_value() && *back == d, "duration: format_duration output does not parse");
  } else {
    FUZZ_CHECK(!back.has_value() && text.front() == '-', "duration: negative round trip");
  }
  return 0;
}
