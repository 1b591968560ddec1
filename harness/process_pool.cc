#include "harness/process_pool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <exception>
#include <vector>

namespace alys::harness {

namespace {

constexpr std::size_t kStderrTailBytes = 4096;
constexpr std::size_t kFrameHeaderBytes = sizeof(std::uint64_t);

// The parent's view of one worker. `channel` carries task indices to it and result frames
// (8-byte length, then the bytes) back; `err_fd` is its stderr.
struct Worker {
  pid_t pid = -1;
  int channel = -1;
  int err_fd = -1;
  bool busy = false;
  std::size_t task = 0;           // with busy
  std::size_t tasks_started = 0;  // over its life, for replacing it
  std::string inbox;              // result bytes not yet a whole frame
  std::string stderr_tail;        // written while the current task ran
};

void write_all(int fd, const char* data, std::size_t size) {
  std::size_t off = 0;
  while (off < size) {
    const ssize_t n = ::write(fd, data + off, size - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    off += static_cast<std::size_t>(n);
  }
}
void write_all(int fd, const std::string& data) { write_all(fd, data.data(), data.size()); }

// Blocks for exactly `size` bytes; false at end of file or on error.
bool read_exact(int fd, char* into, std::size_t size) {
  std::size_t off = 0;
  while (off < size) {
    const ssize_t n = ::read(fd, into + off, size - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Appends what is there now (the fd is non-blocking); false at end of file or on an error
// other than "nothing yet".
bool drain(int fd, std::string& into, std::size_t keep_last) {
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK;
    if (n == 0) return false;
    into.append(buf, static_cast<std::size_t>(n));
    if (keep_last > 0 && into.size() > 2 * keep_last) into.erase(0, into.size() - keep_last);
  }
}

// True when `inbox` starts with a whole frame; its payload's size goes to `size`.
bool whole_frame(const std::string& inbox, std::uint64_t& size) {
  if (inbox.size() < kFrameHeaderBytes) return false;
  std::memcpy(&size, inbox.data(), kFrameHeaderBytes);
  return inbox.size() - kFrameHeaderBytes >= size;
}

// A worker: runs each task index the parent sends, answers with a frame, and exits when the
// parent closes the channel. A throwing task ends the worker with code 3, as an uncaught
// exception would end a process of its own.
[[noreturn]] void worker_main(int channel, const std::function<std::string(std::size_t)>& task) {
  for (;;) {
    std::uint64_t index = 0;
    if (!read_exact(channel, reinterpret_cast<char*>(&index), sizeof index)) ::_exit(0);
    std::string result;
    try {
      result = task(static_cast<std::size_t>(index));
    } catch (const std::exception& e) {
      write_all(STDERR_FILENO, std::string("uncaught exception: ") + e.what() + "\n");
      ::_exit(3);
    } catch (...) {
      write_all(STDERR_FILENO, "uncaught exception\n");
      ::_exit(3);
    }
    const std::uint64_t size = result.size();
    write_all(channel, reinterpret_cast<const char*>(&size), kFrameHeaderBytes);
    write_all(channel, result);
  }
}

bool start_worker(std::vector<Worker>& workers, const std::function<std::string(std::size_t)>& task) {
  int sv[2], err[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return false;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {sv[0], sv[1], err[0], err[1]}) ::close(fd);
    return false;
  }
  if (pid == 0) {
    ::close(sv[0]);
    ::close(err[0]);
    for (const Worker& w : workers) {  // siblings' ends are not ours
      ::close(w.channel);
      ::close(w.err_fd);
    }
    ::dup2(err[1], STDERR_FILENO);
    ::close(err[1]);
    worker_main(sv[1], task);
  }
  ::close(sv[1]);
  ::close(err[1]);
  ::fcntl(err[0], F_SETFL, ::fcntl(err[0], F_GETFL) | O_NONBLOCK);
  Worker w;
  w.pid = pid;
  w.channel = sv[0];
  w.err_fd = err[0];
  workers.push_back(std::move(w));
  return true;
}

// Closes the parent's ends and reaps the worker; returns its wait status. A worker whose
// channel is closed while idle reads end of file and exits.
int stop_worker(Worker& w) {
  ::close(w.channel);
  int status = 0;
  while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  (void)drain(w.err_fd, w.stderr_tail, kStderrTailBytes);  // all there: the worker is gone
  ::close(w.err_fd);
  return status;
}

// Sends task `index` to an idle worker; false if the worker is gone (it is then reaped by
// the caller's next poll as a worker that died idle).
bool assign(Worker& w, std::size_t index) {
  const std::uint64_t i = index;
  const ssize_t n = ::send(w.channel, &i, sizeof i, MSG_NOSIGNAL);
  if (n != static_cast<ssize_t>(sizeof i)) return false;
  w.busy = true;
  w.task = index;
  ++w.tasks_started;
  w.stderr_tail.clear();
  return true;
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
                      const std::function<void(std::size_t, ChildOutcome)>& done,
                      std::size_t tasks_per_worker) {
  if (parallel == 0) parallel = 1;
  if (tasks_per_worker == 0) tasks_per_worker = 1;
  std::vector<Worker> workers;
  std::size_t next = 0;
  bool started_all = true;
  for (;;) {
    // Idle workers that are spent or have nothing left to do stop; the others take the next
    // tasks; new workers fill the free slots.
    for (std::size_t k = 0; k < workers.size();) {
      Worker& w = workers[k];
      if (!w.busy && (next >= count || !started_all || w.tasks_started >= tasks_per_worker)) {
        (void)stop_worker(w);
        workers.erase(workers.begin() + static_cast<std::ptrdiff_t>(k));
        continue;
      }
      ++k;
    }
    for (Worker& w : workers) {
      if (!w.busy && next < count && assign(w, next)) ++next;
    }
    while (started_all && next < count && workers.size() < parallel) {
      if (!start_worker(workers, task)) {
        started_all = false;
        break;
      }
      if (assign(workers.back(), next)) ++next;
    }
    if (workers.empty()) break;

    std::vector<pollfd> fds;
    for (const Worker& w : workers) {
      fds.push_back({w.channel, POLLIN, 0});
      fds.push_back({w.err_fd, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return false;
    for (std::size_t k = 0; k < workers.size();) {
      Worker& w = workers[k];
      const short err_events = fds[2 * k + 1].revents;
      const short out_events = fds[2 * k].revents;
      if ((err_events & (POLLIN | POLLHUP | POLLERR)) != 0) (void)drain(w.err_fd, w.stderr_tail, kStderrTailBytes);
      bool gone = false;
      if ((out_events & (POLLIN | POLLHUP | POLLERR)) != 0) {
        char buf[65536];
        const ssize_t n = ::read(w.channel, buf, sizeof buf);
        if (n > 0) {
          w.inbox.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          gone = true;
        }
      }
      // A whole frame: the task returned. Its stderr was written before its frame, so it is
      // all in the pipe by now.
      std::uint64_t size = 0;
      if (w.busy && whole_frame(w.inbox, size)) {
        (void)drain(w.err_fd, w.stderr_tail, kStderrTailBytes);
        ChildOutcome outcome;
        outcome.exited = true;
        outcome.output = w.inbox.substr(kFrameHeaderBytes, static_cast<std::size_t>(size));
        outcome.stderr_tail = std::move(w.stderr_tail);  // assign() clears it for the next
        w.inbox.erase(0, kFrameHeaderBytes + static_cast<std::size_t>(size));
        w.busy = false;
        done(w.task, std::move(outcome));
      }
      if (gone) {
        // A worker that dies between tasks fails none; one that dies in a task fails it.
        const int status = stop_worker(w);
        const bool was_busy = w.busy;
        const std::size_t index = w.task;
        ChildOutcome outcome;
        outcome.exited = WIFEXITED(status);
        outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        outcome.stderr_tail = std::move(w.stderr_tail);
        workers.erase(workers.begin() + static_cast<std::ptrdiff_t>(k));
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(2 * k), fds.begin() + static_cast<std::ptrdiff_t>(2 * k + 2));
        if (was_busy) done(index, std::move(outcome));
        continue;
      }
      ++k;
    }
  }
  return started_all;
}

}  // namespace alys::harness
