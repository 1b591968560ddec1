// Simulator-only actor tests: determinism (same seed, same trace hash and same observed
// order) and the RapidCheck properties of issue 3 (random interleavings come from the
// world seed: strands of one node drain in a seed-dependent order).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "runtime-real/tests/actor_test_actors.h"

namespace alys::testing {
namespace {

using namespace alys::actor;

// ----------------------------------------------------------------------------- determinism

struct Hit {
  int from = 0;
  int seq = 0;
};
struct Go {
  int count = 0;
};
using SinkMsg = std::variant<Hit>;
using SourceMsg = std::variant<Go, Reply<int>>;

class Sink final : public Actor<SinkMsg> {
 public:
  explicit Sink(std::vector<std::pair<int, int>>* seen) : seen_(seen) {}
  Status receive(SinkMsg& m) override {
    const auto& h = std::get<Hit>(m);
    seen_->emplace_back(h.from, h.seq);
    if (h.seq % 7 == 6 && h.from == 0) return Status::failed_precondition("planned crash");
    return Status::ok();
  }

 private:
  std::vector<std::pair<int, int>>* seen_;
};

class Source final : public Actor<SourceMsg> {
 public:
  Source(int id, ActorRef<SinkMsg> sink) : id_(id), sink_(std::move(sink)) {}
  Status receive(SourceMsg& m) override {
    if (auto* g = std::get_if<Go>(&m)) {
      for (int i = 0; i < g->count; ++i) {
        const auto p = static_cast<Priority>(uniform_below(env().random(), 4));
        if (!tell(sink_, Hit{id_, seq_++}, SendOptions{p, {}}).is_ok()) return Status::timeout("x");
      }
      if (g->count > 1) start_timer(3ms, Go{g->count - 1});
    }
    return Status::ok();
  }

 private:
  int id_;
  ActorRef<SinkMsg> sink_;
  int seq_ = 0;
};

struct RunResult {
  std::uint64_t trace = 0;
  std::vector<std::pair<int, int>> seen;
  std::uint64_t events = 0;
};

RunResult run_mixed(std::uint64_t seed) {
  SimRuntime rt(seed);
  RunResult out;
  {
    SystemConfig cfg;
    cfg.root.max_restarts = 1000;
    ActorSystem sys(rt.env(), cfg);
    ChildOptions so = child("sink");
    so.backoff = BackoffConfig{1ms, 8ms, 200, 0, 500'000, 1h};  // jitter from the env's Random
    auto sink = sys.root().spawn<Sink>(so, &out.seen);
    std::vector<ActorRef<SourceMsg>> sources;
    for (int i = 0; i < 4; ++i) {
      sources.push_back(sys.root().spawn<Source>(child("src" + std::to_string(i)), i, sink));
    }
    sys.start();
    for (auto& s : sources) EXPECT_TRUE(s.tell(Go{6}).is_ok());
    rt.world().run_for(1s);
    sys.stop();
    rt.world().run_for(1s);
  }
  out.trace = rt.world().trace_hash();
  out.events = rt.world().event_count();
  return out;
}

TEST(ActorSim, SameSeedSameTraceHashAndOrder) {
  const RunResult a = run_mixed(1234);
  const RunResult b = run_mixed(1234);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.seen, b.seen);
  EXPECT_GT(a.seen.size(), 50u);
}

TEST(ActorSim, SeedsExploreDifferentInterleavings) {
  std::set<std::uint64_t> traces;
  std::set<std::vector<std::pair<int, int>>> orders;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const RunResult r = run_mixed(seed);
    traces.insert(r.trace);
    orders.insert(r.seen);
  }
  EXPECT_GT(traces.size(), 1u);
  EXPECT_GT(orders.size(), 1u);
}

// Every mechanism at once (OneForAll restarts, jittered backoff, breaker, ask timeouts, bus,
// Block and DropOldest overflow), observed through a probe: same seed, same everything.
struct SinkRun {
  std::uint64_t trace = 0;
  std::vector<std::string> events;
  std::uint64_t dead = 0;
};

struct Ask {
  int x = 0;
  ReplyTo<int> to;
};
struct Poke {};
using OracleMsg = std::variant<Ask, Poke>;
class Oracle final : public Actor<OracleMsg> {  // answers odd questions, ignores even ones
 public:
  Status receive(OracleMsg& m) override {
    if (auto* a = std::get_if<Ask>(&m); a != nullptr && a->x % 2 == 1)
      reply(a->to, Result<int>(a->x));
    return Status::ok();
  }
};
struct Event {
  static constexpr std::string_view kKind = "event";
  int n = 0;
};
using ClientMsg = std::variant<Go, Reply<int>, Event>;
class Client final : public Actor<ClientMsg> {
 public:
  Client(Probe* probe, ActorRef<OracleMsg> oracle, ActorRef<WorkerMsg> worker, int id)
      : probe_(probe), oracle_(std::move(oracle)), worker_(std::move(worker)), id_(id) {}
  Status receive(ClientMsg& m) override {
    if (auto* g = std::get_if<Go>(&m)) {
      for (int i = 0; i < g->count; ++i) {
        ask<int>(
            oracle_,
            [i](ReplyTo<int> r) {
              return Ask{i, std::move(r)};
            },
            5ms);
        (void)tell(worker_, Ping{id_ * 100 + i});
        if (i % 3 == 0) (void)tell(worker_, Fail{});
        publish("events", Event{id_ * 100 + i});
      }
    } else if (auto* r = std::get_if<Reply<int>>(&m)) {
      probe_->add("c" + std::to_string(id_) + (r->result ? ":ok" : ":timeout"));
    } else {
      probe_->add("c" + std::to_string(id_) + ":event:" + std::to_string(std::get<Event>(m).n));
    }
    return Status::ok();
  }

