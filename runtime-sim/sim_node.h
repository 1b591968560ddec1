// SimNode: one simulated machine: its clock and disk (which survive crashes) and, while it
// runs, one incarnation of its process: executor, random stream, buggify, log, Env and the
// program. crash() destroys the incarnation; boot() builds the next one.
#pragma once

#include <memory>

#include "core/runtime/env.h"
#include "core/runtime/program.h"
#include "runtime-sim/sim_buggify.h"
#include "runtime-sim/sim_clock.h"
#include "runtime-sim/sim_disk.h"
#include "runtime-sim/sim_executor.h"
#include "runtime-sim/sim_log.h"

namespace alys::sim {

class World;

class SimNode {
 public:
  SimNode(World& world, NodeId id, ProgramFactory factory, std::int64_t initial_unix_ms,
          std::int64_t drift_ppm);
  ~SimNode();

  NodeId id() const { return id_; }
  bool up() const { return up_; }
  std::uint32_t incarnation() const { return incarnation_; }
  SimClock& clock() { return clock_; }
  SimDisk& disk() { return disk_; }
  NodeProgram* program() { return program_.get(); }
  SimBuggify* buggify() { return process_ ? &process_->buggify : nullptr; }

  // Builds a fresh process (new Env, new program) over the disk and starts it.
  void boot();
  // A scheduled boot of the current incarnation will not happen.
  void cancel_boot() { ++incarnation_; }
  // Destroys the running process. The caller handles the disk and the network.
  void kill();

 private:
  struct Process {
    Process(World& world, NodeId id, SimClock& clock, SimDisk& disk, std::uint32_t incarnation);
    SimExecutor executor;
    SeededRandom random;
    SimBuggify buggify;
    SimLog log;
    Env env;
  };

  World& world_;
  NodeId id_;
  ProgramFactory factory_;
  SimClock clock_;
  SimDisk disk_;
  bool up_ = false;
  std::uint32_t incarnation_ = 0;
  std::unique_ptr<Process> process_;
  std::unique_ptr<NodeProgram> program_;
};

}  // namespace alys::sim
