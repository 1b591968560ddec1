#include "core/actor/cell.h"

#include "core/actor/supervisor.h"
#include "core/actor/system.h"

namespace alys::actor {

std::string_view restart_type_name(RestartType t) {
  switch (t) {
    case RestartType::kPermanent:
      return "permanent";
    case RestartType::kTransient:
      return "transient";
    case RestartType::kTemporary:
      return "temporary";
  }
  return "?";
}

std::string_view child_event_name(ChildEvent::Kind k) {
  switch (k) {
    case ChildEvent::Kind::kStarted:
      return "started";
    case ChildEvent::Kind::kStartFailed:
      return "start_failed";
    case ChildEvent::Kind::kPrepared:
      return "prepared";
    case ChildEvent::Kind::kStopped:
      return "stopped";
    case ChildEvent::Kind::kCrashed:
      return "crashed";
    case ChildEvent::Kind::kExited:
      return "exited";
    case ChildEvent::Kind::kSkipped:
      return "skipped";
  }
  return "?";
}

CellBase::CellBase(ActorSystem& system, SupervisorCell* parent, std::uint32_t index_in_parent,
                   ChildOptions options)
    : system_(system),
      observer_slot_(system.handle_observer_slot()),
      parent_(parent),
      index_in_parent_(index_in_parent),
      options_(std::move(options)),
      id_(system.next_actor_id()),
      strand_(system.env().executor().make_strand()),
      capacity_(options_.mailbox.capacity) {}

CellBase::~CellBase() = default;

void CellBase::set_mailbox_capacity(std::uint32_t capacity) {
  ALYS_ASSERT(capacity > 0, "mailbox capacity must be > 0");
  const std::uint32_t before = capacity_.exchange(capacity, std::memory_order_acq_rel);
  if (capacity > before) {
    strand_->post([self = shared_from_this()] { self->admit_up_to_capacity(); });
  }
}

Env& CellBase::env() { return system_.env(); }
Instant CellBase::now() { return system_.env().clock().now(); }
std::uint64_t CellBase::next_message_id() { return system_.next_message_id(); }

void CellBase::set_state(LifecycleState to) {
  state_.store(lifecycle_transition(state(), to), std::memory_order_release);
}

void CellBase::op_backoff() {
  const auto s = state();
  if (s == LifecycleState::kCrashed || s == LifecycleState::kStartFailed) {
    set_state(LifecycleState::kBackoff);
  }
}

void CellBase::report(ChildEvent::Kind kind, Status status) {
  ChildEvent ev{index_in_parent_, incarnation_, kind, std::move(status)};
  if (parent_ != nullptr) parent_->post_event(std::move(ev));
}

void CellBase::dead_letter(DeadLetterReason reason, const EnvelopeMeta& meta, std::string detail) {
  counters_.dropped[static_cast<std::size_t>(reason)].add_shared();
  system_.record_dead_letter(DeadLetter{reason, meta, id_, options_.name, std::move(detail)});
}

bool CellBase::closes_cycle(const CellBase* self, const CellBase* target) {
  // Each actor blocks on at most one target at a time, so the waits form chains; a chain
  // longer than any tree we build means a cycle we did not start from (defensive bound).
  constexpr int kChainMax = 1 << 16;
  const CellBase* c = target;
  for (int i = 0; c != nullptr && i < kChainMax; ++i) {
    if (c == self) return true;
    c = c->blocked_on();
  }
  return c != nullptr;
}

void CellBase::block_on(CellBase* target) {
  ++blocked_count_;
  blocked_on_.store(target, std::memory_order_seq_cst);
}

void CellBase::unblock_one() {
  ALYS_ASSERT(blocked_count_ > 0, "unblock_one: not blocked");
  if (--blocked_count_ == 0) {
    blocked_on_.store(nullptr, std::memory_order_seq_cst);
    resume();
  }
}

void CellBase::detach() {
  auto keep = shared_from_this();  // dropping the strand may drop tasks holding the last ref
  auto strand = std::move(strand_);
  strand.reset();
}

}  // namespace alys::actor
