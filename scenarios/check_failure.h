// CheckFailure: what a checker reports: its name (cited by reports), the virtual time at
// which it saw the violation, and the evidence (which nodes, which values).
#pragma once

#include <string>

#include "core/runtime/time.h"

namespace alys::scenarios {

struct CheckFailure {
  std::string checker;
  Instant at{};
  std::string evidence;
};

}  // namespace alys::scenarios
