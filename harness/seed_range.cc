#include "harness/seed_range.h"

#include <charconv>

namespace alys::harness {

namespace {
bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}
}  // namespace

Result<SeedRange> parse_seed_range(std::string_view text) {
  const std::string quoted = "seeds '" + std::string(text) + "': ";
  const auto dots = text.find("..");
  SeedRange r;
  if (dots == std::string_view::npos) {
    if (!parse_u64(text, r.first)) {
      return Status::invalid_argument(quoted + "expected a seed or a range A..B");
    }
    r.last = r.first;
    return r;
  }
  if (!parse_u64(text.substr(0, dots), r.first) || !parse_u64(text.substr(dots + 2), r.last)) {
    return Status::invalid_argument(quoted + "expected A..B with unsigned integers");
  }
  if (r.last < r.first) return Status::invalid_argument(quoted + "end before start");
  if (r.last - r.first == UINT64_MAX) return Status::invalid_argument(quoted + "range too large");
  return r;
}

}  // namespace alys::harness
