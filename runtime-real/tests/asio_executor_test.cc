// AsioExecutor against the Executor contract (core/runtime/executor.h), plus strands.
#include "runtime-real/asio_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <utility>
#include <vector>

#include "runtime-real/real_clock.h"

namespace alys::real {
namespace {

constexpr auto kWait = std::chrono::seconds(30);

TEST(AsioExecutor, PostsRunInOrderAndNeverInline) {
  AsioPool pool(2);
  AsioExecutor ex(pool.context());
  pool.start();
  std::vector<int> order;  // strand-owned
  std::promise<void> done;
  for (int i = 0; i < 1000; ++i) ex.post([&order, i] { order.push_back(i); });
  ex.post([&] { done.set_value(); });
  // A post from inside a strand task cannot have run when post() returns (never inline).
  std::atomic<bool> inner_ran{false}, inline_ran{false};
  std::promise<void> inner_done;
  ex.post([&] {
    ex.post([&] {
      inner_ran = true;
      inner_done.set_value();
    });
    inline_ran = inner_ran.load();
  });
  ASSERT_EQ(inner_done.get_future().wait_for(kWait), std::future_status::ready);
  ASSERT_EQ(done.get_future().wait_for(kWait), std::future_status::ready);
  pool.stop();
  EXPECT_FALSE(inline_ran.load());
  ASSERT_EQ(order.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(AsioExecutor, OneStrandNeverRunsConcurrentlyWithItself) {
  AsioPool pool(2);
  AsioExecutor root(pool.context());
  auto a = root.make_strand();
  auto b = root.make_strand();
  pool.start();
  std::atomic<int> inside_a{0}, overlap{0}, done{0};
  std::atomic<int> max_parallel{0}, now_parallel{0};
  std::promise<void> finished;
  constexpr int kTasks = 20000;
  for (int i = 0; i < kTasks; ++i) {
    for (Executor* ex : {a.get(), b.get()}) {
      const bool is_a = ex == a.get();
      ex->post([&, is_a] {
        const int p = now_parallel.fetch_add(1) + 1;
        int m = max_parallel.load();
        while (p > m && !max_parallel.compare_exchange_weak(m, p)) {
        }
        if (is_a && inside_a.fetch_add(1) != 0) overlap.fetch_add(1);
        if (is_a) inside_a.fetch_sub(1);
        now_parallel.fetch_sub(1);
        if (done.fetch_add(1) + 1 == 2 * kTasks) finished.set_value();
      });
    }
  }
  ASSERT_EQ(finished.get_future().wait_for(kWait), std::future_status::ready);
  pool.stop();
  EXPECT_EQ(overlap.load(), 0);
}

TEST(AsioExecutor, TimersFireNoEarlierThanTheirDelay) {
  AsioPool pool(1);
  AsioExecutor ex(pool.context());
  RealClock clock;
  pool.start();
  std::promise<Instant> fired;
  const Instant start = clock.now();
  ex.after(20ms, [&] { fired.set_value(clock.now()); });
  auto f = fired.get_future();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  EXPECT_GE(f.get() - start, 20ms);
  pool.stop();
}

TEST(AsioExecutor, CancelBeforeFiringWinsAndIsReportedOnce) {
  AsioPool pool(2);
  AsioExecutor ex(pool.context());
  pool.start();
  std::atomic<int> ran{0};
  const TimerId t = ex.after(50ms, [&] { ran.fetch_add(1); });
  EXPECT_TRUE(ex.cancel(t));
  EXPECT_FALSE(ex.cancel(t));
  EXPECT_FALSE(ex.cancel(TimerId{}));
  EXPECT_FALSE(ex.cancel(TimerId{987654321}));
  std::promise<void> later;
  ex.after(100ms, [&] { later.set_value(); });
  ASSERT_EQ(later.get_future().wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(ran.load(), 0);
  // A fired timer cannot be cancelled.
  std::promise<void> fired;
  const TimerId f = ex.after(0ms, [&] { fired.set_value(); });
  ASSERT_EQ(fired.get_future().wait_for(kWait), std::future_status::ready);
  EXPECT_FALSE(ex.cancel(f));
  EXPECT_EQ(ex.pending_timers(), 0u);
  pool.stop();
}

TEST(AsioExecutor, StrandsShareTimerIds) {
  AsioPool pool(1);
  AsioExecutor root(pool.context());
  auto s = root.make_strand();
  const TimerId a = root.after(1h, [] {});
  const TimerId b = s->after(1h, [] {});
  EXPECT_NE(a.value, b.value);
  EXPECT_TRUE(s->cancel(a));  // one registry
  EXPECT_TRUE(root.cancel(b));
}

TEST(AsioExecutor, DestroyingAStrandWithWorkPendingIsSafe) {
  AsioPool pool(2);
  AsioExecutor root(pool.context());
  std::atomic<int> ran{0};
  std::promise<void> done;
  {
    auto s = root.make_strand();
    for (int i = 0; i < 100; ++i) s->post([&] { ran.fetch_add(1); });
    s->after(1ms, [&] { done.set_value(); });
  }
  pool.start();
  ASSERT_EQ(done.get_future().wait_for(kWait), std::future_status::ready);
  pool.stop();
  EXPECT_EQ(ran.load(), 100);
}

}  // namespace
}  // namespace alys::real
