// Clock: a node's view of time.
//
// now()     monotonic; never decreases within one process lifetime of the node. Use it for
//           timeouts and measuring intervals.
// unix_ms() wall clock in milliseconds since the Unix epoch. May jump forwards or
//           backwards (NTP, operator, or a simulated skew fault) and may drift relative to
//           other nodes. Use it only where the protocol is defined on wall time (Aura slots).
// Thread rules: called only from the node's own executor.
#pragma once

#include <cstdint>

#include "core/runtime/time.h"

namespace alys {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
  virtual std::int64_t unix_ms() const = 0;
};

}  // namespace alys
