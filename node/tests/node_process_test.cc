// alys-node as an operator runs it: `init` writes a three-authority network, three `run`
// processes find each other over loopback TCP and grow one chain; a raw TCP client sending
// frames that do not decode is dropped while the node carries on; one node is killed with
// SIGKILL mid-run and started again on its LevelDB directory and catches up; SIGINT stops
// each with exit code 0; afterwards their stores hold the same canonical blocks. Progress
// is read from the nodes' own "head h<N>" log lines (polled, with generous deadlines).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/chain/block.h"
#include "core/storage/chain_store.h"
#include "runtime-real/leveldb_storage.h"
#include "node/tests/free_ports.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::free_port_run;

constexpr auto kDeadline = 90s;
constexpr int kNodes = 3;

// Runs alys-node with `args`, output appended to `log`; returns the pid.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    std::string bin = ALYS_NODE_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The highest "head h<N>" a node logged since byte `from` of its log.
std::uint64_t logged_height(const fs::path& log, std::size_t from = 0) {
  const std::string text = read_file(log);
  static const std::regex head(R"(\] head h(\d+) )");
  std::uint64_t best = 0;
  for (std::sregex_iterator it(text.begin() + static_cast<std::ptrdiff_t>(std::min(from, text.size())), text.end(), head), end;
       it != end; ++it) {
    best = std::max<std::uint64_t>(best, std::stoull((*it)[1].str()));
  }
  return best;
}

// Polls a node's log (a file: no callback announces a new line).
bool eventually(const std::function<bool()>& pred) { return real::poll_until(pred, kDeadline, 20ms); }

TEST(NodeProcess, ThreeNodesGrowOneChainAndAKilledOneRecoversFromItsStore) {
  std::string pattern = (fs::temp_directory_path() / "alys-node-process-XXXXXX").string();
  const fs::path dir = ::mkdtemp(pattern.data());
  const std::uint16_t base = free_port_run(2 * kNodes);
  ASSERT_EQ(wait_exit(spawn({"init", "--nodes", "3", "--dir", dir.string(), "--base-port",
                             std::to_string(base), "--rpc-base-port", std::to_string(base + kNodes),
                             "--slot-ms", "300"},
                            dir / "init.log")),
            0);
  std::array<pid_t, kNodes> pids{};
  auto log_of = [&](int i) { return dir / ("n" + std::to_string(i) + ".log"); };
  auto start = [&](int i) {
    pids[i] = spawn({"run", "--config", (dir / ("n" + std::to_string(i)) / "node.toml").string()},
                    log_of(i));
  };
  for (int i = 0; i < kNodes; ++i) start(i);
  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < kNodes; ++i) {
      if (logged_height(log_of(i)) < 8) return false;
    }
    return true;
  })) << "the three nodes never reached h8";

  // A stranger that passes the preamble and then sends frames that do not decode: the
  // node drops it (scores it down to a ban and closes) and carries on.
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(base);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    std::vector<std::uint8_t> bytes = {'A', 'L', 'Y', 'S', 1, 0, 0x03, 0x3c, 0x99, 0, 0, 0, 9};  // chain 212121, node 9
    for (int f = 0; f < 16; ++f) {
      const std::vector<std::uint8_t> frame = {0, 0, 0, 5, 0xde, 0xad, 0xbe, 0xef, static_cast<std::uint8_t>(f)};
      bytes.insert(bytes.end(), frame.begin(), frame.end());
    }
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    std::array<char, 256> buf{};
    ssize_t n = 0;
    while ((n = ::read(fd, buf.data(), buf.size())) > 0) {
    }
    EXPECT_EQ(n, 0) << "the node should close the stranger's connection";
    ::close(fd);
    // Closed for what it sent, not at the preamble: the node says so.
    EXPECT_TRUE(eventually([&] { return read_file(log_of(0)).find("banned peer 9") != std::string::npos; }));
    const std::uint64_t at = logged_height(log_of(0));
    ASSERT_TRUE(eventually([&] { return logged_height(log_of(0)) >= at + 3; }))
        << "node 0 stopped growing after the garbage";
  }

  // A crash: no chance to flush or say goodbye.
  ::kill(pids[2], SIGKILL);
  EXPECT_EQ(wait_exit(pids[2]), 128 + SIGKILL);
  const std::uint64_t others = std::max(logged_height(log_of(0)), logged_height(log_of(1)));
  const std::size_t restart_at = fs::file_size(log_of(2));
  start(2);
  ASSERT_TRUE(eventually([&] { return logged_height(log_of(2), restart_at) >= others + 4; }))
      << "the restarted node never caught up past h" << others + 4;

  for (int i = 0; i < kNodes; ++i) ::kill(pids[i], SIGINT);
  for (int i = 0; i < kNodes; ++i) EXPECT_EQ(wait_exit(pids[i]), 0) << "node " << i;

  // What each left on disk: the same canonical chain below the tips.
  std::array<std::vector<Hash256>, kNodes> chains;
  for (int i = 0; i < kNodes; ++i) {
    auto disk = real::LevelDbStorage::open((dir / ("n" + std::to_string(i)) / "data").string());
    ASSERT_TRUE(disk) << disk.error().to_string();
    auto loaded = storage::ChainStore(**disk).load();
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    EXPECT_TRUE(loaded->highest_signed_slot.has_value()) << "node " << i << " has no guard";
    for (const SignedBlock& b : loaded->blocks) chains[i].push_back(block_hash(b.block));
  }
  const std::size_t common = std::min({chains[0].size(), chains[1].size(), chains[2].size()}) - 2;
  ASSERT_GE(common, 8u);
  for (std::size_t h = 0; h < common; ++h) {
    EXPECT_EQ(chains[0][h], chains[1][h]) << "height index " << h;
    EXPECT_EQ(chains[0][h], chains[2][h]) << "height index " << h;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace alys::node
