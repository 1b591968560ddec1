#include "reports/html_page.h"

#include "reports/report_text.h"

namespace alys::reports {

// XML's escaping is HTML's too (&apos; is an HTML5 entity).
std::string html_escape(std::string_view text) { return xml_escape(text); }

namespace {
constexpr std::string_view kStyle = R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px;
       color: #1c1c1c; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.fail, td.num { white-space: nowrap; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre { background: #f6f6f6; padding: 6px 8px; overflow-x: auto; white-space: pre-wrap; }
.pass { color: #2e7d32; font-weight: 600; }
.fail { color: #c62828; font-weight: 600; }
.crashed { color: #6a1b9a; font-weight: 600; }
.meta td:first-child { font-weight: 600; background: #fafafa; }
.legend span { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -2px;
          margin-right: 4px; border: 1px solid #999; }
svg { display: block; margin: 6px 0; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
)css";
}  // namespace

std::string html_page(std::string_view title, std::string_view body) {
  std::string out;
  out.reserve(body.size() + kStyle.size() + 256);
  out += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  out += html_escape(title);
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n";
  out += body;
  out += "\n</body>\n</html>\n";
  return out;
}

}  // namespace alys::reports
