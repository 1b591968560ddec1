// alys-node's configuration as an operator meets it, with real processes:
// - a node file with a bad key (or a bad ALYS_* variable) makes `alys-node run` exit 2
//   with stderr naming the key, before anything starts;
// - SIGHUP reloads the node file: log_level takes effect in the running process (debug
//   lines appear; at warn the info lines stop), while a changed `listen` is reported as not
//   reloadable and the node keeps serving on its old port;
// - `init --bitcoin-rpc` writes the [bitcoin] section, and `run` drives its bridge against
//   that bitcoind (a fake JSON-RPC server here, checking the credentials it is sent).
// Progress is read from the nodes' own log lines (polled, with generous deadlines).
#include <gtest/gtest.h>
#include <httplib.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/child_process.h"
#include "node/tests/process_test_util.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::free_port_run;
using test::logged_height;
using test::read_file;

constexpr auto kDeadline = 90s;

bool can_connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

void replace_in_file(const fs::path& path, const std::string& from, const std::string& to) {
  std::string text = read_file(path);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << path;
  text.replace(at, from.size(), to);
  std::ofstream(path, std::ios::trunc) << text;
}

bool eventually(const std::function<bool()>& pred) { return real::poll_until(pred, kDeadline, 20ms); }

class NodeConfigProcess : public ::testing::Test {
 protected:
  NodeConfigProcess() {
    std::string pattern = (fs::temp_directory_path() / "alys-node-config-process-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~NodeConfigProcess() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  int run_to_end(const std::vector<std::string>& args, const std::string& log) {
    auto child = ChildProcess::spawn(ALYS_NODE_BIN, args, (dir_ / log).string());
    EXPECT_TRUE(child) << child.error().to_string();
    if (!child) return -1;
    return child->wait_for(60'000ms).value_or(-1);
  }
  // Node i listens on base + i and serves JSON-RPC on base + nodes + i (REQUIRES: the
  // 2 * nodes ports from base free).
  void init(int nodes, std::uint16_t base, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"init", "--nodes", std::to_string(nodes), "--dir", dir_.string(),
                                     "--base-port", std::to_string(base), "--rpc-base-port",
                                     std::to_string(base + nodes), "--slot-ms", "300"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_EQ(run_to_end(args, "init.log"), 0) << read_file(dir_ / "init.log");
  }
  fs::path node_toml(int i) const { return dir_ / ("n" + std::to_string(i)) / "node.toml"; }
  fs::path log_of(int i) const { return dir_ / ("n" + std::to_string(i) + ".log"); }
  ChildProcess start(int i) {
    auto child = ChildProcess::spawn(ALYS_NODE_BIN, {"run", "--config", node_toml(i).string()},
                                     log_of(i).string());
    EXPECT_TRUE(child) << child.error().to_string();
    return std::move(*child);
  }
  fs::path dir_;
};

TEST_F(NodeConfigProcess, ABadKeyFailsStartUpWithExitCode2NamingTheKey) {
  init(1, free_port_run(2));
  const std::string good = read_file(node_toml(0));

  std::ofstream(node_toml(0), std::ios::app) << "\n[limits]\nmempool_max = 0\n";
  EXPECT_EQ(run_to_end({"run", "--config", node_toml(0).string()}, "bad-limits.log"), 2);
  std::string err = read_file(dir_ / "bad-limits.log");
  EXPECT_NE(err.find("limits.mempool_max: 0 is out of range"), std::string::npos) << err;
  EXPECT_NE(err.find(node_toml(0).string() + ":"), std::string::npos) << err;  // file and line

  std::ofstream(node_toml(0), std::ios::trunc) << good << "\n[bitcoin]\nrpc = \"nohost\"\n";
  EXPECT_EQ(run_to_end({"run", "--config", node_toml(0).string()}, "bad-bitcoin.log"), 2);
  err = read_file(dir_ / "bad-bitcoin.log");
  EXPECT_NE(err.find("bitcoin.rpc: 'nohost': expected host:port"), std::string::npos) << err;

  std::ofstream(node_toml(0), std::ios::trunc) << good;
  EXPECT_EQ(run_to_end({"run", "--config", node_toml(0).string(), "--profile", "turbo"}, "bad-flag.log"), 2);
  err = read_file(dir_ / "bad-flag.log");
  EXPECT_NE(err.find("flag: profile: 'turbo' is not one of: high-throughput|low-latency|resource-conservative"),
            std::string::npos)
      << err;

  ::setenv("ALYS_LIMITS", "mailbox_chain=0", 1);
  const int env_code = run_to_end({"run", "--config", node_toml(0).string()}, "bad-env.log");
  ::unsetenv("ALYS_LIMITS");
  EXPECT_EQ(env_code, 2);
  err = read_file(dir_ / "bad-env.log");
  EXPECT_NE(err.find("environment: limits.mailbox_chain: 0 is out of range"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir_ / "n0" / "data")) << "nothing may start on a bad configuration";
}

// n0 is reloaded; n1 stays at info and is the clock that shows blocks keep coming.
TEST_F(NodeConfigProcess, SighupAppliesTheLogLevelAndReportsListenAsNotReloadable) {
  const std::uint16_t base = free_port_run(4);
  init(2, base);
  ChildProcess n0 = start(0);
  ChildProcess n1 = start(1);
  ASSERT_TRUE(eventually([&] { return logged_height(read_file(log_of(0))) >= 3; }))
      << "node 0 never reached h3:\n" << read_file(log_of(0));
  EXPECT_EQ(read_file(log_of(0)).find("[debug]"), std::string::npos) << "info hides debug lines";

  // info -> debug: the proposer's debug lines appear.
  replace_in_file(node_toml(0), "log_level = \"info\"", "log_level = \"debug\"");
  ASSERT_TRUE(n0.signal(SIGHUP));
  ASSERT_TRUE(eventually([&] {
    return read_file(log_of(0)).find("config reloaded: applied: log_level info -> debug") != std::string::npos;
  })) << read_file(log_of(0));
  const std::size_t debug_from = read_file(log_of(0)).find("config reloaded: applied");
  ASSERT_TRUE(eventually([&] {
    return read_file(log_of(0)).find("[debug] chain: proposing", debug_from) != std::string::npos;
  })) << "no debug line after the reload";

  // debug -> warn, and a new listen address: the level applies, listen is reported.
  replace_in_file(node_toml(0), "log_level = \"debug\"", "log_level = \"warn\"");
  replace_in_file(node_toml(0), "listen = \"127.0.0.1:" + std::to_string(base) + "\"",
                  "listen = \"127.0.0.1:" + std::to_string(base + 50) + "\"");
  ASSERT_TRUE(n0.signal(SIGHUP));
  ASSERT_TRUE(eventually([&] {
    return read_file(log_of(0)).find(
               "applied: log_level debug -> warn; not reloadable, changed on disk and NOT applied "
               "(restart to apply): listen") != std::string::npos;
  })) << read_file(log_of(0));
  EXPECT_TRUE(can_connect(base)) << "node 0 must keep its old listen port";

  // While at warn, node 0 imports n1's blocks without a line. The window starts one block
  // after the reload (a line already past its level check may still land just after it).
  const std::uint64_t h1 = logged_height(read_file(log_of(1)));
  ASSERT_TRUE(eventually([&] { return logged_height(read_file(log_of(1))) >= h1 + 1; }));
  const std::size_t quiet_from = read_file(log_of(0)).size();
  ASSERT_TRUE(eventually([&] { return logged_height(read_file(log_of(1))) >= h1 + 5; }));
  replace_in_file(node_toml(0), "log_level = \"warn\"", "log_level = \"info\"");
  ASSERT_TRUE(n0.signal(SIGHUP));
  ASSERT_TRUE(eventually([&] {
    return read_file(log_of(0)).find("config reloaded: applied: log_level warn -> info", quiet_from) !=
           std::string::npos;
  })) << read_file(log_of(0));
  const std::string text = read_file(log_of(0));
  const std::string window =
      text.substr(quiet_from, text.find("config reloaded: applied: log_level warn -> info", quiet_from) - quiet_from);
  EXPECT_EQ(window.find("] head h"), std::string::npos) << window;
  EXPECT_EQ(window.find("[debug]"), std::string::npos) << window;
  EXPECT_EQ(window.find("[info]"), std::string::npos) << window;
  // Back at info, heads are logged again.
  const std::uint64_t h0 = logged_height(text);
  ASSERT_TRUE(eventually([&] { return logged_height(read_file(log_of(0))) > h0; }));

  ASSERT_TRUE(n0.signal(SIGINT));
  ASSERT_TRUE(n1.signal(SIGINT));
  EXPECT_EQ(n0.wait_for(60'000ms), 0);
  EXPECT_EQ(n1.wait_for(60'000ms), 0);
}

// bitcoind, as far as this test needs it: records each JSON-RPC method and the
// Authorization header it came with, and answers getblockcount 0 (anything else: -32601).
class FakeBitcoind {
 public:
  FakeBitcoind() {
    server_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      const auto body = nlohmann::json::parse(req.body, nullptr, false);
      const std::string method = body.is_object() ? body.value("method", "") : "";
      {
        std::lock_guard lock(mu_);
        seen_.insert(method + " " + req.get_header_value("Authorization"));
      }
      nlohmann::json reply = {{"id", body.is_object() ? body["id"] : nullptr}};
      if (method == "getblockcount") {
        reply["result"] = 0;
        reply["error"] = nullptr;
      } else {
        reply["result"] = nullptr;
        reply["error"] = {{"code", -32601}, {"message", "Method not found"}};
      }
      res.status = method == "getblockcount" ? 200 : 404;
      res.set_content(reply.dump(), "application/json");
    });
    port_ = static_cast<std::uint16_t>(server_.bind_to_any_port("127.0.0.1"));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeBitcoind() {
    server_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  bool saw(const std::string& entry) {
    std::lock_guard lock(mu_);
    return seen_.contains(entry);
  }

 private:
  httplib::Server server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::set<std::string> seen_;
};

TEST_F(NodeConfigProcess, InitWritesTheBitcoinSectionAndRunDrivesTheBridgeAgainstIt) {
  FakeBitcoind bitcoind;
  const std::uint16_t base = free_port_run(4);
  init(2, base,
       {"--bitcoin-rpc", "127.0.0.1:" + std::to_string(bitcoind.port()), "--bitcoin-user", "alys",
        "--bitcoin-password", "s3cret"});
  for (int i = 0; i < 2; ++i) {
    const std::string toml = read_file(node_toml(i));
    EXPECT_NE(toml.find("[bitcoin]"), std::string::npos) << toml;
    EXPECT_NE(toml.find("127.0.0.1:" + std::to_string(bitcoind.port())), std::string::npos) << toml;
    EXPECT_NE(toml.find("[bridge]"), std::string::npos) << toml;
  }
  ChildProcess n0 = start(0);
  ChildProcess n1 = start(1);
  // "alys:s3cret" in base64: the credentials of the file reached bitcoind.
  ASSERT_TRUE(eventually([&] { return bitcoind.saw("getblockcount Basic YWx5czpzM2NyZXQ="); }))
      << read_file(log_of(0));
  // The start line comes after the actors start, so possibly after the first call.
  EXPECT_TRUE(eventually([&] {
    return read_file(log_of(0)).find("bridge on bitcoind 127.0.0.1:" + std::to_string(bitcoind.port())) !=
           std::string::npos;
  }));
  // A bitcoind that answers little does not stop the chain.
  ASSERT_TRUE(eventually([&] { return logged_height(read_file(log_of(0))) >= 3; })) << read_file(log_of(0));
  ASSERT_TRUE(n0.signal(SIGINT));
  ASSERT_TRUE(n1.signal(SIGINT));
  EXPECT_EQ(n0.wait_for(60'000ms), 0);
  EXPECT_EQ(n1.wait_for(60'000ms), 0);
}

}  // namespace
}  // namespace alys::node
