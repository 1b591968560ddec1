#include "runtime-sim/sim_node.h"

#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"

namespace alys::sim {

namespace {
// Stream ids: node streams live above 2^32 so they never meet named world streams' ids.
std::uint64_t node_stream(NodeId id, std::uint32_t incarnation, std::uint64_t purpose) {
  return (std::uint64_t{1} << 63) | (std::uint64_t{id} << 24) |
         (std::uint64_t{incarnation} << 4) | purpose;
}
}  // namespace

SimNode::Process::Process(World& world, NodeId id, SimClock& clock, SimDisk& disk,
                          std::uint32_t incarnation)
    : executor(world, id),
      random(Xoshiro256ss::stream(world.config().seed, node_stream(id, incarnation, 1))),
      buggify(world.config().buggify, world.config().seed,
              Xoshiro256ss::stream(world.config().seed, node_stream(id, incarnation, 2))),
      log(world, id, world.config().log_level),
      env(id, clock, executor, world.network().endpoint(id), disk, random, buggify, log) {
  env.set_planted_bug(world.config().planted_bug);
  env.set_exit_hook([&world, id, incarnation](int code) { world.process_exited(id, incarnation, code); });
}

SimNode::SimNode(World& world, NodeId id, ProgramFactory factory, std::int64_t initial_unix_ms,
                 std::int64_t drift_ppm)
    : world_(world), id_(id), factory_(std::move(factory)),
      clock_(world, initial_unix_ms, drift_ppm) {}

SimNode::~SimNode() {
  program_.reset();
  process_.reset();
}

void SimNode::boot() {
  ALYS_ASSERT(!up_, "SimNode::boot: node already up");
  up_ = true;
  process_ = std::make_unique<Process>(world_, id_, clock_, disk_, incarnation_);
  program_ = factory_(process_->env);
  ALYS_ASSERT(program_ != nullptr, "SimNode::boot: factory returned no program");
  program_->start();
}

void SimNode::kill() {
  ALYS_ASSERT(up_, "SimNode::kill: node not up");
  up_ = false;
  ++incarnation_;
  program_.reset();
  process_.reset();
}

}  // namespace alys::sim
