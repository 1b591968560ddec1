// JUnit XML of a sweep, for CI systems (GitLab, Jenkins, GitHub test reporters): one
// <testsuite> per scenario, one <testcase> per seed ("seed 17"), a <failure> naming the
// checker with its evidence and the replay command for a failed run, an <error> for a run
// that crashed. Runs keep the order of the sweep.
#pragma once

#include <string>

#include "reports/results_json.h"

namespace alys::reports {

std::string junit_xml(const SweepResults& sweep);

// Escapes &, <, >, " and ' and drops the control characters XML 1.0 cannot carry.
std::string xml_escape(std::string_view text);

}  // namespace alys::reports
