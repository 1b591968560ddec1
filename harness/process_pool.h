// ProcessPool: runs tasks in forked worker processes, at most `parallel` at a time, and
// hands back what each task returned, in completion order. A task that crashes (assertion,
// signal, exception) takes only its own worker down: the parent sees how it died and the
// last of what it wrote to stderr, starts a fresh worker for the tasks left, and the sweep
// goes on.
//
// WHY WORKERS, NOT A PROCESS PER TASK: a 10-minute chaos seed builds a ~30 MB heap, and a
// fresh process pays a page fault (and the kernel's zeroing) for every page of it: ~10% of
// a seed on the 2-core CI VMs. A worker runs up to `tasks_per_worker` tasks one after the
// other on the heap the first one left, then is replaced (bounding what a leak or a
// long-lived memo can grow to). So a task must not depend on process state that an earlier
// task could leave behind; alys-sim's tasks are seeded runs whose only process-wide state
// is memos of pure functions, and check-determinism runs every seed against a perturbed heap.
//
// A task sees the caller's state as of the call (workers fork when it starts, or when one is
// replaced): `done` must not change what a later task reads.
//
// POSIX fork/socketpair/pipe/poll/waitpid; the parent must be single-threaded when it calls
// this (alys-sim is). Workers never return into the caller: they _exit.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace alys::harness {

struct ChildOutcome {
  bool exited = false;      // the task returned, or its worker exited (else killed by a signal)
  int exit_code = 0;        // with exited: 0 when the task returned, 3 when it threw
  int signal = 0;           // without exited
  std::string output;       // what the task returned
  std::string stderr_tail;  // the last few KB written to stderr while the task ran
  bool ok() const { return exited && exit_code == 0; }
  std::string describe() const;  // "exit 3" / "signal 6 (Aborted)", with stderr's last line
};

inline constexpr std::size_t kDefaultTasksPerWorker = 64;

// Runs task(i) for i in [0, count) in workers, `parallel` (>= 1) at once, each worker taking
// the next task not yet started when it is free. done(i, outcome) runs in the parent as each
// finishes. Returns false if a worker could not be started (fork, pipe or socketpair
// failed): tasks not started by then are not run.
bool run_in_processes(std::size_t count, std::size_t parallel,
                      const std::function<std::string(std::size_t)>& task,
                      const std::function<void(std::size_t, ChildOutcome)>& done,
                      std::size_t tasks_per_worker = kDefaultTasksPerWorker);

}  // namespace alys::harness
