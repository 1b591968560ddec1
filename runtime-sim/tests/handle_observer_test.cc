// actor::HandleObserver (core/actor/handle_observer.h) on a simulated node: it sees every
// handled message once, batched or not, with its actor, envelope and type name; it learns
// which system it watches and when that system goes; and watching changes nothing.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/actor/system.h"
#include "runtime-sim/tests/test_util.h"
#include "runtime-sim/world.h"

namespace alys::actor {
namespace {

struct Hit {
  int n = 0;
};
struct Go {
  int count = 0;
};
using SinkMsg = std::variant<Hit>;
using SourceMsg = std::variant<Go, Hit>;

class Sink final : public Actor<SinkMsg> {
 public:
  Status receive(SinkMsg&) override { return Status::ok(); }
};

class Source final : public Actor<SourceMsg> {
 public:
  explicit Source(ActorRef<SinkMsg> sink) : sink_(std::move(sink)) {}
  Status receive(SourceMsg& m) override {
    if (const auto* g = std::get_if<Go>(&m)) {
      for (int i = 0; i < g->count; ++i) (void)tell(sink_, Hit{i});
    }
    return Status::ok();
  }

 private:
  ActorRef<SinkMsg> sink_;
};

struct Seen {
  std::string actor;
  std::string type;
  EnvelopeMeta meta;
};

class Recorder final : public HandleObserver {
 public:
  void attached(ActorSystem& s) override { events.push_back({"attached", &s, seen.size()}); }
  void detached(ActorSystem& s) override { events.push_back({"detached", &s, seen.size()}); }
  void on_handle(const CellBase& actor, const EnvelopeMeta& meta, std::string_view type) override {
    seen.push_back({actor.name(), std::string(type), meta});
  }
  struct Event {
    std::string what;
    const ActorSystem* system;
    std::size_t after_messages;  // how many messages had been seen by then
    friend bool operator==(const Event&, const Event&) = default;
  };
  std::vector<Event> events;
  std::vector<Seen> seen;
};

class Node final : public NodeProgram {
 public:
  Node(Env& env, HandleObserver* observer, std::uint32_t sink_batch)
      : system_(env, config(observer)) {
    ChildOptions s;
    s.name = "sink";
    s.mailbox.batch_max = sink_batch;
    sink_ = system_.root().spawn<Sink>(s);
    ChildOptions o;
    o.name = "source";
    source_ = system_.root().spawn<Source>(o, sink_);
  }
  void start() override { system_.start(); }
  ActorSystem& system() { return system_; }
  ActorRef<SourceMsg> source() const { return source_; }

 private:
  static SystemConfig config(HandleObserver* observer) {
    SystemConfig c;
    c.handle_observer = observer;
    return c;
  }
  ActorSystem system_;
  ActorRef<SinkMsg> sink_;
  ActorRef<SourceMsg> source_;
};

struct Observed {
  std::uint64_t trace_hash = 0;
  std::vector<Seen> seen;
  std::vector<Recorder::Event> events;
  const ActorSystem* system = nullptr;  // the node's (gone by the end)
};

Observed run(bool observe, std::uint32_t sink_batch) {
  Recorder recorder;
  auto world = std::make_unique<sim::World>(sim::testing::config_with_seed(3));
  world->add_node([&](Env& env) -> std::unique_ptr<NodeProgram> {
    return std::make_unique<Node>(env, observe ? &recorder : nullptr, sink_batch);
  });
  world->run_for(1s);
  auto& node = static_cast<Node&>(*world->program(0));
  Observed out;
  out.system = &node.system();
  EXPECT_TRUE(node.source().tell(Go{5}).is_ok());
  world->run_for(1s);
  out.trace_hash = world->trace_hash();
  world->crash(0);  // the node's process (and its system) goes
  out.seen = recorder.seen;
  out.events = recorder.events;
  return out;
}

TEST(HandleObserver, SeesEveryHandledMessageWithItsActorTypeAndEnvelope) {
  const Observed r = run(true, 1);
  ASSERT_EQ(r.seen.size(), 6u);
  EXPECT_EQ(r.seen[0].actor, "source");
  EXPECT_EQ(r.seen[0].type, "Go");
  EXPECT_EQ(r.seen[0].meta.sender, kNoActor);
  for (std::size_t i = 1; i < r.seen.size(); ++i) {
    EXPECT_EQ(r.seen[i].actor, "sink");
    EXPECT_EQ(r.seen[i].type, "Hit");
    // The edge a trace draws: the sink's message names the handler that sent it.
    EXPECT_EQ(r.seen[i].meta.causal_parent, r.seen[0].meta.message_id);
    EXPECT_NE(r.seen[i].meta.message_id, 0u);
  }
  // Told of its system before any message, and of its end after the last.
  EXPECT_EQ(r.events, (std::vector<Recorder::Event>{{"attached", r.system, 0}, {"detached", r.system, 6}}));
}

TEST(HandleObserver, SeesEachMessageOfABatch) {
  const Observed r = run(true, 4);
  ASSERT_EQ(r.seen.size(), 6u);
  for (std::size_t i = 1; i < r.seen.size(); ++i) EXPECT_EQ(r.seen[i].type, "Hit");
}

TEST(HandleObserver, WatchingChangesNothing) {
  EXPECT_EQ(run(true, 1).trace_hash, run(false, 1).trace_hash);
  EXPECT_EQ(run(true, 4).trace_hash, run(false, 4).trace_hash);
  EXPECT_TRUE(run(false, 1).seen.empty());
}

}  // namespace
}  // namespace alys::actor
