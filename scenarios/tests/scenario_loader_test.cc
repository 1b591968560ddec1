// Scenario files: what the loader reads, the errors it names (file, line, key), the written
// form loading back to the same scenario, and every file of the library loading cleanly.
#include <gtest/gtest.h>

#include <filesystem>

#include "scenarios/scenario_loader.h"

namespace alys::scenarios {
namespace {

std::string error_of(const std::string& text) {
  auto s = parse_scenario(text, "dir/bad.toml");
  EXPECT_FALSE(s.has_value());
  return s.has_value() ? std::string() : s.error().message();
}

TEST(ScenarioLoader, ReadsEveryTable) {
  const std::string text = R"(
description = "a test"
duration = "20m"
settle = "2m"
[nodes]
authorities = 4
full_nodes = 1
slot = "3s"
late = [4]
late_start = "5m"
[network]
latency_min = "2ms"
latency_max = "40ms"
loss_ppm = 100
[workload]
tx_rate = 7
miner_mean = "20s"
[bitcoin]
block_mean = "30s"
pegins = 12
pegouts = 6
pegout_due_after = "8m"
pegin_window = "6m"
[chaos]
kinds = ["crash", "loss", "bitcoin-reorg"]
swarm = true
start = "1m"
max_down = 1
[checks]
skip = ["pegin-value"]
[[faults]]
at = "10m"
kind = "partition"
groups = [[0, 1], [2, 3, 4]]
duration = "90s"
)";
  auto s = parse_scenario(text, "dir/my_case.toml");
  ASSERT_TRUE(s.has_value()) << s.error().message();
  EXPECT_EQ(s->name, "my_case");  // the file's stem when the file names none
  EXPECT_EQ(s->description, "a test");
  const ChainOptions& o = s->options;
  EXPECT_EQ(o.duration, 20min);
  EXPECT_EQ(o.settle, 2min);
  EXPECT_EQ(o.authorities, 4u);
  EXPECT_EQ(o.full_nodes, 1u);
  EXPECT_EQ(o.slot_ms, 3000u);
  EXPECT_EQ(o.late_nodes, std::vector<NodeId>{4});
  EXPECT_EQ(o.late_start, 5min);
  EXPECT_EQ(o.network.latency.max, 40ms);
  EXPECT_EQ(o.network.loss_ppm, 100u);
  EXPECT_EQ(o.tx_per_sec, 7u);
  EXPECT_EQ(o.miner_mean, 20s);
  EXPECT_TRUE(o.bitcoin);
  EXPECT_EQ(o.pegins, 12u);
  EXPECT_EQ(o.pegouts, 6u);
  EXPECT_EQ(o.pegout_due_after, 8min);
  EXPECT_EQ(o.pegin_window, std::optional<Duration>(6min));
  EXPECT_TRUE(o.chaos);
  EXPECT_TRUE(o.nemesis_exact);
  EXPECT_EQ(o.nemesis.kinds, (std::set<std::string>{"crash", "loss", "bitcoin-reorg"}));
  EXPECT_TRUE(o.nemesis.swarm);
  EXPECT_EQ(o.nemesis.active_from, 1min);
  EXPECT_EQ(o.nemesis.max_reorg_depth, 5u);  // below the 6 confirmations by default
  EXPECT_EQ(s->skip_checks, std::set<std::string>{"pegin-value"});
  ASSERT_EQ(o.faults.size(), 1u);
  EXPECT_EQ(o.faults[0].at, kTimeZero + 10min);
  EXPECT_EQ(o.faults[0].duration, 90s);
}

TEST(ScenarioLoader, WrittenScenarioLoadsBackTheSame) {
  const std::string text = R"(
name = "round-trip"
description = "quotes \" and a\nnewline"
duration = "7m"
[nodes]
late = [6]
late_start = "1m"
[bitcoin]
pegins = 3
pegouts = 2
pegout_window_start = "2m"
pegout_window_end = "4m"
[chaos]
kinds = ["clog", "clock-jump"]
buggify_seed_ppm = 100000
[checks]
skip = ["heads-converge"]
[[faults]]
at = "1m"
kind = "crash"
node = 3
durability = "keep-unsynced"
duration = "5s"
)";
  auto a = parse_scenario(text, "round_trip.toml");
  ASSERT_TRUE(a.has_value()) << a.error().message();
  const std::string written = scenario_to_toml(*a);
  auto b = parse_scenario(written, "round_trip.toml");
  ASSERT_TRUE(b.has_value()) << b.error().message() << "\n" << written;
  EXPECT_EQ(scenario_to_toml(*b), written);
  EXPECT_EQ(b->name, "round-trip");
  EXPECT_EQ(b->description, a->description);
  EXPECT_EQ(b->options.faults, a->options.faults);
  EXPECT_EQ(b->options.nemesis.kinds, a->options.nemesis.kinds);
  EXPECT_EQ(b->options.pegout_window_end, a->options.pegout_window_end);
}

