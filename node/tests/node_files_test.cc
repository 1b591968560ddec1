// The operator's files (node/node_files.h): what init writes loads back unchanged, every
// mistake is reported with file, line and key (all of them at once), and the environment
// and flag layers apply over the file with errors that name their source.
#include "node/node_files.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "core/bitcoin/federation.h"
#include "core/crypto/sha256.h"
#include "core/types/hex.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;

class NodeFilesTest : public ::testing::Test {
 protected:
  NodeFilesTest() {
    std::string pattern = (fs::temp_directory_path() / "alys-node-files-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~NodeFilesTest() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path dir_;
};

SecretKey key(int i) {
  return SecretKey::from_bytes(sha256(as_bytes("alys/test/node-files/" + std::to_string(i))).view()).value();
}

TEST_F(NodeFilesTest, AChainSpecLoadsBackAsWritten) {
  ChainSpec spec;
  spec.chain_id = 777;
  spec.slot_duration_ms = 4000;
  spec.max_blocks_without_pow = 12;
  spec.max_txs_per_block = 50;
  spec.bitcoin_network = BitcoinNetwork::kSignet;
  spec.retarget.initial_bits = 0x207fffff;
  for (int i = 0; i < 3; ++i) spec.authorities.push_back(key(i).xonly_public_key().bytes());
  EvmAddress a{};
  a[19] = 7;
  spec.allocations.push_back({a, Wei::from_parts(1, 5)});  // above 2^64
  const auto loaded = load_chain_spec(write("spec.toml", chain_spec_toml(spec)));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->chain_id, 777u);
  EXPECT_EQ(loaded->slot_duration_ms, 4000u);
  EXPECT_EQ(loaded->max_blocks_without_pow, 12u);
  EXPECT_EQ(loaded->max_txs_per_block, 50u);
  EXPECT_EQ(loaded->bitcoin_network, BitcoinNetwork::kSignet);
  EXPECT_EQ(loaded->retarget.initial_bits, 0x207fffffu);
  EXPECT_EQ(loaded->authorities, spec.authorities);
  EXPECT_EQ(loaded->allocations, spec.allocations);
  EXPECT_EQ(spec_commitment(*loaded), spec_commitment(spec));
}

TEST_F(NodeFilesTest, ANodeFileLoadsBackWithPathsResolvedAgainstItsFolder) {
  NodeFile n;
  n.id = 4;
  n.key = key(4);
  n.spec_path = "../spec.toml";
  n.data_dir = "data";
  n.listen = {"0.0.0.0", 7004};
  n.peers[1] = {"10.0.0.1", 7001};
  n.peers[2] = {"node2.example", 7002};
  n.log_level = LogLevel::kWarn;
  const auto loaded = load_node_file(write("n4/node.toml", node_file_toml(n)));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->id, 4u);
  EXPECT_EQ(loaded->key, n.key);
  EXPECT_EQ(loaded->spec_path, (dir_ / "spec.toml").string());
  EXPECT_EQ(loaded->data_dir, (dir_ / "n4" / "data").string());
  EXPECT_EQ(loaded->listen.host, "0.0.0.0");
  EXPECT_EQ(loaded->listen.port, 7004);
  ASSERT_EQ(loaded->peers.size(), 2u);
  EXPECT_EQ(loaded->peers.at(2).host, "node2.example");
  EXPECT_EQ(loaded->log_level, LogLevel::kWarn);
}

// One pass reports every mistake, each at its line and with its key.
TEST_F(NodeFilesTest, EveryMistakeInANodeFileIsNamedWithItsLineAndKey) {
  const std::string path = write("bad.toml",
                                 "id = 1\n"
                                 "key = \"zz\"\n"
                                 "spec = \"spec.toml\"\n"
                                 "data_dir = \"d\"\n"
                                 "listen = \"localhost\"\n"
                                 "colour = \"blue\"\n"
                                 "[[peers]]\nid = 1\naddress = \"127.0.0.1:7001\"\n"
                                 "[[peers]]\nid = 2\naddress = \"127.0.0.1:0\"\n");
  const auto loaded = load_node_file(path);
  ASSERT_FALSE(loaded);
  const std::string& m = loaded.error().message();
  EXPECT_NE(m.find(path + ":2:"), std::string::npos) << m;
  EXPECT_NE(m.find("key: not a secret key"), std::string::npos) << m;
  EXPECT_NE(m.find(":5:"), std::string::npos) << m;
  EXPECT_NE(m.find("listen: 'localhost': expected host:port"), std::string::npos) << m;
  EXPECT_NE(m.find(":6:"), std::string::npos) << m;
  EXPECT_NE(m.find("colour"), std::string::npos) << m;
  EXPECT_NE(m.find("peers[0].id: a node is not its own peer"), std::string::npos) << m;
  EXPECT_NE(m.find("peers[1].address"), std::string::npos) << m;
}

