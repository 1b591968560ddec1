// Helpers shared by the runtime-sim tests: a NodeProgram assembled from lambdas, and small
// conveniences over World. Everything here talks to a node only through its Env, as an
// actor would.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/runtime/program.h"
#include "core/types/bytes.h"
#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"

namespace alys::sim::testing {

// A program whose behaviour is given by hooks. It registers itself as the transport handler
// on start, records every transport callback in `events` ("up 1", "frame 1 abc", "down 1"),
// and tracks which peers it has seen up.
class ScriptProgram : public NodeProgram, public TransportHandler {
 public:
  struct Hooks {
    std::function<void(ScriptProgram&)> start;
    std::function<void(ScriptProgram&, NodeId)> up;
    std::function<void(ScriptProgram&, NodeId)> down;
    std::function<void(ScriptProgram&, NodeId, ByteView)> frame;
    std::function<void(ScriptProgram&)> destroy;  // runs first thing in the destructor
  };

  ScriptProgram(Env& env, Hooks hooks) : env_(env), hooks_(std::move(hooks)) {}
  ~ScriptProgram() override {
    if (hooks_.destroy) hooks_.destroy(*this);
    env_.transport().set_handler(nullptr);
  }

  void start() override {
    env_.transport().set_handler(this);
    if (hooks_.start) hooks_.start(*this);
  }

  void on_peer_up(NodeId peer) override {
    events.push_back("up " + std::to_string(peer));
    up_peers.insert(peer);
    if (hooks_.up) hooks_.up(*this, peer);
  }
  void on_peer_down(NodeId peer) override {
    events.push_back("down " + std::to_string(peer));
    up_peers.erase(peer);
    if (hooks_.down) hooks_.down(*this, peer);
  }
  void on_frame(NodeId peer, ByteView frame) override {
    events.push_back("frame " + std::to_string(peer) + " " + std::string(as_chars(frame)));
    frames_from[peer].emplace_back(as_chars(frame));
    if (hooks_.frame) hooks_.frame(*this, peer, frame);
  }

  Env& env() { return env_; }
  bool send(NodeId peer, std::string_view text) {
    return env_.transport().send(peer, as_bytes(text));
  }

  std::vector<std::string> events;
  std::set<NodeId> up_peers;
  std::map<NodeId, std::vector<std::string>> frames_from;

 private:
  Env& env_;
  Hooks hooks_;
};

inline ProgramFactory script(ScriptProgram::Hooks hooks = {}) {
  return [hooks](Env& env) { return std::make_unique<ScriptProgram>(env, hooks); };
}

// The running program of `node`. REQUIRES: the node is up and runs a ScriptProgram.
inline ScriptProgram& prog(World& world, NodeId node) {
  NodeProgram* p = world.program(node);
  ALYS_ASSERT(p != nullptr, "test: node is down");
  return static_cast<ScriptProgram&>(*p);
}

// Hooks for a node that dials every other node of an `n`-node world on start.
inline ScriptProgram::Hooks mesh_hooks(std::size_t n) {
  ScriptProgram::Hooks h;
  h.start = [n](ScriptProgram& p) {
    for (NodeId peer = 0; peer < n; ++peer) {
      if (peer != p.env().id()) p.env().transport().connect(peer);
    }
  };
  return h;
}

// A quiet world: fixed seed, default network, no logging.
inline WorldConfig config_with_seed(std::uint64_t seed) {
  WorldConfig c;
  c.seed = seed;
  return c;
}

}  // namespace alys::sim::testing
