#include "core/execution/engine_actor.h"

namespace alys::execution {

namespace {
// One run in progress: items go to the engine one at a time, each from the previous one's
// callback, so a failure stops the run without executing what could not apply anyway.
struct RunState {
  std::vector<ExecuteItem> items;
  actor::ReplyTo<ExecutedRun> reply;
  ExecutedRun done;
};

void execute_next(ExecutionEngine& engine, std::shared_ptr<RunState> run) {
  ExecuteItem& item = run->items[run->done.results.size()];
  engine.execute_payload(
      item.parent, item.block_hash, std::move(item.context), std::move(item.payload),
      [&engine, run](Result<ExecutedPayload> r) mutable {
        const bool failed = !r;
        run->done.results.push_back(std::move(r));
        if (failed || run->done.results.size() == run->items.size()) {
          run->reply.send(std::move(run->done));
          return;
        }
        execute_next(engine, std::move(run));
      });
}
}  // namespace

Status EngineActor::pre_start() {
  engine_ = factory_(env());
  if (!engine_) return Status::failed_precondition("engine: factory returned no engine");
  return Status::ok();
}

Status EngineActor::receive(EngineMsg& message) {
  // The engine calls back on the node's executor; ReplyTo::send is safe from there.
  if (auto* m = std::get_if<BuildPayloadRequest>(&message)) {
    engine_->build_payload(m->parent, std::move(m->request),
                           [reply = m->reply](Result<BuiltPayload> r) { reply.send(std::move(r)); });
    return Status::ok();
  }
  if (auto* m = std::get_if<ExecutePayloadRequest>(&message)) {
    engine_->execute_payload(
        m->parent, m->block_hash, std::move(m->context), std::move(m->payload),
        [reply = m->reply](Result<ExecutedPayload> r) { reply.send(std::move(r)); });
    return Status::ok();
  }
  if (auto* m = std::get_if<ExecuteRunRequest>(&message)) {
    if (m->items.empty()) {
      m->reply.send(ExecutedRun{});
      return Status::ok();
    }
    // The engine outlives its callbacks: it drops pending ones when destroyed, and it is
    // destroyed only with this actor (a restart builds a new one).
    auto run = std::make_shared<RunState>(RunState{std::move(m->items), m->reply, {}});
    run->done.results.reserve(run->items.size());
    execute_next(*engine_, std::move(run));
    return Status::ok();
  }
  if (auto* m = std::get_if<ForkchoiceUpdate>(&message)) {
    engine_->forkchoice_updated(m->head, m->finalized, [](Status) {});
    return Status::ok();
  }
  if (auto* m = std::get_if<GetAccount>(&message)) {
    if (m->done) engine_->account(m->block, m->address, std::move(m->done));
    return Status::ok();
  }
  if (auto* m = std::get_if<SetEngineFault>(&message)) {
    engine_->set_fault(m->fault);
    return Status::ok();
  }
  return Status::failed_precondition("engine: crash requested by test hook");
}

}  // namespace alys::execution
