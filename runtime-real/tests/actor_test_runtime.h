// Test runtimes for the actor-system suite: the same typed tests run on the simulator (one
// seeded World, virtual time) and on the Asio executor (a real thread pool, 1 or 2 threads).
//
// wait_until(pred, limit): sim: runs the world in 1 ms virtual slices until pred() or the
//   virtual limit; real: polls pred() every 1 ms (poll_until) until it holds or the
//   wall-clock limit passes. Tests assert on behaviour, never on
//   wall-clock timing; limits are generous.
// sync(executor, fn): runs fn on that executor (strand) and waits for it: how a test reads
//   strand-owned state (dead letters) without racing the pool.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/runtime/env.h"
#include "core/runtime/log.h"
#include "core/runtime/program.h"
#include "core/runtime/random.h"
#include "runtime-real/asio_executor.h"
#include "runtime-real/real_clock.h"
#include "runtime-real/tests/poll_until.h"
#include "runtime-sim/world.h"

namespace alys::testing {

class TestRuntime {
 public:
  virtual ~TestRuntime() = default;
  virtual Env& env() = 0;
  virtual bool wait_until(const std::function<bool()>& pred, Duration limit) = 0;
  virtual void sync(Executor& ex, std::function<void()> fn) = 0;
  // Stops running tasks (real: stops and joins the pool). Call before destroying actors.
  virtual void shutdown() = 0;
  virtual bool simulated() const = 0;
  virtual std::string name() const = 0;
};

class SimRuntime final : public TestRuntime {
 public:
  explicit SimRuntime(std::uint64_t seed = 42) : world_(config(seed)) {
    world_.add_node([this](Env& env) -> std::unique_ptr<NodeProgram> {
      env_ = &env;
      return std::make_unique<Idle>();
    });
    world_.run_until_idle();
  }
  Env& env() override { return *env_; }
  bool wait_until(const std::function<bool()>& pred, Duration limit) override {
    const Instant deadline = world_.now() + limit;
    while (!pred()) {
      if (world_.now() >= deadline) return false;
      world_.run_for(1ms);
    }
    return true;
  }
  void sync(Executor& ex, std::function<void()> fn) override {
    bool done = false;
    ex.post([&] {
      fn();
      done = true;
    });
    ASSERT_TRUE(wait_until([&] { return done; }, 60s));
  }
  void shutdown() override {}
  bool simulated() const override { return true; }
  std::string name() const override { return "sim"; }
  sim::World& world() { return world_; }

 private:
  struct Idle final : NodeProgram {
    void start() override {}
  };
  static sim::WorldConfig config(std::uint64_t seed) {
    sim::WorldConfig c;
    c.seed = seed;
    return c;
  }
  sim::World world_;
  Env* env_ = nullptr;
};

template <std::size_t Threads>
class AsioRuntime final : public TestRuntime {
 public:
  AsioRuntime()
      : pool_(Threads),
        executor_(pool_.context()),
        random_(Xoshiro256ss(7)),
        env_(0, clock_, executor_, transport_, storage_, random_, buggify_, log_) {
    pool_.start();
  }
  ~AsioRuntime() override { pool_.stop(); }
  Env& env() override { return env_; }
  bool wait_until(const std::function<bool()>& pred, Duration limit) override {
    return real::poll_until(pred, limit);
  }
  void sync(Executor& ex, std::function<void()> fn) override {
    std::promise<void> done;
    auto fut = done.get_future();
    ex.post([&] {
      fn();
      done.set_value();
    });
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  }
  void shutdown() override { pool_.stop(); }
  bool simulated() const override { return false; }
  std::string name() const override { return "asio" + std::to_string(Threads); }

 private:
  real::AsioPool pool_;
  real::AsioExecutor executor_;
  real::RealClock clock_;
  NullTransport transport_;
  NullStorage storage_;
  SeededRandom random_;
  NoBuggify buggify_;
  NullLog log_;
  Env env_;
};

// A thread-safe event log that test actors append to.
class Probe {
 public:
  void add(std::string event) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::size_t count(const std::string& event) const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& e : events_) n += e == event ? 1 : 0;
    return n;
  }
  void clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return events_.size();
  }
  // Events starting with `prefix`, in order.
  std::vector<std::string> with_prefix(const std::string& prefix) const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& e : events_) {
      if (e.rfind(prefix, 0) == 0) out.push_back(e);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> events_;
};

}  // namespace alys::testing
