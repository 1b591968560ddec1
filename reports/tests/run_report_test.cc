// The run report draws what the timeline holds: a lane per node with its faults, a marker
// per failure at its time, step series of bounded size, peg states counted right, and it
// escapes everything that came from the run.
#include <gtest/gtest.h>

#include <string>

#include "reports/run_report.h"

namespace alys::reports {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

constexpr std::int64_t kSecond = 1'000'000'000;

RunResult failing_run() {
  RunResult r;
  r.scenario = "partition-during-pegout";
  r.seed = 17;
  r.verdict = RunVerdict::kFail;
  r.failures.push_back({"no-double-mint", 61 * kSecond, "<script>alert(1)</script> minted twice"});
  r.failures.push_back({"no-double-mint", 61 * kSecond, "second one at the same instant"});
  r.failures.push_back({"finality", 80 * kSecond, "h10 \"a\" & 'b'"});
  r.trace_hash = 0xDEADBEEF;
  r.virtual_ns = 120 * kSecond;
  r.replay = "alys-sim run scenarios/p.toml --seed 17";
  return r;
}

RunTimeline three_nodes() {
  RunTimeline t;
  t.node_names = {"n0 authority", "n1 authority", "n2 full node"};
  t.end_ns = 120 * kSecond;
  t.load_end_ns = 100 * kSecond;
  t.spans.push_back({"down", {1}, 10 * kSecond, 30 * kSecond, "crash n1 (seeded)"});
  t.spans.push_back({"partition", {0, 1, 2}, 40 * kSecond, 50 * kSecond, "partition {n0} {n1 n2}"});
  t.spans.push_back({"clog", {0, 2}, 60 * kSecond, 70 * kSecond, "clog n0->n2"});
  t.marks.push_back({"restart", {1}, 30 * kSecond, "restart n1"});
  t.marks.push_back({"bitcoin-reorg", {}, 55 * kSecond, "bitcoin reorg of depth 2"});
  for (std::uint32_t n = 0; n < 3; ++n) {
    for (std::int64_t s = 1; s < 120; ++s) {
      t.add_height(s * kSecond, n, static_cast<std::uint64_t>(s / 2), false);
      t.add_height(s * kSecond, n, static_cast<std::uint64_t>(s / 4), true);
    }
  }
  // Two peg-ins reach final, one stays minted; one peg-out only requested.
  t.peg_ops.push_back({"pegin", "aa", {{"deposited", 1 * kSecond}, {"minted", 5 * kSecond}, {"final", 9 * kSecond}}});
  t.peg_ops.push_back({"pegin", "bb", {{"deposited", 2 * kSecond}, {"minted", 6 * kSecond}, {"final", 9 * kSecond}}});
  t.peg_ops.push_back({"pegin", "cc", {{"deposited", 3 * kSecond}, {"minted", 7 * kSecond}}});
  t.peg_ops.push_back({"pegout", "dd", {{"requested", 20 * kSecond}}});
  return t;
}

TEST(RunReport, HasTheHeaderALanePerNodeAndTheFaults) {
  const std::string html = run_report_html(failing_run(), three_nodes());
  EXPECT_NE(html.find("partition-during-pegout &middot; seed 17"), std::string::npos);
  EXPECT_NE(html.find("<pre class=\"replay\">alys-sim run scenarios/p.toml --seed 17</pre>"), std::string::npos);
  EXPECT_NE(html.find("0x00000000deadbeef"), std::string::npos);
  for (const char* lane : {"data-node=\"n0\">", "data-node=\"n1\">", "data-node=\"n2\">"}) {
    EXPECT_EQ(count(html, std::string("<g class=\"lane\" ") + lane), 1u) << lane;
  }
  EXPECT_EQ(count(html, "<g class=\"lane\""), 3u);
  EXPECT_EQ(count(html, "class=\"span down\""), 1u);
  EXPECT_EQ(count(html, "class=\"span partition\""), 3u);  // shades every lane
  EXPECT_EQ(count(html, "class=\"span clog\""), 2u);
  EXPECT_EQ(count(html, "class=\"mark restart\""), 1u);
  EXPECT_NE(html.find("bitcoin reorg of depth 2"), std::string::npos);
  EXPECT_NE(html.find("quiet tail from 1m40s"), std::string::npos);
}

TEST(RunReport, MarksEachFailureOncePerChartAndEscapesEvidence) {
  const std::string html = run_report_html(failing_run(), three_nodes());
  // Two failures of one checker at one instant share a marker: one per chart (lanes,
  // heights, peg-ins, peg-outs).
  EXPECT_EQ(count(html, "<g class=\"failure\" data-checker=\"no-double-mint\">"), 4u);
  EXPECT_EQ(count(html, "<g class=\"failure\" data-checker=\"finality\">"), 4u);
  EXPECT_NE(html.find("(and 1 more failures)"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("h10 &quot;a&quot; &amp; &apos;b&apos;"), std::string::npos);
}

TEST(RunReport, CountsPegOperationsByTheirLastState) {
  const std::string html = run_report_html(failing_run(), three_nodes());
  EXPECT_NE(html.find("Peg-ins (3 operations)"), std::string::npos);
  EXPECT_NE(html.find("final (at the end: 2)"), std::string::npos);
  EXPECT_NE(html.find("minted (at the end: 1)"), std::string::npos);
  EXPECT_NE(html.find("deposited (at the end: 0)"), std::string::npos);
  EXPECT_NE(html.find("Peg-outs (1 operations)"), std::string::npos);
  EXPECT_NE(html.find("requested (at the end: 1)"), std::string::npos);
}

TEST(RunReport, ManyHeightSamplesStayWithinTwoPathCommandsPerPixel) {
  RunTimeline t = three_nodes();
  t.heights.clear();
  for (std::int64_t i = 0; i < 150'000; ++i) {
    t.add_height(i * (t.end_ns / 150'000), static_cast<std::uint32_t>(i % 3), static_cast<std::uint64_t>(i / 3), false);
  }
  const std::string html = run_report_html(failing_run(), t);
  // 3 head series over 900 pixels: at most ~2 commands of ~8 bytes per pixel each.
  EXPECT_LT(html.size(), 200'000u);
  EXPECT_EQ(count(html, "class=\"head\""), 3u);
}

TEST(RunReport, CapsTheSamplesItKeeps) {
  RunTimeline t;
  for (std::size_t i = 0; i < RunTimeline::kMaxHeightSamples + 5; ++i) t.add_height(0, 0, i, false);
  EXPECT_EQ(t.heights.size(), RunTimeline::kMaxHeightSamples);
  EXPECT_EQ(t.dropped, 5u);
}

TEST(RunReport, APassingRunWithoutPegsSaysSo) {
  RunResult r;
  r.scenario = "quiet";
  r.seed = 2;
  r.virtual_ns = 10 * kSecond;
  RunTimeline t;
  t.node_names = {"n0 authority"};
  t.end_ns = 10 * kSecond;
  const std::string html = run_report_html(r, t);
  EXPECT_NE(html.find("Every checker held."), std::string::npos);
  EXPECT_NE(html.find("No peg operations in this run."), std::string::npos);
  EXPECT_NE(html.find("No faults."), std::string::npos);
  EXPECT_EQ(count(html, "class=\"failure\""), 0u);
}

}  // namespace
}  // namespace alys::reports
