// ActorSystem: one node's actors (DESIGN.md §3): the root supervisor and its tree, ids,
// dead letters, the registry and the bus. Built on the node's Env; the same code runs on
// the simulator and on Asio.
//
//   actor::ActorSystem sys(env);
//   auto chain = sys.root().spawn_supervisor({.name = "chain"}, {Strategy::kOneForOne});
//   auto ref = chain.spawn<ChainActor>({.name = "chain-actor", .backoff = BackoffConfig{}});
//   sys.start();   // ordered start of the whole tree, from the root down
//
// Threading: every public call may be made from any thread unless marked "system strand".
// On a single-threaded runtime (the simulator) that restriction is moot.
// Teardown: destroy the system only when none of its tasks runs now or later (simulator:
// any time outside the node's own events; real runtime: after the executor pool stopped).
// The destructor drops every actor's pending work.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/actor/bus.h"
#include "core/actor/dead_letter.h"
#include "core/actor/handle_observer.h"
#include "core/actor/registry.h"
#include "core/actor/supervisor.h"
#include "core/runtime/env.h"

namespace alys::actor {

struct SystemConfig {
  std::string root_name = "root";
  SupervisorOptions root;
  std::size_t dead_letters_max = 1024;  // records kept; counts are kept for all
  BusConfig bus;
  // When the root supervisor gives up, the process exits (Env::exit_process(1)) so that the
  // service manager restarts it fresh, as an OTP node whose top supervisor dies terminates.
  // Off, the system stays root_failed() (tests of the tree itself want that).
  bool exit_process_on_root_failure = false;
  // Sees every message about to be handled (core/actor/handle_observer.h): set here, at
  // construction, so it is in place before any actor runs and never changes. Not owned;
  // must outlive the system. Null: nothing is observed (the real node).
  HandleObserver* handle_observer = nullptr;
};

// One node of the health tree (read from atomics; consistent per actor, not across).
struct HealthNode {
  std::string name;
  ActorId id;
  bool supervisor = false;
  LifecycleState state = LifecycleState::kUninitialized;
  BreakerState breaker = BreakerState::kClosed;
  StatusCode health = StatusCode::kOk;  // of the last health_check()
  ActorStats stats;
  std::uint32_t mailbox_depth = 0;  // messages queued and not yet handled now (CellBase::load)
  std::uint32_t mailbox_capacity = 0;  // the bound in force (CellBase::mailbox_capacity)
  std::vector<HealthNode> children;
  // True when this actor and every descendant is Running, no breaker is open and no
  // health_check() failed.
  bool healthy() const;
};

class ActorSystem {
 public:
  explicit ActorSystem(Env& env, SystemConfig config = {});
  ~ActorSystem();
  ActorSystem(const ActorSystem&) = delete;
  ActorSystem& operator=(const ActorSystem&) = delete;

  Env& env() { return env_; }
  SupervisorRef root() { return root_; }
  Registry& registry() { return registry_; }
  Bus& bus() { return *bus_; }
  const SystemConfig& config() const { return config_; }

  // Starts the tree (root first, then children in order). Idempotent only before start.
  void start();
  // Stops the tree in reverse start order.
  void stop();
  // The root supervisor gave up (intensity exceeded with nowhere to escalate).
  bool root_failed() const { return root_failed_.load(std::memory_order_acquire); }

  // --- dead letters ----------------------------------------------------------------------
  void record_dead_letter(DeadLetter letter);
  std::uint64_t dead_letter_count(DeadLetterReason reason) const {
    return dead_counts_[static_cast<std::size_t>(reason)].load(std::memory_order_relaxed);
  }
  std::uint64_t dead_letter_total() const;
  // The most recent records, oldest first. System strand only.
  const std::deque<DeadLetter>& dead_letters() const { return dead_letters_; }
  Executor& strand() { return *strand_; }

  // --- health -------------------------------------------------------------------------
  HealthNode health() const;
  // Asks every actor's health_check() (each on its own strand).
  void run_health_checks();

  // --- ids (any thread) ---------------------------------------------------------------
  ActorId next_actor_id() { return ActorId{next_actor_.fetch_add(1, std::memory_order_relaxed)}; }
  std::uint64_t next_message_id() { return next_message_.fetch_add(1, std::memory_order_relaxed); }
  // The id the next send will get, without taking it. Only meaningful where nothing else
  // sends meanwhile (the single-threaded simulator: its trace recorder learns which
  // message a transport callback is about to send).
  std::uint64_t peek_next_message_id() const { return next_message_.load(std::memory_order_relaxed); }
  // Where cells read SystemConfig::handle_observer (fixed for the system's life).
  HandleObserver* const* handle_observer_slot() const { return &handle_observer_; }

  // Called by the root supervisor (root strand) when it has given up.
  void on_root_failed();

 private:
  Env& env_;
  SystemConfig config_;
  std::atomic<std::uint64_t> next_actor_{1};
  std::atomic<std::uint64_t> next_message_{1};
  HandleObserver* const handle_observer_;
  std::unique_ptr<Executor> strand_;
  std::array<std::atomic<std::uint64_t>, kDeadLetterReasonCount> dead_counts_{};
  std::deque<DeadLetter> dead_letters_;
  std::atomic<bool> root_failed_{false};
  Registry registry_;
  std::unique_ptr<Bus> bus_;
  SupervisorRef root_;
};

template <typename M>
template <BusPayload T>
void Actor<M>::publish(const std::string& topic, T payload, Priority priority) {
  system().bus().publish_erased(cell_->id(), cell_->name(), topic, T::kKind, Bus::type_tag<T>(),
                                std::make_shared<const T>(std::move(payload)), priority,
                                cell_->current() ? cell_->current()->message_id : 0);
}

template <typename M>
template <BusPayload T, typename N>
void Actor<M>::send_via_bus(const ActorRef<N>& to, T payload, Priority priority) {
  static_assert(std::is_constructible_v<N, const T&>, "the target cannot take this payload");
  ALYS_ASSERT(to.valid(), "Actor::send_via_bus to an empty ref");
  system().bus().send_erased(
      cell_->id(), cell_->name(), to.cell().name(), T::kKind,
      [to, p = std::move(payload)](const EnvelopeMeta& meta) { (void)to.cell().send(N(p), meta); },
      priority, cell_->current() ? cell_->current()->message_id : 0);
}

}  // namespace alys::actor
