// The sweep machinery: runs in child processes (a crash is one failed run), shards that
// merge back into the whole sweep, and the exit codes CI relies on.
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/commands.h"
#include "harness/process_pool.h"
#include "harness/sweep.h"
#include "harness/tests/scenario_library_fixture.h"
#include "reports/results_json.h"

namespace alys::harness {
namespace {

namespace fs = std::filesystem;

TEST(ProcessPool, TasksRunInWorkersAndACrashIsOnlyItsOwn) {
  std::vector<ChildOutcome> outcomes(4);
  const pid_t parent = ::getpid();
  const bool ok = run_in_processes(
      4, 2,
      [parent](std::size_t i) -> std::string {
        if (::getpid() == parent) return "ran in the parent";
        if (i == 1) {
          std::fputs("assertion failed: x > 0\n", stderr);
          std::abort();
        }
        if (i == 2) throw std::runtime_error("boom");
        return "task " + std::to_string(i);
      },
      [&](std::size_t i, ChildOutcome o) { outcomes[i] = std::move(o); });
  EXPECT_TRUE(ok);
  EXPECT_TRUE(outcomes[0].ok());
  EXPECT_EQ(outcomes[0].output, "task 0");
  EXPECT_EQ(outcomes[3].output, "task 3");
  EXPECT_FALSE(outcomes[1].exited);
  EXPECT_EQ(outcomes[1].signal, SIGABRT);
  EXPECT_NE(outcomes[1].describe().find("signal 6"), std::string::npos) << outcomes[1].describe();
  EXPECT_NE(outcomes[1].describe().find("assertion failed: x > 0"), std::string::npos);
  EXPECT_TRUE(outcomes[2].exited);
  EXPECT_EQ(outcomes[2].exit_code, 3);
  EXPECT_NE(outcomes[2].describe().find("boom"), std::string::npos);
}

// The point of workers: a task after the first reuses a process (and its heap) instead of
// paying for a fresh one; a worker is replaced after tasks_per_worker tasks and after a crash.
TEST(ProcessPool, AWorkerRunsTasksInTurnUntilSpentOrCrashed) {
  std::vector<ChildOutcome> outcomes(7);
  const bool ok = run_in_processes(
      7, 1,
      [](std::size_t i) -> std::string {
        if (i == 4) std::abort();
        return std::to_string(::getpid());
      },
      [&](std::size_t i, ChildOutcome o) { outcomes[i] = std::move(o); },
      /*tasks_per_worker=*/3);
  EXPECT_TRUE(ok);
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) ASSERT_TRUE(outcomes[i].ok()) << i << ": " << outcomes[i].describe();
  EXPECT_FALSE(outcomes[4].ok());
  EXPECT_EQ(outcomes[0].output, outcomes[1].output);
  EXPECT_EQ(outcomes[1].output, outcomes[2].output);
  EXPECT_NE(outcomes[2].output, outcomes[3].output);  // spent after three: a new worker
  EXPECT_NE(outcomes[3].output, outcomes[5].output);  // task 4 took its worker down
  EXPECT_EQ(outcomes[5].output, outcomes[6].output);
}

// What a task writes to stderr is its own, even in a worker that ran others before it.
TEST(ProcessPool, StderrBelongsToTheTaskThatWroteIt) {
  std::vector<ChildOutcome> outcomes(3);
  run_in_processes(
      3, 1,
      [](std::size_t i) -> std::string {
        std::fprintf(stderr, "note from task %zu\n", i);
        if (i == 2) std::abort();
        return "ok";
      },
      [&](std::size_t i, ChildOutcome o) { outcomes[i] = std::move(o); });
  EXPECT_NE(outcomes[0].stderr_tail.find("note from task 0"), std::string::npos);
  EXPECT_EQ(outcomes[1].stderr_tail, "note from task 1\n");
  EXPECT_FALSE(outcomes[2].ok());
  EXPECT_NE(outcomes[2].describe().find("note from task 2"), std::string::npos) << outcomes[2].describe();
  EXPECT_EQ(outcomes[2].stderr_tail.find("task 1"), std::string::npos);
}

// Results larger than a pipe's buffer arrive whole, and more workers than tasks is fine.
TEST(ProcessPool, LargeResultsArriveWhole) {
  std::vector<std::string> got(2);
  EXPECT_TRUE(run_in_processes(
      2, 4, [](std::size_t i) { return std::string(300'000 + i, static_cast<char>('a' + i)); },
      [&](std::size_t i, ChildOutcome o) { got[i] = std::move(o.output); }));
  EXPECT_EQ(got[0], std::string(300'000, 'a'));
  EXPECT_EQ(got[1], std::string(300'001, 'b'));
}

TEST(Shard, ParsesAndNamesBadInput) {
  auto s = parse_shard("2/5");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->index, 2u);
  EXPECT_EQ(s->count, 5u);
  EXPECT_NE(parse_shard("5/5").error().message().find("i must be below N"), std::string::npos);
  EXPECT_NE(parse_shard("0/0").error().message().find("N must be at least 1"), std::string::npos);
  EXPECT_NE(parse_shard("x").error().message().find("shard 'x': no '/'"), std::string::npos);
  EXPECT_NE(parse_shard("a/3").error().message().find("not two numbers"), std::string::npos);
}

class SweepFiles : public ScenarioLibraryTest {
 protected:
  SweepFiles() : ScenarioLibraryTest("alys_sweep_test_") {}
};

TEST_F(SweepFiles, ShardsMergeIntoTheWholeSweep) {
  SweepArgs whole;
  whole.paths = {path("lib")};
  whole.seeds = {1, 3};
  whole.jobs = 2;
  whole.progress = false;
  whole.json_path = path("whole.json");
  std::ostringstream out, progress;
  EXPECT_EQ(run_sweep_command(whole, out, progress), kExitCheckFailed) << out.str();
  EXPECT_NE(out.str().find("FAILED heads-converge in 3 run(s)"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("replay: alys-sim run " + path("lib/b_broken.toml") + " --seed 1"), std::string::npos);

  std::vector<std::string> parts;
  for (std::size_t i = 0; i < 4; ++i) {
    SweepArgs shard = whole;
    shard.shard = Shard{i, 4};
    shard.json_path = path("shard" + std::to_string(i) + ".json");
    std::ostringstream o, p;
    run_sweep_command(shard, o, p);
    parts.push_back(shard.json_path);
  }
  MergeArgs merge{parts, path("merged.json"), path("merged.xml")};
  std::ostringstream mout;
  EXPECT_EQ(run_merge_command(merge, mout), kExitCheckFailed) << mout.str();

  auto a = reports::sweep_from_json(read(path("whole.json")));
  auto b = reports::sweep_from_json(read(path("merged.json")));
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_EQ(a->runs.size(), 6u);
  ASSERT_EQ(b->runs.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(a->runs[i].scenario, b->runs[i].scenario);
    EXPECT_EQ(a->runs[i].seed, b->runs[i].seed);
    EXPECT_EQ(a->runs[i].trace_hash, b->runs[i].trace_hash) << "run " << i;
    EXPECT_EQ(a->runs[i].verdict, b->runs[i].verdict);
  }
  EXPECT_EQ(a->runs[0].scenario, "a_quiet");
  EXPECT_TRUE(a->runs[0].passed());
  EXPECT_EQ(a->runs[3].scenario, "b_broken");
  EXPECT_FALSE(a->runs[3].passed());
  EXPECT_NE(read(path("merged.xml")).find("<testsuite name=\"b_broken\" tests=\"3\" failures=\"3\""),
            std::string::npos);
}

TEST_F(SweepFiles, BadInputIsExitTwoAndNamesWhat) {
  std::ostringstream out, progress;
  SweepArgs args;
  args.paths = {path("nope")};
  args.progress = false;
  EXPECT_EQ(run_sweep_command(args, out, progress), kExitBadInput);
  EXPECT_NE(out.str().find("nope: no such scenario file or folder"), std::string::npos);
  write("lib/c_bad.toml", "duration = 5\n");
  args.paths = {path("lib")};
  EXPECT_EQ(run_sweep_command(args, out, progress), kExitBadInput);
  EXPECT_NE(out.str().find("c_bad.toml:1:12: duration"), std::string::npos) << out.str();
  args.paths = {path("lib/a_quiet.toml")};
  args.plant = "no-such-bug";
  EXPECT_EQ(run_sweep_command(args, out, progress), kExitBadInput);
  MergeArgs merge{{path("missing.json")}, "", ""};
  EXPECT_EQ(run_merge_command(merge, out), kExitBadInput);
}

}  // namespace
}  // namespace alys::harness
