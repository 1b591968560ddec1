#include "reports/run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <string_view>
#include <vector>

#include "reports/html_page.h"
#include "reports/results_json.h"

namespace alys::reports {
namespace {

// Geometry of every chart, in SVG pixels.
constexpr int kLabelWidth = 130;
constexpr int kPlotWidth = 900;
constexpr int kRightMargin = 20;
constexpr int kWidth = kLabelWidth + kPlotWidth + kRightMargin;
constexpr int kAxisHeight = 22;
constexpr int kLaneHeight = 22;
constexpr int kChartHeight = 220;

constexpr std::array<std::string_view, 10> kNodeColours = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string_view node_colour(std::size_t node) { return kNodeColours[node % kNodeColours.size()]; }

struct SpanStyle {
  std::string_view colour;
  double opacity;
};

SpanStyle span_style(std::string_view kind) {
  if (kind == "down") return {"#424242", 0.8};
  if (kind == "partition") return {"#ef6c00", 0.35};
  if (kind == "cut") return {"#d84315", 0.45};
  if (kind == "clog") return {"#1565c0", 0.45};
  if (kind == "latency") return {"#00838f", 0.35};
  if (kind == "loss") return {"#6d4c41", 0.4};
  if (kind == "hostile") return {"#ad1457", 0.25};
  if (kind == "bitcoind-outage") return {"#f9a825", 0.55};
  if (kind == "engine-stall") return {"#7b1fa2", 0.45};
  if (kind == "clock-drift") return {"#558b2f", 0.35};
  if (kind == "equivocate" || kind == "usurp") return {"#b71c1c", 0.55};
  if (kind == "disk-full") return {"#4e342e", 0.5};
  return {"#9e9e9e", 0.45};
}

// "1m30s", "2h", "450ms": virtual time as people read it.
std::string format_time(std::int64_t ns) {
  const bool negative = ns < 0;
  std::uint64_t v = static_cast<std::uint64_t>(negative ? -ns : ns);
  std::string out = negative ? "-" : "";
  if (v == 0) return "0";
  if (v < 1'000'000'000) return out + fmt::format("{}ms", v / 1'000'000);
  std::uint64_t s = v / 1'000'000'000;
  const std::uint64_t ms = (v / 1'000'000) % 1000;
  const std::uint64_t h = s / 3600, m = (s / 60) % 60;
  s %= 60;
  if (h > 0) out += fmt::format("{}h", h);
  if (m > 0) out += fmt::format("{}m", m);
  if (s > 0 || ms > 0 || (h == 0 && m == 0)) {
    out += ms > 0 && h == 0 ? fmt::format("{}.{:03}s", s, ms) : fmt::format("{}s", s);
  }
  return out;
}

// Maps virtual time onto the plot's x pixels.
class TimeScale {
 public:
  explicit TimeScale(std::int64_t end_ns) : end_ns_(std::max<std::int64_t>(end_ns, 1)) {}
  double x(std::int64_t ns) const {
    const std::int64_t clamped = std::clamp<std::int64_t>(ns, 0, end_ns_);
    return kLabelWidth + static_cast<double>(clamped) * kPlotWidth / static_cast<double>(end_ns_);
  }
  int pixel(std::int64_t ns) const { return static_cast<int>(x(ns)); }
  std::int64_t end_ns() const { return end_ns_; }
  // A round tick step giving at most ~10 ticks.
  std::int64_t tick_ns() const {
    static constexpr std::array<std::int64_t, 16> kSteps = {
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400};
    for (std::int64_t s : kSteps) {
      if (end_ns_ / (s * 1'000'000'000) <= 10) return s * 1'000'000'000;
    }
    return kSteps.back() * 1'000'000'000 * (end_ns_ / (kSteps.back() * 1'000'000'000 * 10) + 1);
  }

 private:
  std::int64_t end_ns_;
};

using Out = std::back_insert_iterator<std::string>;

// Vertical grid lines and time labels along the top of a chart whose plot spans [top, bottom].
void draw_time_axis(Out out, const TimeScale& t, int top, int bottom) {
  const std::int64_t step = t.tick_ns();
  for (std::int64_t ns = 0; ns <= t.end_ns(); ns += step) {
    const double x = t.x(ns);
    fmt::format_to(out, "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#e0e0e0\"/>"
                        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                   x, top, bottom, top - 6, format_time(ns));
  }
}

// The quiet tail (no faults, no workload) as a pale band, so "after the faults healed" is
// visible at a glance.
void draw_quiet_tail(Out out, const TimeScale& t, const RunTimeline& tl, int top, int bottom) {
  if (tl.load_end_ns <= 0 || tl.load_end_ns >= tl.end_ns) return;
  const double x0 = t.x(tl.load_end_ns), x1 = t.x(tl.end_ns);
  fmt::format_to(out, "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#e8f5e9\">"
                      "<title>quiet tail from {}: no faults, no workload</title></rect>\n",
                 x0, top, x1 - x0, bottom - top, format_time(tl.load_end_ns));
}

// One marker per (checker, time): a bug often trips one checker many times at one instant.
void draw_failures(Out out, const TimeScale& t, const RunResult& run, int top, int bottom, bool labels) {
  std::map<std::pair<std::int64_t, std::string_view>, std::vector<const RunFailure*>> markers;
  for (const RunFailure& f : run.failures) markers[{f.at_ns, f.checker}].push_back(&f);
  int i = 0;
  for (const auto& [key, group] : markers) {
    const RunFailure& first = *group.front();
    const double x = t.x(first.at_ns);
    fmt::format_to(out, "<g class=\"failure\" data-checker=\"{0}\"><title>{0} at {1}: {2}{3}</title>"
                        "<line x1=\"{4:.1f}\" y1=\"{5}\" x2=\"{4:.1f}\" y2=\"{6}\" stroke=\"#c62828\" "
                        "stroke-width=\"2\"/>",
                   html_escape(first.checker), format_time(first.at_ns), html_escape(first.evidence),
                   group.size() > 1 ? fmt::format(" (and {} more failures)", group.size() - 1) : "",
                   x, top, bottom);
    if (labels) {
      // Stagger labels so failures close in time stay readable.
      // Near the right edge the label goes to the left of its line.
      const bool left = x > kLabelWidth + kPlotWidth * 0.8;
      fmt::format_to(out, "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"{}\" style=\"fill:#c62828\">&#10007; {}</text>",
                     left ? x - 3 : x + 3, bottom - 4 - 12 * (i % 3), left ? "end" : "start",
                     html_escape(first.checker));
    }
    out = fmt::format_to(out, "</g>\n");
    ++i;
  }
}

bool names(const std::vector<std::uint32_t>& nodes, std::uint32_t node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

void swimlanes(std::string& html, const RunResult& run, const RunTimeline& tl, const TimeScale& t) {
  const std::size_t lanes = tl.node_names.size() + 1;  // + the network lane
  const int top = kAxisHeight;
  const int bottom = top + static_cast<int>(lanes) * kLaneHeight;
  Out out(html);
  fmt::format_to(out, "<svg class=\"swimlanes\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                      "xmlns=\"http://www.w3.org/2000/svg\">\n",
                 kWidth, bottom + 8, kWidth, bottom + 8);
  draw_quiet_tail(out, t, tl, top, bottom);
  draw_time_axis(out, t, top, bottom);
  auto lane_y = [&](std::size_t lane) { return top + static_cast<int>(lane) * kLaneHeight; };

  // The network lane: faults no single node owns (reorgs, heals, a hostile network).
  fmt::format_to(out, "<g class=\"network-lane\"><text x=\"4\" y=\"{}\">network</text>", lane_y(0) + 15);
  for (const RunTimeline::Mark& m : tl.marks) {
    if (!m.nodes.empty()) continue;
    const double x = t.x(m.at_ns);
    fmt::format_to(out, "<path d=\"M{0:.1f} {1}l-4 -8h8z\" fill=\"#37474f\"><title>{2}</title></path>",
                   x, lane_y(0) + 17, html_escape(m.label));
  }
  out = fmt::format_to(out, "</g>\n");

  for (std::uint32_t node = 0; node < tl.node_names.size(); ++node) {
    const int y = lane_y(node + 1);
    fmt::format_to(out, "<g class=\"lane\" data-node=\"n{}\">"
                        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#eeeeee\"/>"
                        "<rect x=\"2\" y=\"{}\" width=\"8\" height=\"8\" fill=\"{}\"/>"
                        "<text x=\"14\" y=\"{}\">{}</text>\n",
                   node, kLabelWidth, y + kLaneHeight, kLabelWidth + kPlotWidth, y + kLaneHeight,
                   y + 8, node_colour(node), y + 15, html_escape(tl.node_names[node]));
    for (const RunTimeline::Span& s : tl.spans) {
      if (!names(s.nodes, node)) continue;
      const SpanStyle style = span_style(s.kind);
      const double x0 = t.x(s.from_ns);
      const double w = std::max(1.0, t.x(s.to_ns) - x0);
      fmt::format_to(out, "<rect class=\"span {0}\" x=\"{1:.1f}\" y=\"{2}\" width=\"{3:.1f}\" height=\"{4}\" "
                          "fill=\"{5}\" fill-opacity=\"{6}\"><title>{7} ({8} to {9})</title></rect>\n",
                     s.kind, x0, y + 3, w, kLaneHeight - 6, style.colour, style.opacity,
                     html_escape(s.label), format_time(s.from_ns), format_time(s.to_ns));
    }
    for (const RunTimeline::Mark& m : tl.marks) {
      if (!names(m.nodes, node)) continue;
      const double x = t.x(m.at_ns);
      fmt::format_to(out, "<path class=\"mark {0}\" d=\"M{1:.1f} {2}l-4 -8h8z\" fill=\"#263238\">"
                          "<title>{3}</title></path>\n",
                     m.kind, x, y + 17, html_escape(m.label));
    }
    out = fmt::format_to(out, "</g>\n");
  }
  draw_failures(out, t, run, top, bottom, true);
  out = fmt::format_to(out, "</svg>\n");

  // The legend names only the kinds this run used.
  std::vector<std::string_view> kinds;
  for (const RunTimeline::Span& s : tl.spans) {
    if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) kinds.push_back(s.kind);
  }
  html += "<p class=\"legend\">";
  for (std::string_view k : kinds) {
    const SpanStyle style = span_style(k);
    fmt::format_to(out, "<span><i class=\"swatch\" style=\"background:{};opacity:{}\"></i>{}</span>",
                   style.colour, std::min(1.0, style.opacity + 0.2), html_escape(k));
  }
  html += "<span>&#9660; instant fault (restart, heal, clock jump, reorg, ...)</span>"
          "<span><i class=\"swatch\" style=\"background:#e8f5e9\"></i>quiet tail</span>"
          "<span style=\"color:#c62828\">| failure</span></p>\n";
}

// A step function drawn with at most two path commands per pixel column.
class StepPath {
 public:
  StepPath(const TimeScale& t, double (*y_of)(std::uint64_t, double), double scale)
      : t_(t), y_of_(y_of), scale_(scale) {}
  void add(std::int64_t at_ns, std::uint64_t value) {
    const int px = t_.pixel(at_ns);
    const double y = y_of_(value, scale_);
    if (d_.empty()) {
      fmt::format_to(std::back_inserter(d_), "M{} {:.1f}", px, y);
      px_ = px;
      drawn_y_ = pending_y_ = y;
      return;
    }
    if (px != px_) flush(px);
    pending_y_ = y;
  }
  std::string finish(std::int64_t end_ns) {
    if (d_.empty()) return {};
    flush(t_.pixel(end_ns));
    return std::move(d_);
  }

 private:
  void flush(int to_px) {
    if (pending_y_ != drawn_y_) fmt::format_to(std::back_inserter(d_), "V{:.1f}", pending_y_);
    drawn_y_ = pending_y_;
    if (to_px != px_) fmt::format_to(std::back_inserter(d_), "H{}", to_px);
    px_ = to_px;
  }
  const TimeScale& t_;
  double (*y_of_)(std::uint64_t, double);
  double scale_;
  std::string d_;
  int px_ = 0;
  double drawn_y_ = 0, pending_y_ = 0;
};

constexpr int kChartTop = kAxisHeight;
double chart_y(std::uint64_t value, double per_unit) {
  return kChartTop + kChartHeight - static_cast<double>(value) * per_unit;
}

// Y-axis ticks at round values up to `max`.
void draw_value_axis(Out out, std::uint64_t max, double per_unit) {
  // 1, 2, 5, 10, 20, 50, ...: the first that gives at most five gaps.
  std::uint64_t step = 1;
  for (std::uint64_t decade = 1; max / step > 5; decade *= 10) {
    for (std::uint64_t m : {1u, 2u, 5u}) {
      step = m * decade;
      if (max / step <= 5) break;
    }
  }
  for (std::uint64_t v = 0; v <= max; v += step) {
    const double y = chart_y(v, per_unit);
    fmt::format_to(out, "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#f0f0f0\"/>"
                        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                   kLabelWidth, y, kLabelWidth + kPlotWidth, kLabelWidth - 6, y + 4, v);
  }
}

void heights_chart(std::string& html, const RunResult& run, const RunTimeline& tl, const TimeScale& t) {
  std::uint64_t max = 1;
  for (const auto& s : tl.heights) max = std::max(max, s.height);
  const double per_unit = static_cast<double>(kChartHeight - 10) / static_cast<double>(max);
  const int bottom = kChartTop + kChartHeight;
  Out out(html);
  fmt::format_to(out, "<svg class=\"heights\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                      "xmlns=\"http://www.w3.org/2000/svg\">\n",
                 kWidth, bottom + 8);
  draw_quiet_tail(out, t, tl, kChartTop, bottom);
  draw_time_axis(out, t, kChartTop, bottom);
  draw_value_axis(out, max, per_unit);
  for (std::uint32_t node = 0; node < tl.node_names.size(); ++node) {
    for (bool finalized : {false, true}) {
      StepPath path(t, chart_y, per_unit);
      path.add(0, 0);
      for (const auto& s : tl.heights) {
        if (s.node == node && s.finalized == finalized) path.add(s.at_ns, s.height);
      }
      fmt::format_to(out, "<path class=\"{0}\" data-node=\"n{1}\" d=\"{2}\" fill=\"none\" stroke=\"{3}\" "
                          "stroke-width=\"{4}\"{5}><title>n{1} {0} height</title></path>\n",
                     finalized ? "finalized" : "head", node, path.finish(tl.end_ns), node_colour(node),
                     finalized ? "2" : "1.2", finalized ? " stroke-dasharray=\"5 3\"" : "");
    }
  }
  draw_failures(out, t, run, kChartTop, bottom, false);
  out = fmt::format_to(out, "</svg>\n");
  html += "<p class=\"legend\"><span>solid: head height</span><span>dashed: finalized height</span>";
  for (std::uint32_t node = 0; node < tl.node_names.size(); ++node) {
    fmt::format_to(out, "<span><i class=\"swatch\" style=\"background:{}\"></i>n{}</span>", node_colour(node), node);
  }
  html += "</p>\n";
}

// How many operations of one kind sit in each state over time (an operation is in the
// last state it reached).
void peg_chart(std::string& html, const RunResult& run, const RunTimeline& tl, const TimeScale& t,
               std::string_view kind, const std::vector<std::string_view>& order) {
  struct Change {
    std::int64_t at_ns;
    std::size_t state;
    int delta;
  };
  std::vector<Change> changes;
  std::size_t ops = 0;
  auto index_of = [&](std::string_view state) {
    const auto it = std::find(order.begin(), order.end(), state);
    return static_cast<std::size_t>(it - order.begin());
  };
  for (const RunTimeline::PegOp& op : tl.peg_ops) {
    if (op.kind != kind || op.states.empty()) continue;
    ++ops;
    for (std::size_t i = 0; i < op.states.size(); ++i) {
      const std::size_t state = index_of(op.states[i].first);
      if (state == order.size()) continue;
      changes.push_back({op.states[i].second, state, +1});
      if (i > 0 && index_of(op.states[i - 1].first) < order.size()) {
        changes.push_back({op.states[i].second, index_of(op.states[i - 1].first), -1});
      }
    }
  }
  if (ops == 0) return;
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.at_ns < b.at_ns; });
  const double per_unit = static_cast<double>(kChartHeight - 10) / static_cast<double>(ops);
  const int bottom = kChartTop + kChartHeight;
  Out out(html);
  fmt::format_to(out, "<h3>{} ({} operations)</h3>\n", kind == "pegin" ? "Peg-ins" : "Peg-outs", ops);
  fmt::format_to(out, "<svg class=\"peg {2}\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                      "xmlns=\"http://www.w3.org/2000/svg\">\n",
                 kWidth, bottom + 8, kind);
  draw_quiet_tail(out, t, tl, kChartTop, bottom);
  draw_time_axis(out, t, kChartTop, bottom);
  draw_value_axis(out, ops, per_unit);
  std::vector<std::uint64_t> count(order.size(), 0);
  std::vector<StepPath> paths;
  for (std::size_t s = 0; s < order.size(); ++s) {
    paths.emplace_back(t, chart_y, per_unit);
    paths.back().add(0, 0);
  }
  for (const Change& c : changes) {
    count[c.state] = static_cast<std::uint64_t>(static_cast<std::int64_t>(count[c.state]) + c.delta);
    paths[c.state].add(c.at_ns, count[c.state]);
  }
  for (std::size_t s = 0; s < order.size(); ++s) {
    fmt::format_to(out, "<path class=\"state\" data-state=\"{0}\" d=\"{1}\" fill=\"none\" stroke=\"{2}\" "
                        "stroke-width=\"1.6\"><title>{0}</title></path>\n",
                   order[s], paths[s].finish(tl.end_ns), node_colour(s));
  }
  draw_failures(out, t, run, kChartTop, bottom, false);
  out = fmt::format_to(out, "</svg>\n<p class=\"legend\">");
  for (std::size_t s = 0; s < order.size(); ++s) {
    fmt::format_to(out, "<span><i class=\"swatch\" style=\"background:{}\"></i>{} (at the end: {})</span>",
                   node_colour(s), order[s], count[s]);
  }
  html += "</p>\n";
}

std::string_view verdict_class(RunVerdict v) {
  switch (v) {
    case RunVerdict::kPass: return "pass";
    case RunVerdict::kFail: return "fail";
    case RunVerdict::kCrashed: return "crashed";
  }
  return "fail";
}

void header(std::string& html, const RunResult& run, const RunTimeline& tl) {
  Out out(html);
  fmt::format_to(out, "<h1>{} &middot; seed {} &middot; <span class=\"{}\">{}</span></h1>\n",
                 html_escape(run.scenario), run.seed, verdict_class(run.verdict),
                 html_escape(verdict_name(run.verdict)));
  html += "<p>Replay it:</p>\n";
  fmt::format_to(out, "<pre class=\"replay\">{}</pre>\n", html_escape(run.replay));
  html += "<table class=\"meta\">\n";
  auto row = [&](std::string_view key, const std::string& value) {
    fmt::format_to(out, "<tr><td>{}</td><td>{}</td></tr>\n", key, html_escape(value));
  };
  row("scenario", run.scenario + (run.scenario_file.empty() ? "" : " (" + run.scenario_file + ")"));
  row("seed", std::to_string(run.seed));
  if (!run.plant.empty()) row("planted bug", run.plant);
  row("trace hash", hex64(run.trace_hash));
  row("virtual time", format_time(run.virtual_ns));
  row("events", std::to_string(run.events));
  row("wall time", fmt::format("{:.3f} s", static_cast<double>(run.wall_us) / 1e6));
  row("faults", std::to_string(run.faults));
  std::string kinds;
  for (const std::string& k : run.fault_kinds) kinds += (kinds.empty() ? "" : ", ") + k;
  row("nemesis kinds", kinds.empty() ? "(none)" : kinds);
  row("buggify", run.buggify ? "on" : "off");
  row("nodes", std::to_string(tl.node_names.size()));
  std::string figures;
  for (const auto& [name, value] : run.stats) figures += fmt::format("{}{}={}", figures.empty() ? "" : "  ", name, value);
  row("figures", figures);
  html += "</table>\n";
}

// Above the charts: how many failures of each checker, with the first one's evidence.
void failure_summary(std::string& html, const RunResult& run) {
  Out out(html);
  if (run.verdict == RunVerdict::kCrashed) {
    fmt::format_to(out, "<h2>The run crashed</h2>\n<pre>{}</pre>\n", html_escape(run.crash));
  }
  if (run.failures.empty()) {
    if (run.verdict == RunVerdict::kPass) html += "<p class=\"pass\">Every checker held.</p>\n";
    return;
  }
  std::vector<std::pair<std::string_view, std::vector<const RunFailure*>>> by_checker;
  for (const RunFailure& f : run.failures) {
    auto it = std::find_if(by_checker.begin(), by_checker.end(), [&](const auto& g) { return g.first == f.checker; });
    if (it == by_checker.end()) it = by_checker.insert(by_checker.end(), {f.checker, {}});
    it->second.push_back(&f);
  }
  fmt::format_to(out, "<h2>Failures ({})</h2>\n<table class=\"failures\">\n"
                      "<tr><th>checker</th><th>failures</th><th>first at</th><th>first evidence</th></tr>\n",
                 run.failures.size());
  for (const auto& [checker, group] : by_checker) {
    fmt::format_to(out, "<tr><td class=\"fail\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                        "<td><code>{}</code></td></tr>\n",
                   html_escape(checker), group.size(), format_time(group.front()->at_ns),
                   html_escape(group.front()->evidence));
  }
  html += "</table>\n";
}

// Below the charts: every failure, up to kMaxFailureRows.
void failure_table(std::string& html, const RunResult& run) {
  if (run.failures.size() < 2) return;
  Out out(html);
  fmt::format_to(out, "<h2>Every failure</h2>\n<table class=\"all-failures\">\n"
                      "<tr><th>checker</th><th>at</th><th>evidence</th></tr>\n");
  for (std::size_t i = 0; i < run.failures.size() && i < kMaxFailureRows; ++i) {
    const RunFailure& f = run.failures[i];
    fmt::format_to(out, "<tr><td class=\"fail\">{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>\n",
                   html_escape(f.checker), format_time(f.at_ns), html_escape(f.evidence));
  }
  html += "</table>\n";
  if (run.failures.size() > kMaxFailureRows) {
    fmt::format_to(out, "<p>and {} more in result.json</p>\n", run.failures.size() - kMaxFailureRows);
  }
}

void schedule_table(std::string& html, const RunTimeline& tl) {
  struct Row {
    std::int64_t at_ns;
    std::string_view text;
    std::int64_t until_ns;  // -1: instant
  };
  std::vector<Row> rows;
  for (const auto& s : tl.spans) rows.push_back({s.from_ns, s.label, s.to_ns});
  for (const auto& m : tl.marks) rows.push_back({m.at_ns, m.label, -1});
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.at_ns < b.at_ns; });
  Out out(html);
  fmt::format_to(out, "<h2>Schedule ({} faults)</h2>\n", rows.size());
  if (rows.empty()) {
    html += "<p>No faults.</p>\n";
    return;
  }
  html += "<table class=\"schedule\">\n<tr><th>from</th><th>to</th><th>fault</th></tr>\n";
  for (std::size_t i = 0; i < rows.size() && i < kMaxScheduleRows; ++i) {
    fmt::format_to(out, "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                   format_time(rows[i].at_ns), rows[i].until_ns < 0 ? "" : format_time(rows[i].until_ns),
                   html_escape(rows[i].text));
  }
  html += "</table>\n";
  if (rows.size() > kMaxScheduleRows) {
    fmt::format_to(out, "<p>and {} more (the run's result JSON lists the run, the scenario the schedule)</p>\n",
                   rows.size() - kMaxScheduleRows);
  }
}

}  // namespace

