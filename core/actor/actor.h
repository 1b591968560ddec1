// Actor<M>: a typed actor (DESIGN.md §3). M is its message type, normally a std::variant of
// message structs. The system calls receive() for one message at a time, run to completion,
// on the actor's own strand: an actor never runs concurrently with itself and needs no locks.
//
//   using CounterMsg = std::variant<Add, Get>;
//   class Counter final : public actor::Actor<CounterMsg> {
//     Status receive(CounterMsg& m) override { ... return Status::ok(); }
//   };
//
// A crash = receive() threw or returned a non-ok Status: the message goes to dead letters
// (kHandlerFailed), the actor goes Crashed and its supervisor decides (restart, backoff,
// give up, escalate). The mailbox survives restarts.
//
// Hooks (Akka/OTP names; all run on the actor's strand, errors as values):
//   pre_start()             before the first message; an error = StartFailed.
//   started()               after the state became Running.
//   pre_restart(reason)     on the failing instance, before it is destroyed.
//   post_restart(reason)    on the fresh instance; default calls pre_start().
//   pre_stop()              before stopping (may still send); stopped() after.
//   health_check()          asked by ActorSystem::run_health_checks().
// The constructor must not touch env()/self(): they are valid from pre_start on.
//
// Batching (MailboxConfig::batch_max > 1): the cell hands receive_batch() up to batch_max
// messages in mailbox order. It sets `handled` to how many it finished; on an error the
// message at that index is the failing one (dead letters) and the ones after it go back to
// the head of the mailbox for the restarted instance. The default calls receive() for each.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "core/actor/actor_ref.h"
#include "core/actor/ask.h"
#include "core/actor/bus.h"
#include "core/actor/cell.h"
#include "core/actor/type_name.h"

namespace alys::actor {

template <typename M>
class Actor {
 public:
  using Message = M;
  virtual ~Actor() = default;

  virtual Status receive(M& message) = 0;
  virtual Status receive_batch(std::span<Envelope<M>> batch, std::size_t& handled);
  virtual Status pre_start() { return Status::ok(); }
  virtual void started() {}
  virtual void pre_restart(const Status& /*reason*/) {}
  virtual Status post_restart(const Status& /*reason*/) { return pre_start(); }
  virtual void pre_stop() {}
  virtual void stopped() {}
  virtual Status health_check() { return Status::ok(); }

 protected:
  Env& env();
  ActorSystem& system();
  ActorRef<M> self();
  ActorId self_id() const;
  // The envelope of the message being handled. REQUIRES: inside receive().
  const EnvelopeMeta& envelope() const;

  // Sends with this actor as sender and the current message as causal parent.
  template <typename N, typename T>
  Status tell(const ActorRef<N>& to, T&& message, SendOptions options = {});
  // See core/actor/ask.h. Returns the correlation id the Reply<R> will carry.
  template <typename R, typename N, typename MakeRequest>
  std::uint64_t ask(const ActorRef<N>& to, MakeRequest make_request, Duration timeout,
                    SendOptions options = {});
  template <typename R>
  void reply(const ReplyTo<R>& to, Result<R> result);
  // Publishes on the system bus with this actor as the sender (defined in system.h).
  template <BusPayload T>
  void publish(const std::string& topic, T payload, Priority priority = Priority::kNormal);
  // Sends `payload` to one actor through the bus (ACL topic "@<target name>", rate limit).
  template <BusPayload T, typename N>
  void send_via_bus(const ActorRef<N>& to, T payload, Priority priority = Priority::kNormal);
  // Delivers `message` to this actor after `delay` (Akka timers). Timers are cancelled when
  // the actor restarts or stops.
  TimerId start_timer(Duration delay, M message, Priority priority = Priority::kNormal);
  bool cancel_timer(TimerId id);
  // Stops this actor after the current message. A permanent child's supervisor restarts
  // it (OTP: a permanent child is always restarted); others stay Stopped.
  void stop_self();

 private:
  friend class ActorCell<M>;
  ActorCell<M>* cell_ = nullptr;
};

// The typed half of an actor: mailbox, instance, asks and timers. Created by supervisors
// (SupervisorRef::spawn); users hold ActorRef<M>.
template <typename M>
class ActorCell final : public CellBase {
 public:
  using Factory = std::function<std::unique_ptr<Actor<M>>()>;

