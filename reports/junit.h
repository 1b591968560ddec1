// JUnit XML of a sweep, for CI systems (GitLab, Jenkins, GitHub test reporters): one
// <testsuite> per scenario, one <testcase> per seed ("seed 17"), a <failure> naming the
// checker with its evidence and the replay command for a failed run, an <error> for a run
// that crashed. Runs keep the order of the sweep.
//
// A failure lists at most kJunitViolationsPerChecker violations of each checker that
// failed, then how many more: a checker can report a violation per block (the planted
// double mint: ~70 per run), which CI pages do not need and which made a 1,000-run sweep's
// junit.xml 1.6 MB. Their evidence shares the run's kJunitEvidence budget
// (reports/evidence_budget.h): 500 bytes each, 1,000 bytes per run.
#pragma once

#include <cstddef>
#include <string>

#include "reports/evidence_budget.h"
#include "reports/report_text.h"  // xml_escape
#include "reports/results_json.h"

namespace alys::reports {

inline constexpr std::size_t kJunitViolationsPerChecker = 5;
inline constexpr std::size_t kJunitEvidenceBytesMax = 500;
inline constexpr EvidenceBudget kJunitEvidence{kJunitEvidenceBytesMax, 2 * kJunitEvidenceBytesMax};

std::string junit_xml(const SweepResults& sweep);


}  // namespace alys::reports
