// A JUnit failure lists a few violations of every failing checker, not all of them: a run
// with dozens of violations of one checker still shows the other checker, and says how
// many it left out.
#include <gtest/gtest.h>

#include "reports/junit.h"
#include "reports/report_text.h"

namespace alys::reports {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(JunitBound, FewViolationsPerCheckerEveryCheckerShownTheRestCounted) {
  RunResult r;
  r.scenario = "s";
  r.seed = 3;
  r.verdict = RunVerdict::kFail;
  r.replay = "alys-sim run s.toml --seed 3";
  for (int i = 0; i < 12; ++i) r.failures.push_back({"no-double-mint", i, "peg-in " + std::to_string(i) + " again"});
  r.failures.push_back({"transfers", 99, std::string(kJunitEvidenceBytesMax + 500, 'e')});
  SweepResults s;
  s.runs = {r};
  const std::string xml = junit_xml(s);
  EXPECT_EQ(count(xml, "no-double-mint at "), kJunitViolationsPerChecker) << xml;
  EXPECT_NE(xml.find("peg-in 4 again"), std::string::npos);
  EXPECT_EQ(xml.find("peg-in 5 again"), std::string::npos);
  EXPECT_NE(xml.find("... and 7 more no-double-mint violation(s) (results.json lists every one)"), std::string::npos);
  EXPECT_NE(xml.find("transfers at 99ns: " + std::string(kJunitEvidenceBytesMax, 'e') + std::string(kEllipsis)),
            std::string::npos);
  EXPECT_EQ(xml.find(std::string(kJunitEvidenceBytesMax + 1, 'e')), std::string::npos);
  EXPECT_EQ(xml.find("more transfers"), std::string::npos);
  EXPECT_NE(xml.find("replay: alys-sim run s.toml --seed 3"), std::string::npos);
}

}  // namespace
}  // namespace alys::reports
