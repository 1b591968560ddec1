// Hot reload without a node (node/config_reload.h): which changes a running node applies
// (log level, peers, mailbox bounds) and which it only reports (everything else, by key);
// all-or-nothing application with rollback in reverse order when a step fails; and the
// reloader over real files: a bad file changes nothing and names the key, a good one
// applies and becomes the running configuration, a fixed key stays reported until restart.
#include "node/config_reload.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/crypto/sha256.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;

SecretKey key(int i) {
  return SecretKey::from_bytes(sha256(as_bytes("alys/test/config-reload/" + std::to_string(i))).view()).value();
}

NodeFile base() {
  NodeFile n;
  n.id = 0;
  n.key = key(0);
  n.spec_path = "/net/spec.toml";
  n.data_dir = "/net/n0/data";
  n.listen = {"127.0.0.1", 7000};
  n.peers[1] = {"127.0.0.1", 7001};
  n.peers[2] = {"127.0.0.1", 7002};
  n.log_level = LogLevel::kInfo;
  return n;
}

// Records every call; fails the one named by `fail_on`.
class FakeTarget final : public ReloadTarget {
 public:
  std::vector<std::string> calls;
  std::string fail_on;  // fails the first call starting with this, once

  Status set_log_level(LogLevel level) override {
    return record(fmt::format("log_level={}", log_level_name(level)));
  }
  Status set_peers(const std::map<NodeId, real::TcpPeerAddress>& peers) override {
    std::string s = "peers=";
    for (const auto& [id, a] : peers) s += fmt::format("{}@{}:{};", id, a.host, a.port);
    return record(s);
  }
  Status set_mailbox_capacity(std::string_view key, std::uint32_t capacity) override {
    return record(fmt::format("{}={}", key, capacity));
  }
  Status set_rpc_rate_limit(std::uint32_t per_sec, std::uint32_t burst) override {
    return record(fmt::format("rpc={}/{}", per_sec, burst));
  }

 private:
  Status record(std::string call) {
    calls.push_back(call);
    if (!fail_on.empty() && call.starts_with(fail_on)) {
      fail_on.clear();
      return Status::unavailable("mailbox full");
    }
    return Status::ok();
  }
};

TEST(ReloadPlan, NothingChangedPlansNothing) {
  const ReloadPlan plan = plan_reload(base(), base());
  EXPECT_FALSE(plan.applies_anything());
  EXPECT_TRUE(plan.rejected.empty());
  EXPECT_EQ(describe_reload(plan, base()), "nothing to apply");
}

TEST(ReloadPlan, LogLevelPeersAndMailboxesAreReloadable) {
  NodeFile next = base();
  next.log_level = LogLevel::kDebug;
  next.peers.erase(1);
  next.peers[2] = {"10.0.0.2", 7002};  // readdressed
  next.peers[3] = {"127.0.0.1", 7003};
  next.limits["mailbox_network"] = 8192;
  next.rpc_rate_per_sec = 5;
  next.rpc_burst = 10;
  const ReloadPlan plan = plan_reload(base(), next);
  EXPECT_TRUE(plan.rejected.empty()) << plan.rejected.front();
  EXPECT_EQ(plan.log_level, LogLevel::kDebug);
  ASSERT_TRUE(plan.peers.has_value());
  EXPECT_EQ(plan.peers->size(), 2u);
  EXPECT_EQ(plan.peers_added, std::vector<NodeId>{3});
  EXPECT_EQ(plan.peers_removed, std::vector<NodeId>{1});
  EXPECT_EQ(plan.peers_readdressed, std::vector<NodeId>{2});
  EXPECT_EQ(plan.mailboxes, (std::map<std::string, std::uint32_t>{{"mailbox_network", 8192}}));
  ASSERT_TRUE(plan.rpc_rate.has_value());
  EXPECT_EQ(plan.rpc_rate->to, (ReloadPlan::RpcRate{5, 10}));
  EXPECT_EQ(describe_reload(plan, base()),
            fmt::format("applied: log_level info -> debug, peers +1 -1 ~1 (now 2), "
                        "limits.mailbox_network 4096 -> 8192, rpc_rate_per_sec/rpc_burst {}/{} -> 5/10",
                        kDefaultRpcRatePerSec, kDefaultRpcBurst));
}