  ActorCell(ActorSystem& system, SupervisorCell* parent, std::uint32_t index, ChildOptions options,
            Factory factory)
      : CellBase(system, parent, index, std::move(options)), factory_(std::move(factory)) {
    ALYS_ASSERT(options_.mailbox.capacity > 0, "mailbox capacity must be > 0");
    ALYS_ASSERT(options_.mailbox.throughput > 0, "mailbox throughput must be > 0");
    if (options_.breaker) breaker_ = std::make_unique<CircuitBreaker>(*options_.breaker);
  }

  // Admission (any thread): stamps the message id (and deadline = now + ttl when ttl > 0),
  // applies the bound and overflow strategy, then posts delivery to the strand.
  // `sender` is the sending actor's cell when the send comes from inside an actor (needed
  // to suspend it under Overflow::kBlock), else nullptr.
  Status send(M message, EnvelopeMeta meta, Duration ttl = Duration::zero(),
              CellBase* sender = nullptr);

  // --- strand only ---------------------------------------------------------------------
  const EnvelopeMeta* current() const { return current_; }
  Actor<M>* instance() { return actor_.get(); }
  std::size_t mailbox_size() const { return mailbox_.size(); }
  template <typename R, typename N, typename MakeRequest>
  std::uint64_t ask(const ActorRef<N>& to, MakeRequest make_request, Duration timeout,
                    SendOptions options);
  TimerId start_timer(Duration delay, M message, Priority priority);
  bool cancel_timer(TimerId id);
  void request_stop() { stop_requested_ = true; }
  std::shared_ptr<ActorCell> shared_this() {
    return std::static_pointer_cast<ActorCell>(shared_from_this());
  }

  void set_current(const EnvelopeMeta* meta) { current_ = meta; }

  std::optional<Envelope<M>> pop_admissible();
  void op_start() override;
  void finish_start(const Status& instantiated);
  void op_prepare_restart(const Status& reason) override;
  void op_finish_restart(const Status& reason) override;
  void op_stop() override;
  void release_all();
  void op_fail() override;
  void resume() override {
    if (!mailbox_.empty()) schedule_turn();
  }
  void admit_up_to_capacity() override {
    if (!accepts_messages() || !pending_) return;
    bool admitted = false;
    while (!pending_->parked.empty() && load_.load(std::memory_order_acquire) < mailbox_capacity()) {
      admit_parked();
      admitted = true;
    }
    if (admitted) schedule_turn();
  }
  // Teardown: also drops what could hold references back to cells (the instance, queued
  // messages, pending asks and parked sends, the factory's captured arguments).
  void detach() override {
    auto keep = shared_from_this();
    CellBase::detach();
    actor_.reset();
    mailbox_.release();
    pending_.reset();
    factory_ = nullptr;
  }
  void op_health_check() override {
    if (actor_ && state() == LifecycleState::kRunning) {
      set_health(call_status([&] { return actor_->health_check(); }).code());
    }
  }

 private:
  template <typename R>
  static void deliver_reply(const std::shared_ptr<CellBase>& asker, Result<R> result,
                            EnvelopeMeta meta);
  template <typename R>
  void complete_ask(Result<R> result, EnvelopeMeta meta);

  void admit(M message, EnvelopeMeta meta, std::uint32_t attempt);
  void deliver(Envelope<M> env);
  void enqueue_local(M message, EnvelopeMeta meta);
  void push(Envelope<M> env);
  void schedule_turn();
  void run_turn();
  bool handle(Envelope<M>& env);
  void run_batch_turn();
  bool handle_batch(std::vector<Envelope<M>>& batch);
  bool after_success(std::size_t handled);
  void crash(const EnvelopeMeta* failing, const Status& error);
  void stop_now();
  Status instantiate(bool restart, const Status& reason);
  void drop_instance();
  void drop_all_queued(DeadLetterReason reason);
  void cancel_timers();
  bool accepts_messages() const {
    const auto s = state();
    return s != LifecycleState::kStopped && s != LifecycleState::kFailed &&
           s != LifecycleState::kStopping;
  }
  template <typename F>
  static Status call_status(F&& f) {
    try {
      return f();
    } catch (const std::exception& e) {
      return Status::failed_precondition(fmt::format("threw: {}", e.what()));
    } catch (...) {
      return Status::failed_precondition("threw a non-std exception");
    }
  }
  template <typename F>
  static void call_void(F&& f) {
    try {
      f();
    } catch (...) {  // a throwing cleanup hook must not take the cell down with it
    }
  }

