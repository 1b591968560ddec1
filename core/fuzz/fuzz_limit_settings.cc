// libFuzzer target: config::parse_limit_settings (core/config/node_limits.h), the parser of
// "key=value[,key=value...]" (ALYS_LIMITS, --limit).
//
// Checks: a rejection names the key ("limits.<key>: ...") or quotes the item that is not
// key=value; an accepted text sets only limit keys, each in its range, so resolve_limits
// applies them under every profile; the settings written back as "key=value,..." parse to
// the same settings.
#include <array>
#include <optional>
#include <string>

#include "core/config/node_limits.h"
#include "core/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace alys;
  const std::string_view text = fuzz::input_text(data, size);
  config::LimitSettings settings;
  const Status s = config::parse_limit_settings(text, settings);
  if (!s.is_ok()) {
    const std::string& m = s.message();
    FUZZ_CHECK(m.starts_with("limits.") || (m.starts_with("'") && m.ends_with("': expected key=value")),
               "limit_settings: an error names no key: " + m);
    return 0;
  }
  std::string written;
  for (const auto& [name, value] : settings) {
    const config::LimitKey* k = config::limit_key(name);
    FUZZ_CHECK(k != nullptr, "limit_settings: unknown key accepted: " + name);
    FUZZ_CHECK(value >= k->min && value <= k->max, "limit_settings: out of range accepted: " + name);
    written += (written.empty() ? "" : ",") + name + "=" + std::to_string(value);
  }
  const std::array<std::optional<config::Profile>, 4> profiles = {
      std::nullopt, config::Profile::kHighThroughput, config::Profile::kLowLatency,
      config::Profile::kResourceConservative};
  for (const auto& profile : profiles) {
    const config::NodeLimits limits = config::resolve_limits(profile, settings);
    for (const auto& [name, value] : settings) {
      FUZZ_CHECK(limits.*config::limit_key(name)->field == value, "limit_settings: a setting not applied");
    }
  }
  config::LimitSettings again;
  FUZZ_CHECK(config::parse_limit_settings(written, again).is_ok() && again == settings,
             "limit_settings: written settings parse differently: " + written);
  return 0;
}
