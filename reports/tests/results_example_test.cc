// docs/reports/example-results.json is exactly what the writer writes for its runs, so the
// documented example (which the schema test validates) cannot drift from the real format.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "reports/results_json.h"

namespace alys::reports {
namespace {

TEST(ResultsExample, TheDocumentedExampleIsTheWritersOutput) {
  std::ifstream in(std::string(ALYS_REPORTS_DOCS_DIR) + "/example-results.json");
  ASSERT_TRUE(in) << ALYS_REPORTS_DOCS_DIR "/example-results.json";
  std::ostringstream text;
  text << in.rdbuf();
  auto sweep = sweep_from_json(text.str());
  ASSERT_TRUE(sweep.has_value()) << sweep.error().message();
  ASSERT_EQ(sweep->runs.size(), 3u);
  EXPECT_EQ(sweep->runs[0].verdict, RunVerdict::kPass);
  EXPECT_EQ(sweep->runs[1].verdict, RunVerdict::kFail);
  EXPECT_EQ(sweep->runs[2].verdict, RunVerdict::kCrashed);
  EXPECT_EQ(sweep_to_json(*sweep) + "\n", text.str());
}

}  // namespace
}  // namespace alys::reports
