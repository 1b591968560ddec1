#include "reports/sweep_report.h"

#include <fmt/format.h>

#include "core/runtime/time.h"
#include "reports/html_page.h"
#include "reports/report_text.h"
#include "reports/sweep_charts.h"
#include "reports/sweep_stats.h"

namespace alys::reports {

namespace {

// Evidence is full of long hashes: let a cell wrap inside them rather than push the replay
// column off the page.
constexpr std::string_view kWrapAnywhere = " style=\"overflow-wrap:anywhere\"";

std::string esc(std::string_view text) { return html_escape(text); }

std::string count_span(std::size_t n, std::string_view cls, std::string_view word) {
  if (n == 0) return fmt::format("{} {}", n, word);
  return fmt::format("<span class=\"{}\">{} {}</span>", cls, n, word);
}

std::string count_cell(std::size_t n, std::string_view cls) {
  if (n == 0) return "0";
  return fmt::format("<span class=\"{}\">{}</span>", cls, n);
}

void header(const SweepResults& sweep, const SweepReportOptions& options, const SweepTotals& t,
            std::string& out) {
  const std::size_t bad = t.failed + t.crashed;
  if (t.runs == 0) {
    out += "<h1>alys-sim sweep: no runs</h1>\n";
  } else if (bad == 0) {
    out += fmt::format("<h1>alys-sim sweep: <span class=\"pass\">all {} run(s) passed</span></h1>\n", t.runs);
  } else {
    out += fmt::format("<h1>alys-sim sweep: <span class=\"fail\">{} of {} run(s) did not pass</span></h1>\n",
                       bad, t.runs);
  }
  out += "<table class=\"meta\">\n";
  out += fmt::format("<tr><td>command</td><td><code>{}</code></td></tr>\n", esc(sweep.command));
  out += fmt::format("<tr><td>shard</td><td>{}</td></tr>\n",
                     sweep.shard.empty() ? std::string("the whole sweep") : esc(sweep.shard));
  out += fmt::format("<tr><td>runs</td><td>{}: {}, {}, {}</td></tr>\n", t.runs,
                     count_span(t.passed, "pass", "passed"), count_span(t.failed, "fail", "failed"),
                     count_span(t.crashed, "crashed", "crashed"));
  out += fmt::format("<tr><td>wall time</td><td>{} in all (summed over runs, which overlap when run in "
                     "parallel); median {} per run</td></tr>\n",
                     format_wall_us(t.wall_total_us), format_wall_us(t.wall_median_us));
  if (!options.generated.empty()) {
    out += fmt::format("<tr><td>report made</td><td>{}</td></tr>\n", esc(options.generated));
  }
  out += "</table>\n";
  out += "<p><a href=\"#scenarios\">per scenario</a> · <a href=\"#failures\">failures by checker</a> · "
         "<a href=\"#crashes\">crashes</a> · <a href=\"#wall\">wall time</a> · "
         "<a href=\"#swarm\">fault kinds</a></p>\n";
}

void scenario_table(const SweepResults& sweep, std::string& out) {
  out += "<h2 id=\"scenarios\">Pass/fail per scenario</h2>\n<table>\n<tr><th>scenario</th><th>runs</th>"
         "<th>passed</th><th>failed</th><th>crashed</th><th>failure rate</th><th>wall p50</th>"
         "<th>wall p99</th><th>planted bug</th></tr>\n";
  for (const ScenarioRow& r : scenario_rows(sweep)) {
    out += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num{}\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td>{}</td></tr>\n",
        esc(r.scenario), r.runs, r.passed, count_cell(r.failed, "fail"), count_cell(r.crashed, "crashed"),
        r.not_passed() ? " fail" : "", format_rate(r.not_passed(), r.runs), format_wall_us(r.wall_p50_us),
        format_wall_us(r.wall_p99_us), esc(r.plant));
  }
  out += "</table>\n";
}

void checker_groups(const SweepResults& sweep, std::string& out) {
  out += "<h2 id=\"failures\">Failures by checker</h2>\n";
  const std::vector<CheckerGroup> groups = failures_by_checker(sweep);
  if (groups.empty()) {
    out += "<p>No checker failed.</p>\n";
    return;
  }
  const std::size_t shown = std::min(groups.size(), kCheckerGroupsMax);
  for (std::size_t g = 0; g < shown; ++g) {
    const CheckerGroup& group = groups[g];
    out += fmt::format("<h3 id=\"checker-{}\"><span class=\"fail\">{}</span> failed in {} run(s)</h3>\n", g + 1,
                       esc(group.checker), group.runs.size());
    out += "<table>\n<tr><th>scenario</th><th>seed</th><th>at (virtual)</th><th>evidence</th><th>replay</th></tr>\n";
    const std::size_t rows = std::min(group.runs.size(), kSeedsShownPerChecker);
    for (std::size_t i = 0; i < rows; ++i) {
      const RunResult& r = *group.runs[i];
      const RunFailure& f = first_failure_of(r, group.checker);
      const std::size_t more = failures_of(r, group.checker) - 1;
      out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td{}>{}{}</td><td{}><code>{}</code></td></tr>\n",
                         esc(r.scenario), r.seed, format_duration(Duration(f.at_ns)), kWrapAnywhere,
                         esc(truncate_text(f.evidence, kEvidenceBytesMax)),
                         more ? fmt::format(" <i>(and {} more in this run)</i>", more) : std::string(),
                         kWrapAnywhere, esc(r.replay));
    }
    out += "</table>\n";
    if (group.runs.size() > rows) {
      const std::vector<const RunResult*> rest(group.runs.begin() + static_cast<std::ptrdiff_t>(rows),
                                               group.runs.end());
      out += fmt::format("<p>and {} more seed(s): {}</p>\n", rest.size(),
                         esc(compact_seed_list(rest, kCompactSeedsMax)));
    }
  }
  if (groups.size() > shown) {
    std::string names;
    for (std::size_t g = shown; g < groups.size() && g < shown + kCheckerGroupsMax; ++g) {
      names += (names.empty() ? "" : ", ") + truncate_text(groups[g].checker, 64);
    }
    out += fmt::format("<p>and {} more checker(s): {}{}</p>\n", groups.size() - shown, esc(names),
                       groups.size() > 2 * kCheckerGroupsMax ? std::string(", ") + std::string(kEllipsis) : "");
  }
}

