#include "core/chain/auxpow_actor.h"

namespace alys::chain {

Status AuxPowActor::receive(AuxPowMsg& message) {
  if (auto* m = std::get_if<CreateAuxBlock>(&message)) return on_create(*m);
  if (auto* m = std::get_if<AuxWorkReady>(&message)) return on_work(*m);
  if (auto* m = std::get_if<SubmitAuxBlock>(&message)) return on_submit(*m);
  return Status::failed_precondition("auxpow: crash requested by test hook");
}

Status AuxPowActor::on_create(CreateAuxBlock& m) {
  auto self_ref = self();
  auto done = std::move(m.done);
  const std::optional<EvmAddress> recipient = m.fee_recipient;
  // The chain answers on its own strand; hop back here before touching our state.
  (void)tell(chain_, GetAuxWork{[self_ref, done, recipient](Result<AuxWork> work) mutable {
    (void)self_ref.tell(AuxWorkReady{std::move(work), std::move(done), recipient});
  }});
  return Status::ok();
}

Status AuxPowActor::on_work(AuxWorkReady& m) {
  if (m.work) {
    const AuxWork& w = m.work.value();
    if (work_.emplace(w.aux_hash, w).second) {
      work_order_.push_back(w.aux_hash);
      while (work_order_.size() > kWorkRemembered) {
        work_.erase(work_order_.front());
        recipients_.erase(work_order_.front());
        work_order_.pop_front();
      }
    }
    if (m.fee_recipient && work_.count(w.aux_hash) != 0) recipients_[w.aux_hash] = *m.fee_recipient;
  }
  if (m.done) m.done(std::move(m.work));
  return Status::ok();
}

Status AuxPowActor::on_submit(SubmitAuxBlock& m) {
  auto it = work_.find(m.aux_hash);
  if (it == work_.end()) {
    if (m.done) m.done(Status::not_found("submitauxblock: unknown or stale aux hash"));
    return Status::ok();
  }
  const AuxWork& w = it->second;
  if (Status s = check_auxpow(m.auxpow, w.aux_hash, w.chain_id); !s) {
    if (m.done) m.done(with_context("submitauxblock", s));
    return Status::ok();
  }
  if (Status s = check_auxpow_pow(m.auxpow, w.bits); !s) {
    if (m.done) m.done(with_context("submitauxblock", s));
    return Status::ok();
  }
  AuxPowHeader header;
  header.range_start = w.range_start;
  header.range_end = w.range_end;
  header.bits = w.bits;
  header.chain_id = w.chain_id;
  header.height = w.height;
  header.auxpow = std::move(m.auxpow);
  const auto named = recipients_.find(m.aux_hash);
  header.fee_recipient = named != recipients_.end() ? named->second : fee_recipient_;
  (void)tell(chain_, InboundPow{std::nullopt, std::move(header)});
  if (m.done) m.done(Status::ok());
  return Status::ok();
}

}  // namespace alys::chain
