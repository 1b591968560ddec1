#include "core/actor/supervisor.h"

#include <fmt/format.h>

#include "core/actor/system.h"

namespace alys::actor {

std::string_view strategy_name(Strategy s) {
  switch (s) {
    case Strategy::kOneForOne:
      return "one_for_one";
    case Strategy::kOneForAll:
      return "one_for_all";
    case Strategy::kRestForOne:
      return "rest_for_one";
  }
  return "?";
}

SupervisorRef SupervisorRef::spawn_supervisor(ChildOptions options, SupervisorOptions sup) {
  auto cell =
      std::make_shared<SupervisorCell>(cell_->system(), cell_.get(), std::move(options), sup);
  cell_->adopt(cell);
  return SupervisorRef(std::move(cell));
}

SupervisorCell::SupervisorCell(ActorSystem& system, SupervisorCell* parent, ChildOptions options,
                               SupervisorOptions sup)
    : CellBase(system, parent, 0, std::move(options)), sup_(sup) {}

void SupervisorCell::adopt(std::shared_ptr<CellBase> child) {
  if (child->options().registered) {
    const Status s = system_.registry().add(child->name(), child);
    ALYS_ASSERT(s.is_ok(), s.message());
  }
  auto node = std::make_unique<Adoption>();
  node->child = std::move(child);
  Adoption* a = node.release();  // owned by the stack until take_adoptions()
  a->next = adoptions_.load(std::memory_order_relaxed);
  while (!adoptions_.compare_exchange_weak(a->next, a, std::memory_order_release,
                                           std::memory_order_relaxed)) {
  }
  auto self = std::static_pointer_cast<SupervisorCell>(shared_from_this());
  strand_->post([self] { self->drain_adoptions(); });
}

SupervisorCell::~SupervisorCell() {
  for (Adoption* a = take_adoptions(); a != nullptr;) {
    std::unique_ptr<Adoption> owned(a);
    a = a->next;
  }
}

SupervisorCell::Adoption* SupervisorCell::take_adoptions() {
  Adoption* list = adoptions_.exchange(nullptr, std::memory_order_acquire);
  Adoption* ordered = nullptr;  // the stack is newest first: reverse it
  while (list != nullptr) {
    Adoption* next = list->next;
    list->next = ordered;
    ordered = list;
    list = next;
  }
  return ordered;
}

void SupervisorCell::drain_adoptions() {
  for (Adoption* a = take_adoptions(); a != nullptr;) {
    std::unique_ptr<Adoption> owned(a);
    a = a->next;
    on_adopt(std::move(owned->child));
  }
}

void SupervisorCell::on_adopt(std::shared_ptr<CellBase> c) {
  const std::uint32_t i = children_.append(std::move(c));
  child(i).set_index_in_parent(i);
  books_.emplace_back();
  if (busy_) {
    if (goal_ == Goal::kStart || goal_ == Goal::kFinish || goal_ == Goal::kRecover) {
      plan_.push_back(Step{Step::Kind::kStart, i, {}});
    }
  } else if (state() == LifecycleState::kRunning) {
    run_plan(Goal::kRecover, {Step{Step::Kind::kStart, i, {}}});
  }
  // Otherwise it starts with this supervisor's next start.
}

void SupervisorCell::post_event(ChildEvent event) {
  auto self = std::static_pointer_cast<SupervisorCell>(shared_from_this());
  strand_->post([self, ev = std::move(event)] { self->on_event(ev); });
}

namespace {
bool answers(std::uint8_t step_kind, ChildEvent::Kind k) {
  using K = ChildEvent::Kind;
  if (k == K::kSkipped) return true;
  switch (step_kind) {
    case 0:  // kStart
    case 2:  // kFinish
      return k == K::kStarted || k == K::kStartFailed;
    case 1:
      return k == K::kPrepared;  // kPrepare
    case 3:
      return k == K::kStopped;  // kStop
    default:
      return false;
  }
}
}  // namespace

void SupervisorCell::on_event(const ChildEvent& ev) {
  if (awaiting_ && awaiting_->kind != Step::Kind::kWait && ev.child == awaiting_->child &&
      answers(static_cast<std::uint8_t>(awaiting_->kind), ev.kind)) {
    Book& b = books_[ev.child];
    if (ev.kind == ChildEvent::Kind::kStarted) {
      b.incarnation = ev.incarnation;
      b.running_since = now();
    } else if (ev.kind == ChildEvent::Kind::kStartFailed) {
      b.incarnation = ev.incarnation;
      deferred_events_.push_back(ev);  // handled like a crash once the plan is done
    }
    awaiting_.reset();
    if (step_timer_) strand_->cancel(step_timer_);
    step_timer_ = TimerId{};
    ++step_seq_;
    next_step();
    return;
  }
  if (busy_) {
    deferred_events_.push_back(ev);
    return;
  }
  if (state() != LifecycleState::kRunning) return;
  if (ev.child >= books_.size() || ev.incarnation != books_[ev.child].incarnation) return;
  const LifecycleState cs = child(ev.child).state();
  switch (ev.kind) {
    case ChildEvent::Kind::kCrashed:
    case ChildEvent::Kind::kStartFailed:
      if (cs == LifecycleState::kCrashed || cs == LifecycleState::kStartFailed) {
        on_failure(ev.child, ev.status);
      }
      break;
    default:
      break;  // exits of transient/temporary children, late answers
  }
}

bool SupervisorCell::restartable(std::uint32_t i) const {
  using S = LifecycleState;
  const S s = child(i).state();
  return s == S::kRunning || s == S::kCrashed || s == S::kStartFailed || s == S::kBackoff;
}

void SupervisorCell::on_failure(std::uint32_t i, const Status& reason) {
  CellBase& c = child(i);
  const ChildOptions& o = c.options();
  if (o.restart == RestartType::kTemporary) {
    auto cp = children_.at(i);
    c.strand().post([cp] { cp->op_fail(); });
    return;
  }
  const Instant t = now();
  while (!restart_times_.empty() && t - restart_times_.front() >= sup_.within) {
    restart_times_.pop_front();
  }
  restart_times_.push_back(t);
  if (restart_times_.size() > sup_.max_restarts) {
    return escalate(Status::failed_precondition(fmt::format(
        "supervisor '{}': restart intensity exceeded ({} restarts within {}); last: {}: {}", name(),
        restart_times_.size(), format_duration(sup_.within), c.name(), reason.to_string())));
  }
  Duration delay = Duration::zero();
  if (o.backoff) {
    Book& b = books_[i];
    if (t - b.running_since >= o.backoff->reset_after) b.backoff_attempts = 0;
    if (o.backoff->max_retries > 0 && b.backoff_attempts >= o.backoff->max_retries) {
      return escalate(Status::failed_precondition(
          fmt::format("supervisor '{}': child '{}' failed {} backoff retries", name(), c.name(),
                      b.backoff_attempts)));
    }
    delay = backoff_delay(*o.backoff, b.backoff_attempts++, env().random());
  }
  op_reason_ = reason;
  std::deque<Step> steps;
  if (delay > Duration::zero()) {
    auto cp = children_.at(i);
    c.strand().post([cp] { cp->op_backoff(); });
    steps.push_back(Step{Step::Kind::kWait, i, delay});
  }
  const std::uint32_t n = children_.size();
  std::uint32_t first = i, last = i;
  if (sup_.strategy == Strategy::kOneForAll) {
    first = 0;
    last = n - 1;
  } else if (sup_.strategy == Strategy::kRestForOne) {
    last = n - 1;
  }
  std::vector<std::uint32_t> group;
  for (std::uint32_t j = first; j <= last; ++j) {
    if (j == i || restartable(j)) group.push_back(j);
  }
  for (auto it = group.rbegin(); it != group.rend(); ++it) {
    steps.push_back(Step{Step::Kind::kPrepare, *it, {}});
  }
  for (const std::uint32_t j : group) steps.push_back(Step{Step::Kind::kFinish, j, {}});
  run_plan(Goal::kRecover, std::move(steps));
}

void SupervisorCell::escalate(const Status& reason) {
  escalation_ = reason;
  ALYS_LOG(env().log(), kWarn, "{}", reason.message());
  run_plan(Goal::kEscalate, all_stops());
}

std::deque<SupervisorCell::Step> SupervisorCell::all_starts() const {
  std::deque<Step> steps;
  for (std::uint32_t i = 0; i < children_.size(); ++i) {
    const auto s = child(i).state();
    if (s == LifecycleState::kUninitialized || s == LifecycleState::kStopped) {
      steps.push_back(Step{Step::Kind::kStart, i, {}});
    }
  }
  return steps;
}

std::deque<SupervisorCell::Step> SupervisorCell::all_stops() const {
  std::deque<Step> steps;
  for (std::uint32_t i = children_.size(); i-- > 0;) {
    const auto s = child(i).state();
    if (s != LifecycleState::kStopped && s != LifecycleState::kFailed) {
      steps.push_back(Step{Step::Kind::kStop, i, {}});
    }
  }
  return steps;
}

void SupervisorCell::run_plan(Goal goal, std::deque<Step> steps) {
  ALYS_ASSERT(!busy_, "supervisor: a plan is already running");
  busy_ = true;
  goal_ = goal;
  plan_ = std::move(steps);
  next_step();
}

void SupervisorCell::next_step() {
  if (plan_.empty()) return finish_plan();
  const Step step = plan_.front();
  plan_.pop_front();
  awaiting_ = step;
  auto self = std::static_pointer_cast<SupervisorCell>(shared_from_this());
  const std::uint64_t seq = step_seq_;
  const auto on_timeout = [self, seq] {
    if (self->step_seq_ != seq || !self->awaiting_) return;
    self->awaiting_.reset();
    self->step_timer_ = TimerId{};
    ++self->step_seq_;
    self->next_step();
  };
  if (step.kind == Step::Kind::kWait) {
    step_timer_ = strand_->after(step.wait, on_timeout);
    return;
  }
  auto cp = children_.at(step.child);
  Executor& cs = cp->strand();
  switch (step.kind) {
    case Step::Kind::kStart:
      cs.post([cp] { cp->op_start(); });
      break;
    case Step::Kind::kPrepare:
      cs.post([cp, r = op_reason_] { cp->op_prepare_restart(r); });
      break;
    case Step::Kind::kFinish:
      cs.post([cp, r = op_reason_] { cp->op_finish_restart(r); });
      break;
    case Step::Kind::kStop:
      cs.post([cp] { cp->op_stop(); });
      // Past the timeout the child counts as killed: we stop waiting for it.
      step_timer_ = strand_->after(cp->options().stop_timeout, on_timeout);
      break;
    case Step::Kind::kWait:
      break;
  }
}

void SupervisorCell::finish_plan() {
  busy_ = false;
  awaiting_.reset();
  using S = LifecycleState;
  switch (goal_) {
    case Goal::kStart:
      set_state(S::kRunning);
      report(ChildEvent::Kind::kStarted);
      break;
    case Goal::kRecover:
      break;
    case Goal::kPrepare:
      report(ChildEvent::Kind::kPrepared);
      break;
    case Goal::kFinish:
      counters_.restarts.bump();
      set_state(S::kRunning);
      report(ChildEvent::Kind::kStarted);
      break;
    case Goal::kStop:
      if (state() != S::kStopped && state() != S::kFailed) set_state(S::kStopped);
      report(ChildEvent::Kind::kStopped);
      break;
    case Goal::kEscalate:
      set_state(S::kCrashed);
      if (parent_ != nullptr) {
        report(ChildEvent::Kind::kCrashed, escalation_);
      } else {
        set_state(S::kFailed);
        system_.on_root_failed();
      }
      break;
  }
  drain_deferred();
}

void SupervisorCell::drain_deferred() {
  while (!busy_) {
    if (!deferred_ops_.empty()) {
      auto [op, reason] = std::move(deferred_ops_.front());
      deferred_ops_.pop_front();
      do_parent_op(op, reason);
      continue;
    }
    if (!deferred_events_.empty()) {
      const ChildEvent ev = std::move(deferred_events_.front());
      deferred_events_.pop_front();
      on_event(ev);
      continue;
    }
    break;
  }
}

void SupervisorCell::defer_or_run(ParentOp op, const Status& reason) {
  if (busy_) {
    deferred_ops_.emplace_back(op, reason);
  } else {
    do_parent_op(op, reason);
  }
}

void SupervisorCell::do_parent_op(ParentOp op, const Status& reason) {
  using S = LifecycleState;
  const S s = state();
  switch (op) {
    case ParentOp::kStart:
      if (s != S::kUninitialized && s != S::kStopped) return report(ChildEvent::Kind::kSkipped);
      ++incarnation_;
      restart_times_.clear();
      set_state(S::kStarting);
      return run_plan(Goal::kStart, all_starts());
    case ParentOp::kPrepare:
      if (s != S::kRunning && s != S::kCrashed && s != S::kStartFailed && s != S::kBackoff) {
        return report(ChildEvent::Kind::kSkipped);
      }
      set_state(S::kRestarting);
      op_reason_ = reason;
      return run_plan(Goal::kPrepare, all_stops());
    case ParentOp::kFinish:
      if (s != S::kRestarting) return report(ChildEvent::Kind::kSkipped);
      ++incarnation_;
      restart_times_.clear();
      return run_plan(Goal::kFinish, all_starts());
    case ParentOp::kStop:
      if (s == S::kFailed) return report(ChildEvent::Kind::kStopped);
      if (s == S::kRunning || s == S::kCrashed) set_state(S::kStopping);
      return run_plan(Goal::kStop, all_stops());
    case ParentOp::kFail:
      if (s == S::kCrashed || s == S::kStartFailed || s == S::kBackoff) set_state(S::kFailed);
      return;
  }
}

void SupervisorCell::op_start() { defer_or_run(ParentOp::kStart, Status::ok()); }
void SupervisorCell::op_prepare_restart(const Status& r) { defer_or_run(ParentOp::kPrepare, r); }
void SupervisorCell::op_finish_restart(const Status& r) { defer_or_run(ParentOp::kFinish, r); }
void SupervisorCell::op_stop() { defer_or_run(ParentOp::kStop, Status::ok()); }
void SupervisorCell::op_fail() { defer_or_run(ParentOp::kFail, Status::ok()); }

void SupervisorCell::detach() {
  auto keep = shared_from_this();
  for (std::uint32_t i = 0; i < children_.size(); ++i) children_.at(i)->detach();
  for (Adoption* a = take_adoptions(); a != nullptr;) {
    std::unique_ptr<Adoption> owned(a);
    a = a->next;
    owned->child->detach();
  }
  CellBase::detach();
}

}  // namespace alys::actor
