// Fixed keys for simulated actors (authorities, workload accounts, peg-out users): the same
// in every run, independent of the seed, so a scenario's accounts and federation are known
// before it runs.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/crypto/keys.h"

namespace alys::scenarios {

// tagged_hash("alys/sim/key", role || index as u16le) as a secret key.
SecretKey derived_key(std::string_view role, std::size_t index);

}  // namespace alys::scenarios