void crash_list(const SweepResults& sweep, std::string& out) {
  out += "<h2 id=\"crashes\">Crashes</h2>\n";
  const std::vector<const RunResult*> crashed = crashed_runs(sweep);
  if (crashed.empty()) {
    out += "<p>No run crashed.</p>\n";
    return;
  }
  out += fmt::format("<p><span class=\"crashed\">{} run(s) crashed</span> (the run itself died: a bug in the "
                     "code under test too).</p>\n<table>\n<tr><th>scenario</th><th>seed</th><th>last words</th>"
                     "<th>replay</th></tr>\n",
                     crashed.size());
  const std::size_t rows = std::min(crashed.size(), kCrashesShown);
  for (std::size_t i = 0; i < rows; ++i) {
    const RunResult& r = *crashed[i];
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td><pre>{}</pre></td><td{}><code>{}</code></td></tr>\n",
                       esc(r.scenario), r.seed, esc(truncate_text(r.crash, kCrashBytesMax)), kWrapAnywhere,
                       esc(r.replay));
  }
  out += "</table>\n";
  if (crashed.size() > rows) {
    const std::vector<const RunResult*> rest(crashed.begin() + static_cast<std::ptrdiff_t>(rows), crashed.end());
    out += fmt::format("<p>and {} more seed(s): {}</p>\n", rest.size(), esc(compact_seed_list(rest, kCompactSeedsMax)));
  }
}

void wall_section(const SweepResults& sweep, std::string& out) {
  out += "<h2 id=\"wall\">Wall time per run</h2>\n";
  const std::string svg = wall_time_histogram_svg(sweep);
  out += svg.empty() ? "<p>No runs.</p>\n" : svg;
}

void swarm_section(const SweepResults& sweep, std::string& out) {
  out += "<h2 id=\"swarm\">Fault kinds enabled per seed (swarm) against failure rate</h2>\n";
  const std::vector<FaultKindRate> rates = fault_kind_rates(sweep);
  if (rates.empty()) {
    out += "<p>No run had random faults (no fault kinds).</p>\n";
    return;
  }
  out += "<p>For each fault kind: the runs whose nemesis had it on, and the runs without it among the "
         "scenarios that had it on in some run (so scenarios that never draw it do not dilute the "
         "comparison). Failed means failed or crashed.</p>\n";
  out += fault_kind_chart_svg(rates);
  out += "<table>\n<tr><th>fault kind</th><th>scenarios</th><th>runs on</th><th>failed on</th><th>rate on</th>"
         "<th>runs off</th><th>failed off</th><th>rate off</th></tr>\n";
  const std::size_t rows = std::min(rates.size(), kFaultKindRowsMax);
  for (std::size_t i = 0; i < rows; ++i) {
    const FaultKindRate& r = rates[i];
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td></tr>\n",
                       esc(r.kind), r.scenarios, r.on_runs, r.on_failed, format_rate(r.on_failed, r.on_runs),
                       r.off_runs, r.off_failed, format_rate(r.off_failed, r.off_runs));
  }
  out += "</table>\n";
  if (rates.size() > rows) out += fmt::format("<p>and {} more fault kind(s) not shown.</p>\n", rates.size() - rows);
}

}  // namespace

std::string sweep_report_html(const SweepResults& sweep, const SweepReportOptions& options) {
  const SweepTotals totals = sweep_totals(sweep);
  std::string body;
  body.reserve(64 * 1024);
  header(sweep, options, totals, body);
  scenario_table(sweep, body);
  checker_groups(sweep, body);
  crash_list(sweep, body);
  wall_section(sweep, body);
  swarm_section(sweep, body);
  const std::string title = totals.failed + totals.crashed == 0
                                ? fmt::format("alys-sim sweep: {} passed", totals.runs)
                                : fmt::format("alys-sim sweep: {} of {} did not pass",
                                              totals.failed + totals.crashed, totals.runs);
  return html_page(title, body);
}

}  // namespace alys::reports
