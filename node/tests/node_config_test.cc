// The node file's bridge and tuning sections (node/node_files.h, core/config/node_limits.h,
// node/bridge_setup.h): [bitcoin] / [bridge] load back as written and build the bridge the
// simulator builds; every bad key is refused naming it; profiles and limits layer in the
// documented order (defaults → profile → [limits] → environment → flags), and no profile
// is exactly what the node always ran with.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "core/bitcoin/federation.h"
#include "core/config/node_limits.h"
#include "core/crypto/sha256.h"
#include "core/types/hex.h"
#include "node/bridge_setup.h"
#include "node/node_files.h"
#include "runtime-real/tcp_transport.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using config::NodeLimits;
using config::Profile;

class NodeConfigTest : public ::testing::Test {
 protected:
  NodeConfigTest() {
    std::string pattern = (fs::temp_directory_path() / "alys-node-config-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~NodeConfigTest() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  // A valid node file's top-level keys, then `rest`.
  std::string node_file(const std::string& rest) {
    return write("node.toml", "id = 0\nkey = \"" + to_hex(key(0).view()) +
                                  "\"\nspec = \"spec.toml\"\ndata_dir = \"d\"\nlisten = \"127.0.0.1:7000\"\n" +
                                  rest);
  }
  // The error message of loading `rest` after the valid top-level keys.
  std::string error_of(const std::string& rest) {
    const auto loaded = load_node_file(node_file(rest));
    EXPECT_FALSE(loaded) << rest;
    return loaded ? std::string() : loaded.error().message();
  }
  static SecretKey key(int i) {
    return SecretKey::from_bytes(sha256(as_bytes("alys/test/node-config/" + std::to_string(i))).view()).value();
  }
  fs::path dir_;
};

std::function<const char*(const char*)> env_of(const std::map<std::string, std::string>& env) {
  return [&env](const char* k) -> const char* {
    const auto it = env.find(k);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

TEST_F(NodeConfigTest, BitcoinBridgeProfileAndLimitsLoadBackAsWritten) {
  NodeFile n;
  n.id = 2;
  n.key = key(2);
  n.spec_path = "spec.toml";
  n.data_dir = "data";
  n.listen = {"127.0.0.1", 7002};
  n.peers[1] = {"127.0.0.1", 7001};
  n.profile = Profile::kLowLatency;
  n.limits["mempool_max"] = 1234;
  n.limits["mailbox_network"] = 77;
  n.bitcoin = NodeFile::Bitcoin{{"10.1.2.3", 18443}, "alys", "p\"a\\ss word", "federation"};
  n.bridge.start_height = 101;
  n.bridge.required_confirmations = 2;
  n.bridge.poll_interval_ms = 500;
  n.bridge.fee_conf_target = 3;
  const auto loaded = load_node_file(write("n2/node.toml", node_file_toml(n)));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->profile, Profile::kLowLatency);
  EXPECT_EQ(loaded->limits, n.limits);
  ASSERT_TRUE(loaded->bitcoin.has_value());
  EXPECT_EQ(*loaded->bitcoin, *n.bitcoin);  // the password's quote and backslash survive
  EXPECT_EQ(loaded->bridge, n.bridge);
  EXPECT_EQ(loaded->peers.size(), 1u);
}

TEST_F(NodeConfigTest, WithoutABitcoinSectionThereIsNoBridgeAndDefaultsApply) {
  const auto loaded = load_node_file(node_file(""));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_FALSE(loaded->bitcoin.has_value());
  EXPECT_FALSE(loaded->profile.has_value());
  EXPECT_TRUE(loaded->limits.empty());
  EXPECT_EQ(limits_of(*loaded), NodeLimits{});
  EXPECT_FALSE(node_file_toml(*loaded).find("[bitcoin]") != std::string::npos);
  EXPECT_FALSE(bridge_of(*loaded, ChainSpec{}));
}

TEST_F(NodeConfigTest, EveryBadBridgeOrTuningKeyIsNamedWithItsLine) {
  std::string m = error_of("[bitcoin]\nrpc = \"localhost\"\nuser = \"u\"\n");
  EXPECT_NE(m.find(":7:"), std::string::npos) << m;
  EXPECT_NE(m.find("bitcoin.rpc: 'localhost': expected host:port"), std::string::npos) << m;

  m = error_of("[bitcoin]\nuser = \"u\"\npasword = \"typo\"\n");
  EXPECT_NE(m.find("bitcoin.rpc: missing (required)"), std::string::npos) << m;
  EXPECT_NE(m.find("bitcoin.pasword"), std::string::npos) << m;

  m = error_of("[bridge]\nrequired_confirmations = 0\n");
  EXPECT_NE(m.find("bridge: needs a [bitcoin] section"), std::string::npos) << m;
  EXPECT_NE(m.find("bridge.required_confirmations: 0 is out of range"), std::string::npos) << m;

  m = error_of("profile = \"fast\"\n");
  EXPECT_NE(m.find(":6:"), std::string::npos) << m;
  EXPECT_NE(m.find("profile: 'fast' is not one of: high-throughput|low-latency|resource-conservative"),
            std::string::npos)
      << m;

  m = error_of("[limits]\nmempool_max = 0\nmailbox_chian = 5\nsync_range_blocks = \"big\"\n");
  EXPECT_NE(m.find("limits.mempool_max: 0 is out of range [1, 1000000]"), std::string::npos) << m;
  EXPECT_NE(m.find("limits.mailbox_chian"), std::string::npos) << m;
  EXPECT_NE(m.find("limits.sync_range_blocks: expected an integer"), std::string::npos) << m;
}

// No profile is what the node ran with before profiles existed: the core's and the
// transport's own defaults.
TEST(NodeLimits, NoProfileIsTheDefaultsOfEveryPartTheLimitsFeed) {
  NodeConfig from_limits;
  from_limits.mempool_max = 1;
  from_limits.sync.range_blocks = 1;
  from_limits.mailboxes.chain = 1;
  config::apply_limits(config::profile_limits(std::nullopt), from_limits);
  const NodeConfig defaults;
  EXPECT_EQ(from_limits.mempool_max, defaults.mempool_max);
  EXPECT_EQ(from_limits.seen_cache_max, defaults.seen_cache_max);
  EXPECT_EQ(from_limits.engine_timeout, defaults.engine_timeout);
  EXPECT_EQ(from_limits.storage_timeout, defaults.storage_timeout);
  EXPECT_EQ(from_limits.sync.range_blocks, defaults.sync.range_blocks);
  EXPECT_EQ(from_limits.sync.parallel_ranges, defaults.sync.parallel_ranges);
  EXPECT_EQ(from_limits.sync.buffered_blocks_max, defaults.sync.buffered_blocks_max);
  for (auto field : {&NodeConfig::Mailboxes::storage, &NodeConfig::Mailboxes::engine,
                     &NodeConfig::Mailboxes::chain, &NodeConfig::Mailboxes::auxpow,
                     &NodeConfig::Mailboxes::network, &NodeConfig::Mailboxes::sync,
                     &NodeConfig::Mailboxes::bridge, &NodeConfig::Mailboxes::federation}) {
    EXPECT_EQ(from_limits.mailboxes.*field, actor::MailboxConfig{}.capacity);
  }
  const real::TcpTransportOptions tcp;
  EXPECT_EQ(NodeLimits{}.tcp_send_queue_bytes_max, static_cast<std::int64_t>(tcp.max_send_queue_bytes));
  EXPECT_EQ(NodeLimits{}.tcp_read_pause_frames, static_cast<std::int64_t>(tcp.read_pause_frames));
  EXPECT_EQ(NodeLimits{}.tcp_connections_max, static_cast<std::int64_t>(tcp.max_connections));
}

TEST(NodeLimits, EveryProfileStaysInRangeAndChangesWhatItsCommentSays) {
  for (Profile p : {Profile::kHighThroughput, Profile::kLowLatency, Profile::kResourceConservative}) {
    SCOPED_TRACE(std::string(config::profile_name(p)));
    EXPECT_EQ(config::profile_named(config::profile_name(p)), p);
    const NodeLimits l = config::profile_limits(p);
    EXPECT_NE(l, NodeLimits{});
    for (const config::LimitKey& k : config::limit_keys()) {
      EXPECT_GE(l.*k.field, k.min) << k.name;
      EXPECT_LE(l.*k.field, k.max) << k.name;
    }
  }
  const NodeLimits d;
  const NodeLimits ht = config::profile_limits(Profile::kHighThroughput);
  EXPECT_GT(ht.mempool_max, d.mempool_max);
  EXPECT_GT(ht.mailbox_network, d.mailbox_network);
  EXPECT_GT(ht.sync_range_blocks, d.sync_range_blocks);
  const NodeLimits ll = config::profile_limits(Profile::kLowLatency);
  EXPECT_LT(ll.mailbox_chain, d.mailbox_chain);
  EXPECT_LT(ll.engine_timeout_ms, d.engine_timeout_ms);
  EXPECT_EQ(ll.mempool_max, d.mempool_max);
  const NodeLimits rc = config::profile_limits(Profile::kResourceConservative);
  EXPECT_LT(rc.mempool_max, d.mempool_max);
  EXPECT_EQ(rc.worker_threads, 2);
  EXPECT_EQ(rc.verify_threads, 1);
  EXPECT_LT(rc.tcp_connections_max, d.tcp_connections_max);
  EXPECT_EQ(d.verify_threads, 0);  // 0: node/pre_verifier.h's verify_threads_for default
  EXPECT_FALSE(config::profile_named("High-Throughput"));
}

// defaults → profile → [limits] → environment → flags, whichever layer chose the profile.
TEST_F(NodeConfigTest, LimitsLayerOverTheProfileInTheDocumentedOrder) {
  auto loaded = load_node_file(node_file(
      "profile = \"resource-conservative\"\n[limits]\nmempool_max = 7000\nmailbox_sync = 300\n"
      "sync_parallel_ranges = 3\n"));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  NodeLimits l = limits_of(*loaded);
  EXPECT_EQ(l.mempool_max, 7000);          // the file over the profile
  EXPECT_EQ(l.seen_cache_max, 4096);       // the profile over the default
  EXPECT_EQ(l.engine_timeout_ms, 10'000);  // untouched by both: the default

  const std::map<std::string, std::string> env = {{"ALYS_PROFILE", "high-throughput"},
                                                  {"ALYS_LIMITS", "mailbox_sync=400,sync_parallel_ranges=5"}};
  ASSERT_TRUE(apply_overrides(*loaded, overrides_from_env(env_of(env)), "environment").is_ok());
  NodeOverrides flags;
  flags.limits = {"sync_parallel_ranges=6"};
  ASSERT_TRUE(apply_overrides(*loaded, flags, "flag").is_ok());
  l = limits_of(*loaded);
  EXPECT_EQ(l.seen_cache_max, 65'536);  // the environment's profile replaced the file's
  EXPECT_EQ(l.mempool_max, 7000);       // ... and the file's explicit key still beats it
  EXPECT_EQ(l.mailbox_sync, 400);       // the environment over the file
  EXPECT_EQ(l.sync_parallel_ranges, 6); // the flag over the environment
  EXPECT_EQ(l.mailbox_chain, 16'384);   // high-throughput's

  NodeOverrides bad;
  bad.limits = {"mempool_max=0"};
  EXPECT_EQ(apply_overrides(*loaded, bad, "flag").message(),
            "flag: limits.mempool_max: 0 is out of range [1, 1000000]");
  bad.limits = {"mempool=5"};
  EXPECT_NE(apply_overrides(*loaded, bad, "environment").message().find("environment: limits.mempool: unknown key"),
            std::string::npos);
  bad.limits = {"mempool_max=lots"};
  EXPECT_NE(apply_overrides(*loaded, bad, "flag").message().find("limits.mempool_max: 'lots': not an integer"),
            std::string::npos);
  bad.limits.clear();
  bad.profile = "turbo";
  EXPECT_NE(apply_overrides(*loaded, bad, "environment").message().find("environment: profile: 'turbo' is not one of"),
            std::string::npos);
}

TEST_F(NodeConfigTest, TheEnvironmentSetsOrCompletesTheBitcoinSection) {
  auto loaded = load_node_file(node_file(""));
  ASSERT_TRUE(loaded);
  const std::map<std::string, std::string> lone_user = {{"ALYS_BITCOIN_USER", "u"}};
  const Status s = apply_overrides(*loaded, overrides_from_env(env_of(lone_user)), "environment");
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("environment: bitcoin.user: no bitcoind"), std::string::npos) << s.message();

  const std::map<std::string, std::string> env = {{"ALYS_BITCOIN_RPC", "127.0.0.1:18443"},
                                                  {"ALYS_BITCOIN_USER", "u"},
                                                  {"ALYS_BITCOIN_PASSWORD", "pw"}};
  ASSERT_TRUE(apply_overrides(*loaded, overrides_from_env(env_of(env)), "environment").is_ok());
  ASSERT_TRUE(loaded->bitcoin.has_value());
  EXPECT_EQ(loaded->bitcoin->rpc.port, 18443);
  EXPECT_EQ(loaded->bitcoin->user, "u");
  EXPECT_EQ(loaded->bitcoin->password, "pw");
  NodeOverrides flags;
  flags.bitcoin_password = "from-flag";
  ASSERT_TRUE(apply_overrides(*loaded, flags, "flag").is_ok());
  EXPECT_EQ(loaded->bitcoin->password, "from-flag");
  EXPECT_EQ(loaded->bitcoin->user, "u");
  flags = {};
  flags.bitcoin_rpc = "127.0.0.1:0";
  EXPECT_NE(apply_overrides(*loaded, flags, "flag").message().find("flag: bitcoin.rpc:"), std::string::npos);
}

// The bridge watches the federation of the spec's authorities with the majority threshold:
// the address the simulator's federation pays into.
TEST_F(NodeConfigTest, TheBridgeWatchesTheAuthoritiesMajorityFederation) {
  ChainSpec spec;
  std::vector<XOnlyPublicKey> members;
  for (int i = 0; i < 3; ++i) {
    spec.authorities.push_back(key(i).xonly_public_key().bytes());
    members.push_back(key(i).xonly_public_key());
  }
  auto loaded = load_node_file(node_file(
      "[bitcoin]\nrpc = \"127.0.0.1:18443\"\nuser = \"u\"\npassword = \"p\"\n"
      "[bridge]\nstart_height = 5\nrequired_confirmations = 2\npoll_interval_ms = 700\nfee_conf_target = 4\n"));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  const auto bridge = bridge_of(*loaded, spec);
  ASSERT_TRUE(bridge) << bridge.error().to_string();
  const auto federation = Federation::create(members, Federation::majority(members.size()));
  ASSERT_TRUE(federation);
  EXPECT_EQ(bridge->config.federation_script_pubkey, federation->script_pubkey());
  EXPECT_EQ(bridge->config.start_height, 5u);
  EXPECT_EQ(bridge->config.required_confirmations, 2u);
  EXPECT_EQ(bridge->config.poll_interval, std::chrono::milliseconds(700));
  EXPECT_EQ(bridge->federation.fee_conf_target, 4u);
  EXPECT_TRUE(static_cast<bool>(bridge->rpc));

  spec.authorities.push_back(spec.authorities[0]);  // a duplicate member: no federation
  const auto bad = bridge_of(*loaded, spec);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("authorities"), std::string::npos) << bad.error().message();
}

}  // namespace
}  // namespace alys::node
