// Env: everything an actor may touch outside its own memory (DESIGN.md §2), one per node.
//
// Actors receive `Env&` explicitly: there is no global runtime (FoundationDB's g_network is
// what we avoid). The runtime that built the Env owns every part of it and keeps it alive
// for as long as the node's actors run. Later issues add BitcoinRpc and ExecutionEngine.
#pragma once

#include <functional>

#include "core/runtime/buggify.h"
#include "core/runtime/clock.h"
#include "core/runtime/executor.h"
#include "core/runtime/log.h"
#include "core/runtime/node_id.h"
#include "core/runtime/planted.h"
#include "core/runtime/random.h"
#include "core/runtime/storage.h"
#include "core/runtime/transport.h"

namespace alys {

class Env {
 public:
  Env(NodeId id, Clock& clock, Executor& executor, Transport& transport, Storage& storage,
      Random& random, Buggify& buggify, Log& log)
      : id_(id), clock_(clock), executor_(executor), transport_(transport), storage_(storage),
        random_(random), buggify_(buggify), log_(log) {}
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  NodeId id() const { return id_; }
  Clock& clock() { return clock_; }
  Executor& executor() { return executor_; }
  Transport& transport() { return transport_; }
  Storage& storage() { return storage_; }
  Random& random() { return random_; }
  Buggify& buggify() { return buggify_; }
  Log& log() { return log_; }

  // The planted bug this node runs with (core/runtime/planted.h); kNone but in simulated
  // runs of test builds that ask for one.
  PlantedBug planted_bug() const { return planted_; }
  void set_planted_bug(PlantedBug bug) { planted_ = bug; }

  // The process exits with `code` (the node's program cannot carry on: its root supervisor
  // gave up). The runtime decides what that means: the real node's main returns `code` and
  // the service manager restarts it; the simulator stops the node and boots it again after
  // a modelled service-manager delay. Never returns into a destroyed program: the runtime
  // acts after the current handler. Without a hook (tests), nothing happens.
  void exit_process(int code) {
    if (exit_hook_) exit_hook_(code);
  }
  void set_exit_hook(std::function<void(int)> hook) { exit_hook_ = std::move(hook); }

 private:
  NodeId id_;
  Clock& clock_;
  Executor& executor_;
  Transport& transport_;
  Storage& storage_;
  Random& random_;
  Buggify& buggify_;
  Log& log_;
  PlantedBug planted_ = PlantedBug::kNone;
  std::function<void(int)> exit_hook_;
};

// True iff this build carries planted bugs and `bug` is the one switched on for `env`.
inline bool planted(const Env& env, PlantedBug bug) {
  if constexpr (!kPlantedBugsBuilt) {
    return false;
  } else {
    return env.planted_bug() == bug;
  }
}

}  // namespace alys
