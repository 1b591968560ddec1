// Fault schedules as TOML: printing then parsing gives the schedule back, and bad files
// are refused with errors naming file, line and key.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "chaos/fault_toml.h"
#include "chaos/tests/fault_gen.h"

namespace alys::chaos {
namespace {

RC_GTEST_PROP(FaultToml, PrintThenParseIsTheSameSchedule, ()) {
  const Schedule schedule = *testing::gen_schedule(7);
  const std::string text = faults_to_toml(schedule);
  auto back = parse_faults_toml(text, "gen.toml");
  RC_ASSERT(back.has_value());
  RC_ASSERT(*back == schedule);
}

TEST(FaultToml, ReadsAHandWrittenSchedule) {
  const std::string text = R"(
[[faults]]
at = "1m30s"
kind = "crash"
node = 2
durability = "lose-unsynced"
duration = "20s"

[[faults]]
at = "2m"
kind = "partition"
groups = [[0, 1], [2, 3, 4]]
duration = "30s"

[[faults]]
at = "3m"
kind = "bitcoin-reorg"
depth = 3
evict_deposit = true
)";
  auto s = parse_faults_toml(text, "hand.toml");
  ASSERT_TRUE(s.has_value()) << s.error().message();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0], (TimedFault{kTimeZero + 90s, Crash{2, sim::CrashDurability::kLoseAll}, 20s}));
  EXPECT_EQ((*s)[1], (TimedFault{kTimeZero + 2min, Partition{{{0, 1}, {2, 3, 4}}}, 30s}));
  EXPECT_EQ((*s)[2], (TimedFault{kTimeZero + 3min, BitcoinReorg{3, true}, Duration::zero()}));
}

std::string error_of(const std::string& text) {
  auto s = parse_faults_toml(text, "bad.toml");
  EXPECT_FALSE(s.has_value());
  return s.has_value() ? std::string() : s.error().message();
}

TEST(FaultToml, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("[[faults]]\nat = \"1m\"\nkind = \"crash\"\nnode = \"two\"\n"),
            "bad.toml:4:8: faults[0].node: expected an integer, got a string");
  EXPECT_EQ(error_of("[[faults]]\nat = \"soon\"\nkind = \"heal\"\n"),
            "bad.toml:2:6: faults[0].at: 'soon' is not a duration (e.g. 500ms, 30s, 10m, 1h30m)");
  EXPECT_NE(error_of("[[faults]]\nat = \"1s\"\nkind = \"meteor\"\n")
                .find("bad.toml:3:8: faults[0].kind: 'meteor' is not one of: crash, restart"),
            std::string::npos);
  EXPECT_EQ(error_of("[[faults]]\nat = \"1s\"\nkind = \"heal\"\nnode = 1\n"),
            "bad.toml:4:1: faults[0].node: unknown key");
  EXPECT_EQ(error_of("[[faults]]\nat = \"1s\"\nkind = \"crash\"\n"),
            "bad.toml:1:1: faults[0].node: missing (required)");
  EXPECT_EQ(error_of("[[faults]]\nat = \"1s\"\nkind = \"clog\"\nfrom = 0\nto = 1\n"),
            "bad.toml:1:1: faults[0].duration: missing: a clog needs a duration");
  EXPECT_EQ(error_of("[[faults]]\nat = \"1s\"\nkind = \"heal\"\nduration = \"1s\"\n"),
            "bad.toml:4:12: faults[0].duration: a heal takes no duration");
  EXPECT_EQ(error_of("[[faults]]\nat = \"1s\"\nkind = \"loss\"\nfrom = 0\nto = 1\nppm = 2000000\nduration = \"1s\"\n"),
            "bad.toml:6:7: faults[0].ppm: 2000000 is out of range [0, 1000000]");
  EXPECT_EQ(error_of("[[faults]]\nat = \"1s\"\nkind = \"partition\"\ngroups = [[0, \"x\"]]\nduration = \"1s\"\n"),
            "bad.toml:4:15: faults[0].groups[0][1]: expected a node index in [0, 1023]");
  // Every mistake of a file, not only the first.
  const std::string two = error_of(
      "[[faults]]\nat = \"1s\"\nkind = \"crash\"\nnode = -1\n\n[[faults]]\nat = \"x\"\nkind = \"heal\"\n");
  EXPECT_NE(two.find("faults[0].node"), std::string::npos) << two;
  EXPECT_NE(two.find("faults[1].at"), std::string::npos) << two;
  // A TOML syntax error names its line too.
  EXPECT_EQ(error_of("[[faults]]\nat = \n").rfind("bad.toml:2:", 0), 0u);
}

}  // namespace
}  // namespace alys::chaos
