// The Markdown summary for CI job summaries: headline counts, the per-scenario table,
// failures by checker with copyable replay commands, crashes; run text escaped so it can
// neither format nor break the table; bounded size for a sweep where everything fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "reports/markdown_summary.h"
#include "reports/report_text.h"

namespace alys::reports {
namespace {

RunResult make_run(std::string scenario, std::uint64_t seed, RunVerdict verdict) {
  RunResult r;
  r.scenario = std::move(scenario);
  r.seed = seed;
  r.verdict = verdict;
  r.wall_us = 250'000;
  r.replay = "alys-sim run scenarios/" + r.scenario + ".toml --seed " + std::to_string(seed);
  return r;
}

void fail_with(RunResult& r, std::string checker, std::string evidence) {
  r.verdict = RunVerdict::kFail;
  r.failures.push_back({std::move(checker), 61'000'000'000, std::move(evidence)});
}

// Unescaped '|' in a line: the cell separators of a table row.
std::size_t cell_bars(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) n += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(MarkdownSummary, AllPassedHeadlineAndTable) {
  SweepResults s;
  s.command = "alys-sim sweep scenarios/ --seeds 1..2";
  s.runs = {make_run("quiet", 1, RunVerdict::kPass), make_run("quiet", 2, RunVerdict::kPass)};
  const std::string md = markdown_summary(s);
  EXPECT_EQ(md.rfind("## ✅ alys-sim sweep: all 2 runs passed\n", 0), 0u) << md;
  EXPECT_NE(md.find("`alys-sim sweep scenarios/ --seeds 1..2`"), std::string::npos);
  EXPECT_NE(md.find("| quiet | 2 | 2 | 0 | 0 | 0.0% | 250 ms | 250 ms |  |\n"), std::string::npos) << md;
  EXPECT_EQ(md.find("### Failures"), std::string::npos);
  EXPECT_EQ(md.find("### Crashes"), std::string::npos);
}

TEST(MarkdownSummary, FailuresGroupedByCheckerWithReplayBlocksAndCrashes) {
  SweepResults s;
  s.runs = {make_run("swarm", 1, RunVerdict::kPass), make_run("swarm", 2, RunVerdict::kPass),
            make_run("fixed", 3, RunVerdict::kPass), make_run("fixed", 4, RunVerdict::kCrashed)};
  fail_with(s.runs[1], "no-double-mint", "peg-in ab12 minted twice");
  fail_with(s.runs[2], "heads-converge", "n1 at h40");
  fail_with(s.runs[2], "no-double-mint", "peg-in cd34 minted twice");
  s.runs[3].crash = "signal 11 (SIGSEGV)";
  const std::string md = markdown_summary(s);
  EXPECT_EQ(md.rfind("## ❌ alys-sim sweep: 3 of 4 runs did not pass (2 failed, 1 crashed)\n", 0), 0u) << md;
  EXPECT_NE(md.find("| swarm | 2 | 1 | 1 | 0 | 50.0% |"), std::string::npos);
  EXPECT_NE(md.find("| fixed | 2 | 0 | 1 | 1 | 100.0% |"), std::string::npos);

  const auto mint = md.find("#### `no-double-mint` failed in 2 run(s)");
  const auto heads = md.find("#### `heads-converge` failed in 1 run(s)");
  const auto crashes = md.find("### Crashes (1 run(s))");
  ASSERT_NE(mint, std::string::npos) << md;
  ASSERT_NE(heads, std::string::npos);
  ASSERT_NE(crashes, std::string::npos);
  ASSERT_LT(mint, heads);  // most runs first
  ASSERT_LT(heads, crashes);
  const std::string mint_text = md.substr(mint, heads - mint);
  EXPECT_NE(mint_text.find("- `swarm` seed 2 at 1m1s: peg-in ab12 minted twice\n"
                           "  ```sh\n  alys-sim run scenarios/swarm.toml --seed 2\n  ```\n"),
            std::string::npos)
      << mint_text;
  EXPECT_NE(mint_text.find("alys-sim run scenarios/fixed.toml --seed 3"), std::string::npos);
  const std::string heads_text = md.substr(heads, crashes - heads);
  EXPECT_NE(heads_text.find("alys-sim run scenarios/fixed.toml --seed 3"), std::string::npos);
  EXPECT_EQ(heads_text.find("swarm"), std::string::npos);
  const std::string crash_text = md.substr(crashes);
  EXPECT_NE(crash_text.find("- `fixed` seed 4: `signal 11 (SIGSEGV)`"), std::string::npos) << crash_text;
  EXPECT_NE(crash_text.find("  alys-sim run scenarios/fixed.toml --seed 4\n"), std::string::npos);
}

TEST(MarkdownSummary, OneRunGetsAHeadlineOfItsOwn) {
  SweepResults one;
  one.runs = {make_run("partition-during-pegout", 17, RunVerdict::kPass)};
  fail_with(one.runs[0], "no-double-mint", "minted twice");
  std::string md = markdown_summary(one);
  EXPECT_EQ(md.rfind("## ❌ `partition-during-pegout` seed 17 failed\n", 0), 0u) << md;
  EXPECT_NE(md.find("alys-sim run scenarios/partition-during-pegout.toml --seed 17"), std::string::npos);
  one.runs[0].verdict = RunVerdict::kPass;
  one.runs[0].failures.clear();
  md = markdown_summary(one);
  EXPECT_EQ(md.rfind("## ✅ `partition-during-pegout` seed 17 passed\n", 0), 0u) << md;
}

TEST(MarkdownSummary, HostileTextCannotBreakTheTableOrFormat) {
  SweepResults s;
  RunResult r = make_run("a|b\nc <script>alert(1)</script>", 1, RunVerdict::kPass);
  r.plant = "p|q`r";
  fail_with(r, "chk`x", "**bold** | [link](http://x) <img src=x>\n# heading");
  r.replay = "alys-sim run 'a|b' ``` --seed 1";
  s.runs = {r};
  const std::string md = markdown_summary(s);
  const auto lines = lines_of(md);
  const auto row = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("| a", 0) == 0; });
  ASSERT_NE(row, lines.end()) << md;
  EXPECT_EQ(cell_bars(*row), 10u) << *row;  // nine cells, however many '|' the names hold
  EXPECT_NE(row->find("a\\|b c \\<script\\>alert(1)\\</script\\>"), std::string::npos) << *row;
  EXPECT_NE(row->find("``p\\|q`r``"), std::string::npos) << *row;
  // Evidence: escaped, on one line (no heading begins from it).
  EXPECT_NE(md.find("\\*\\*bold\\*\\* \\| \\[link\\](http://x) \\<img src=x\\> \\# heading"), std::string::npos) << md;
  for (const std::string& l : lines) EXPECT_NE(l.rfind("# heading", 0), 0u);
  // A replay with a run of three backticks sits in a four-backtick fence.
  EXPECT_NE(md.find("  ````sh\n  alys-sim run 'a|b' ``` --seed 1\n  ````\n"), std::string::npos) << md;
  EXPECT_NE(md.find("#### ``chk`x`` failed"), std::string::npos);
}

TEST(MarkdownSummary, EscapingHelpers) {
  EXPECT_EQ(markdown_escape("a_b*c|d\ne&f"), "a\\_b\\*c\\|d e\\&f");
  EXPECT_EQ(markdown_code("x"), "`x`");
  EXPECT_EQ(markdown_code("a`b"), "``a`b``");
  EXPECT_EQ(markdown_code("`a"), "`` `a ``");
  EXPECT_EQ(markdown_code("a|b", true), "`a\\|b`");
  EXPECT_EQ(markdown_code(""), "` `");
}

TEST(MarkdownSummary, StaysSmallWhenAThousandRunsFail) {
  SweepResults s;
  const std::string evidence(20'000, 'e');
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    RunResult r = make_run("scenario-" + std::to_string(seed % 13), seed, RunVerdict::kPass);
    if (seed % 10 == 0) {
      r.verdict = RunVerdict::kCrashed;
      r.crash = evidence;
    } else {
      for (const char* c : {"heads-converge", "no-double-mint", "transfers"}) fail_with(r, c, evidence);
    }
    s.runs.push_back(std::move(r));
  }
  const std::string md = markdown_summary(s);
  EXPECT_LT(md.size(), 64u * 1024) << md.size();
  EXPECT_NE(md.find("## ❌ alys-sim sweep: 1000 of 1000 runs did not pass (900 failed, 100 crashed)"),
            std::string::npos);
  EXPECT_NE(md.find(std::string(kMarkdownEvidenceBytesMax, 'e') + std::string(kEllipsis)), std::string::npos);
  EXPECT_EQ(md.find(std::string(kMarkdownEvidenceBytesMax + 1, 'e')), std::string::npos);
  EXPECT_NE(md.find("and 895 more seed(s): "), std::string::npos);
  EXPECT_NE(md.find(std::string(kEllipsis) + " and 795 more"), std::string::npos);
  EXPECT_NE(md.find("and 90 more seed(s): "), std::string::npos);  // crashes: 10 shown
}

}  // namespace
}  // namespace alys::reports
