#include "reports/markdown_summary.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/runtime/time.h"
#include "reports/report_text.h"
#include "reports/sweep_stats.h"

namespace alys::reports {

namespace {

std::size_t longest_backtick_run(std::string_view text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// A fenced code block (indented for a list item) holding `text` on one line.
std::string code_block(std::string_view text, std::string_view indent) {
  const std::string line = one_line(text);
  const std::string fence(std::max<std::size_t>(3, longest_backtick_run(line) + 1), '`');
  return fmt::format("{0}{1}sh\n{0}{2}\n{0}{1}\n", indent, fence, line);
}

std::string headline(const SweepResults& sweep, const SweepTotals& t) {
  const std::size_t bad = t.failed + t.crashed;
  if (t.runs == 1) {
    const RunResult& r = sweep.runs.front();
    std::string what = r.verdict == RunVerdict::kPass ? "passed" : r.verdict == RunVerdict::kCrashed ? "crashed" : "failed";
    return fmt::format("## {} {} seed {} {}\n", bad ? "❌" : "✅", markdown_code(r.scenario), r.seed, what);
  }
  if (t.runs == 0) return "## ✅ alys-sim: no runs\n";
  if (bad == 0) return fmt::format("## ✅ alys-sim sweep: all {} runs passed\n", t.runs);
  return fmt::format("## ❌ alys-sim sweep: {} of {} runs did not pass ({} failed, {} crashed)\n", bad, t.runs,
                     t.failed, t.crashed);
}

void scenario_table(const SweepResults& sweep, std::string& out) {
  out += "| scenario | runs | passed | failed | crashed | failure rate | wall p50 | wall p99 | planted bug |\n"
         "|---|--:|--:|--:|--:|--:|--:|--:|---|\n";
  for (const ScenarioRow& r : scenario_rows(sweep)) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", markdown_escape(r.scenario), r.runs,
                       r.passed, r.failed, r.crashed, format_rate(r.not_passed(), r.runs),
                       format_wall_us(r.wall_p50_us), format_wall_us(r.wall_p99_us),
                       r.plant.empty() ? std::string() : markdown_code(r.plant, /*in_table=*/true));
  }
}

void checker_groups(const SweepResults& sweep, std::string& out) {
  const std::vector<CheckerGroup> groups = failures_by_checker(sweep);
  if (groups.empty()) return;
  out += "\n### Failures by checker\n";
  const std::size_t shown = std::min(groups.size(), kMarkdownCheckersMax);
  for (std::size_t g = 0; g < shown; ++g) {
    const CheckerGroup& group = groups[g];
    out += fmt::format("\n#### {} failed in {} run(s)\n\n", markdown_code(group.checker), group.runs.size());
    const std::size_t rows = std::min(group.runs.size(), kMarkdownSeedsPerChecker);
    for (std::size_t i = 0; i < rows; ++i) {
      const RunResult& r = *group.runs[i];
      const RunFailure& f = first_failure_of(r, group.checker);
      const std::size_t more = failures_of(r, group.checker) - 1;
      out += fmt::format("- {} seed {} at {}: {}{}\n", markdown_code(r.scenario), r.seed,
                         format_duration(Duration(f.at_ns)),
                         markdown_escape(truncate_text(f.evidence, kMarkdownEvidenceBytesMax)),
                         more ? fmt::format(" *(and {} more in this run)*", more) : std::string());
      out += code_block(r.replay, "  ");
    }
    if (group.runs.size() > rows) {
      const std::vector<const RunResult*> rest(group.runs.begin() + static_cast<std::ptrdiff_t>(rows),
                                               group.runs.end());
      out += fmt::format("\nand {} more seed(s): {}\n", rest.size(),
                         markdown_escape(compact_seed_list(rest, kMarkdownCompactSeedsMax)));
    }
  }
  if (groups.size() > shown) {
    out += fmt::format("\nand {} more checker(s) (see the HTML report or results.json)\n", groups.size() - shown);
  }
}

void crash_list(const SweepResults& sweep, std::string& out) {
  const std::vector<const RunResult*> crashed = crashed_runs(sweep);
  if (crashed.empty()) return;
  out += fmt::format("\n### Crashes ({} run(s))\n\n", crashed.size());
  const std::size_t rows = std::min(crashed.size(), kMarkdownCrashesShown);
  for (std::size_t i = 0; i < rows; ++i) {
    const RunResult& r = *crashed[i];
    out += fmt::format("- {} seed {}: {}\n", markdown_code(r.scenario), r.seed,
                       markdown_code(truncate_text(r.crash, kMarkdownEvidenceBytesMax)));
    out += code_block(r.replay, "  ");
  }
  if (crashed.size() > rows) {
    const std::vector<const RunResult*> rest(crashed.begin() + static_cast<std::ptrdiff_t>(rows), crashed.end());
    out += fmt::format("\nand {} more seed(s): {}\n", rest.size(),
                       markdown_escape(compact_seed_list(rest, kMarkdownCompactSeedsMax)));
  }
}

}  // namespace

std::string markdown_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
      case '|': case '~': case '#': case '&':
        out += '\\';
        out += c;
        break;
      case '\n': case '\r': case '\t':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_code(std::string_view text, bool in_table) {
  std::string body = one_line(text);
  if (body.empty()) return "` `";
  if (in_table) {
    std::string piped;
    piped.reserve(body.size());
    for (char c : body) {
      if (c == '|') piped += '\\';
      piped += c;
    }
    body = std::move(piped);
  }
  const std::string ticks(longest_backtick_run(body) + 1, '`');
  // A space on each side lets a span start or end with a backtick (CommonMark strips one).
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return ticks + (pad ? " " : "") + body + (pad ? " " : "") + ticks;
}

std::string markdown_summary(const SweepResults& sweep) {
  const SweepTotals t = sweep_totals(sweep);
  std::string out = headline(sweep, t);
  out += "\n";
  std::string line;
  if (!sweep.command.empty()) line += markdown_code(sweep.command);
  if (!sweep.shard.empty()) line += (line.empty() ? "" : " · ") + std::string("shard ") + markdown_code(sweep.shard);
  line += fmt::format("{}{} passed, {} failed, {} crashed · wall time {} in all, median {} per run", line.empty() ? "" : " · ",
                      t.passed, t.failed, t.crashed, format_wall_us(t.wall_total_us),
                      format_wall_us(t.wall_median_us));
  out += line + "\n\n";
  scenario_table(sweep, out);
  checker_groups(sweep, out);
  crash_list(sweep, out);
  return out;
}

}  // namespace alys::reports
