#include "reports/junit.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "reports/report_text.h"

namespace alys::reports {

std::string junit_xml(const SweepResults& sweep) {
  // Suites in first-seen order of their scenario.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const RunResult*>> by_scenario;
  for (const RunResult& r : sweep.runs) {
    auto& runs = by_scenario[r.scenario];
    if (runs.empty()) order.push_back(r.scenario);
    runs.push_back(&r);
  }
  std::size_t tests = 0, failures = 0, errors = 0;
  double total_s = 0;
  for (const RunResult& r : sweep.runs) {
    ++tests;
    failures += r.verdict == RunVerdict::kFail;
    errors += r.verdict == RunVerdict::kCrashed;
    total_s += static_cast<double>(r.wall_us) / 1e6;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"alys-sim\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                     tests, failures, errors, total_s);
  for (const std::string& scenario : order) {
    const auto& runs = by_scenario[scenario];
    std::size_t f = 0, e = 0;
    double s = 0;
    for (const RunResult* r : runs) {
      f += r->verdict == RunVerdict::kFail;
      e += r->verdict == RunVerdict::kCrashed;
      s += static_cast<double>(r->wall_us) / 1e6;
    }
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                       xml_escape(scenario), runs.size(), f, e, s);
    for (const RunResult* r : runs) {
      const std::string name = r->plant.empty() ? fmt::format("seed {}", r->seed)
                                                : fmt::format("seed {} (plant {})", r->seed, r->plant);
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                         xml_escape(scenario), xml_escape(name), static_cast<double>(r->wall_us) / 1e6);
      if (r->verdict == RunVerdict::kPass) {
        out += "/>\n";
        continue;
      }
      out += ">\n";
      if (r->verdict == RunVerdict::kCrashed) {
        out += fmt::format("      <error message=\"{}\">replay: {}</error>\n",
                           xml_escape(truncate_text(r->crash, kJunitEvidenceBytesMax)), xml_escape(r->replay));
      } else {
        std::string body;
        std::vector<std::pair<std::string, std::size_t>> per_checker;  // checker, violations seen
        EvidenceCutter cut(kJunitEvidence);
        for (const RunFailure& rf : r->failures) {
          auto it = std::find_if(per_checker.begin(), per_checker.end(),
                                 [&](const auto& c) { return c.first == rf.checker; });
          if (it == per_checker.end()) it = per_checker.insert(per_checker.end(), {rf.checker, 0});
          if (++it->second > kJunitViolationsPerChecker) continue;
          body += fmt::format("{} at {}ns: {}\n", rf.checker, rf.at_ns, cut.next(rf.evidence));
        }
        for (const auto& [checker, seen] : per_checker) {
          if (seen > kJunitViolationsPerChecker) {
            body += fmt::format("... and {} more {} violation(s) (results.json lists every one)\n",
                                seen - kJunitViolationsPerChecker, checker);
          }
        }
        body += "replay: " + r->replay;
        const std::string first = r->failures.empty() ? "failed" : r->failures.front().checker;
        out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_escape(first),
                           xml_escape(first), xml_escape(body));
      }
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace alys::reports
