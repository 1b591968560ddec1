#include "core/execution/engine_actor.h"

namespace alys::execution {


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
    engine_->execute_run(std::move(m->items),
                         [reply = m->reply](Result<ExecutedRun> r) { reply.send(std::move(r)); });
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
