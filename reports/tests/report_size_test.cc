// The size of a sweep's report folder (issue 9: a 1,000-run sweep's reports under 5 MB):
// every file gives each run an evidence budget (reports/evidence_budget.h), so a sweep in
// which every run fails with long evidence, or crashes with long last words, still writes
// a small folder; `alys-sim sweep --json` keeps every byte.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/evidence_budget.h"
#include "reports/junit.h"
#include "reports/report_text.h"
#include "reports/results_json.h"
#include "reports/sweep_report_files.h"

namespace alys::reports {
namespace {

namespace fs = std::filesystem;

TEST(EvidenceBudget, CutsEachFailureThenSpendsTheRunsBudgetThenShowsOnlyTheMark) {
  EvidenceCutter cut(EvidenceBudget{10, 25});
  EXPECT_EQ(cut.next("short"), "short");                                   // 5 spent
  EXPECT_EQ(cut.next(std::string(30, 'a')), std::string(10, 'a') + std::string(kEllipsis));  // 15
  EXPECT_EQ(cut.next(std::string(8, 'b')), std::string(8, 'b'));           // 23: the ellipsis is free
  EXPECT_EQ(cut.next(std::string(5, 'c')), "cc" + std::string(kEllipsis));  // 25: the budget's end
  EXPECT_EQ(cut.next("more"), std::string(kEvidenceCut));
  EXPECT_EQ(cut.next(""), "");  // nothing to cut
  // A cut never splits a UTF-8 character: "é" is C3 A9.
  EvidenceCutter utf8(EvidenceBudget{3, 100});
  EXPECT_EQ(utf8.next("ab\xC3\xA9z"), "ab" + std::string(kEllipsis));
}

SweepResults failing_sweep(std::size_t runs, std::size_t evidence_bytes) {
  SweepResults s;
  s.command = "alys-sim sweep scenarios/ --seeds 1..1000";
  const std::string evidence(evidence_bytes, 'e');
  for (std::uint64_t seed = 1; seed <= runs; ++seed) {
    RunResult r;
    r.scenario = "scenario-" + std::to_string(seed % 13);
    r.scenario_file = "scenarios/scenario_" + std::to_string(seed % 13) + ".toml";
    r.seed = seed;
    r.trace_hash = seed * 0x9E3779B97F4A7C15ull;
    r.wall_us = static_cast<std::int64_t>(300'000 + seed * 1'000);
    r.fault_kinds = {"clog", "crash", "partition"};
    r.stats = {{"blocks", 600}, {"finalized", 570}, {"txs_applied", 1200}};
    r.replay = "alys-sim run " + r.scenario_file + " --seed " + std::to_string(seed);
    if (seed % 10 == 0) {
      r.verdict = RunVerdict::kCrashed;
      r.crash = evidence;
    } else {
      r.verdict = RunVerdict::kFail;
      for (const char* checker : {"heads-converge", "no-double-mint", "transfers"}) {
        r.failures.push_back({checker, 61'000'000'000, evidence});
      }
    }
    s.runs.push_back(std::move(r));
  }
  return s;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ReportSize, AThousandRunsFailingWithLongEvidenceWriteUnderFiveMegabytes) {
  const SweepResults sweep = failing_sweep(1000, 20'000);  // 20 KB each: 57 MB of evidence
  const fs::path dir = fs::temp_directory_path() / ("alys_report_size_" + std::to_string(::getpid()));
  auto written = write_sweep_report(dir.string(), sweep);
  ASSERT_TRUE(written.has_value()) << written.error().message();
  std::uintmax_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir)) total += entry.file_size();
  EXPECT_EQ(total, written->bytes);
  EXPECT_LT(total, 5u * 1000 * 1000) << "bytes";

  // results.json: every run and every failure, each evidence cut with the mark, the
  // third failure of a run past its budget (512 + 512 + 512 = 1,536).
  auto back = sweep_from_json(read(dir / "results.json"));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  ASSERT_EQ(back->runs.size(), 1000u);
  const RunResult& failed = back->runs[0];
  ASSERT_EQ(failed.failures.size(), 3u);
  EXPECT_EQ(failed.failures[0].evidence, std::string(kReportResultsEvidence.per_failure, 'e') + std::string(kEllipsis));
  EXPECT_EQ(failed.failures[2].checker, "transfers");
  EXPECT_EQ(failed.failures[2].evidence, std::string(kReportResultsEvidence.per_failure, 'e') + std::string(kEllipsis));
  EXPECT_EQ(back->runs[9].crash, std::string(kReportResultsEvidence.per_failure, 'e') + std::string(kEllipsis));
  // junit.xml: 1,000 bytes per run, so the third failure shows only the mark.
  const std::string junit = read(dir / "junit.xml");
  EXPECT_NE(junit.find("transfers at 61000000000ns: " + std::string(kEvidenceCut)), std::string::npos);
  EXPECT_EQ(junit.find(std::string(kJunitEvidenceBytesMax + 1, 'e')), std::string::npos);
  fs::remove_all(dir);

  // --json keeps every byte.
  auto whole = sweep_from_json(sweep_to_json(sweep));
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->runs[0].failures[2].evidence.size(), 20'000u);
  EXPECT_EQ(whole->runs[9].crash.size(), 20'000u);
}

}  // namespace
}  // namespace alys::reports