TEST(ReloadPlan, EveryOtherChangedKeyIsReportedByNameAndNotPlanned) {
  NodeFile running = base();
  running.bitcoin = NodeFile::Bitcoin{{"127.0.0.1", 18443}, "u", "p", ""};
  NodeFile next = running;
  next.id = 9;
  next.key = key(9);
  next.spec_path = "/other/spec.toml";
  next.data_dir = "/other/data";
  next.listen = {"127.0.0.1", 7100};
  next.rpc_listen = real::TcpPeerAddress{"127.0.0.1", 8545};
  next.rpc_token = "t0ken";
  next.bitcoin->rpc.port = 18444;
  next.bitcoin->password = "new";
  next.bridge.required_confirmations = 1;
  next.limits["mempool_max"] = 10;
  next.limits["tcp_read_pause_frames"] = 10;
  const ReloadPlan plan = plan_reload(running, next);
  EXPECT_FALSE(plan.applies_anything());
  EXPECT_EQ(plan.rejected,
            (std::vector<std::string>{"id", "key", "spec", "data_dir", "listen", "rpc_listen",
                                      "rpc_token", "bitcoin.rpc",
                                      "bitcoin.password", "bridge.required_confirmations",
                                      "limits.mempool_max", "limits.tcp_read_pause_frames"}));
  EXPECT_NE(describe_reload(plan, running).find("NOT applied (restart to apply): id, key, spec"),
            std::string::npos);
  next.bitcoin.reset();
  EXPECT_EQ(plan_reload(running, next).rejected[7], "bitcoin");
}

// A profile switch is judged key by key: its mailbox bounds apply, the rest is reported.
TEST(ReloadPlan, AProfileSwitchAppliesItsMailboxesAndReportsTheRest) {
  NodeFile next = base();
  next.profile = config::Profile::kLowLatency;
  const ReloadPlan plan = plan_reload(base(), next);
  EXPECT_EQ(plan.mailboxes.size(), 8u);
  EXPECT_EQ(plan.mailboxes.at("mailbox_chain"), 1024u);
  EXPECT_EQ(plan.rejected, (std::vector<std::string>{"limits.engine_timeout_ms", "limits.storage_timeout_ms",
                                                      "limits.sync_range_blocks", "limits.sync_parallel_ranges",
                                                      "limits.tcp_send_queue_bytes_max",
                                                      "limits.tcp_read_pause_frames"}));
}

TEST(ApplyReload, AppliesEveryStepInOrder) {
  NodeFile next = base();
  next.log_level = LogLevel::kWarn;
  next.peers.erase(2);
  next.limits["mailbox_chain"] = 10;
  next.rpc_burst = 3;
  FakeTarget target;
  ASSERT_TRUE(apply_reload(plan_reload(base(), next), base(), target).is_ok());
  EXPECT_EQ(target.calls,
            (std::vector<std::string>{"log_level=warn", "peers=1@127.0.0.1:7001;", "mailbox_chain=10",
                                      fmt::format("rpc={}/3", kDefaultRpcRatePerSec)}));
}

// The RPC rate limit is the last step: its failure undoes everything before it.
TEST(ApplyReload, AFailingRateLimitUndoesThePeersAndTheLevel) {
  NodeFile next = base();
  next.log_level = LogLevel::kWarn;
  next.peers.erase(2);
  next.rpc_rate_per_sec = 1;
  FakeTarget target;
  target.fail_on = "rpc=";
  const Status s = apply_reload(plan_reload(base(), next), base(), target);
  EXPECT_EQ(s.message(), "rpc_rate_per_sec/rpc_burst: mailbox full (rolled back)");
  EXPECT_EQ(target.calls,
            (std::vector<std::string>{"log_level=warn", "peers=1@127.0.0.1:7001;",
                                      fmt::format("rpc=1/{}", kDefaultRpcBurst),
                                      "peers=1@127.0.0.1:7001;2@127.0.0.1:7002;", "log_level=info"}));
}

