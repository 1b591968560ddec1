// The page shell every HTML report shares: a self-contained document (inline CSS, inline
// SVG, no scripts, nothing fetched), so a report opens from a CI artifact or a mail
// attachment with no network, and renders the same in any browser.
//
// html_escape() makes any text safe inside elements and double-quoted attributes. Report
// builders escape every string that came from a run (scenario names, evidence, commands).
#pragma once

#include <string>
#include <string_view>

namespace alys::reports {

std::string html_escape(std::string_view text);

// <!doctype html> ... <title>title</title> <style>(shared CSS)</style> ... body ...
// `title` is escaped here; `body` is inserted as given (already escaped by the caller).
std::string html_page(std::string_view title, std::string_view body);

// Colours shared by the reports, so a crash looks the same in a run report and a sweep
// report (CSS colour values).
inline constexpr std::string_view kColourPass = "#2e7d32";
inline constexpr std::string_view kColourFail = "#c62828";
inline constexpr std::string_view kColourCrash = "#6a1b9a";

}  // namespace alys::reports
