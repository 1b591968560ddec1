#include "core/config/node_config.h"

namespace alys {

std::optional<std::uint32_t> authority_index_of(const ChainSpec& spec, const SecretKey& key) {
  const auto xonly = key.xonly_public_key().bytes();
  for (std::size_t i = 0; i < spec.authorities.size(); ++i) {
    if (spec.authorities[i] == xonly) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

}  // namespace alys
