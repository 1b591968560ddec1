#include "reports/sweep_charts.h"

#include <fmt/format.h>

#include <algorithm>

#include "reports/html_page.h"
#include "reports/report_text.h"

namespace alys::reports {

namespace {

constexpr std::string_view kColourOff = "#78909c";
constexpr std::size_t kKindLabelBytesMax = 32;

struct Unit {
  std::int64_t us;
  std::string_view name;
};
// The largest unit the bin width is a whole multiple of, so every edge is a whole number.
Unit unit_for(std::int64_t width_us) {
  if (width_us % 1'000'000 == 0) return {1'000'000, "s"};
  if (width_us % 1'000 == 0) return {1'000, "ms"};
  return {1, "µs"};
}

std::string swatch(std::string_view colour, std::string_view label) {
  return fmt::format("<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>", colour, label);
}

}  // namespace

WallBins choose_wall_bins(const SweepResults& sweep) {
  if (sweep.runs.empty()) return {};
  std::int64_t lo = INT64_MAX, hi = 0;
  for (const RunResult& r : sweep.runs) {
    const std::int64_t w = std::max<std::int64_t>(r.wall_us, 0);
    lo = std::min(lo, w);
    hi = std::max(hi, w);
  }
  const std::int64_t finest = std::max<std::int64_t>(1, hi / 200);
  for (std::int64_t power = 1;; power *= 10) {
    for (std::int64_t m : {1, 2, 5}) {
      const std::int64_t width = m * power;
      if (width < finest) continue;
      const std::int64_t start = lo / width * width;
      const auto count = static_cast<std::size_t>((hi - start) / width + 1);
      if (count <= kHistogramBinsMax) return {start, width, count};
    }
  }
}

std::string wall_time_histogram_svg(const SweepResults& sweep) {
  const WallBins bins = choose_wall_bins(sweep);
  if (bins.count == 0) return "";
  struct Bar {
    std::size_t passed = 0, failed = 0, crashed = 0;
    std::size_t total() const { return passed + failed + crashed; }
  };
  std::vector<Bar> bars(bins.count);
  for (const RunResult& r : sweep.runs) {
    const std::int64_t w = std::max<std::int64_t>(r.wall_us, 0);
    Bar& b = bars[static_cast<std::size_t>((w - bins.start_us) / bins.width_us)];
    b.passed += r.verdict == RunVerdict::kPass;
    b.failed += r.verdict == RunVerdict::kFail;
    b.crashed += r.verdict == RunVerdict::kCrashed;
  }
  std::size_t ymax = 1;
  for (const Bar& b : bars) ymax = std::max(ymax, b.total());

  constexpr double kW = 760, kH = 300, kLeft = 56, kRight = 16, kTop = 24, kBottom = 58;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom, y0 = kTop + ph;
  const double bw = pw / static_cast<double>(bins.count);
  const Unit unit = unit_for(bins.width_us);
  auto edge = [&](std::size_t i) {
    return (bins.start_us + static_cast<std::int64_t>(i) * bins.width_us) / unit.us;
  };
  auto height = [&](std::size_t n) { return ph * static_cast<double>(n) / static_cast<double>(ymax); };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"Histogram of wall time per run\">\n",
      kW, kH);
  // Grid and y ticks: 0, the middle (when it is a whole count) and the tallest bar.
  std::vector<std::size_t> yticks{0, ymax};
  if (ymax >= 4 && ymax % 2 == 0) yticks.insert(yticks.begin() + 1, ymax / 2);
  for (std::size_t t : yticks) {
    const double y = y0 - height(t);
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>"
                       "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                       kLeft, y, kLeft + pw, y, kLeft - 6, y + 4, t);
  }
  for (std::size_t i = 0; i < bins.count; ++i) {
    const Bar& b = bars[i];
    const double x = kLeft + bw * static_cast<double>(i) + 1;
    const double w = std::max(bw - 2, 1.0);
    double top = y0;
    svg += fmt::format("<g><title>{}–{} {}: {} run(s): {} passed, {} failed, {} crashed</title>", edge(i),
                       edge(i + 1), unit.name, b.total(), b.passed, b.failed, b.crashed);
    const std::pair<std::size_t, std::string_view> parts[] = {
        {b.passed, kColourPass}, {b.failed, kColourFail}, {b.crashed, kColourCrash}};
    for (const auto& part : parts) {
      if (part.first == 0) continue;
      const double h = height(part.first);
      top -= h;
      svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>", x,
                         top, w, h, part.second);
    }
    if (b.total() > 0) {
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>", x + w / 2, top - 4,
                         b.total());
    }
    svg += "</g>\n";
  }
  // X axis, its ticks at bin edges (every k-th when there are many) and the axis titles.
  svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#555\"/>"
                     "<line x1=\"{0:.1f}\" y1=\"{3:.1f}\" x2=\"{0:.1f}\" y2=\"{1:.1f}\" stroke=\"#555\"/>\n",
                     kLeft, y0, kLeft + pw, kTop);
  const std::size_t step = bins.count > 10 ? 2 : 1;
  for (std::size_t i = 0; i <= bins.count; i += step) {
    const double x = kLeft + bw * static_cast<double>(i);
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#555\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                       x, y0, y0 + 4, y0 + 17, edge(i));
  }
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">wall time per run ({})</text>\n",
                     kLeft + pw / 2, kH - 12, unit.name);
  svg += fmt::format("<text transform=\"translate(14 {:.1f}) rotate(-90)\" text-anchor=\"middle\">runs</text>\n",
                     kTop + ph / 2);
  svg += "</svg>\n";
  return "<p class=\"legend\">" + swatch(kColourPass, "passed") + swatch(kColourFail, "failed") +
         swatch(kColourCrash, "crashed") + "</p>\n" + svg;
}

