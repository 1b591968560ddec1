// NodeProgram: what a runtime runs on one node (the Alys supervision tree, a demo protocol,
// a test actor). Both runtimes use it the same way:
//   1. construct it with the node's Env (no I/O in the constructor);
//   2. call start() once, from the node's executor;
//   3. destroy it on shutdown or crash. The destructor only frees memory: on a crash the
//      runtime has already dropped the node's timers and connections, and must not be told.
// Restart after a crash builds a fresh program on a fresh Env over the same storage.
#pragma once

#include <functional>
#include <memory>

#include "core/runtime/env.h"

namespace alys {

class NodeProgram {
 public:
  virtual ~NodeProgram() = default;
  virtual void start() = 0;
};

using ProgramFactory = std::function<std::unique_ptr<NodeProgram>(Env&)>;

}  // namespace alys
