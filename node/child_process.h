// ChildProcess: one child program with its output appended to a log file, for the devnet
// launcher (`alys-node devnet` runs each node as its own process) and for process tests.
//
// spawn() forks and execs `program` with `args` (no shell), stdout and stderr appended to
// `log`. The child gets SIGINT/SIGTERM unblocked and default dispositions, whatever the
// parent's mask (run_command blocks them for sigwait, and a mask is inherited).
// Threading: one owner thread. The destructor kills (SIGKILL) and reaps a child still
// running: a launcher that dies must not leave orphans holding ports.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime/status.h"

namespace alys::node {

class ChildProcess {
 public:
  // Errors: fork failed, or the log cannot be opened (named).
  static Result<ChildProcess> spawn(const std::string& program, const std::vector<std::string>& args,
                                    const std::string& log);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // True until the child was reaped (by exited() / wait_for()).
  bool running();
  // Sends `signal`; false if the child is already reaped.
  bool signal(int signal);
  // Waits up to `limit` for the child to exit; its exit code, or 128 + the signal that
  // killed it; nullopt if it is still running.
  std::optional<int> wait_for(std::chrono::milliseconds limit);
  // SIGTERM, wait up to `grace`, then SIGKILL; the exit code (as wait_for).
  int stop(std::chrono::milliseconds grace);
  // The exit code once reaped.
  std::optional<int> exit_code() const { return exit_code_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  bool reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// The path of the running executable (/proc/self/exe), to start more of oneself.
std::string self_executable();

}  // namespace alys::node