std::string fault_kind_chart_svg(const std::vector<FaultKindRate>& rates) {
  if (rates.empty()) return "";
  const std::size_t rows = std::min(rates.size(), kFaultKindRowsMax);
  constexpr double kW = 760, kLabel = 170, kTop = 10, kRow = 38, kBar = 14, kBottom = 40, kTextRoom = 150;
  const double pw = kW - kLabel - kTextRoom;
  const double kH = kTop + kRow * static_cast<double>(rows) + kBottom;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"Failure rate with each fault kind on and off\">\n",
      kW, kH);
  const double y_end = kTop + kRow * static_cast<double>(rows);
  for (int pct = 0; pct <= 100; pct += 25) {
    const double x = kLabel + pw * pct / 100.0;
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#e0e0e0\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}%</text>\n",
                       x, kTop, y_end, y_end + 16, pct);
  }
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">failure rate (failed or crashed runs)</text>\n",
                     kLabel + pw / 2, y_end + 34);
  for (std::size_t i = 0; i < rows; ++i) {
    const FaultKindRate& r = rates[i];
    const double y = kTop + kRow * static_cast<double>(i) + 3;
    const std::string kind = html_escape(truncate_text(r.kind, kKindLabelBytesMax));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLabel - 8, y + kBar + 2,
                       kind);
    const struct {
      std::string_view label;
      std::size_t runs, failed;
      std::string_view colour;
      double y;
    } bars[] = {{"on", r.on_runs, r.on_failed, kColourFail, y},
                {"off", r.off_runs, r.off_failed, kColourOff, y + kBar + 2}};
    for (const auto& b : bars) {
      if (b.runs == 0) {
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#777\">{}: no runs</text>\n", kLabel + 4,
                           b.y + kBar - 3, b.label);
        continue;
      }
      const double frac = static_cast<double>(b.failed) / static_cast<double>(b.runs);
      const double w = std::max(pw * frac, 1.0);
      svg += fmt::format("<g><title>{} {}: {} of {} run(s) failed</title>"
                         "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>"
                         "<text x=\"{:.1f}\" y=\"{:.1f}\">{} {} ({} of {})</text></g>\n",
                         kind, b.label, b.failed, b.runs, kLabel, b.y, w, kBar, b.colour, kLabel + w + 4,
                         b.y + kBar - 3, b.label, format_rate(b.failed, b.runs), b.failed, b.runs);
    }
  }
  svg += "</svg>\n";
  return "<p class=\"legend\">" + swatch(kColourFail, "kind on") + swatch(kColourOff, "kind off") + "</p>\n" + svg;
}

}  // namespace alys::reports
