#include "reports/chrome_trace.h"

#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "reports/results_json.h"

namespace alys::reports {

namespace {

using Buffer = fmt::memory_buffer;

void put(Buffer& b, std::string_view s) { b.append(s.data(), s.data() + s.size()); }

// Length of the valid UTF-8 sequence starting at s[i], or 0 if there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  std::uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  std::uint32_t cp = c & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// A JSON string literal, quotes included.
void put_string(Buffer& b, std::string_view s) {
  b.push_back('"');
  std::size_t plain = 0;  // start of the run of bytes that need no escaping
  const auto flush = [&](std::size_t upto) { b.append(s.data() + plain, s.data() + upto); };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7F) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t n = utf8_length(s, i); n != 0) {
        i += n;
        continue;
      }
    }
    flush(i);
    switch (c) {
      case '"': put(b, "\\\""); break;
      case '\\': put(b, "\\\\"); break;
      case '\n': put(b, "\\n"); break;
      case '\r': put(b, "\\r"); break;
      case '\t': put(b, "\\t"); break;
      case '\b': put(b, "\\b"); break;
      case '\f': put(b, "\\f"); break;
      default:
        if (c >= 0x80) {
          put(b, "\\ufffd");  // not UTF-8
        } else {
          fmt::format_to(std::back_inserter(b), "\\u{:04x}", c);
        }
    }
    plain = ++i;
  }
  flush(s.size());
  b.push_back('"');
}

// Virtual nanoseconds as microseconds with three decimals: exact, no floating point.
void put_us(Buffer& b, std::int64_t ns) {
  if (ns < 0) {
    b.push_back('-');
    ns = -ns;
  }
  fmt::format_to(std::back_inserter(b), "{}.{:03}", ns / 1000, ns % 1000);
}

std::uint32_t pid_of(std::uint32_t node) { return node + 1; }
std::uint32_t tid_of(std::uint32_t node, std::uint32_t thread) {
  return pid_of(node) * 1000 + thread + 1;
}

// The part every event of a thread shares: `"pid":P,"tid":T,"ts":`.
void put_where(Buffer& b, std::uint32_t pid, std::uint32_t tid) {
  fmt::format_to(std::back_inserter(b), "\"pid\":{},\"tid\":{},\"ts\":", pid, tid);
}

// Writes events separated by ",\n".
struct Events {
  Buffer& b;
  bool any = false;
  Buffer& next() {
    if (any) b.push_back(',');
    any = true;
    b.push_back('\n');
    return b;
  }
};

void put_flow(Events& events, const TraceRecording::Flow& f) {
  const std::string_view kind =
      f.kind == TraceRecording::FlowKind::kFrame ? "\"frame\"" : "\"message\"";
  for (const bool start : {true, false}) {
    const TraceRecording::FlowEnd& end = start ? f.from : f.to;
    Buffer& b = events.next();
    put(b, start ? "{\"ph\":\"s\",\"name\":" : "{\"ph\":\"f\",\"bp\":\"e\",\"name\":");
    put(b, kind);
    put(b, ",\"cat\":");
    put(b, kind);
    fmt::format_to(std::back_inserter(b), ",\"id\":{},", f.id);
    put_where(b, pid_of(end.node), tid_of(end.node, end.thread));
    put_us(b, end.ts_ns);
    b.push_back('}');
  }
}

void put_instant(Events& events, bool global, std::uint32_t node, std::int64_t at_ns,
                 std::string_view text) {
  Buffer& b = events.next();
  put(b, "{\"ph\":\"i\",\"name\":");
  put_string(b, text);
  put(b, ",\"cat\":\"fault\",");
  if (global) {
    put(b, "\"s\":\"g\",");
    put_where(b, 0, 0);
  } else {
    put(b, "\"s\":\"p\",");
    put_where(b, pid_of(node), pid_of(node));
  }
  put_us(b, at_ns);
  b.push_back('}');
}

void put_metadata_event(Events& events, std::string_view what, std::uint32_t pid,
                        std::uint32_t tid, std::string_view name) {
  Buffer& b = events.next();
  fmt::format_to(std::back_inserter(b), "{{\"ph\":\"M\",\"name\":\"{}\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":",
                 what, pid, tid);
  put_string(b, name);
  put(b, "}}");
}

}  // namespace

std::string chrome_trace_json(const TraceRecording& r) {
  Buffer b;
  b.reserve(256 + r.slices.size() * 110 + r.flows.size() * 230 + r.instants.size() * 120);

  // Names are few and slices many: escape each name once.
  std::vector<std::string> names;
  names.reserve(r.names.size());
  for (const std::string& n : r.names) {
    Buffer e;
    put_string(e, n);
    names.emplace_back(e.data(), e.size());
  }

  put(b, "{\"traceEvents\":[");
  Events events{b};
  for (const TraceRecording::Process& p : r.processes) {
    put_metadata_event(events, "process_name", pid_of(p.node), pid_of(p.node), p.name);
    for (std::uint32_t t = 0; t < p.threads.size(); ++t) {
      put_metadata_event(events, "thread_name", pid_of(p.node), tid_of(p.node, t), p.threads[t]);
    }
  }
  for (const TraceRecording::Slice& s : r.slices) {
    events.next();
    put(b, "{\"ph\":\"X\",\"name\":");
    put(b, s.name < names.size() ? std::string_view(names[s.name]) : std::string_view("\"?\""));
    put(b, ",\"cat\":\"actor\",");
    put_where(b, pid_of(s.node), tid_of(s.node, s.thread));
    put_us(b, s.start_ns);
    put(b, ",\"dur\":");
    put_us(b, s.dur_ns);
    if (s.start_ns != s.at_ns) {
      put(b, ",\"args\":{\"ran_at_us\":");
      put_us(b, s.at_ns);
      b.push_back('}');
    }
    b.push_back('}');
  }
  for (const TraceRecording::Flow& f : r.flows) put_flow(events, f);
  for (const TraceRecording::Instant& i : r.instants) {
    put_instant(events, i.global, i.node, i.at_ns, i.text);
  }
  if (r.truncated > 0) {
    put_instant(events, true, 0, r.end_ns,
                fmt::format("trace truncated: {} slices, flows and faults past the recording's "
                            "limits were left out",
                            r.truncated));
  }
  put(b, "\n],\"metadata\":{\"producer\":\"alys-sim\",\"scenario\":");
  put_string(b, r.scenario);
  fmt::format_to(std::back_inserter(b), ",\"seed\":{},\"trace_hash\":\"{}\",\"end_us\":", r.seed,
                 hex64(r.trace_hash));
  put_us(b, r.end_ns);
  fmt::format_to(std::back_inserter(b),
                 ",\"slice_ns\":{},\"slices\":{},\"flows\":{},\"instants\":{},\"truncated\":{}}}}}\n",
                 TraceRecording::kSliceNs, r.slices.size(), r.flows.size(), r.instants.size(),
                 r.truncated);
  return std::string(b.data(), b.size());
}

}  // namespace alys::reports
