// AsioExecutor: the production Executor, one Asio strand on a shared io_context (DESIGN.md
// §2). AsioPool runs that io_context on a fixed number of threads.
//
// post()        asio::post onto the strand: FIFO, never inline, never concurrent with the
//               strand's other tasks. Any thread.
// after()       a steady_timer whose completion runs on the strand; deadlines use
//               std::chrono::steady_clock, the same clock as RealClock::now().
// cancel()      true iff the timer had not started running: the completion checks, under the
//               timer registry's mutex, that its id is still registered, so a timer that
//               cancel() removed never runs even if Asio already queued its completion.
//               TimerIds are unique across an executor and all its strands (one registry).
// make_strand() a new AsioExecutor (a new strand) on the same io_context, sharing the timer
//               registry: the unit of per-actor serialisation; strands run in parallel.
// Lifetime: posted tasks and timers own what they need (the strand, the registry), so
// destroying an AsioExecutor with work pending is safe: that work still runs. Stop the pool
// before destroying what the tasks touch. An idle strand costs ~100 bytes (the registry is
// shared; nothing per strand is allocated until used).
#pragma once

#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "core/runtime/executor.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace alys::real {

class AsioExecutor final : public Executor {
 public:
  explicit AsioExecutor(boost::asio::io_context& io);
  ~AsioExecutor() override;
  struct Timers;
  AsioExecutor(const AsioExecutor&) = delete;
  AsioExecutor& operator=(const AsioExecutor&) = delete;

  void post(Task task) override;
  TimerId after(Duration delay, Task task) override;
  bool cancel(TimerId id) override;
  std::unique_ptr<Executor> make_strand() override;

  std::size_t pending_timers() const;

 private:
  struct Impl;
  AsioExecutor(boost::asio::io_context& io, std::shared_ptr<Timers> timers);
  boost::asio::io_context& io_;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<Timers> timers_;
};

// An io_context and the threads that run it. start() launches `threads` workers (each
// running io_context::run until stop()); stop() lets queued work be abandoned, joins the
// threads and is idempotent. The destructor stops.
class AsioPool {
 public:
  explicit AsioPool(std::size_t threads);
  ~AsioPool();
  AsioPool(const AsioPool&) = delete;
  AsioPool& operator=(const AsioPool&) = delete;

  boost::asio::io_context& context();
  void start();
  void stop();
  std::size_t threads() const { return thread_count_; }

 private:
  struct Impl;
  std::size_t thread_count_;
  std::unique_ptr<Impl> impl_;
  std::vector<std::thread> threads_;
};

}  // namespace alys::real
