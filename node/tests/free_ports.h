// Loopback ports for process tests: a run of consecutive ports that are free now. Another
// process may still take one before the test binds it; the test then fails loudly (a node
// cannot listen), it does not hang. Seeded by the pid and a per-process counter, so tests
// run in parallel (ctest -j, one process each) and in sequence pick different runs.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <random>

namespace alys::node::test {

inline bool port_free(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// The first of `count` consecutive free ports in [20000, 50000 + count).
inline std::uint16_t free_port_run(int count) {
  static std::atomic<unsigned> calls{0};
  std::mt19937 rng(static_cast<unsigned>(::getpid()) * 7919u + 104729u * calls.fetch_add(1));
  for (;;) {
    const auto base = static_cast<std::uint16_t>(20000 + rng() % 30000);
    bool all = true;
    for (int i = 0; i < count && all; ++i) all = port_free(static_cast<std::uint16_t>(base + i));
    if (all) return base;
  }
}

}  // namespace alys::node::test