// The mailbox step fails: the peers and the log level are put back, latest first, and the
// error names the step.
TEST(ApplyReload, AFailingStepRollsBackTheStepsBeforeItInReverse) {
  NodeFile next = base();
  next.log_level = LogLevel::kWarn;
  next.peers.erase(2);
  next.limits["mailbox_chain"] = 10;
  next.limits["mailbox_sync"] = 20;
  FakeTarget target;
  target.fail_on = "mailbox_sync";
  const Status s = apply_reload(plan_reload(base(), next), base(), target);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "limits.mailbox_sync: mailbox full (rolled back)");
  EXPECT_EQ(target.calls, (std::vector<std::string>{
                              "log_level=warn", "peers=1@127.0.0.1:7001;", "mailbox_chain=10",
                              "mailbox_sync=20",  // fails
                              "mailbox_chain=4096", "peers=1@127.0.0.1:7001;2@127.0.0.1:7002;",
                              "log_level=info"}));
}

// Sets the log level once, then fails every later call (a sink gone); never takes a
// mailbox bound.
class FlakyTarget final : public ReloadTarget {
 public:
  Status set_log_level(LogLevel) override {
    return ++level_calls_ == 1 ? Status::ok() : Status::io_error("log sink gone");
  }
  Status set_peers(const std::map<NodeId, real::TcpPeerAddress>&) override { return Status::ok(); }
  Status set_mailbox_capacity(std::string_view, std::uint32_t) override {
    return Status::unavailable("mailbox full");
  }
  Status set_rpc_rate_limit(std::uint32_t, std::uint32_t) override { return Status::ok(); }

 private:
  int level_calls_ = 0;
};

TEST(ApplyReload, AnUndoThatFailsTooIsNamed) {
  NodeFile next = base();
  next.log_level = LogLevel::kWarn;
  next.limits["mailbox_engine"] = 3;
  FlakyTarget target;
  EXPECT_EQ(apply_reload(plan_reload(base(), next), base(), target).message(),
            "limits.mailbox_engine: mailbox full (rolled back); undoing log_level failed too: "
            "log sink gone");
}

TEST(ApplyReload, AFirstStepThatFailsHasNothingToUndo) {
  NodeFile next = base();
  next.log_level = LogLevel::kWarn;
  next.limits["mailbox_engine"] = 3;
  FakeTarget target;
  target.fail_on = "log_level";
  EXPECT_EQ(apply_reload(plan_reload(base(), next), base(), target).message(),
            "log_level: mailbox full (rolled back)");
  EXPECT_EQ(target.calls, std::vector<std::string>{"log_level=warn"});
}

class ConfigReloaderTest : public ::testing::Test {
 protected:
  ConfigReloaderTest() {
    std::string pattern = (fs::temp_directory_path() / "alys-config-reload-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    path_ = (dir_ / "node.toml").string();
  }
  ~ConfigReloaderTest() override { fs::remove_all(dir_); }
  void write(const NodeFile& n) { std::ofstream(path_, std::ios::trunc) << node_file_toml(n); }
  void write_text(const std::string& text) { std::ofstream(path_, std::ios::trunc) << text; }
  NodeFile relative(NodeFile n) {
    n.spec_path = "spec.toml";
    n.data_dir = "data";
    return n;
  }
  fs::path dir_;
  std::string path_;
  NullLog log_;
};

TEST_F(ConfigReloaderTest, ABadFileChangesNothingAndAGoodOneBecomesTheRunningConfig) {
  write(relative(base()));
  const ConfigSource source{path_, {}, nullptr};
  auto start = load_node_config(source);
  ASSERT_TRUE(start) << start.error().to_string();
  FakeTarget target;
  ConfigReloader reloader(source, *start, target, log_);

  // A typo: refused naming the key, nothing applied.
  write_text(node_file_toml(relative(base())) + "\n[limits]\nmailbox_chain = 0\n");
  auto r = reloader.reload();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("config reload refused, nothing changed: " + path_), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("limits.mailbox_chain: 0 is out of range"), std::string::npos);
  EXPECT_TRUE(target.calls.empty());

