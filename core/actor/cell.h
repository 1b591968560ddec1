// CellBase: the runtime half of one actor (Akka's ActorCell): identity, strand, lifecycle
// state, counters, and the link to its supervisor. The typed half (mailbox, instance) is
// ActorCell<M> in core/actor/actor.h; supervisors are SupervisorCell.
//
// Threading (the one rule that keeps core lock-free): everything a cell owns is touched
// only from its own strand, except the atomics below (state, load, counters) which any
// thread may read. Other threads reach a cell only by posting a task to its strand.
//
// Supervision protocol: the parent drives a child with the op_* calls, each run on the
// child's strand (posted by the parent); the child answers with a ChildEvent posted to the
// parent's strand. A child also reports spontaneous crashes and exits.
//
// Ownership: a cell is held by shared_ptr (its parent, every ActorRef, every task in
// flight for it). It keeps a raw pointer to its parent, which lives as long as the system.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/actor/backoff.h"
#include "core/actor/circuit_breaker.h"
#include "core/actor/counters.h"
#include "core/actor/dead_letter.h"
#include "core/actor/envelope.h"
#include "core/actor/handle_observer.h"
#include "core/actor/lifecycle.h"
#include "core/actor/mailbox.h"
#include "core/runtime/env.h"
#include "core/runtime/executor.h"
#include "core/runtime/status.h"

namespace alys::actor {

class ActorSystem;
class SupervisorCell;

// OTP restart types.
enum class RestartType : std::uint8_t {
  kPermanent,  // always restarted (a normal exit too)
  kTransient,  // restarted only after a crash
  kTemporary,  // never restarted ("Never"): a crash leaves it Failed
};
std::string_view restart_type_name(RestartType t);

// How a parent keeps one child. Limits are named fields with units.
struct ChildOptions {
  std::string name;
  RestartType restart = RestartType::kPermanent;
  std::optional<BackoffConfig> backoff;         // delay restarts (absent: restart at once)
  std::optional<CircuitBreakerConfig> breaker;  // absent: no breaker
  MailboxConfig mailbox;
  Duration stop_timeout = 5s;  // the parent stops waiting after this and counts it killed
  bool registered = false;     // also enter `name` in the system's registry
};

// A child's answer or report to its parent.
struct ChildEvent {
  enum class Kind : std::uint8_t {
    kStarted,      // op_start / op_finish_restart succeeded
    kStartFailed,  // ... failed (pre_start / post_restart error)
    kPrepared,     // op_prepare_restart done: old instance gone, state Restarting
    kStopped,      // op_stop done
    kCrashed,      // spontaneous: a handler failed (or a supervisor gave up)
    kExited,       // spontaneous: a transient/temporary child stopped itself normally
    kSkipped,      // an op that did not apply to the child's state (it raced with a
                   // crash or exit); counts as the op's answer
  };
  std::uint32_t child = 0;        // index in the parent's child list
  std::uint32_t incarnation = 0;  // of the child when it happened
  Kind kind = Kind::kStarted;
  Status status;
};
std::string_view child_event_name(ChildEvent::Kind k);

class CellBase : public std::enable_shared_from_this<CellBase> {
 public:
  CellBase(ActorSystem& system, SupervisorCell* parent, std::uint32_t index_in_parent,
           ChildOptions options);
  virtual ~CellBase();
  CellBase(const CellBase&) = delete;
  CellBase& operator=(const CellBase&) = delete;