TEST_F(NodeFilesTest, AMissingKeyOrABadAuthorityInASpecIsNamed) {
  const std::string path = write("spec.toml",
                                 "chain_id = 5\n"
                                 "authorities = [\"00\", \"" +
                                     key(1).xonly_public_key().to_hex() + "\"]\n");
  const auto loaded = load_chain_spec(path);
  ASSERT_FALSE(loaded);
  const std::string& m = loaded.error().message();
  EXPECT_NE(m.find("slot_ms"), std::string::npos) << m;
  EXPECT_NE(m.find("authorities[0]: not an x-only public key"), std::string::npos) << m;
  EXPECT_EQ(m.find("authorities[1]"), std::string::npos) << m;
  EXPECT_FALSE(load_chain_spec((dir_ / "absent.toml").string()));
}

TEST_F(NodeFilesTest, TheEnvironmentThenTheFlagsApplyOverTheFile) {
  NodeFile n;
  n.key = key(0);
  n.data_dir = "from-file";
  n.listen = {"127.0.0.1", 7000};
  const std::map<std::string, std::string> env = {{"ALYS_DATA_DIR", "from-env"},
                                                  {"ALYS_LOG_LEVEL", "debug"}};
  const NodeOverrides from_env = overrides_from_env([&](const char* k) -> const char* {
    const auto it = env.find(k);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(apply_overrides(n, from_env, "environment").is_ok());
  EXPECT_EQ(n.data_dir, "from-env");
  EXPECT_EQ(n.log_level, LogLevel::kDebug);
  EXPECT_EQ(n.listen.port, 7000);
  NodeOverrides flags;
  flags.data_dir = "from-flag";
  flags.listen = "0.0.0.0:9000";
  ASSERT_TRUE(apply_overrides(n, flags, "flag").is_ok());
  EXPECT_EQ(n.data_dir, "from-flag");
  EXPECT_EQ(n.listen.host, "0.0.0.0");
  EXPECT_EQ(n.listen.port, 9000);

  NodeOverrides bad;
  bad.log_level = "loud";
  const Status s = apply_overrides(n, bad, "environment");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.message(), "environment: log_level: 'loud' (trace|debug|info|warn|error|off)");
  bad = {};
  bad.listen = "127.0.0.1:70000";
  EXPECT_NE(apply_overrides(n, bad, "flag").message().find("flag: listen:"), std::string::npos);
}

TEST_F(NodeFilesTest, AnAssumeValidBlockLoadsBackAndEveryLayerNamesABadOne) {
  NodeFile n;
  n.key = key(0);
  n.assume_valid = sync::AssumeValid{5000, sha256(as_bytes("alys/test/node-files/anchor"))};
  const auto loaded = load_node_file(write("av.toml", node_file_toml(n)));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->assume_valid, n.assume_valid);

  const std::string hash(64, 'c');
  const std::map<std::string, std::string> env = {{"ALYS_ASSUME_VALID", "7:" + hash}};
  const NodeOverrides from_env = overrides_from_env([&](const char* k) -> const char* {
    const auto it = env.find(k);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(apply_overrides(n, from_env, "environment").is_ok());
  ASSERT_TRUE(n.assume_valid.has_value());
  EXPECT_EQ(n.assume_valid->height, 7u);
  EXPECT_EQ(n.assume_valid->hash.to_hex(), hash);
  NodeOverrides bad;
  bad.assume_valid = "seven:" + hash;
  EXPECT_EQ(apply_overrides(n, bad, "flag").message(),
            "flag: assume_valid: height: 'seven' is not a number");
  EXPECT_EQ(n.assume_valid->height, 7u);  // nothing lost

  const std::string path = write("bad-av.toml", "id = 1\nkey = \"" + to_hex(key(1).view()) +
                                                    "\"\nspec = \"s.toml\"\ndata_dir = \"d\"\n"
                                                    "listen = \"127.0.0.1:7001\"\n"
                                                    "assume_valid = \"12\"\n");
  const auto refused = load_node_file(path);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find(path + ":6:"), std::string::npos)
      << refused.error().message();
  EXPECT_NE(refused.error().message().find("assume_valid: expected HEIGHT:HASH"), std::string::npos)
      << refused.error().message();
}

// parse_node_file is load_node_file without the file: the same values, paths resolved
// against the folder of the name it is given, the same errors.
TEST_F(NodeFilesTest, ParsingTheTextIsLoadingTheFile) {
  NodeFile n;
  n.id = 2;
  n.key = key(2);
  n.spec_path = "../spec.toml";
  n.data_dir = "data";
  n.listen = {"127.0.0.1", 7002};
  const std::string text = node_file_toml(n);
  const std::string path = write("n2/node.toml", text);
  const auto loaded = load_node_file(path);
  const auto parsed = parse_node_file(text, path);
  ASSERT_TRUE(loaded && parsed);
  EXPECT_EQ(parsed->spec_path, loaded->spec_path);
  EXPECT_EQ(parsed->data_dir, (dir_ / "n2" / "data").string());
  EXPECT_EQ(parsed->key, loaded->key);
  const std::string bad = "id = 1\nlisten = \"x\"\n";
  const auto bad_loaded = load_node_file(write("bad/node.toml", bad));
  const auto bad_parsed = parse_node_file(bad, (dir_ / "bad" / "node.toml").string());
  ASSERT_FALSE(bad_loaded || bad_parsed);
  EXPECT_EQ(bad_parsed.error().message(), bad_loaded.error().message());
}

// Regression (fuzz_node_file, node/fuzz/corpus/node_file/crash_quoted_path): node_file_toml
// wrote paths and hosts between quotes unescaped, so a quote, a backslash or a control
// character in them gave a file that did not load back.
TEST_F(NodeFilesTest, PathsAndHostsWithQuotesAndBackslashesLoadBackAsWritten) {
  NodeFile n;
  n.key = key(5);
  n.spec_path = "/etc/alys/a\"b.toml";
  n.data_dir = "C:\\alys\\n0";
  n.listen = {"h\x01st", 7000};
  n.rpc_listen = real::TcpPeerAddress{"'r'\\", 8545};
  n.peers[1] = {"p\"eer\n", 7001};
  const auto loaded = parse_node_file(node_file_toml(n), "node.toml");
  ASSERT_TRUE(loaded) << loaded.error().to_string() << "\n" << node_file_toml(n);
  EXPECT_EQ(loaded->spec_path, n.spec_path);
  EXPECT_EQ(loaded->data_dir, n.data_dir);
  EXPECT_EQ(loaded->listen, n.listen);
  EXPECT_EQ(loaded->rpc_listen, n.rpc_listen);
  EXPECT_EQ(loaded->peers, n.peers);
}

// Regression (fuzz_chain_spec, node/fuzz/corpus/chain_spec/crash_*): a spec whose
// pow_initial_bits no hash can meet loaded (every block would stay unfinalized), and so did
// one with a key twice or more authorities than a federation takes, whose node then
// stopped at start on the chain actor's federation assertion. Each is refused by key.
TEST_F(NodeFilesTest, ASpecIsRefusedIfItsTargetOrItsFederationCannotWork) {
  const std::string k0 = key(0).xonly_public_key().to_hex();
  const std::string head = "chain_id = 1\nslot_ms = 2000\n";
  auto bits = parse_chain_spec(head + "pow_initial_bits = 911858840\nauthorities = [\"" + k0 + "\"]\n", "s.toml");
  ASSERT_FALSE(bits);
  EXPECT_EQ(bits.error().message(), "s.toml:3:20: pow_initial_bits: not a usable target: bits 0x3659dc98: overflow");
  EXPECT_FALSE(parse_chain_spec(head + "pow_initial_bits = 0x04923456\nauthorities = [\"" + k0 + "\"]\n", "s.toml"));

  std::string upper = k0;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto twice = parse_chain_spec(head + "authorities = [\"" + k0 + "\", \"" + upper + "\"]\n", "s.toml");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("s.toml:3:"), std::string::npos) << twice.error().message();
  EXPECT_NE(twice.error().message().find("authorities[1]: the same key as authorities[0]"), std::string::npos)
      << twice.error().message();

  std::string many = head + "authorities = [";
  for (std::size_t i = 0; i <= kFederationMembersMax; ++i) {
    many += "\"" + key(static_cast<int>(i)).xonly_public_key().to_hex() + "\",";
  }
  auto too_many = parse_chain_spec(many + "]\n", "s.toml");
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message().find("authorities: 101 authorities: a federation has at most 100"),
            std::string::npos)
      << too_many.error().message();

  // What the loader accepts, the chain can use.
  auto ok = parse_chain_spec(head + "pow_initial_bits = 0x207fffff\nauthorities = [\"" + k0 + "\"]\n", "s.toml");
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_TRUE(federation_of(*ok));
}

}  // namespace
}  // namespace alys::node