 private:
  Probe* probe_;
  ActorRef<OracleMsg> oracle_;
  ActorRef<WorkerMsg> worker_;
  int id_;
};

SinkRun kitchen_sink(std::uint64_t seed) {
  SimRuntime rt(seed);
  SinkRun out;
  Probe probe;
  {
    SystemConfig cfg;
    cfg.root.max_restarts = 1000;
    cfg.bus.rate = RateLimit{5, 100};
    ActorSystem sys(rt.env(), cfg);
    auto group = sys.root().spawn_supervisor(child("group"),
                                             SupervisorOptions{Strategy::kOneForAll, 1000, 1h});
    ChildOptions wo = child("worker");
    wo.backoff = BackoffConfig{1ms, 8ms, 200, 0, 300'000, 1h};
    wo.breaker = CircuitBreakerConfig{3, 4ms, 1};
    wo.mailbox.capacity = 6;
    wo.mailbox.overflow = Overflow::kBlock;
    auto worker = group.spawn<Worker>(wo, &probe, std::string("w"));
    ChildOptions oo = child("oracle");
    oo.mailbox.capacity = 4;
    oo.mailbox.overflow = Overflow::kDropOldest;
    auto oracle = group.spawn<Oracle>(oo);
    std::vector<ActorRef<ClientMsg>> clients;
    for (int i = 0; i < 3; ++i) {
      clients.push_back(
          sys.root().spawn<Client>(child("client" + std::to_string(i)), &probe, oracle, worker, i));
      sys.bus().subscribe<Event>("events", clients.back());
    }
    sys.start();
    for (int round = 0; round < 4; ++round) {
      for (auto& c : clients) (void)c.tell(Go{5});
      rt.world().run_for(7ms);
    }
    rt.world().run_for(1s);
    sys.stop();
    rt.world().run_for(1s);
    out.dead = sys.dead_letter_total();
  }
  out.events = probe.events();
  out.trace = rt.world().trace_hash();
  return out;
}

TEST(ActorSim, KitchenSinkIsDeterministicPerSeed) {
  std::set<std::uint64_t> traces;
  for (std::uint64_t seed : {5u, 6u, 7u}) {
    const SinkRun a = kitchen_sink(seed);
    const SinkRun b = kitchen_sink(seed);
    EXPECT_EQ(a.trace, b.trace) << seed;
    EXPECT_EQ(a.events, b.events) << seed;
    EXPECT_EQ(a.dead, b.dead) << seed;
    EXPECT_GT(a.events.size(), 100u);
    EXPECT_GT(a.dead, 0u);
    traces.insert(a.trace);
  }
  EXPECT_EQ(traces.size(), 3u);
}

// A node program whose whole actor tree lives and dies with the node.
class ActorNode final : public NodeProgram {
 public:
  ActorNode(Env& env, std::vector<std::pair<int, int>>* seen) : sys_(env, config()) {
    sink_ = sys_.root().spawn<Sink>(child("sink"), seen);
    for (int i = 0; i < 3; ++i) {
      sources_.push_back(sys_.root().spawn<Source>(child("src" + std::to_string(i)), i, sink_));
    }
  }
  void start() override {
    sys_.start();
    for (auto& s : sources_) (void)s.tell(Go{20});
  }
  ActorSystem& system() { return sys_; }

 private:
  static SystemConfig config() {
    SystemConfig c;
    c.root.max_restarts = 1000;
    return c;
  }
  ActorSystem sys_;
  ActorRef<SinkMsg> sink_;
  std::vector<ActorRef<SourceMsg>> sources_;
};

std::uint64_t crash_restart_run(std::uint64_t seed, std::size_t* seen_count) {
  sim::WorldConfig c;
  c.seed = seed;
  sim::World world(c);
  std::vector<std::pair<int, int>> seen;
  const NodeId n =
      world.add_node([&](Env& env) { return std::make_unique<ActorNode>(env, &seen); });
  world.run_for(20ms);  // mid-traffic: timers, posts and mailboxes are all busy
  world.crash(n);
  world.run_for(5ms);
  world.restart(n);
  world.run_for(1s);
  EXPECT_TRUE(world.is_up(n));
  auto* node = static_cast<ActorNode*>(world.program(n));
  EXPECT_TRUE(node->system().health().healthy());
  *seen_count = seen.size();
  return world.trace_hash();
}

TEST(ActorSim, NodeCrashDropsTheTreeAndARestartBuildsAFreshOne) {
  std::size_t a = 0, b = 0;
  const std::uint64_t h1 = crash_restart_run(77, &a);
  const std::uint64_t h2 = crash_restart_run(77, &b);
  EXPECT_EQ(h1, h2);
  EXPECT_EQ(a, b);
  EXPECT_GT(a, 60u);  // the second incarnation ran its sources to the end
}

// ----------------------------------------------------------------------------- properties

struct Tagged {
  int sender = 0;
  int priority = 0;
  int seq = 0;
  bool crash = false;
};
struct Send {
  std::vector<Tagged> batch;
};
using TargetMsg = std::variant<Tagged>;
using SenderMsg = std::variant<Send>;

struct Observed {
  std::vector<Tagged> handled;
  std::vector<std::uint64_t> handled_ids;
};

class Target final : public Actor<TargetMsg> {
 public:
  explicit Target(Observed* obs) : obs_(obs) {}
  Status receive(TargetMsg& m) override {
    const auto& t = std::get<Tagged>(m);
    if (t.crash) return Status::failed_precondition("crash requested");
    obs_->handled.push_back(t);
    obs_->handled_ids.push_back(envelope().message_id);
    return Status::ok();
  }

 private:
  Observed* obs_;
};

class Sender final : public Actor<SenderMsg> {
 public:
  explicit Sender(ActorRef<TargetMsg> target) : target_(std::move(target)) {}
  Status receive(SenderMsg& m) override {
    for (const Tagged& t : std::get<Send>(m).batch) {
      (void)tell(target_, t, SendOptions{static_cast<Priority>(t.priority), {}});
    }
    return Status::ok();
  }

 private:
  ActorRef<TargetMsg> target_;
};

// Property: per-sender FIFO within a priority under random interleavings (seeded strands).
RC_GTEST_PROP(ActorProps, PerSenderFifoWithinPriority, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const int senders = *rc::gen::inRange(1, 5);
  const auto batches = *rc::gen::container<std::vector<std::vector<int>>>(
      static_cast<std::size_t>(senders),
      rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 4)));
  SimRuntime rt(seed);
  Observed obs;
  {
    ActorSystem sys(rt.env());
    ChildOptions to = child("target");
    to.mailbox.capacity = 100000;
    auto target = sys.root().spawn<Target>(to, &obs);
    std::vector<ActorRef<SenderMsg>> refs;
    for (int s = 0; s < senders; ++s) {
      refs.push_back(sys.root().spawn<Sender>(child("s" + std::to_string(s)), target));
    }
    sys.start();
    std::size_t total = 0;
    for (int s = 0; s < senders; ++s) {
      // Split each sender's list into a few sends so handlers interleave.
      std::vector<int> seqs(static_cast<std::size_t>(1 + s), 0);
      std::vector<Tagged> batch;
      int seq = 0;
      for (const int prio : batches[static_cast<std::size_t>(s)]) {
        batch.push_back(Tagged{s, prio, seq++, false});
        if (batch.size() == 3) {
          RC_ASSERT(refs[static_cast<std::size_t>(s)].tell(Send{batch}).is_ok());
          total += batch.size();
          batch.clear();
        }
      }
      if (!batch.empty()) {
        RC_ASSERT(refs[static_cast<std::size_t>(s)].tell(Send{batch}).is_ok());
        total += batch.size();
      }
    }
    rt.world().run_until_idle(10'000'000);
    RC_ASSERT(obs.handled.size() == total);
  }
  std::map<std::pair<int, int>, int> last;
  for (const Tagged& t : obs.handled) {
    const auto key = std::make_pair(t.sender, t.priority);
    const auto it = last.find(key);
    if (it != last.end()) RC_ASSERT(t.seq > it->second);
    last[key] = t.seq;
  }
}

