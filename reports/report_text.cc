#include "reports/report_text.h"

#include <fmt/format.h>

namespace alys::reports {

std::string truncate_text(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  // Back off continuation bytes (10xxxxxx) so the cut lands before a character's first byte.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += kEllipsis;
  return out;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string format_wall_us(std::int64_t wall_us) {
  if (wall_us < 0) wall_us = 0;
  if (wall_us < 1'000) return fmt::format("{} µs", wall_us);
  if (wall_us < 1'000'000) return fmt::format("{} ms", (wall_us + 500) / 1'000);
  if (wall_us < 60'000'000) return fmt::format("{:.2f} s", static_cast<double>(wall_us) / 1e6);
  const std::int64_t s = (wall_us + 500'000) / 1'000'000;
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
}

std::string format_rate(std::size_t failed, std::size_t runs) {
  if (runs == 0) return "\xE2\x80\x93";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(failed) / static_cast<double>(runs));
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

}  // namespace alys::reports
