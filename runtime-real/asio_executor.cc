// clang-format off
#include <utility>  // before Boost.Asio: GCC 12 + C++20 quirk
#include <boost/asio.hpp>
// clang-format on

#include "runtime-real/asio_executor.h"

#include <map>
#include <mutex>
#include <optional>

#include "core/runtime/assert.h"

namespace alys::real {

namespace asio = boost::asio;

struct AsioExecutor::Impl {
  explicit Impl(asio::io_context& io) : strand(asio::make_strand(io)) {}
  asio::strand<asio::io_context::executor_type> strand;
};

struct AsioExecutor::Timers {
  std::mutex mu;
  std::map<std::uint64_t, std::shared_ptr<asio::steady_timer>> pending;  // guarded by mu
  std::uint64_t next = 0;                                                // guarded by mu
};

AsioExecutor::AsioExecutor(asio::io_context& io) : AsioExecutor(io, std::make_shared<Timers>()) {}

AsioExecutor::AsioExecutor(asio::io_context& io, std::shared_ptr<Timers> timers)
    : io_(io), impl_(std::make_unique<Impl>(io)), timers_(std::move(timers)) {}

AsioExecutor::~AsioExecutor() = default;

void AsioExecutor::post(Task task) {
  ALYS_ASSERT(task, "Executor::post: empty task");
  asio::post(impl_->strand, [t = std::move(task)]() mutable { t(); });
}

TimerId AsioExecutor::after(Duration delay, Task task) {
  ALYS_ASSERT(delay >= Duration::zero(), "Executor::after: negative delay");
  ALYS_ASSERT(task, "Executor::after: empty task");
  auto timer = std::make_shared<asio::steady_timer>(impl_->strand, delay);
  std::lock_guard lock(timers_->mu);  // held across async_wait: the completion takes it too
  const std::uint64_t id = ++timers_->next;
  timers_->pending.emplace(id, timer);
  timer->async_wait(
      [timers = timers_, id, t = std::move(task)](const boost::system::error_code&) mutable {
        {
          std::lock_guard inner(timers->mu);
          const auto it = timers->pending.find(id);
          if (it == timers->pending.end()) return;  // cancelled
          timers->pending.erase(it);
        }
        t();
      });
  return TimerId{id};
}

bool AsioExecutor::cancel(TimerId id) {
  if (!id) return false;
  std::lock_guard lock(timers_->mu);
  const auto it = timers_->pending.find(id.value);
  if (it == timers_->pending.end()) return false;
  it->second->cancel();
  timers_->pending.erase(it);
  return true;
}

std::unique_ptr<Executor> AsioExecutor::make_strand() {
  // The sharing constructor is private, so make_unique cannot reach it.
  return std::unique_ptr<Executor>(new AsioExecutor(io_, timers_));
}

std::size_t AsioExecutor::pending_timers() const {
  std::lock_guard lock(timers_->mu);
  return timers_->pending.size();
}

struct AsioPool::Impl {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
};

AsioPool::AsioPool(std::size_t threads) : thread_count_(threads), impl_(std::make_unique<Impl>()) {
  ALYS_ASSERT(threads > 0, "AsioPool: need at least one thread");
}

AsioPool::~AsioPool() { stop(); }

asio::io_context& AsioPool::context() { return impl_->io; }

void AsioPool::start() {
  ALYS_ASSERT(threads_.empty(), "AsioPool::start: already started");
  impl_->work.emplace(asio::make_work_guard(impl_->io));
  threads_.reserve(thread_count_);
  for (std::size_t i = 0; i < thread_count_; ++i) {
    threads_.emplace_back([this] { impl_->io.run(); });
  }
}

void AsioPool::stop() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace alys::real
