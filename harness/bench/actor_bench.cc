// Actor-system benchmarks (issue 3, DESIGN.md §9): ping-pong messages/s between two actors
// (simulator; Asio with 1 and 2 threads), fan-out 1 -> 1000, spawn rate, bytes per idle
// actor. Figures are reported as counters (items_per_second, bytes_per_actor); compare them
// as ratios within one run, never as timed tests.
//
// The Asio benchmarks need alys_real, which the harness target does not link (DESIGN.md §1:
// harness never depends on runtime-real); they are compiled only when ALYS_BENCH_ASIO is
// defined by a build that links alys_real.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>
#include <variant>
#include <vector>

#include "core/actor/system.h"
#include "runtime-sim/world.h"

#ifdef ALYS_BENCH_ASIO
#include <thread>

#include "runtime-real/asio_executor.h"
#include "runtime-real/real_clock.h"
#endif

namespace alys::bench {
namespace {

using namespace alys::actor;

// One simulated node whose Env the benchmark borrows.
class SimNodeEnv {
 public:
  SimNodeEnv() : world_(sim::WorldConfig{}) {
    world_.add_node([this](Env& env) -> std::unique_ptr<NodeProgram> {
      env_ = &env;
      return std::make_unique<Idle>();
    });
    world_.run_until_idle();
  }
  Env& env() { return *env_; }
  sim::World& world() { return world_; }

