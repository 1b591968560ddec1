// SupervisorCell: a supervisor (OTP supervisor / Akka parent) and SupervisorRef, its handle.
//
// Strategies (OTP names and semantics):
//   OneForOne   only the crashed child is restarted.
//   OneForAll   every live child is restarted: all are stopped for restart in reverse start
//               order (pre_restart), then all started again in start order (post_restart).
//   RestForOne  the crashed child and the ones started after it, the same way.
// Mailboxes survive restarts (Akka), so ActorRefs stay valid.
//
// Restart intensity: more than max_restarts restarts within `within` and the supervisor
// gives up: it stops all children (reverse order), goes Crashed and its own parent handles
// that like any child crash (escalation). The root has no parent: it ends Failed and the
// system reports root_failed(). A child whose backoff has used max_retries escalates the
// same way.
//
// Per child (ChildOptions): restart type (permanent / transient / temporary = never), an
// optional ExponentialBackoff between crash and restart (the child waits in Backoff), an
// optional CircuitBreaker. Start is ordered (child i+1 starts after child i answered), stop
// is in reverse order, each stop bounded by the child's stop_timeout after which the
// supervisor counts it killed and moves on. A child that fails to start is handled like a
// crash (restart policy, intensity).
//
// The supervisor works one plan (a list of start/stop/restart steps) at a time; events that
// arrive meanwhile wait and are handled in order afterwards; stale events (from an
// incarnation of a child that has since been restarted) are ignored.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "core/actor/actor.h"
#include "core/actor/cell.h"
#include "core/actor/child_table.h"

namespace alys::actor {

enum class Strategy : std::uint8_t { kOneForOne, kOneForAll, kRestForOne };
std::string_view strategy_name(Strategy s);

struct SupervisorOptions {
  Strategy strategy = Strategy::kOneForOne;
  std::uint32_t max_restarts = 3;  // restarts allowed within `within` (OTP intensity)
  Duration within = 5s;            // OTP period
};

class SupervisorRef;

class SupervisorCell final : public CellBase {
 public:
  SupervisorCell(ActorSystem& system, SupervisorCell* parent, ChildOptions options,
                 SupervisorOptions sup);
  ~SupervisorCell() override;
  bool is_supervisor() const override { return true; }
  const SupervisorOptions& supervisor_options() const { return sup_; }

  // Any thread: adds a child. It is started at once if this supervisor is running, else
  // when this supervisor starts. Messages sent before it starts wait in its mailbox.
  void adopt(std::shared_ptr<CellBase> child);
  // Any thread: a child's answer or report (see cell.h).
  void post_event(ChildEvent event);
  // Any thread: children in start order (see ChildTable).
  const ChildTable& children() const { return children_; }

  // Strand only: the supervision protocol as a child of its own parent.
  void op_start() override;
  void op_prepare_restart(const Status& reason) override;
  void op_finish_restart(const Status& reason) override;
  void op_stop() override;
  void op_fail() override;
  void detach() override;

 private:
  struct Step {
    enum class Kind : std::uint8_t { kStart, kPrepare, kFinish, kStop, kWait } kind;
    std::uint32_t child = 0;
    Duration wait{};
  };
  enum class Goal : std::uint8_t { kStart, kRecover, kPrepare, kFinish, kStop, kEscalate };
  enum class ParentOp : std::uint8_t { kStart, kPrepare, kFinish, kStop, kFail };
  struct Book {  // per-child bookkeeping, strand only
    std::uint32_t incarnation = 0;
    std::uint32_t backoff_attempts = 0;
    Instant running_since{};
  };

  void drain_adoptions();
  void on_adopt(std::shared_ptr<CellBase> child);
  void on_event(const ChildEvent& event);
  void on_failure(std::uint32_t child, const Status& reason);
  void escalate(const Status& reason);
  void run_plan(Goal goal, std::deque<Step> steps);
  void next_step();
  void finish_plan();
  void drain_deferred();
  void do_parent_op(ParentOp op, const Status& reason);
  void defer_or_run(ParentOp op, const Status& reason);
  bool restartable(std::uint32_t child) const;
  std::deque<Step> all_starts() const;
  std::deque<Step> all_stops() const;
  CellBase& child(std::uint32_t i) const { return *children_.at(i); }

  // Children handed over by adopt() (any thread) and not yet taken in by the strand: a
  // lock-free push-only stack, emptied whole by drain_adoptions() (and by detach(), so a
  // teardown reaches children whose adoption never ran).
  struct Adoption {
    std::shared_ptr<CellBase> child;
    Adoption* next = nullptr;
  };
  std::atomic<Adoption*> adoptions_{nullptr};
  Adoption* take_adoptions();  // in adoption order

  SupervisorOptions sup_;
  ChildTable children_;
  std::vector<Book> books_;            // parallel to children_
  std::deque<Instant> restart_times_;  // within the intensity window
  bool busy_ = false;
  Goal goal_ = Goal::kStart;
  std::deque<Step> plan_;
  std::optional<Step> awaiting_;
  TimerId step_timer_;
  std::uint64_t step_seq_ = 0;  // guards stale step timers
  Status escalation_;
  Status op_reason_;
  std::deque<ChildEvent> deferred_events_;
  std::deque<std::pair<ParentOp, Status>> deferred_ops_;
};

// A handle to a supervisor: spawn children and sub-supervisors under it.
class SupervisorRef {
 public:
  SupervisorRef() = default;
  explicit SupervisorRef(std::shared_ptr<SupervisorCell> cell) : cell_(std::move(cell)) {}

  // Spawns an actor of class A (constructed as A(args...) for every (re)start; args are
  // copied into the factory). Any thread.
  template <typename A, typename... Args>
  ActorRef<typename A::Message> spawn(ChildOptions options, Args... args) {
    using M = typename A::Message;
    return spawn_with<M>(std::move(options), [args...]() -> std::unique_ptr<Actor<M>> {
      return std::make_unique<A>(args...);
    });
  }
  template <typename M>
  ActorRef<M> spawn_with(ChildOptions options, typename ActorCell<M>::Factory factory) {
    auto cell = std::make_shared<ActorCell<M>>(cell_->system(), cell_.get(), 0, std::move(options),
                                               std::move(factory));
    cell_->adopt(cell);
    return ActorRef<M>(std::move(cell));
  }
  SupervisorRef spawn_supervisor(ChildOptions options, SupervisorOptions sup);

  bool valid() const { return cell_ != nullptr; }
  SupervisorCell& cell() const { return *cell_; }
  const std::shared_ptr<SupervisorCell>& cell_ptr() const { return cell_; }
  ActorId id() const { return cell_->id(); }
  LifecycleState state() const { return cell_->state(); }

 private:
  std::shared_ptr<SupervisorCell> cell_;
};

}  // namespace alys::actor