  // The flags given at start still win over the file at every reload.
  NodeFile next = relative(base());
  next.log_level = LogLevel::kDebug;
  next.listen.port = 7100;  // needs a restart
  next.limits["mailbox_network"] = 100;
  write(next);
  r = reloader.reload();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r,
            "applied: log_level info -> debug, limits.mailbox_network 4096 -> 100; not reloadable, "
            "changed on disk and NOT applied (restart to apply): listen");
  EXPECT_EQ(target.calls, (std::vector<std::string>{"log_level=debug", "mailbox_network=100"}));
  const NodeFile running = reloader.running();
  EXPECT_EQ(running.log_level, LogLevel::kDebug);
  EXPECT_EQ(running.listen.port, 7000);  // still the old one
  EXPECT_EQ(limits_of(running).mailbox_network, 100);

  // Reloading the same file again applies nothing and still reports listen.
  target.calls.clear();
  r = reloader.reload();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "nothing to apply; not reloadable, changed on disk and NOT applied (restart to apply): listen");
  EXPECT_TRUE(target.calls.empty());
}

TEST_F(ConfigReloaderTest, TheStartFlagsAndEnvironmentStillApplyAtEachReload) {
  write(relative(base()));
  NodeOverrides flags;
  flags.log_level = "warn";
  const std::map<std::string, std::string> env = {{"ALYS_LIMITS", "mailbox_sync=50"}};
  const ConfigSource source{path_, flags, [&env](const char* k) -> const char* {
                              const auto it = env.find(k);
                              return it == env.end() ? nullptr : it->second.c_str();
                            }};
  auto start = load_node_config(source);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->log_level, LogLevel::kWarn);
  FakeTarget target;
  ConfigReloader reloader(source, *start, target, log_);
  NodeFile next = relative(base());
  next.log_level = LogLevel::kTrace;  // the flag overrides it
  next.limits["mailbox_sync"] = 999;  // the environment overrides it
  next.peers.erase(1);
  write(next);
  auto r = reloader.reload();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(target.calls, std::vector<std::string>{"peers=2@127.0.0.1:7002;"});
}

// admin_setLogLevel changes the level without the file: a reload then restores the file's.
TEST_F(ConfigReloaderTest, ALevelSetAtRunTimeIsWhatTheNextReloadComparesWith) {
  write(relative(base()));
  const ConfigSource source{path_, {}, nullptr};
  auto start = load_node_config(source);
  ASSERT_TRUE(start);
  FakeTarget target;
  ConfigReloader reloader(source, *start, target, log_);
  ASSERT_TRUE(reloader.set_log_level(LogLevel::kTrace).is_ok());
  EXPECT_EQ(reloader.running().log_level, LogLevel::kTrace);
  auto r = reloader.reload();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, "applied: log_level trace -> info");
  EXPECT_EQ(target.calls, (std::vector<std::string>{"log_level=trace", "log_level=info"}));
  target.fail_on = "log_level";
  EXPECT_FALSE(reloader.set_log_level(LogLevel::kError).is_ok());
  EXPECT_EQ(reloader.running().log_level, LogLevel::kInfo);
}

TEST_F(ConfigReloaderTest, AFailedApplyKeepsTheOldRunningConfig) {
  write(relative(base()));
  const ConfigSource source{path_, {}, nullptr};
  auto start = load_node_config(source);
  ASSERT_TRUE(start);
  FakeTarget target;
  target.fail_on = "peers";
  ConfigReloader reloader(source, *start, target, log_);
  NodeFile next = relative(base());
  next.log_level = LogLevel::kError;
  next.peers.erase(1);
  write(next);
  auto r = reloader.reload();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "config reload failed, old configuration kept: peers: mailbox full (rolled back)");
  EXPECT_EQ(reloader.running().log_level, LogLevel::kInfo);
  EXPECT_EQ(reloader.running().peers.size(), 2u);
  // The same reload once the target accepts: now it applies.
  target.calls.clear();
  r = reloader.reload();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(reloader.running().log_level, LogLevel::kError);
  EXPECT_EQ(reloader.running().peers.size(), 1u);
}

}  // namespace
}  // namespace alys::node
