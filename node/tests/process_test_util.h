// Helpers of the tests that run alys-node processes.
//
// Loopback ports: a run of consecutive ports that are free now. Another process may still
// take one before the test binds it; the test then fails loudly (a node cannot listen), it
// does not hang. Seeded by the pid and a per-process counter, so tests run in parallel
// (ctest -j, one process each) and in sequence pick different runs.
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