// Property: no message is both delivered and dead-lettered, and every message is exactly one
// of the two once the system is stopped and idle (random bound, strategy, crashes, breaker).
RC_GTEST_PROP(ActorProps, NoMessageBothDeliveredAndDeadLettered, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto capacity = *rc::gen::inRange<std::uint32_t>(1, 8);
  const auto overflow = *rc::gen::element(Overflow::kDropOldest, Overflow::kDropNewest,
                                          Overflow::kFail, Overflow::kBackoff, Overflow::kBlock);
  const bool breaker = *rc::gen::arbitrary<bool>();
  const auto batch_max = *rc::gen::inRange<std::uint32_t>(1, 5);
  const auto plan = *rc::gen::container<std::vector<std::pair<int, bool>>>(rc::gen::pair(
      rc::gen::inRange(0, 4), rc::gen::weightedElement<bool>({{9, false}, {1, true}})));
  SimRuntime rt(seed);
  Observed obs;
  std::vector<DeadLetter> dead;
  {
    SystemConfig cfg;
    cfg.root.max_restarts = 1'000'000;
    cfg.dead_letters_max = 1'000'000;
    ActorSystem sys(rt.env(), cfg);
    ChildOptions to = child("target");
    to.mailbox.capacity = capacity;
    to.mailbox.overflow = overflow;
    to.mailbox.retry_initial = 1ms;
    to.mailbox.retry_max = 3;
    to.mailbox.batch_max = batch_max;
    if (breaker) to.breaker = CircuitBreakerConfig{2, 5ms, 1};
    auto target = sys.root().spawn<Target>(to, &obs);
    auto sender = sys.root().spawn<Sender>(child("sender"), target);
    sys.start();
    std::vector<Tagged> batch;
    int seq = 0;
    for (const auto& [prio, crash] : plan) {
      batch.push_back(Tagged{0, prio, seq++, crash});
      if (batch.size() == 5) {
        RC_ASSERT(sender.tell(Send{batch}).is_ok());
        batch.clear();
        rt.world().run_for(1ms);
      }
    }
    if (!batch.empty()) RC_ASSERT(sender.tell(Send{batch}).is_ok());
    rt.world().run_for(1s);
    sys.stop();
    rt.world().run_until_idle(10'000'000);
    const auto& dl = sys.dead_letters();
    dead.assign(dl.begin(), dl.end());
  }
  std::set<std::uint64_t> delivered(obs.handled_ids.begin(), obs.handled_ids.end());
  RC_ASSERT(delivered.size() == obs.handled_ids.size());
  std::set<std::uint64_t> dead_ids;
  for (const DeadLetter& d : dead) {
    if (d.target_name != "target") continue;
    RC_ASSERT(dead_ids.insert(d.meta.message_id).second);  // dead-lettered at most once
    RC_ASSERT(!delivered.contains(d.meta.message_id));
  }
  RC_ASSERT(delivered.size() + dead_ids.size() == plan.size());
  RC_CLASSIFY(!dead_ids.empty(), "some dead letters");
  RC_TAG(std::string(overflow_name(overflow)));
  RC_CLASSIFY(dead_ids.size() * 2 > plan.size(), "mostly dead letters");
}

