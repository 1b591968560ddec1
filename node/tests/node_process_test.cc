// alys-node as an operator runs it: `init` writes a three-authority network, three `run`
// processes find each other over loopback TCP and grow one chain; a raw TCP client sending
// frames that do not decode is dropped while the node carries on; one node is killed with
// SIGKILL mid-run and started again on its LevelDB directory and catches up; SIGINT stops
// each with exit code 0; afterwards their stores hold the same canonical blocks. Progress
// is read from the nodes' own "head h<N>" log lines (polled, with generous deadlines).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/chain/block.h"
#include "core/storage/chain_store.h"
#include "node/child_process.h"
#include "node/tests/process_test_util.h"
#include "runtime-real/leveldb_storage.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::free_port_run;
using test::logged_height;
using test::read_file;

constexpr auto kDeadline = 90s;
constexpr int kNodes = 3;

// Polls a node's log (a file: no callback announces a new line).
bool eventually(const std::function<bool()>& pred) { return real::poll_until(pred, kDeadline, 20ms); }

TEST(NodeProcess, ThreeNodesGrowOneChainAndAKilledOneRecoversFromItsStore) {
  std::string pattern = (fs::temp_directory_path() / "alys-node-process-XXXXXX").string();
  const fs::path dir = ::mkdtemp(pattern.data());
  const std::uint16_t base = free_port_run(2 * kNodes);
  auto init = ChildProcess::spawn(ALYS_NODE_BIN,
                                  {"init", "--nodes", "3", "--dir", dir.string(), "--base-port",
                                   std::to_string(base), "--rpc-base-port", std::to_string(base + kNodes),
                                   "--slot-ms", "300"},
                                  (dir / "init.log").string());
  ASSERT_TRUE(init.has_value()) << init.error().message();
  ASSERT_EQ(init->wait_for(kDeadline), 0);
  std::array<std::optional<ChildProcess>, kNodes> nodes;
  auto log_of = [&](int i) { return dir / ("n" + std::to_string(i) + ".log"); };
  auto height_of = [&](int i, std::size_t from = 0) { return logged_height(read_file(log_of(i)), from); };
  auto start = [&](int i) {
    auto child = ChildProcess::spawn(
        ALYS_NODE_BIN, {"run", "--config", (dir / ("n" + std::to_string(i)) / "node.toml").string()},
        log_of(i).string());
    ASSERT_TRUE(child.has_value()) << child.error().message();
    nodes[i] = std::move(*child);
  };
  for (int i = 0; i < kNodes; ++i) start(i);
  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < kNodes; ++i) {
      if (height_of(i) < 8) return false;
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
    const std::uint64_t at = height_of(0);
    ASSERT_TRUE(eventually([&] { return height_of(0) >= at + 3; }))
        << "node 0 stopped growing after the garbage";
  }

  // A crash: no chance to flush or say goodbye.
  ASSERT_TRUE(nodes[2]->signal(SIGKILL));
  EXPECT_EQ(nodes[2]->wait_for(kDeadline), 128 + SIGKILL);
  const std::uint64_t others = std::max(height_of(0), height_of(1));
  const std::size_t restart_at = fs::file_size(log_of(2));
  start(2);
  ASSERT_TRUE(eventually([&] { return height_of(2, restart_at) >= others + 4; }))
      << "the restarted node never caught up past h" << others + 4;

  for (int i = 0; i < kNodes; ++i) nodes[i]->signal(SIGINT);
  for (int i = 0; i < kNodes; ++i) EXPECT_EQ(nodes[i]->wait_for(kDeadline), 0) << "node " << i;

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