std::string run_report_html(const RunResult& run, const RunTimeline& timeline) {
  std::string body;
  body.reserve(64 * 1024 + timeline.heights.size() * 16);
  header(body, run, timeline);
  failure_summary(body, run);
  const TimeScale t(std::max(timeline.end_ns, run.virtual_ns));
  body += "<h2>Nodes over virtual time</h2>\n";
  swimlanes(body, run, timeline, t);
  body += "<h2>Chain height and finalized height</h2>\n";
  heights_chart(body, run, timeline, t);
  body += "<h2>Peg operations by state</h2>\n";
  const std::size_t before = body.size();
  peg_chart(body, run, timeline, t, "pegin", {"deposited", "minted", "final"});
  peg_chart(body, run, timeline, t, "pegout", {"requested", "burned", "final", "proposed"});
  if (body.size() == before) body += "<p>No peg operations in this run.</p>\n";
  if (timeline.dropped > 0) {
    fmt::format_to(std::back_inserter(body),
                   "<p>{} height samples or peg operations past the recording limits are not drawn.</p>\n",
                   timeline.dropped);
  }
  failure_table(body, run);
  schedule_table(body, timeline);
  return html_page(fmt::format("{} seed {}: {}", run.scenario, run.seed, verdict_name(run.verdict)), body);
}

}  // namespace alys::reports