 private:
  struct Idle final : NodeProgram {
    void start() override {}
  };
  sim::World world_;
  Env* env_ = nullptr;
};

// A latch the last handler opens (Asio runs handlers on pool threads).
class Done {
 public:
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait_and_reset() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
    open_ = false;
  }
  bool is_open() {
    std::lock_guard lock(mu_);
    return open_;
  }
  void reset() {
    std::lock_guard lock(mu_);
    open_ = false;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// ----------------------------------------------------------------------------- ping-pong

struct Ball {
  std::int64_t left = 0;
};
struct Serve {
  std::int64_t count = 0;
};
using PlayerMsg = std::variant<Ball, Serve>;

class Player final : public Actor<PlayerMsg> {
 public:
  Player(ActorRef<PlayerMsg>* peer, Done* done) : peer_(peer), done_(done) {}
  Status receive(PlayerMsg& m) override {
    if (auto* s = std::get_if<Serve>(&m)) return tell(*peer_, Ball{s->count - 1});
    const std::int64_t left = std::get<Ball>(m).left;
    if (left == 0) {
      done_->open();
      return Status::ok();
    }
    return tell(*peer_, Ball{left - 1});
  }

 private:
  ActorRef<PlayerMsg>* peer_;
  Done* done_;
};

constexpr std::int64_t kRally = 100'000;

struct Pair {
  ActorRef<PlayerMsg> a, b;
  Done done;
};

void spawn_pair(ActorSystem& sys, Pair& p) {
  ChildOptions oa, ob;
  oa.name = "ping";
  ob.name = "pong";
  p.a = sys.root().spawn<Player>(oa, &p.b, &p.done);
  p.b = sys.root().spawn<Player>(ob, &p.a, &p.done);
  sys.start();
}

void BM_PingPongSim(benchmark::State& state) {
  SimNodeEnv node;
  Pair p;
  {
    ActorSystem sys(node.env());
    spawn_pair(sys, p);
    node.world().run_until_idle();
    for (auto _ : state) {
      (void)p.a.tell(Serve{kRally});
      node.world().run_until_idle();
      if (!p.done.is_open()) state.SkipWithError("rally did not finish");
      p.done.reset();
    }
    state.SetItemsProcessed(state.iterations() * kRally);
  }
}
BENCHMARK(BM_PingPongSim)->Unit(benchmark::kMillisecond);

// ----------------------------------------------------------------------------- fan-out

struct Hit {};
using LeafMsg = std::variant<Hit>;
struct Fire {};
using HubMsg = std::variant<Fire>;

class Leaf final : public Actor<LeafMsg> {
 public:
  explicit Leaf(std::atomic<std::int64_t>* left, Done* done) : left_(left), done_(done) {}
  Status receive(LeafMsg&) override {
    if (left_->fetch_sub(1, std::memory_order_acq_rel) == 1) done_->open();
    return Status::ok();
  }

 private:
  std::atomic<std::int64_t>* left_;
  Done* done_;
};

class Hub final : public Actor<HubMsg> {
 public:
  explicit Hub(std::vector<ActorRef<LeafMsg>>* leaves) : leaves_(leaves) {}
  Status receive(HubMsg&) override {
    for (auto& l : *leaves_) {
      if (Status s = tell(l, Hit{}); !s.is_ok()) return s;
    }
    return Status::ok();
  }

 private:
  std::vector<ActorRef<LeafMsg>>* leaves_;
};

constexpr int kFanOut = 1000;

void BM_FanOutSim(benchmark::State& state) {
  SimNodeEnv node;
  std::vector<ActorRef<LeafMsg>> leaves;
  std::atomic<std::int64_t> left{0};
  Done done;
  {
    ActorSystem sys(node.env());
    for (int i = 0; i < kFanOut; ++i) {
      ChildOptions o;
      o.name = "leaf";
      leaves.push_back(sys.root().spawn<Leaf>(o, &left, &done));
    }
    ChildOptions ho;
    ho.name = "hub";
    auto hub = sys.root().spawn<Hub>(ho, &leaves);
    sys.start();
    node.world().run_until_idle();
    for (auto _ : state) {
      left.store(kFanOut);
      (void)hub.tell(Fire{});
      node.world().run_until_idle();
      done.reset();
    }
    state.SetItemsProcessed(state.iterations() * kFanOut);
    leaves.clear();
  }
}
BENCHMARK(BM_FanOutSim)->Unit(benchmark::kMicrosecond);

// ----------------------------------------------------------------------------- spawn, memory

class Idle final : public Actor<LeafMsg> {
 public:
  Status receive(LeafMsg&) override { return Status::ok(); }
};

constexpr int kSpawnBatch = 10'000;

void BM_SpawnSim(benchmark::State& state) {
  SimNodeEnv node;
  for (auto _ : state) {
    ActorSystem sys(node.env());
    sys.start();
    node.world().run_until_idle();
    ChildOptions o;
    o.name = "idle";
    for (int i = 0; i < kSpawnBatch; ++i) benchmark::DoNotOptimize(sys.root().spawn<Idle>(o));
    node.world().run_until_idle();  // every actor started (pre_start ran, Running)
    state.PauseTiming();
    if (sys.health().children.size() != static_cast<std::size_t>(kSpawnBatch)) {
      state.SkipWithError("not all spawned");
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kSpawnBatch);
}
BENCHMARK(BM_SpawnSim)->Unit(benchmark::kMillisecond);

template <typename Make>
double bytes_per_idle_actor(ActorSystem& sys, Make&& settle) {
  ChildOptions o;
  o.name = "idle";
  std::vector<ActorRef<LeafMsg>> refs;
  refs.reserve(kSpawnBatch);
  const auto before = mallinfo2().uordblks;
  for (int i = 0; i < kSpawnBatch; ++i) refs.push_back(sys.root().spawn<Idle>(o));
  settle();
  const auto after = mallinfo2().uordblks;
  // The refs vector was reserved before the first reading; its bytes are not counted.
  return static_cast<double>(after - before) / kSpawnBatch;
}

void BM_IdleActorBytesSim(benchmark::State& state) {
  double bytes = 0;
  for (auto _ : state) {
    SimNodeEnv node;
    ActorSystem sys(node.env());
    sys.start();
    node.world().run_until_idle();
    bytes = bytes_per_idle_actor(sys, [&] { node.world().run_until_idle(); });
  }
  state.counters["bytes_per_actor"] = bytes;
}
BENCHMARK(BM_IdleActorBytesSim)->Iterations(1)->Unit(benchmark::kMillisecond);

#ifdef ALYS_BENCH_ASIO
// ----------------------------------------------------------------------------- Asio

class AsioNode {
 public:
  explicit AsioNode(std::size_t threads)
      : pool_(threads),
        executor_(pool_.context()),
        random_(Xoshiro256ss(1)),
        env_(0, clock_, executor_, transport_, storage_, random_, buggify_, log_) {
    pool_.start();
  }
  Env& env() { return env_; }
  real::AsioPool& pool() { return pool_; }

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

void BM_PingPongAsio(benchmark::State& state) {
  AsioNode node(static_cast<std::size_t>(state.range(0)));
  Pair p;
  auto sys = std::make_unique<ActorSystem>(node.env());
  spawn_pair(*sys, p);
  for (auto _ : state) {
    (void)p.a.tell(Serve{kRally});
    p.done.wait_and_reset();
  }
  state.SetItemsProcessed(state.iterations() * kRally);
  node.pool().stop();
  sys.reset();
}
BENCHMARK(BM_PingPongAsio)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FanOutAsio(benchmark::State& state) {
  AsioNode node(static_cast<std::size_t>(state.range(0)));
  std::vector<ActorRef<LeafMsg>> leaves;
  std::atomic<std::int64_t> left{0};
  Done done;
  auto sys = std::make_unique<ActorSystem>(node.env());
  for (int i = 0; i < kFanOut; ++i) {
    ChildOptions o;
    o.name = "leaf";
    leaves.push_back(sys->root().spawn<Leaf>(o, &left, &done));
  }
  ChildOptions ho;
  ho.name = "hub";
  auto hub = sys->root().spawn<Hub>(ho, &leaves);
  sys->start();
  for (auto _ : state) {
    left.store(kFanOut);
    (void)hub.tell(Fire{});
    done.wait_and_reset();
  }
  state.SetItemsProcessed(state.iterations() * kFanOut);
  node.pool().stop();
  leaves.clear();
  sys.reset();
}
BENCHMARK(BM_FanOutAsio)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_IdleActorBytesAsio(benchmark::State& state) {
  double bytes = 0;
  for (auto _ : state) {
    AsioNode node(1);
    auto sys = std::make_unique<ActorSystem>(node.env());
    sys->start();
    bytes = bytes_per_idle_actor(*sys, [&] {
      while (sys->health().children.size() < static_cast<std::size_t>(kSpawnBatch) ||
             !sys->health().healthy()) {
        std::this_thread::yield();
      }
    });
    node.pool().stop();
    sys.reset();
  }
  state.counters["bytes_per_actor"] = bytes;
}
BENCHMARK(BM_IdleActorBytesAsio)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

}  // namespace
}  // namespace alys::bench
