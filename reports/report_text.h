// Small text helpers the report builders share: cutting run-supplied text (evidence, a
// crash's last words) to a size limit without splitting a UTF-8 character, and the short
// human forms of wall times and rates. Pure functions; output only ever shown to people.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace alys::reports {

// Escapes &, <, >, " and ' and drops the control characters XML 1.0 cannot carry: safe
// inside XML and HTML elements and quoted attributes.
std::string xml_escape(std::string_view text);

// The mark a cut text ends with (U+2026, three bytes in UTF-8).
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

// `text` whole if it has at most `max_bytes` bytes; else its longest prefix of at most
// `max_bytes` bytes that ends on a UTF-8 character boundary, followed by kEllipsis. The
// result is therefore at most max_bytes + 3 bytes.
std::string truncate_text(std::string_view text, std::size_t max_bytes);

// `text` on one line: newlines, carriage returns and tabs become spaces.
std::string one_line(std::string_view text);

// Wall time for people: "840 µs", "812 ms", "4.20 s", "3m 07s", "2h 05m".
std::string format_wall_us(std::int64_t wall_us);

// "12.5%" (one decimal); "–" when there are no runs to take a rate of.
std::string format_rate(std::size_t failed, std::size_t runs);

}  // namespace alys::reports
