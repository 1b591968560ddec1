// Actors shared by the actor-system tests (both runtimes).
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>
#include <variant>

#include "core/actor/pool.h"
#include "core/actor/system.h"
#include "runtime-real/tests/actor_test_runtime.h"

namespace alys::testing {

struct Ping {
  int n = 0;
};
struct Fail {};   // returns an error
struct Throw {};  // throws
struct StopMe {};
using WorkerMsg = std::variant<Ping, Fail, Throw, StopMe>;

// Logs every hook and message to a Probe as "<name>:<event>".
class Worker : public actor::Actor<WorkerMsg> {
 public:
  Worker(Probe* probe, std::string name, bool fail_start = false)
      : probe_(probe), name_(std::move(name)), fail_start_(fail_start) {}

  Status pre_start() override {
    probe_->add(name_ + ":pre_start");
    if (fail_start_) return Status::failed_precondition("start refused");
    return Status::ok();
  }
  void started() override { probe_->add(name_ + ":started"); }
  void pre_restart(const Status&) override { probe_->add(name_ + ":pre_restart"); }
  Status post_restart(const Status&) override {
    probe_->add(name_ + ":post_restart");
    return Status::ok();
  }
  void pre_stop() override { probe_->add(name_ + ":pre_stop"); }
  void stopped() override { probe_->add(name_ + ":stopped"); }

  Status receive(WorkerMsg& m) override {
    return std::visit(
        [&](auto& msg) -> Status {
          using T = std::decay_t<decltype(msg)>;
          if constexpr (std::is_same_v<T, Ping>) {
            probe_->add(name_ + ":ping:" + std::to_string(msg.n));
          } else if constexpr (std::is_same_v<T, Fail>) {
            probe_->add(name_ + ":fail");
            return Status::failed_precondition("asked to fail");
          } else if constexpr (std::is_same_v<T, Throw>) {
            probe_->add(name_ + ":throw");
            throw std::runtime_error("asked to throw");
          } else {
            probe_->add(name_ + ":stop_me");
            stop_self();
          }
          return Status::ok();
        },
        m);
  }

 private:
  Probe* probe_;
  std::string name_;
  bool fail_start_;
};

inline actor::ChildOptions child(std::string name) {
  actor::ChildOptions o;
  o.name = std::move(name);
  return o;
}

}  // namespace alys::testing
