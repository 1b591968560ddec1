// A GitHub-flavoured Markdown summary of a sweep (or of one run: a SweepResults holding one
// RunResult), for a CI job summary (`cat DIR/summary.md >> "$GITHUB_STEP_SUMMARY"`) or a
// pull-request comment. It has a headline with ✅ or ❌ and the counts, the pass/fail table
// per scenario, failures grouped by checker (the first kMarkdownSeedsPerChecker runs with
// evidence and a copyable replay command in a code block, then the other seeds compactly,
// at most kMarkdownCompactSeedsMax), and crashed runs with their last words and replay.
//
// Text from runs is escaped for where it lands: backslash escapes in prose and in table
// cells ('|' too, and newlines become spaces), code spans and fences longer than any run of
// backticks inside. The size is bounded like the HTML report's (reports/sweep_report.h),
// far under GitHub's 1 MiB limit per step summary.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "reports/results_json.h"

namespace alys::reports {

inline constexpr std::size_t kMarkdownSeedsPerChecker = 5;
inline constexpr std::size_t kMarkdownCompactSeedsMax = 100;
inline constexpr std::size_t kMarkdownCheckersMax = 20;
inline constexpr std::size_t kMarkdownCrashesShown = 10;
inline constexpr std::size_t kMarkdownEvidenceBytesMax = 300;

std::string markdown_summary(const SweepResults& sweep);

// Prose: backslash-escapes Markdown's punctuation (\ ` * _ [ ] < > | ~ # &) and puts the
// text on one line, so run-supplied text can neither format nor break out of a table cell.
std::string markdown_escape(std::string_view text);
// An inline code span of `text` on one line, delimited by more backticks than any run of
// them inside; with in_table, '|' is escaped as GitHub's tables require.
std::string markdown_code(std::string_view text, bool in_table = false);

}  // namespace alys::reports
