// Actor-system behaviour that only a real thread pool can show: a handler that occupies
// its thread while the supervisor keeps working on another.
#include <future>

#include "runtime-real/tests/actor_test_actors.h"

namespace alys::testing {
namespace {

using namespace alys::actor;

// Blocks inside its handler until the test releases it (test code may block; actors may not).
class Blocker final : public Actor<WorkerMsg> {
 public:
  Blocker(std::promise<void>* entered, std::shared_future<void> release)
      : entered_(entered), release_(std::move(release)) {}
  Status receive(WorkerMsg&) override {
    entered_->set_value();
    release_.wait();
    return Status::ok();
  }

 private:
  std::promise<void>* entered_;
  std::shared_future<void> release_;
};

TEST(ActorAsio, StopTimeoutCountsABusyChildKilledAndMovesOn) {
  AsioRuntime<2> rt;
  Probe probe;
  auto sys = std::make_unique<ActorSystem>(rt.env());
  std::promise<void> entered, release;
  ChildOptions o = child("busy");
  o.stop_timeout = 20ms;
  auto busy = sys->root().spawn<Blocker>(o, &entered, release.get_future().share());
  auto w = sys->root().spawn<Worker>(child("w"), &probe, std::string("w"));
  sys->start();
  ASSERT_TRUE(rt.wait_until([&] { return w.cell().state() == LifecycleState::kRunning; }, 20s));
  ASSERT_TRUE(busy.tell(Ping{1}).is_ok());
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
  sys->stop();  // reverse order: w, then busy (stuck in its handler)
  ASSERT_TRUE(rt.wait_until([&] { return sys->root().state() == LifecycleState::kStopped; }, 20s));
  EXPECT_EQ(w.cell().state(), LifecycleState::kStopped);
  EXPECT_EQ(busy.cell().state(), LifecycleState::kRunning);  // counted killed, still busy
  release.set_value();
  ASSERT_TRUE(rt.wait_until([&] { return busy.cell().state() == LifecycleState::kStopped; }, 20s));
  rt.shutdown();
  sys.reset();
}

}  // namespace
}  // namespace alys::testing