// Property: a supervisor tree of random shape (OneForOne everywhere, random intensities,
// permanent workers) under random crashes ends with every worker and supervisor Running, or
// with the root Failed exactly when a model of the intensities says it must.
struct Node {
  int parent = -1;  // index into the node list; -1 = the root's direct child
  bool supervisor = false;
  std::uint32_t max_restarts = 0;
};

class ModelTree {
 public:
  ModelTree(const std::vector<Node>& nodes, std::uint32_t root_max)
      : nodes_(nodes), count_(nodes.size(), 0), root_max_(root_max) {}

  // A crash of worker `w`; returns false once the root has failed.
  bool crash(int w) {
    if (root_failed_) return false;
    int failing = w;
    for (;;) {
      const int sup = nodes_[static_cast<std::size_t>(failing)].parent;
      std::uint32_t& count = sup < 0 ? root_count_ : count_[static_cast<std::size_t>(sup)];
      const std::uint32_t max =
          sup < 0 ? root_max_ : nodes_[static_cast<std::size_t>(sup)].max_restarts;
      ++count;
      if (count <= max) {
        reset_below(failing);  // the failing node is restarted: its subtree starts afresh
        return true;
      }
      if (sup < 0) {
        root_failed_ = true;
        return false;
      }
      failing = sup;  // the supervisor escalates
    }
  }
  bool root_failed() const { return root_failed_; }