  Factory factory_;
  std::unique_ptr<Actor<M>> actor_;
  Mailbox<M> mailbox_;
  std::unique_ptr<CircuitBreaker> breaker_;  // heap: most actors have none (idle size)
  const EnvelopeMeta* current_ = nullptr;
  bool turn_scheduled_ = false;
  bool stop_requested_ = false;
  // Pending asks and timers, allocated on first use (most actors never ask).
  struct Pending {
    std::map<std::uint64_t, TimerId> asks;    // correlation id -> timeout timer
    std::map<std::uint64_t, TimerId> timers;  // start_timer key -> executor timer
    std::uint64_t next_timer_key = 0;
    // kBlock: sends waiting for room, oldest first, with their suspended senders.
    RingQueue<std::pair<Envelope<M>, std::shared_ptr<CellBase>>> parked;
    std::vector<Envelope<M>> batch;  // reused by batched turns
  };
  std::unique_ptr<Pending> pending_;
  Pending& pending() {
    if (!pending_) pending_ = std::make_unique<Pending>();
    return *pending_;
  }
  void cancel_asks();
  void park(Envelope<M> env, std::shared_ptr<CellBase> sender);
  void admit_parked();
  void drop_parked();
};

// ===================================================================== implementation

template <typename M>
template <typename T>
Status ActorRef<M>::tell(T&& message, SendOptions options) const {
  ALYS_ASSERT(cell_ != nullptr, "ActorRef::tell on an empty ref");
  EnvelopeMeta meta;
  meta.priority = options.priority;
  return cell_->send(M(std::forward<T>(message)), meta, options.ttl);
}

template <typename M>
Status ActorCell<M>::send(M message, EnvelopeMeta meta, Duration ttl, CellBase* sender) {
  meta.message_id = next_message_id();
  if (ttl > Duration::zero()) meta.deadline = now() + ttl;
  if (!accepts_messages()) {
    dead_letter(DeadLetterReason::kActorStopped, meta);
    return Status::ok();
  }
  const std::uint32_t prior = load_.fetch_add(1, std::memory_order_acq_rel);
  // A blocked sender parks every later send too, so its messages keep their order.
  if (options_.mailbox.overflow == Overflow::kBlock && sender != nullptr &&
      (prior >= mailbox_capacity() || sender->blocked_count() > 0)) {
    load_.fetch_sub(1, std::memory_order_acq_rel);
    sender->block_on(this);
    if (closes_cycle(sender, this)) {
      sender->unblock_one();
      dead_letter(DeadLetterReason::kDeadlock, meta);
      return Status::failed_precondition(
          fmt::format("actor '{}': blocking on '{}' would deadlock", sender->name(), name()));
    }
    strand_->post(
        [self = shared_this(), env = Envelope<M>{std::move(message), meta},
         s = sender->shared_from_this()]() mutable { self->park(std::move(env), std::move(s)); });
    return Status::ok();
  }
  if (prior >= mailbox_capacity()) {
    switch (options_.mailbox.overflow) {
      case Overflow::kDropOldest:
        break;  // admitted; deliver() evicts
      case Overflow::kDropNewest:
        load_.fetch_sub(1, std::memory_order_acq_rel);
        dead_letter(DeadLetterReason::kDroppedNewest, meta);
        return Status::ok();
      case Overflow::kBlock:  // only outside any actor: nobody to suspend
      case Overflow::kFail:
        load_.fetch_sub(1, std::memory_order_acq_rel);
        dead_letter(DeadLetterReason::kMailboxFull, meta);
        return Status::unavailable(fmt::format("actor '{}': mailbox full ({} messages)", name(),
                                               mailbox_capacity()));
      case Overflow::kBackoff: {
        load_.fetch_sub(1, std::memory_order_acq_rel);
        auto self = shared_this();
        strand_->after(
            options_.mailbox.retry_initial,
            [self, m = std::move(message), meta]() mutable { self->admit(std::move(m), meta, 1); });
        return Status::ok();
      }
    }
  }
  in_flight_.fetch_add(1, std::memory_order_acq_rel);
  strand_->post([self = shared_this(), env = Envelope<M>{std::move(message), meta}]() mutable {
    self->deliver(std::move(env));
  });
  return Status::ok();
}

// A kBackoff re-delivery attempt, on the strand. `attempt` >= 1.
template <typename M>
void ActorCell<M>::admit(M message, EnvelopeMeta meta, std::uint32_t attempt) {
  if (!accepts_messages()) {
    dead_letter(DeadLetterReason::kActorStopped, meta);
    return;
  }
  if (load_.load(std::memory_order_acquire) < mailbox_capacity()) {
    in_flight_.fetch_add(1, std::memory_order_acq_rel);
    load_.fetch_add(1, std::memory_order_acq_rel);
    deliver(Envelope<M>{std::move(message), meta});
    return;
  }
  if (attempt >= options_.mailbox.retry_max) {
    dead_letter(DeadLetterReason::kRetriesExhausted, meta);
    return;
  }
  BackoffConfig b;
  b.initial = options_.mailbox.retry_initial;
  b.max = options_.mailbox.retry_initial * (std::int64_t{1} << 20);
  const Duration delay = backoff_delay(b, attempt);
  strand_->after(delay, [self = shared_this(), m = std::move(message), meta, attempt]() mutable {
    self->admit(std::move(m), meta, attempt + 1);
  });
}

template <typename M>
void ActorCell<M>::deliver(Envelope<M> env) {
  const std::uint32_t still_in_flight = in_flight_.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (!accepts_messages()) {
    load_.fetch_sub(1, std::memory_order_acq_rel);
    dead_letter(DeadLetterReason::kActorStopped, env.meta);
    return;
  }
  if (breaker_ && !breaker_->allow(now())) {
    load_.fetch_sub(1, std::memory_order_acq_rel);
    breaker_state_.store(breaker_->state(now()), std::memory_order_relaxed);
    dead_letter(DeadLetterReason::kCircuitOpen, env.meta);
    return;
  }
  // Only kDropOldest admits past the bound at send(). Every other strategy decided there, so
  // a bound lowered while this message was in flight must not evict anything for it.
  if (options_.mailbox.overflow == Overflow::kDropOldest &&
      mailbox_.size() >= mailbox_capacity()) {
    load_.fetch_sub(1, std::memory_order_acq_rel);
    if (env.meta.priority > mailbox_.lowest_queued()) {
      dead_letter(DeadLetterReason::kDroppedNewest, env.meta);  // lower than all queued
      return;
    }
    const Envelope<M> old = mailbox_.evict_oldest();
    dead_letter(DeadLetterReason::kDroppedOldest, old.meta);
  }
  push(std::move(env));
  // Run now when no other delivery is queued behind this one on the strand (one task per
  // message when idle); otherwise let those land first so priorities apply to all of them.
  if (still_in_flight == 0) {
    run_turn();
  } else {
    schedule_turn();
  }
}

template <typename M>
void ActorCell<M>::push(Envelope<M> env) {
  env.meta.enqueued_at = now();
  mailbox_.push(std::move(env));
  counters_.enqueued.bump();
  counters_.max_depth.raise_to(mailbox_.size());
}

template <typename M>
void ActorCell<M>::enqueue_local(M message, EnvelopeMeta meta) {
  if (meta.message_id == 0) meta.message_id = next_message_id();
  if (!accepts_messages()) {
    dead_letter(DeadLetterReason::kActorStopped, meta);
    return;
  }
  load_.fetch_add(1, std::memory_order_acq_rel);
  push(Envelope<M>{std::move(message), meta});
  schedule_turn();
}

template <typename M>
void ActorCell<M>::schedule_turn() {
  if (turn_scheduled_) return;
  turn_scheduled_ = true;
  strand_->post([self = shared_this()] {
    self->turn_scheduled_ = false;
    self->run_turn();
  });
}

// Takes the next message off the mailbox (freeing its slot and admitting parked Block
// sends), or dead-letters it and returns nullopt when it has expired or the breaker is open.
template <typename M>
std::optional<Envelope<M>> ActorCell<M>::pop_admissible() {
  Envelope<M> env = mailbox_.pop();
  load_.fetch_sub(1, std::memory_order_acq_rel);
  if (pending_ && !pending_->parked.empty()) admit_parked();
  if (env.meta.deadline != kNoDeadline && now() >= env.meta.deadline) {
    dead_letter(DeadLetterReason::kExpired, env.meta);
    return std::nullopt;
  }
  if (breaker_ && !breaker_->allow(now())) {
    breaker_state_.store(BreakerState::kOpen, std::memory_order_relaxed);
    dead_letter(DeadLetterReason::kCircuitOpen, env.meta);
    return std::nullopt;
  }
  return env;
}

template <typename M>
void ActorCell<M>::run_turn() {
  if (options_.mailbox.batch_max > 1) return run_batch_turn();
  for (std::uint32_t n = 0; n < options_.mailbox.throughput; ++n) {
    if (state() != LifecycleState::kRunning || mailbox_.empty() || blocked_count_ > 0) return;
    std::optional<Envelope<M>> env = pop_admissible();
    if (!env) continue;
    if (!handle(*env)) return;
  }
  if (!mailbox_.empty() && blocked_count_ == 0) schedule_turn();
}

// Runs the handler for one message. False when the actor can take no more messages.
template <typename M>
bool ActorCell<M>::handle(Envelope<M>& env) {
  current_ = &env.meta;
  if (HandleObserver* o = handle_observer()) [[unlikely]] {
    o->on_handle(*this, env.meta, message_type_name(env.message));
  }
  const Instant t0 = now();
  Status s = call_status([&] { return actor_->receive(env.message); });
  const auto took = static_cast<std::uint64_t>((now() - t0).count());
  current_ = nullptr;
  counters_.handling_ns_total.bump(took);
  counters_.handling_ns_max.raise_to(took);
  if (!s.is_ok()) {
    crash(&env.meta, s);
    return false;
  }
  return after_success(1);
}

// Bookkeeping after `handled` messages succeeded. False when the actor stopped itself.
template <typename M>
bool ActorCell<M>::after_success(std::size_t handled) {
  counters_.handled.bump(handled);
  if (breaker_) {
    for (std::size_t i = 0; i < handled; ++i) breaker_->on_success(now());
    breaker_state_.store(breaker_->state(now()), std::memory_order_relaxed);
  }
  if (stop_requested_) {
    stop_requested_ = false;
    if (options_.restart == RestartType::kPermanent) {
      crash(nullptr, Status::failed_precondition("permanent actor stopped itself"));
    } else {
      stop_now();
      report(ChildEvent::Kind::kExited);
    }
    return false;
  }
  return true;
}

template <typename M>
void ActorCell<M>::run_batch_turn() {
  std::vector<Envelope<M>>& batch = pending().batch;
  for (std::uint32_t n = 0; n < options_.mailbox.throughput;) {
    if (state() != LifecycleState::kRunning || mailbox_.empty() || blocked_count_ > 0) return;
    batch.clear();
    while (batch.size() < options_.mailbox.batch_max && !mailbox_.empty()) {
      std::optional<Envelope<M>> env = pop_admissible();
      if (env) batch.push_back(std::move(*env));
    }
    if (batch.empty()) continue;
    n += static_cast<std::uint32_t>(batch.size());
    if (!handle_batch(batch)) return;
  }
  if (!mailbox_.empty() && blocked_count_ == 0) schedule_turn();
}

template <typename M>
bool ActorCell<M>::handle_batch(std::vector<Envelope<M>>& batch) {
  std::size_t handled = 0;
  current_ = &batch.back().meta;
  if (HandleObserver* o = handle_observer()) [[unlikely]] {
    for (const Envelope<M>& e : batch) o->on_handle(*this, e.meta, message_type_name(e.message));
  }
  const Instant t0 = now();
  Status s = call_status([&] {
    return actor_->receive_batch(std::span<Envelope<M>>(batch.data(), batch.size()), handled);
  });
  const auto took = static_cast<std::uint64_t>((now() - t0).count());
  current_ = nullptr;
  counters_.handling_ns_total.bump(took);
  counters_.handling_ns_max.raise_to(took);
  if (s.is_ok()) {  // ok means every message of the batch was handled
    const std::size_t n = batch.size();
    batch.clear();
    return after_success(n);
  }
  if (handled >= batch.size()) handled = batch.size() - 1;  // blame the last one
  counters_.handled.bump(handled);
  for (std::size_t i = batch.size(); i-- > handled + 1;) {  // unhandled tail: back in front
    load_.fetch_add(1, std::memory_order_acq_rel);
    mailbox_.push_front(std::move(batch[i]));
  }
  const EnvelopeMeta failing = batch[handled].meta;
  batch.clear();
  crash(&failing, s);
  return false;
}

template <typename M>
void ActorCell<M>::crash(const EnvelopeMeta* failing, const Status& error) {
  if (failing != nullptr) {
    dead_letter(DeadLetterReason::kHandlerFailed, *failing, error.to_string());
    counters_.failed.bump();
  }
  if (breaker_) {
    breaker_->on_failure(now());
    breaker_state_.store(breaker_->state(now()), std::memory_order_relaxed);
  }
  set_state(LifecycleState::kCrashed);
  report(ChildEvent::Kind::kCrashed, error);
}

template <typename M>
Status ActorCell<M>::instantiate(bool restart, const Status& reason) {
  ++incarnation_;
  actor_ = factory_();
  ALYS_ASSERT(actor_ != nullptr, "actor factory returned null");
  actor_->cell_ = this;
  return call_status([&] { return restart ? actor_->post_restart(reason) : actor_->pre_start(); });
}

template <typename M>
void ActorCell<M>::drop_instance() {
  actor_.reset();
}

template <typename M>
void ActorCell<M>::cancel_timers() {
  if (!pending_) return;
  for (const auto& [key, timer] : pending_->timers) strand_->cancel(timer);
  pending_->timers.clear();
}

template <typename M>
void ActorCell<M>::cancel_asks() {
  if (!pending_) return;
  for (const auto& [corr, timer] : pending_->asks) strand_->cancel(timer);
  pending_->asks.clear();
}

template <typename M>
void ActorCell<M>::drop_all_queued(DeadLetterReason reason) {
  while (!mailbox_.empty()) {
    const Envelope<M> env = mailbox_.pop();
    load_.fetch_sub(1, std::memory_order_acq_rel);
    dead_letter(reason, env.meta);
  }
  mailbox_.release();
}

template <typename M>
void ActorCell<M>::op_start() {
  using S = LifecycleState;
  if (state() != S::kUninitialized && state() != S::kStopped) {
    report(ChildEvent::Kind::kSkipped);
    return;
  }
  set_state(LifecycleState::kStarting);
  finish_start(instantiate(false, Status::ok()));
}

template <typename M>
void ActorCell<M>::op_prepare_restart(const Status& reason) {
  using S = LifecycleState;
  const S s = state();
  if (s != S::kRunning && s != S::kCrashed && s != S::kStartFailed && s != S::kBackoff) {
    report(ChildEvent::Kind::kSkipped);
    return;
  }
  set_state(LifecycleState::kRestarting);
  if (actor_) call_void([&] { actor_->pre_restart(reason); });
  drop_instance();
  cancel_timers();
  report(ChildEvent::Kind::kPrepared);
}

template <typename M>
void ActorCell<M>::op_finish_restart(const Status& reason) {
  if (state() != LifecycleState::kRestarting) {
    report(ChildEvent::Kind::kSkipped);
    return;
  }
  const Status s = instantiate(true, reason);
  counters_.restarts.bump();
  finish_start(s);
}

// The common end of a start and a restart: Running and `started()`, or StartFailed.
template <typename M>
void ActorCell<M>::finish_start(const Status& s) {
  if (!s.is_ok()) {
    drop_instance();
    set_state(LifecycleState::kStartFailed);
    report(ChildEvent::Kind::kStartFailed, s);
    return;
  }
  set_state(LifecycleState::kRunning);
  report(ChildEvent::Kind::kStarted);
  call_void([&] { actor_->started(); });
  if (!mailbox_.empty()) schedule_turn();
}

template <typename M>
void ActorCell<M>::stop_now() {
  using S = LifecycleState;
  const S s = state();
  if (s == S::kStopped || s == S::kFailed) return;
  if (s == S::kRunning || s == S::kCrashed || (s == S::kStartFailed && actor_)) {
    set_state(S::kStopping);
    if (actor_) call_void([&] { actor_->pre_stop(); });
  }
  set_state(S::kStopped);
  if (actor_) call_void([&] { actor_->stopped(); });
  release_all();
}

// What a stopped or failed actor gives up: its instance, timers, pending asks, queued and
// parked messages (the messages go to dead letters as kActorStopped).
template <typename M>
void ActorCell<M>::release_all() {
  drop_instance();
  cancel_timers();
  cancel_asks();
  drop_all_queued(DeadLetterReason::kActorStopped);
  drop_parked();
}

template <typename M>
void ActorCell<M>::op_stop() {
  stop_now();
  report(ChildEvent::Kind::kStopped);
}

template <typename M>
void ActorCell<M>::op_fail() {
  using S = LifecycleState;
  const S s = state();
  if (s != S::kCrashed && s != S::kStartFailed && s != S::kBackoff) return;
  set_state(LifecycleState::kFailed);
  release_all();
}

template <typename M>
void ActorCell<M>::park(Envelope<M> env, std::shared_ptr<CellBase> sender) {
  const auto release = [](const std::shared_ptr<CellBase>& s) {
    s->strand().post([s] { s->unblock_one(); });
  };
  if (!accepts_messages()) {
    dead_letter(DeadLetterReason::kActorStopped, env.meta);
    return release(sender);
  }
  if (load_.load(std::memory_order_acquire) < mailbox_capacity() &&
      (!pending_ || pending_->parked.empty())) {  // room appeared meanwhile
    load_.fetch_add(1, std::memory_order_acq_rel);
    push(std::move(env));
    schedule_turn();
    return release(sender);
  }
  pending().parked.push_back({std::move(env), std::move(sender)});
}

// One message left the mailbox: the oldest parked send takes its place.
template <typename M>
void ActorCell<M>::admit_parked() {
  auto [env, sender] = pending_->parked.pop_front();
  load_.fetch_add(1, std::memory_order_acq_rel);
  push(std::move(env));
  sender->strand().post([s = std::move(sender)] { s->unblock_one(); });
}

template <typename M>
void ActorCell<M>::drop_parked() {
  if (!pending_) return;
  while (!pending_->parked.empty()) {
    auto [env, sender] = pending_->parked.pop_front();
    dead_letter(DeadLetterReason::kActorStopped, env.meta);
    sender->strand().post([s = std::move(sender)] { s->unblock_one(); });
  }
}

template <typename M>
TimerId ActorCell<M>::start_timer(Duration delay, M message, Priority priority) {
  const std::uint64_t key = ++pending().next_timer_key;
  EnvelopeMeta meta;
  meta.sender = id_;
  meta.priority = priority;
  meta.causal_parent = current_ ? current_->message_id : 0;
  const TimerId t =
      strand_->after(delay, [self = shared_this(), key, m = std::move(message), meta]() mutable {
        if (!self->pending_ || self->pending_->timers.erase(key) == 0) return;
        self->enqueue_local(std::move(m), meta);
      });
  pending().timers.emplace(key, t);
  return TimerId{key};
}

template <typename M>
bool ActorCell<M>::cancel_timer(TimerId id) {
  if (!pending_) return false;
  const auto it = pending_->timers.find(id.value);
  if (it == pending_->timers.end()) return false;
  strand_->cancel(it->second);
  pending_->timers.erase(it);
  return true;
}

template <typename M>
template <typename R, typename N, typename MakeRequest>
std::uint64_t ActorCell<M>::ask(const ActorRef<N>& to, MakeRequest make_request, Duration timeout,
                                SendOptions options) {
  static_assert(std::is_constructible_v<M, Reply<R>>,
                "the asker's message type must have an alternative actor::Reply<R>");
  const std::uint64_t corr = next_message_id();
  auto self = shared_this();
  const TimerId timer = strand_->after(timeout, [self, corr] {
    if (!self->pending_ || self->pending_->asks.erase(corr) == 0) return;
    EnvelopeMeta meta;
    meta.correlation_id = corr;
    self->enqueue_local(M(Reply<R>{corr, Status::timeout(fmt::format("ask {} timed out", corr))}),
                        meta);
  });
  pending().asks.emplace(corr, timer);
  ReplyTo<R> reply_to(self, &ActorCell<M>::template deliver_reply<R>, corr, options.priority);
  EnvelopeMeta meta;
  meta.correlation_id = corr;
  meta.sender = id_;
  meta.priority = options.priority;
  meta.causal_parent = current_ ? current_->message_id : 0;
  Status s = to.cell().send(N(make_request(std::move(reply_to))), meta, options.ttl);
  if (!s.is_ok()) {
    strand_->cancel(timer);
    pending_->asks.erase(corr);
    EnvelopeMeta err_meta;
    err_meta.correlation_id = corr;
    enqueue_local(M(Reply<R>{corr, std::move(s)}), err_meta);
  }
  return corr;
}

template <typename M>
template <typename R>
void ActorCell<M>::deliver_reply(const std::shared_ptr<CellBase>& asker, Result<R> result,
                                 EnvelopeMeta meta) {
  auto cell = std::static_pointer_cast<ActorCell<M>>(asker);
  Executor& strand = cell->strand();
  strand.post([cell = std::move(cell), r = std::move(result), meta]() mutable {
    cell->template complete_ask<R>(std::move(r), meta);
  });
}

template <typename M>
template <typename R>
void ActorCell<M>::complete_ask(Result<R> result, EnvelopeMeta meta) {
  const std::uint64_t corr = meta.correlation_id;
  const auto it = pending().asks.find(corr);
  if (it == pending_->asks.end()) {
    meta.message_id = next_message_id();
    dead_letter(DeadLetterReason::kLateReply, meta);
    return;
  }
  strand_->cancel(it->second);
  pending_->asks.erase(it);
  enqueue_local(M(Reply<R>{corr, std::move(result)}), meta);
}

// --- Actor<M> -------------------------------------------------------------------------

template <typename M>
Status Actor<M>::receive_batch(std::span<Envelope<M>> batch, std::size_t& handled) {
  handled = 0;
  for (Envelope<M>& e : batch) {
    cell_->set_current(&e.meta);
    if (Status s = receive(e.message); !s.is_ok()) return s;
    ++handled;
  }
  return Status::ok();
}

template <typename M>
Env& Actor<M>::env() {
  return cell_->env();
}

template <typename M>
ActorSystem& Actor<M>::system() {
  return cell_->system();
}

template <typename M>
ActorRef<M> Actor<M>::self() {
  return ActorRef<M>(cell_->shared_this());
}

template <typename M>
ActorId Actor<M>::self_id() const {
  return cell_->id();
}

template <typename M>
const EnvelopeMeta& Actor<M>::envelope() const {
  ALYS_ASSERT(cell_->current() != nullptr, "Actor::envelope outside receive()");
  return *cell_->current();
}

template <typename M>
template <typename N, typename T>
Status Actor<M>::tell(const ActorRef<N>& to, T&& message, SendOptions options) {
  ALYS_ASSERT(to.valid(), "Actor::tell to an empty ref");
  EnvelopeMeta meta;
  meta.sender = cell_->id();
  meta.priority = options.priority;
  meta.causal_parent = cell_->current() ? cell_->current()->message_id : 0;
  return to.cell().send(N(std::forward<T>(message)), meta, options.ttl, cell_);
}

template <typename M>
template <typename R, typename N, typename MakeRequest>
std::uint64_t Actor<M>::ask(const ActorRef<N>& to, MakeRequest make_request, Duration timeout,
                            SendOptions options) {
  ALYS_ASSERT(to.valid(), "Actor::ask to an empty ref");
  return cell_->template ask<R>(to, std::move(make_request), timeout, options);
}

template <typename M>
template <typename R>
void Actor<M>::reply(const ReplyTo<R>& to, Result<R> result) {
  to.send(std::move(result), cell_->id(), cell_->current() ? cell_->current()->message_id : 0);
}

template <typename M>
TimerId Actor<M>::start_timer(Duration delay, M message, Priority priority) {
  return cell_->start_timer(delay, std::move(message), priority);
}

template <typename M>
bool Actor<M>::cancel_timer(TimerId id) {
  return cell_->cancel_timer(id);
}

template <typename M>
void Actor<M>::stop_self() {
  cell_->request_stop();
}

}  // namespace alys::actor