TEST(ScenarioLoader, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("duration = 10\n"),
            "dir/bad.toml:1:12: duration: expected a duration string such as \"30s\" or \"10m\", got an integer");
  EXPECT_EQ(error_of("[nodes]\nauthorities = 0\n"), "dir/bad.toml:2:15: nodes.authorities: 0 is out of range [1, 64]");
  EXPECT_EQ(error_of("[nodes]\nauthorties = 4\n"), "dir/bad.toml:2:1: nodes.authorties: unknown key");
  EXPECT_EQ(error_of("[chaos]\nkinds = [\"crash\", \"meteor\"]\n").rfind(
                "dir/bad.toml:2:19: chaos.kinds[1]: 'meteor' is not a nemesis kind: crash, partition", 0),
            0u);
  EXPECT_EQ(error_of("[checks]\nskip = [\"no-such\"]\n"),
            "dir/bad.toml:2:9: checks.skip[0]: 'no-such' is not a checker (alys-sim checkers lists them)");
  EXPECT_EQ(error_of("[bitcoin]\npegouts = 3\n"),
            "dir/bad.toml:2:11: bitcoin.pegouts: peg-outs need peg-ins to fund their users");
  EXPECT_EQ(error_of("[chaos]\nkinds = [\"bitcoin-reorg\"]\n"),
            "dir/bad.toml: chaos.kinds: 'bitcoin-reorg' needs a [bitcoin] table");
  EXPECT_EQ(error_of("[[faults]]\nat = \"1m\"\nkind = \"crash\"\nnode = 9\n"),
            "dir/bad.toml:1:1: faults[0]: node n9 does not exist (7 nodes)");
  EXPECT_EQ(error_of("duration = \"1m\"\n[[faults]]\nat = \"5m\"\nkind = \"heal\"\n"),
            "dir/bad.toml:2:1: faults[0].at: after the end of the run (duration + settle)");
  EXPECT_EQ(error_of("[network]\nlatency_min = \"50ms\"\nlatency_max = \"10ms\"\n"),
            "dir/bad.toml:2:15: network.latency_min: is above latency_max");
  EXPECT_EQ(error_of("nodes = 5\n"), "dir/bad.toml:1:9: nodes: expected a table, got an integer");
  // Every mistake at once.
  const std::string many = error_of("duration = \"x\"\n[workload]\ntx_rate = -1\nbogus = 1\n");
  EXPECT_NE(many.find("dir/bad.toml:1:12: duration"), std::string::npos) << many;
  EXPECT_NE(many.find("dir/bad.toml:3:11: workload.tx_rate"), std::string::npos) << many;
  EXPECT_NE(many.find("dir/bad.toml:4:1: workload.bogus: unknown key"), std::string::npos) << many;
  auto missing = load_scenario_file("/nonexistent/x.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(), "/nonexistent/x.toml: cannot open the scenario file");
}

TEST(ScenarioLoader, EveryLibraryScenarioLoads) {
  const std::filesystem::path dir = std::filesystem::path(ALYS_SCENARIO_DIR);
  std::size_t count = 0;
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    auto s = load_scenario_file(entry.path().string());
    ASSERT_TRUE(s.has_value()) << s.error().message();
    EXPECT_FALSE(s->description.empty()) << entry.path();
    EXPECT_TRUE(names.insert(s->name).second) << "two scenarios named " << s->name;
    ++count;
  }
  EXPECT_GE(count, 1u);
}

// Regression (fuzz_scenario, scenarios/fuzz/corpus/scenario/crash_control_character):
// scenario_to_toml wrote control characters of a name or description raw, and TOML refuses
// them, so a shrunk scenario with one did not load back.
TEST(ScenarioLoader, ControlCharactersInANameOrDescriptionLoadBack) {
  auto s = parse_scenario("name = \"a\\u0001b\"\ndescription = \"\\r\\n\\t\\u007f\\\"\\\\\"\n", "dir/x.toml");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->name, "a\x01" "b");
  EXPECT_EQ(s->description, "\r\n\t\x7f\"\\");
  const std::string written = scenario_to_toml(*s);
  auto again = parse_scenario(written, "dir/x.toml");
  ASSERT_TRUE(again) << again.error().to_string() << "\n" << written;
  EXPECT_EQ(again->name, s->name);
  EXPECT_EQ(again->description, s->description);
  EXPECT_EQ(scenario_to_toml(*again), written);
}

}  // namespace
}  // namespace alys::scenarios
