// The sweep report: figures computed right (per scenario, per checker, per fault kind), the
// page showing them with replay commands, run-supplied text escaped, and the page staying
// small when every run of a large sweep fails.
#include <gtest/gtest.h>

#include <string>

#include "reports/report_text.h"
#include "reports/sweep_charts.h"
#include "reports/sweep_report.h"
#include "reports/sweep_stats.h"

namespace alys::reports {
namespace {

RunResult make_run(std::string scenario, std::uint64_t seed, RunVerdict verdict, std::vector<std::string> kinds,
                   std::int64_t wall_us = 100'000) {
  RunResult r;
  r.scenario = std::move(scenario);
  r.scenario_file = "scenarios/" + r.scenario + ".toml";
  r.seed = seed;
  r.verdict = verdict;
  r.fault_kinds = std::move(kinds);
  r.wall_us = wall_us;
  r.replay = "alys-sim run " + r.scenario_file + " --seed " + std::to_string(seed);
  if (verdict == RunVerdict::kCrashed) r.crash = "signal 6 (SIGABRT): assertion failed";
  return r;
}

void fail_with(RunResult& r, std::string checker, std::int64_t at_ns, std::string evidence) {
  r.verdict = RunVerdict::kFail;
  r.failures.push_back({std::move(checker), at_ns, std::move(evidence)});
}

// Scenario "swarm" draws its kinds per seed; "fixed" has its own kind only.
SweepResults hand_made() {
  SweepResults s;
  s.command = "alys-sim sweep scenarios/ --seeds 1..4";
  s.runs.push_back(make_run("swarm", 1, RunVerdict::kPass, {"clog", "crash"}, 100'000));
  s.runs.push_back(make_run("swarm", 2, RunVerdict::kPass, {"crash"}, 200'000));
  fail_with(s.runs.back(), "no-double-mint", 61'000'000'000, "peg-in ab12 minted twice");
  s.runs.push_back(make_run("swarm", 3, RunVerdict::kPass, {"clog"}, 300'000));
  s.runs.push_back(make_run("swarm", 4, RunVerdict::kCrashed, {"clog", "crash"}, 400'000));
  s.runs.push_back(make_run("fixed", 1, RunVerdict::kPass, {"loss"}, 500'000));
  s.runs.push_back(make_run("fixed", 2, RunVerdict::kPass, {}, 600'000));
  fail_with(s.runs.back(), "heads-converge", 90'000'000'000, "n1 at h40, n2 at h38");
  fail_with(s.runs.back(), "no-double-mint", 95'000'000'000, "peg-in cd34 minted twice");
  fail_with(s.runs.back(), "no-double-mint", 96'000'000'000, "peg-in ef56 minted twice");
  return s;
}

// The text of the page between a heading containing `from` and the next <h2 or <h3.
std::string section(const std::string& page, const std::string& from) {
  const auto start = page.find(from);
  if (start == std::string::npos) return "";
  auto end = std::min(page.find("<h3", start + 1), page.find("<h2", start + 1));
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(SweepStats, TotalsAndPerScenarioRows) {
  const SweepResults s = hand_made();
  const SweepTotals t = sweep_totals(s);
  EXPECT_EQ(t.runs, 6u);
  EXPECT_EQ(t.passed, 3u);
  EXPECT_EQ(t.failed, 2u);
  EXPECT_EQ(t.crashed, 1u);
  EXPECT_EQ(t.wall_total_us, 2'100'000);
  EXPECT_EQ(t.wall_median_us, 300'000);  // nearest rank: the 3rd of 6

  const auto rows = scenario_rows(s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].scenario, "swarm");
  EXPECT_EQ(rows[0].runs, 4u);
  EXPECT_EQ(rows[0].passed, 2u);
  EXPECT_EQ(rows[0].failed, 1u);
  EXPECT_EQ(rows[0].crashed, 1u);
  EXPECT_EQ(rows[0].wall_p50_us, 200'000);
  EXPECT_EQ(rows[0].wall_p99_us, 400'000);
  EXPECT_EQ(rows[1].scenario, "fixed");
  EXPECT_EQ(rows[1].not_passed(), 1u);
}

TEST(SweepStats, PercentileIsNearestRank) {
  std::vector<std::int64_t> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_EQ(percentile(v, 50), 50);
  EXPECT_EQ(percentile(v, 99), 99);
  EXPECT_EQ(percentile(v, 100), 100);
  EXPECT_EQ(percentile({7}, 99), 7);
  EXPECT_EQ(percentile({}, 50), 0);
}

TEST(SweepStats, FailuresGroupByCheckerWithEachRunOnce) {
  const SweepResults s = hand_made();
  const auto groups = failures_by_checker(s);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].checker, "no-double-mint");  // two runs: first
  ASSERT_EQ(groups[0].runs.size(), 2u);            // fixed seed 2 counted once, not twice
  EXPECT_EQ(groups[0].runs[0]->seed, 2u);
  EXPECT_EQ(groups[0].runs[0]->scenario, "swarm");
  EXPECT_EQ(groups[0].runs[1]->scenario, "fixed");
  EXPECT_EQ(groups[1].checker, "heads-converge");
  ASSERT_EQ(groups[1].runs.size(), 1u);
  EXPECT_EQ(groups[1].runs[0]->scenario, "fixed");
  EXPECT_EQ(failures_of(*groups[0].runs[1], "no-double-mint"), 2u);
  EXPECT_EQ(first_failure_of(*groups[0].runs[1], "no-double-mint").evidence, "peg-in cd34 minted twice");
  const auto crashed = crashed_runs(s);
  ASSERT_EQ(crashed.size(), 1u);
  EXPECT_EQ(crashed[0]->seed, 4u);
}

TEST(SweepStats, FaultKindRatesCompareOnAndOffWithinTheScenariosThatDrawTheKind) {
  const auto rates = fault_kind_rates(hand_made());
  ASSERT_EQ(rates.size(), 3u);
  // clog: on in swarm 1, 3, 4 (4 crashed); off in swarm 2 (failed). "fixed" never draws it.
  EXPECT_EQ(rates[0].kind, "clog");
  EXPECT_EQ(rates[0].scenarios, 1u);
  EXPECT_EQ(rates[0].on_runs, 3u);
  EXPECT_EQ(rates[0].on_failed, 1u);
  EXPECT_EQ(rates[0].off_runs, 1u);
  EXPECT_EQ(rates[0].off_failed, 1u);
  // crash: on in swarm 1, 2, 4 (2 failed or crashed); off in swarm 3 (passed).
  EXPECT_EQ(rates[1].kind, "crash");
  EXPECT_EQ(rates[1].on_runs, 3u);
  EXPECT_EQ(rates[1].on_failed, 2u);
  EXPECT_EQ(rates[1].off_runs, 1u);
  EXPECT_EQ(rates[1].off_failed, 0u);
  // loss: on in fixed 1 (passed), off in fixed 2 (failed).
  EXPECT_EQ(rates[2].kind, "loss");
  EXPECT_EQ(rates[2].on_runs, 1u);
  EXPECT_EQ(rates[2].on_failed, 0u);
  EXPECT_EQ(rates[2].off_runs, 1u);
  EXPECT_EQ(rates[2].off_failed, 1u);
}

TEST(SweepReport, ShowsCountsGroupsReplaysAndRates) {
  const std::string page = sweep_report_html(hand_made(), {"2024-05-01 12:00:00 UTC"});
  EXPECT_EQ(page.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(page.find("3 of 6 run(s) did not pass"), std::string::npos);
  EXPECT_NE(page.find("<code>alys-sim sweep scenarios/ --seeds 1..4</code>"), std::string::npos);
  EXPECT_NE(page.find("the whole sweep"), std::string::npos);
  EXPECT_NE(page.find("2024-05-01 12:00:00 UTC"), std::string::npos);
  EXPECT_NE(page.find("2.10 s in all"), std::string::npos);
  EXPECT_NE(page.find("median 300 ms per run"), std::string::npos);
  // The swarm row: 4 runs, 2 passed, 1 failed, 1 crashed, 50%, p50 200 ms, p99 400 ms.
  EXPECT_NE(page.find("<tr><td>swarm</td><td class=\"num\">4</td><td class=\"num\">2</td>"), std::string::npos);
  EXPECT_NE(page.find(">50.0%</td><td class=\"num\">200 ms</td><td class=\"num\">400 ms</td>"), std::string::npos);

  const std::string mint = section(page, ">no-double-mint</span> failed in 2 run(s)");
  ASSERT_FALSE(mint.empty()) << page;
  EXPECT_NE(mint.find("alys-sim run scenarios/swarm.toml --seed 2"), std::string::npos);
  EXPECT_NE(mint.find("alys-sim run scenarios/fixed.toml --seed 2"), std::string::npos);
  EXPECT_NE(mint.find("1m1s"), std::string::npos);  // virtual time of the failure
  EXPECT_NE(mint.find("peg-in cd34 minted twice <i>(and 1 more in this run)</i>"), std::string::npos);
  const std::string heads = section(page, ">heads-converge</span> failed in 1 run(s)");
  ASSERT_FALSE(heads.empty());
  EXPECT_NE(heads.find("n1 at h40, n2 at h38"), std::string::npos);
  EXPECT_NE(heads.find("scenarios/fixed.toml --seed 2"), std::string::npos);
  EXPECT_EQ(heads.find("scenarios/swarm.toml"), std::string::npos);  // not its seed

  const std::string crashes = section(page, "<h2 id=\"crashes\"");
  EXPECT_NE(crashes.find("signal 6 (SIGABRT): assertion failed"), std::string::npos);
  EXPECT_NE(crashes.find("alys-sim run scenarios/swarm.toml --seed 4"), std::string::npos);

  const std::string swarm = section(page, "<h2 id=\"swarm\"");
  EXPECT_NE(swarm.find("<tr><td>clog</td><td class=\"num\">1</td><td class=\"num\">3</td><td class=\"num\">1</td>"
                       "<td class=\"num\">33.3%</td><td class=\"num\">1</td><td class=\"num\">1</td>"
                       "<td class=\"num\">100.0%</td></tr>"),
            std::string::npos)
      << swarm;
  EXPECT_NE(swarm.find("<svg"), std::string::npos);
  EXPECT_NE(section(page, "<h2 id=\"wall\"").find("<svg"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

TEST(SweepReport, AllPassedSaysSoAndHasNoFailureSections) {
  SweepResults s;
  s.shard = "1/4";
  s.runs.push_back(make_run("quiet", 1, RunVerdict::kPass, {}));
  const std::string page = sweep_report_html(s);
  EXPECT_NE(page.find("all 1 run(s) passed"), std::string::npos);
  EXPECT_NE(page.find("<td>shard</td><td>1/4</td>"), std::string::npos);
  EXPECT_NE(page.find("No checker failed."), std::string::npos);
  EXPECT_NE(page.find("No run crashed."), std::string::npos);
  EXPECT_NE(page.find("No run had random faults"), std::string::npos);
  EXPECT_EQ(page.find("report made"), std::string::npos);  // no time given: none shown
}

TEST(SweepReport, EscapesEverythingFromRuns) {
  SweepResults s;
  s.command = "alys-sim sweep \"x\" <y>";
  RunResult r = make_run("<script>alert(1)</script>", 1, RunVerdict::kPass, {"<b>kind</b>"});
  fail_with(r, "checker\"><img src=x onerror=alert(1)>", 1, "evidence 'quoted' & <script>bad()</script>");
  r.replay = "alys-sim run '<x>' --seed 1";
  r.plant = "<i>plant</i>";
  RunResult c = make_run("ok", 2, RunVerdict::kCrashed, {});
  c.crash = "died: </pre><script>x()</script>";
  s.runs = {r, c};
  const std::string page = sweep_report_html(s, {"<now>"});
  EXPECT_EQ(page.find("<script"), std::string::npos) << page;
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>kind"), std::string::npos);
  EXPECT_EQ(page.find("<i>plant"), std::string::npos);
  EXPECT_EQ(page.find("</pre><script>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("evidence &apos;quoted&apos; &amp; &lt;script&gt;"), std::string::npos);
  EXPECT_NE(page.find("checker&quot;&gt;&lt;img"), std::string::npos);
  EXPECT_NE(page.find("alys-sim sweep &quot;x&quot; &lt;y&gt;"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;kind&lt;/b&gt;"), std::string::npos);  // the table and the chart
  EXPECT_NE(page.find("&lt;now&gt;"), std::string::npos);
}

// 1,000 runs, every one failing three checkers with 20 KB of evidence each or crashing with
// 20 KB of last words: the page stays far below the 5 MB the whole report may take, and
// still names every failing seed.
TEST(SweepReport, StaysSmallWhenAThousandRunsFailWithLongEvidence) {
  SweepResults s;
  s.command = "alys-sim sweep scenarios/ --seeds 1..1000";
  const std::string evidence(20'000, 'e');
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    RunResult r = make_run("scenario-" + std::to_string(seed % 13), seed,
                           seed % 10 == 0 ? RunVerdict::kCrashed : RunVerdict::kPass, {"clog", "crash"},
                           static_cast<std::int64_t>(300'000 + seed * 1'000));
    if (r.verdict == RunVerdict::kCrashed) {
      r.crash = evidence;
    } else {
      for (const char* checker : {"heads-converge", "no-double-mint", "transfers"}) {
        fail_with(r, checker, 1, evidence);
      }
    }
    s.runs.push_back(std::move(r));
  }
  const std::string page = sweep_report_html(s);
  EXPECT_LT(page.size(), 512u * 1024) << page.size();
  // The first ten runs of a group in full, the evidence cut with a mark.
  const std::string group = section(page, ">heads-converge</span> failed in 900 run(s)");
  ASSERT_FALSE(group.empty());
  EXPECT_NE(group.find(std::string(kEvidenceBytesMax, 'e') + std::string(kEllipsis)), std::string::npos);
  EXPECT_EQ(group.find(std::string(kEvidenceBytesMax + 1, 'e')), std::string::npos);
  // Then the others compactly: 890 more, the first kCompactSeedsMax of them listed.
  EXPECT_NE(group.find("and 890 more seed(s): scenario-12: 12, 25, 38"), std::string::npos) << group.substr(group.find("and 890"), 300);
  EXPECT_NE(group.find(std::string(kEllipsis) + " and 690 more"), std::string::npos);
  const std::string crashes = section(page, "<h2 id=\"crashes\"");
  EXPECT_NE(crashes.find("and 80 more seed(s): "), std::string::npos);
}

TEST(ReportText, TruncatesOnACharacterBoundaryWithAMark) {
  EXPECT_EQ(truncate_text("short", 10), "short");
  EXPECT_EQ(truncate_text("abcdef", 3), "abc\xE2\x80\xA6");
  // "é" is two bytes (C3 A9): a cut inside it backs off to before it.
  EXPECT_EQ(truncate_text("ab\xC3\xA9z", 3), "ab\xE2\x80\xA6");
  EXPECT_EQ(truncate_text("ab\xC3\xA9z", 4), "ab\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(one_line("a\nb\r\tc"), "a b  c");
  EXPECT_EQ(format_wall_us(840), "840 µs");
  EXPECT_EQ(format_wall_us(812'345), "812 ms");
  EXPECT_EQ(format_wall_us(4'200'000), "4.20 s");
  EXPECT_EQ(format_wall_us(187'000'000), "3m 07s");
  EXPECT_EQ(format_rate(1, 3), "33.3%");
  EXPECT_EQ(format_rate(0, 0), "\xE2\x80\x93");
}

TEST(SweepCharts, WallBinsAreRoundAndCoverEveryRun) {
  SweepResults s;
  for (int i = 1; i <= 19; ++i) s.runs.push_back(make_run("a", 1, RunVerdict::kPass, {}, i * 100'000 + 50'000));
  WallBins b = choose_wall_bins(s);
  EXPECT_EQ(b.width_us, 100'000);  // 150 ms .. 1950 ms: 19 bins of 100 ms
  EXPECT_EQ(b.start_us, 100'000);
  EXPECT_EQ(b.count, 19u);
  s.runs.push_back(make_run("a", 2, RunVerdict::kFail, {}, 4'000'000));
  b = choose_wall_bins(s);
  // 200 ms bins from 0 would need 21 bins; 500 ms bins need 9.
  EXPECT_EQ(b.width_us, 500'000);
  EXPECT_EQ(b.count, 9u);
  EXPECT_GT(b.start_us + static_cast<std::int64_t>(b.count) * b.width_us, 4'000'000);
  EXPECT_LE(b.start_us, 150'000);

  const std::string svg = wall_time_histogram_svg(s);
  EXPECT_NE(svg.find("wall time per run (ms)"), std::string::npos);
  EXPECT_NE(svg.find(">runs</text>"), std::string::npos);
  // Bin 4.0-4.5 s holds the one failed run; its title says so.
  EXPECT_NE(svg.find("<title>4000–4500 ms: 1 run(s): 0 passed, 1 failed, 0 crashed</title>"), std::string::npos)
      << svg;
  SweepResults same;
  for (int i = 0; i < 5; ++i) same.runs.push_back(make_run("a", 1, RunVerdict::kPass, {}, 812'000));
  b = choose_wall_bins(same);
  EXPECT_EQ(b.count, 1u);
  EXPECT_LE(b.start_us, 812'000);
  EXPECT_GT(b.start_us + b.width_us, 812'000);
  EXPECT_EQ(wall_time_histogram_svg(SweepResults{}), "");
}

}  // namespace
}  // namespace alys::reports