  // --- any thread ------------------------------------------------------------------
  ActorId id() const { return id_; }
  const std::string& name() const { return options_.name; }
  const ChildOptions& options() const { return options_; }
  LifecycleState state() const { return state_.load(std::memory_order_acquire); }
  ActorStats stats() const { return counters_.snapshot(); }
  // Messages sent to this actor and not yet taken by its handler (least-loaded routing).
  std::uint32_t load() const { return load_.load(std::memory_order_relaxed); }
  // The mailbox bound in force: options().mailbox.capacity until set_mailbox_capacity.
  std::uint32_t mailbox_capacity() const { return capacity_.load(std::memory_order_relaxed); }
  // Changes the mailbox bound while the actor runs (the node's hot reload). Any thread.
  // Raising it admits parked Overflow::kBlock sends at once (posted to the strand).
  // Lowering it drops no queued message by itself: new sends meet the overflow strategy
  // until the backlog is under the new bound (kDropOldest then evicts one queued message
  // per new one, as at any full mailbox). REQUIRES: capacity > 0; the system is not torn
  // down (detach()).
  void set_mailbox_capacity(std::uint32_t capacity);
  BreakerState breaker_state() const { return breaker_state_.load(std::memory_order_relaxed); }
  // The code of the last health_check() (kOk until one failed). Any thread.
  StatusCode last_health() const { return health_.load(std::memory_order_relaxed); }
  ActorSystem& system() { return system_; }
  Env& env();
  Instant now();  // the node's monotonic clock
  std::uint64_t next_message_id();
  Executor& strand() { return *strand_; }
  SupervisorCell* parent() { return parent_; }
  virtual bool is_supervisor() const { return false; }

  // --- strand only: the supervision protocol (see the header comment) ---------------
  virtual void op_start() = 0;
  virtual void op_prepare_restart(const Status& reason) = 0;
  virtual void op_finish_restart(const Status& reason) = 0;
  virtual void op_stop() = 0;
  // Crashed | StartFailed -> Backoff (ignored in any other state).
  void op_backoff();
  virtual void op_fail() = 0;
  virtual void op_health_check() {}
  // Strand only: handle queued messages again (after being unblocked).
  virtual void resume() {}
  // Strand only: the mailbox bound was raised; admit parked sends that now fit.
  virtual void admit_up_to_capacity() {}

  // Parent's strand only, before the first op: where the parent keeps this child.
  void set_index_in_parent(std::uint32_t index) { index_in_parent_ = index; }

  // --- Overflow::kBlock (see mailbox.h) ---------------------------------------------
  // The target this actor is blocked on, if any. Any thread (the deadlock check walks it).
  CellBase* blocked_on() const { return blocked_on_.load(std::memory_order_seq_cst); }
  // True if making `self` wait on `target` would close a cycle of blocked actors. Called
  // by `self` after announcing blocked_on_ = target (so two racing senders cannot both
  // miss the cycle: sequentially consistent store-then-load on both sides).
  static bool closes_cycle(const CellBase* self, const CellBase* target);
  // Strand only: this actor's sends still parked at full targets.
  std::uint32_t blocked_count() const { return blocked_count_; }
  // Strand only: one more of this actor's sends is parked at a full target.
  void block_on(CellBase* target);
  // Strand only (posted by the target): one parked send was admitted or dropped.
  void unblock_one();

  // System teardown only: drops the strand and with it every pending post.
  // REQUIRES: no task of this system runs now or later.
  virtual void detach();

 protected:
  void set_state(LifecycleState to);
  void set_health(StatusCode code) { health_.store(code, std::memory_order_relaxed); }
  void report(ChildEvent::Kind kind, Status status = Status::ok());
  void dead_letter(DeadLetterReason reason, const EnvelopeMeta& meta, std::string detail = {});
  // The system's observer (core/actor/handle_observer.h), null almost always: read through
  // a pointer to the system's slot because ActorSystem is incomplete where the typed cells'
  // templates are defined.
  HandleObserver* handle_observer() const { return *observer_slot_; }

  ActorSystem& system_;
  HandleObserver* const* observer_slot_;
  SupervisorCell* parent_;
  std::uint32_t index_in_parent_;
  ChildOptions options_;
  ActorId id_;
  std::unique_ptr<Executor> strand_;
  std::atomic<LifecycleState> state_{LifecycleState::kUninitialized};
  std::atomic<std::uint32_t> capacity_;      // mailbox bound (set_mailbox_capacity)
  std::atomic<std::uint32_t> load_{0};       // admitted, not yet handed to the handler
  std::atomic<std::uint32_t> in_flight_{0};  // deliveries posted, not yet run
  std::atomic<BreakerState> breaker_state_{BreakerState::kClosed};
  ActorCounters counters_;
  std::atomic<CellBase*> blocked_on_{nullptr};
  std::uint32_t blocked_count_ = 0;  // strand only: parked sends not yet admitted
  std::uint32_t incarnation_ = 0;    // strand only: bumped for every new instance
  std::atomic<StatusCode> health_{StatusCode::kOk};
};

}  // namespace alys::actor
