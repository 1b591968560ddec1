// Helpers of the tests that run alys-node processes.
//
// Loopback ports: a run of consecutive ports that are free now, below the kernel's
// ephemeral range. A port in that range can be taken by any outgoing connection's local
// end: the crash test's restarted node found its own listen port so taken ("Address
// already in use") while its peers redialled. Another test's listener may still take one
// before the test binds it; the test then fails loudly (a node cannot listen), it does not
// hang. Seeded by the pid and a per-process counter, so tests run in parallel (ctest -j,
// one process each) and in sequence pick different runs.
// Logs: a node's log is a file, read whole and searched (no callback announces a line).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>

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

// The lowest ephemeral port (Linux's ip_local_port_range); 32768, its default, if unread.
inline unsigned ephemeral_port_low() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 0;
  return (range >> low) && low > 0 ? low : 32768u;
}

// The first of `count` consecutive free ports in [10000, ephemeral low); a range set so
// low that it leaves fewer than 1,000 ports there falls back to [20000, 50000).
inline std::uint16_t free_port_run(int count) {
  static std::atomic<unsigned> calls{0};
  std::mt19937 rng(static_cast<unsigned>(::getpid()) * 7919u + 104729u * calls.fetch_add(1));
  const unsigned low = ephemeral_port_low();
  const bool below = low >= 10000u + 1000u + static_cast<unsigned>(count);
  const unsigned first = below ? 10000u : 20000u;
  const unsigned span = below ? low - static_cast<unsigned>(count) - first : 30000u;
  for (;;) {
    const auto base = static_cast<std::uint16_t>(first + rng() % span);
    bool all = true;
    for (int i = 0; i < count && all; ++i) all = port_free(static_cast<std::uint16_t>(base + i));
    if (all) return base;
  }
}

// Whole contents of `path`; empty if it cannot be read (yet).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The highest "head h<N>" a node logged in `text` from byte `from` (0 if none).
inline std::uint64_t logged_height(const std::string& text, std::size_t from = 0) {
  static const std::regex head(R"(\] head h(\d+) )");
  std::uint64_t best = 0;
  for (std::sregex_iterator it(text.begin() + static_cast<std::ptrdiff_t>(std::min(from, text.size())),
                               text.end(), head),
       end;
       it != end; ++it) {
    best = std::max<std::uint64_t>(best, std::stoull((*it)[1].str()));
  }
  return best;
}

}  // namespace alys::node::test
