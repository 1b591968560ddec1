#include "node/bearer_token.h"

#include <string>

namespace alys::node {

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // volatile: keeps the compiler from turning the fold into an early-exit compare.
  volatile unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

bool bearer_matches(std::string_view header, std::string_view token) {
  if (token.empty()) return false;
  const std::string expected = "Bearer " + std::string(token);
  return constant_time_equal(header, expected);
}

}  // namespace alys::node
