#include "scenarios/sim_keys.h"

#include "core/crypto/tagged_hash.h"
#include "core/types/bytes.h"

namespace alys::scenarios {

SecretKey derived_key(std::string_view role, std::size_t index) {
  Bytes seed = to_bytes(role);
  seed.push_back(static_cast<std::uint8_t>(index));
  seed.push_back(static_cast<std::uint8_t>(index >> 8));
  return *SecretKey::from_bytes(tagged_hash("alys/sim/key", seed).view());
}

}  // namespace alys::scenarios
