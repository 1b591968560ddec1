#include "runtime-sim/sim_log.h"

#include "runtime-sim/world.h"

namespace alys::sim {

void SimLog::write(LogLevel level, std::string_view message) {
  world_.log_line(node_, level, message);
}

}  // namespace alys::sim
