// ProcessPool: runs tasks each in a forked child process, at most `parallel` at a time, and
// hands back what each child wrote, in completion order. A task that crashes (assertion,
// signal, exception) takes only its own process down: the parent sees how it died and the
// last of its stderr, and the sweep goes on.
//
// POSIX fork/pipe/poll/waitpid; the parent must be single-threaded when it forks (alys-sim
// is). Children never return into the caller: they _exit after their task.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace alys::harness {

struct ChildOutcome {
  bool exited = false;      // exited normally (else killed by a signal)
  int exit_code = 0;        // with exited
  int signal = 0;           // without exited
  std::string output;       // everything the task returned (written to a pipe)
  std::string stderr_tail;  // the last few KB the child wrote to stderr
  bool ok() const { return exited && exit_code == 0; }
  std::string describe() const;  // "exit 3" / "signal 6 (Aborted)", with stderr's last line
};

// Runs task(i) for i in [0, count) in children, `parallel` (>= 1) at once. done(i, outcome)
// runs in the parent as each finishes. Returns false if a child could not be started
// (fork or pipe failed): tasks not started by then are not run.
bool run_in_processes(std::size_t count, std::size_t parallel,
                      const std::function<std::string(std::size_t)>& task,
                      const std::function<void(std::size_t, ChildOutcome)>& done);

}  // namespace alys::harness
