// SimLog: a node's Log in the simulator; hands lines to the world, which stamps them with
// virtual time and node id and passes them to its sink.
#pragma once

#include "core/runtime/log.h"
#include "core/runtime/node_id.h"

namespace alys::sim {

class World;

class SimLog final : public Log {
 public:
  SimLog(World& world, NodeId node, LogLevel level) : world_(world), node_(node) {
    set_level(level);
  }
  void write(LogLevel level, std::string_view message) override;

 private:
  World& world_;
  NodeId node_;
};

}  // namespace alys::sim
