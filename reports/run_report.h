// The run report: one simulated run (a scenario and a seed) as a self-contained HTML page
// (reports/html_page.h: inline CSS and SVG, no scripts, nothing fetched), for the person
// who must understand a failure without replaying it first.
//
// From top to bottom: the verdict, seed, scenario, planted bug, trace hash and the replay
// command; the failures by checker (count, first time and evidence); per-node swimlanes over virtual
// time with every fault of the schedule shaded (down, partitions, cuts, clogs, outages...)
// or marked (restarts, heals, clock jumps, reorgs...), the quiet tail, and each failure as
// a red line at its time; each node's head and finalized height over time; peg operations
// by state over time; every failure (up to kMaxFailureRows); the schedule as a table. Hovering a shape shows its details (SVG
// <title>). Each node lane is a <g class="lane" data-node="nK">; each failure marker a
// <g class="failure" data-checker="NAME">, so tests and scripts can find them.
//
// Size: step series are drawn with at most two path commands per horizontal pixel, and at
// most kMaxScheduleRows schedule rows and kMaxFailureRows failure rows, so a day-long run still makes a page of a few MB.
#pragma once

#include <cstddef>
#include <string>

#include "core/results/run_result.h"
#include "core/results/run_timeline.h"

namespace alys::reports {

inline constexpr std::size_t kMaxScheduleRows = 2'000;
inline constexpr std::size_t kMaxFailureRows = 500;

std::string run_report_html(const RunResult& run, const RunTimeline& timeline);

}  // namespace alys::reports
