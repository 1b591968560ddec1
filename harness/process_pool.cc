#include "harness/process_pool.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <vector>

namespace alys::harness {

namespace {

constexpr std::size_t kStderrTailBytes = 4096;

struct Child {
  pid_t pid = -1;
  std::size_t task = 0;
  int out_fd = -1;
  int err_fd = -1;
  ChildOutcome outcome;
};

void write_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    off += static_cast<std::size_t>(n);
  }
}

// Reads what is there; false at end of file.
bool drain(int fd, std::string& into, std::size_t keep_last) {
  char buf[8192];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  into.append(buf, static_cast<std::size_t>(n));
  if (keep_last > 0 && into.size() > 2 * keep_last) into.erase(0, into.size() - keep_last);
  return true;
}

[[noreturn]] void run_child(std::size_t i, const std::function<std::string(std::size_t)>& task, int out_fd,
                            int err_fd) {
  ::dup2(err_fd, STDERR_FILENO);
  ::close(err_fd);
  int code = 0;
  try {
    write_all(out_fd, task(i));
  } catch (const std::exception& e) {
    write_all(STDERR_FILENO, std::string("uncaught exception: ") + e.what() + "\n");
    code = 3;
  } catch (...) {
    write_all(STDERR_FILENO, "uncaught exception\n");
    code = 3;
  }
  ::close(out_fd);
  ::_exit(code);
}

}  // namespace

std::string ChildOutcome::describe() const {
  std::string how = exited ? fmt::format("exit {}", exit_code)
                           : fmt::format("signal {} ({})", signal, ::strsignal(signal));
  // The last non-empty line of stderr: an assertion's message, usually.
  std::string_view tail = stderr_tail;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  const auto nl = tail.rfind('\n');
  if (nl != std::string_view::npos) tail.remove_prefix(nl + 1);
  if (!tail.empty()) how += fmt::format(": {}", tail);
  return how;
}

bool run_in_processes(std::size_t count, std::size_t parallel,
                      const std::function<std::string(std::size_t)>& task,
                      const std::function<void(std::size_t, ChildOutcome)>& done) {
  if (parallel == 0) parallel = 1;
  std::vector<Child> running;
  std::size_t next = 0;
  bool started_all = true;
  while (next < count || !running.empty()) {
    while (started_all && next < count && running.size() < parallel) {
      int out[2], err[2];
      if (::pipe(out) != 0) {
        started_all = false;
        break;
      }
      if (::pipe(err) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        started_all = false;
        break;
      }
      const pid_t pid = ::fork();
      if (pid < 0) {
        for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
        started_all = false;
        break;
      }
      if (pid == 0) {
        ::close(out[0]);
        ::close(err[0]);
        for (const Child& c : running) {  // siblings' pipes are not ours
          ::close(c.out_fd);
          ::close(c.err_fd);
        }
        run_child(next, task, out[1], err[1]);
      }
      ::close(out[1]);
      ::close(err[1]);
      Child c;
      c.pid = pid;
      c.task = next++;
      c.out_fd = out[0];
      c.err_fd = err[0];
      running.push_back(std::move(c));
    }
    if (running.empty()) break;

    std::vector<pollfd> fds;
    for (const Child& c : running) {
      fds.push_back({c.out_fd, POLLIN, 0});
      fds.push_back({c.err_fd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return false;
    for (std::size_t k = 0; k < running.size();) {
      Child& c = running[k];
      const pollfd& po = fds[2 * k];
      const pollfd& pe = fds[2 * k + 1];
      if (c.err_fd >= 0 && (pe.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        if (!drain(c.err_fd, c.outcome.stderr_tail, kStderrTailBytes)) {
          ::close(c.err_fd);
          c.err_fd = -1;
        }
      }
      if (c.out_fd >= 0 && (po.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        if (!drain(c.out_fd, c.outcome.output, 0)) {
          ::close(c.out_fd);
          c.out_fd = -1;
        }
      }
      // Finished once its output closed: drain the rest of stderr, then reap it.
      if (c.out_fd < 0) {
        if (c.err_fd >= 0) {
          while (drain(c.err_fd, c.outcome.stderr_tail, kStderrTailBytes)) {
          }
          ::close(c.err_fd);
        }
        int status = 0;
        while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
        c.outcome.exited = WIFEXITED(status);
        c.outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        c.outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        const std::size_t task_index = c.task;
        ChildOutcome outcome = std::move(c.outcome);
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(2 * k), fds.begin() + static_cast<std::ptrdiff_t>(2 * k + 2));
        done(task_index, std::move(outcome));
        continue;
      }
      ++k;
    }
  }
  return started_all;
}

}  // namespace alys::harness