 private:
  void reset_below(int n) {
    count_[static_cast<std::size_t>(n)] = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].parent == n) reset_below(static_cast<int>(i));
    }
  }
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> count_;
  std::uint32_t root_count_ = 0;
  std::uint32_t root_max_;
  bool root_failed_ = false;
};

RC_GTEST_PROP(ActorProps, RandomTreeEndsRunningOrRootFailedPerIntensity, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const int n = *rc::gen::inRange(1, 9);
  std::vector<Node> nodes;
  for (int i = 0; i < n; ++i) {
    Node node;
    node.supervisor = *rc::gen::arbitrary<bool>() && i + 1 < n;
    node.max_restarts = *rc::gen::inRange<std::uint32_t>(0, 4);
    // Parent: the root or an earlier supervisor.
    std::vector<int> sups{-1};
    for (int j = 0; j < i; ++j) {
      if (nodes[static_cast<std::size_t>(j)].supervisor) sups.push_back(j);
    }
    node.parent = *rc::gen::elementOf(sups);
    nodes.push_back(node);
  }
  std::vector<int> workers;
  for (int i = 0; i < n; ++i) {
    if (!nodes[static_cast<std::size_t>(i)].supervisor) workers.push_back(i);
  }
  RC_PRE(!workers.empty());
  const auto root_max = *rc::gen::inRange<std::uint32_t>(0, 6);
  const auto crash_count = *rc::gen::inRange<std::size_t>(0, 8);
  const auto crashes = *rc::gen::container<std::vector<int>>(
      crash_count, rc::gen::inRange<int>(0, static_cast<int>(workers.size())));

  SimRuntime rt(seed);
  Probe probe;
  SystemConfig cfg;
  cfg.root.max_restarts = root_max;
  cfg.root.within = 1000h;
  ActorSystem sys(rt.env(), cfg);
  std::vector<SupervisorRef> sup_refs(nodes.size());
  std::vector<ActorRef<WorkerMsg>> worker_refs(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    SupervisorRef parent =
        nodes[i].parent < 0 ? sys.root() : sup_refs[static_cast<std::size_t>(nodes[i].parent)];
    const std::string name = "n" + std::to_string(i);
    if (nodes[i].supervisor) {
      sup_refs[i] = parent.spawn_supervisor(
          child(name), SupervisorOptions{Strategy::kOneForOne, nodes[i].max_restarts, 1000h});
    } else {
      worker_refs[i] = parent.spawn<Worker>(child(name), &probe, name);
    }
  }
  sys.start();
  rt.world().run_until_idle();
  ModelTree model(nodes, root_max);
  for (const int c : crashes) {
    const int w = workers[static_cast<std::size_t>(c)];
    const bool alive = model.crash(w);
    RC_ASSERT(worker_refs[static_cast<std::size_t>(w)].tell(Fail{}).is_ok());
    rt.world().run_until_idle();
    RC_ASSERT(sys.root_failed() == model.root_failed());
    if (!alive) break;
  }
  RC_ASSERT(sys.root_failed() == model.root_failed());
  RC_CLASSIFY(sys.root_failed(), "root failed");
  RC_CLASSIFY(!crashes.empty() && !sys.root_failed(), "crashes survived");
  if (!sys.root_failed()) {
    RC_ASSERT(sys.health().healthy());
  } else {
    RC_ASSERT(sys.root().state() == LifecycleState::kFailed);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const CellBase& c = nodes[i].supervisor ? static_cast<const CellBase&>(sup_refs[i].cell())
                                              : worker_refs[i].cell();
      RC_ASSERT(c.state() != LifecycleState::kRunning);
    }
  }
}

}  // namespace
}  // namespace alys::testing
