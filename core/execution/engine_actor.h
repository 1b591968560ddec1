// EngineActor: the ExecutionEngine behind a mailbox (DESIGN.md §3: ChainSupervisor's
// EngineActor, supervised with a CircuitBreaker). The chain actor asks it to build and to
// execute payloads; replies come back as actor::Reply messages, never re-entrantly.
//
// The actor owns its engine (EmbeddedEngine by default). A restart builds a fresh engine
// holding only the genesis state: callers then get kNotFound for an unknown parent and
// replay their chain (ChainActor does). EngineFault lets tests and the simulator's
// "engine stall" fault fail or delay the next requests.
#pragma once

#include <functional>
#include <memory>
#include <variant>
#include <vector>

#include "core/actor/actor.h"
#include "core/execution/engine.h"

namespace alys::execution {

struct BuildPayloadRequest {
  Hash256 parent;
  BuildRequest request;
  actor::ReplyTo<BuiltPayload> reply;
};

struct ExecutePayloadRequest {
  Hash256 parent;
  Hash256 block_hash;
  BlockContext context;
  ExecutionPayload payload;
  actor::ReplyTo<ExecutedPayload> reply;
};

// A chain of blocks to execute in order (ExecutionEngine::execute_run): a syncing or
// reloading node's import, one mailbox round trip per run instead of per block.
struct ExecuteRunRequest {
  std::vector<ExecuteItem> items;
  actor::ReplyTo<ExecutedRun> reply;
};

struct ForkchoiceUpdate {
  Hash256 head;
  Hash256 finalized;
};

// Simulator / test fault (engine stall, failures): see EngineFault.
struct SetEngineFault {
  EngineFault fault;
};

// Test hook: the handler fails, so the supervisor restarts the actor (fresh engine).
struct EngineCrashForTest {};

// The account at `address` in the state after `block` (ExecutionEngine::account); `done`
// runs on the engine's executor. For read-only tools (the chain's GetAccount).
struct GetAccount {
  Hash256 block;
  EvmAddress address{};
  std::function<void(Result<Account>)> done;
};

using EngineMsg = std::variant<BuildPayloadRequest, ExecutePayloadRequest, ExecuteRunRequest,
                               ForkchoiceUpdate, SetEngineFault, EngineCrashForTest, GetAccount>;

// Builds the engine on the actor's executor at (re)start; must return the genesis-only
// engine of the chain.
using EngineFactory = std::function<std::unique_ptr<ExecutionEngine>(Env&)>;

class EngineActor final : public actor::Actor<EngineMsg> {
 public:
  explicit EngineActor(EngineFactory factory) : factory_(std::move(factory)) {}

  Status pre_start() override;
  Status receive(EngineMsg& message) override;

 private:
  EngineFactory factory_;
  std::unique_ptr<ExecutionEngine> engine_;
};

}  // namespace alys::execution
