// reports/chrome_trace.h: a TraceRecording as Chrome trace event JSON (what Perfetto reads).
#include "reports/chrome_trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace alys::reports {
namespace {

using json = nlohmann::json;
using Kind = TraceRecording::FlowKind;

constexpr std::int64_t kDur = TraceRecording::kSliceNs - 1;

// Two nodes: n0 with chain and network, n1 with network only. Slices one µs apart on each
// node, one message arrow inside n0 and one frame arrow n0 -> n1, a fault on n1 and one on
// the whole network.
TraceRecording sample() {
  TraceRecording r;
  r.scenario = "sample";
  r.seed = 42;
  r.trace_hash = 0x0123456789abcdefULL;
  r.end_ns = 60'000'000'000;
  r.processes = {{0, "n0", {"chain", "network"}}, {1, "n1", {"network"}}};
  r.names = {"ImportBlock", "TransportFrame", "Broadcast"};
  // node, thread, name, at, start, dur
  r.slices = {
      {0, 0, 0, 5'000'000'000, 5'000'000'000, kDur},      // n0 chain ImportBlock
      {0, 1, 2, 5'000'000'000, 5'000'001'000, kDur},      // n0 network Broadcast (pushed back)
      {1, 0, 1, 5'020'000'123, 5'020'000'123, kDur},      // n1 network TransportFrame
      {0, 0, 0, 7'000'000'000, 7'000'000'000, kDur},
  };
  r.flows = {
      {1, Kind::kMessage, {0, 0, 5'000'000'000 + kDur / 2}, {0, 1, 5'000'001'000 + kDur / 2}},
      {2, Kind::kFrame, {0, 1, 5'000'001'000 + kDur / 2}, {1, 0, 5'020'000'123 + kDur / 2}},
  };
  r.instants = {
      {false, 1, 8'000'000'123, "crash n1 (seeded) for 5s"},
      {true, 0, 22'000'000'000, "partition {n0} {n1} for 6s"},
  };
  return r;
}

json parse(const TraceRecording& r) {
  const std::string text = chrome_trace_json(r);
  return json::parse(text);  // throws (fails the test) if it is not JSON
}

std::vector<json> of_phase(const json& trace, const std::string& ph) {
  std::vector<json> out;
  for (const json& e : trace.at("traceEvents")) {
    if (e.at("ph") == ph) out.push_back(e);
  }
  return out;
}

// ts in nanoseconds, exactly: the writer prints three decimals.
std::int64_t ns(const json& v) { return static_cast<std::int64_t>(std::llround(v.get<double>() * 1000)); }

TEST(ChromeTrace, IsJsonWithTheTopLevelKeysInTheOrderPerfettoNeeds) {
  const std::string text = chrome_trace_json(sample());
  const json trace = json::parse(text);
  // Perfetto's importer stops at the first top-level key it does not know.
  EXPECT_EQ(text.rfind("{\"traceEvents\":[", 0), 0u);
  EXPECT_FALSE(trace.contains("displayTimeUnit")) << "old Perfetto reads it as the unit of ts";
  const json& m = trace.at("metadata");
  EXPECT_EQ(m.at("scenario"), "sample");
  EXPECT_EQ(m.at("seed"), 42);
  EXPECT_EQ(m.at("trace_hash"), "0x0123456789abcdef");
  EXPECT_EQ(m.at("slices"), 4);
  EXPECT_EQ(m.at("flows"), 2);
  EXPECT_EQ(m.at("instants"), 2);
  EXPECT_EQ(m.at("truncated"), 0);
}

TEST(ChromeTrace, OneProcessPerNodeAndOneThreadPerActorWithNames) {
  const json trace = parse(sample());
  std::map<int, std::string> processes;
  std::map<int, std::pair<int, std::string>> threads;  // tid -> (pid, name)
  for (const json& e : of_phase(trace, "M")) {
    if (e.at("name") == "process_name") {
      EXPECT_TRUE(processes.emplace(e.at("pid"), e.at("args").at("name")).second);
    } else {
      ASSERT_EQ(e.at("name"), "thread_name");
      EXPECT_TRUE(threads.emplace(e.at("tid"), std::make_pair(e.at("pid").get<int>(),
                                                              e.at("args").at("name").get<std::string>()))
                      .second)
          << "tids must be unique across processes";
    }
  }
  EXPECT_EQ(processes, (std::map<int, std::string>{{1, "n0"}, {2, "n1"}}));
  ASSERT_EQ(threads.size(), 3u);
  EXPECT_EQ(threads.at(1001), std::make_pair(1, std::string("chain")));
  EXPECT_EQ(threads.at(1002), std::make_pair(1, std::string("network")));
  EXPECT_EQ(threads.at(2001), std::make_pair(2, std::string("network")));
  // Every other event names a declared thread (or its process, for process-wide marks).
  for (const json& e : trace.at("traceEvents")) {
    if (e.at("ph") == "X" || e.at("ph") == "s" || e.at("ph") == "f") {
      ASSERT_TRUE(threads.count(e.at("tid"))) << e.dump();
      EXPECT_EQ(threads.at(e.at("tid")).first, e.at("pid")) << e.dump();
    }
  }
}

TEST(ChromeTrace, SlicesKeepTheirTimesToTheNanosecondAndNeverOverlapOnAThread) {
  const TraceRecording r = sample();
  const json trace = parse(r);
  const std::vector<json> slices = of_phase(trace, "X");
  ASSERT_EQ(slices.size(), r.slices.size());
  std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> by_thread;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    const json& e = slices[i];
    EXPECT_EQ(e.at("name"), r.names[r.slices[i].name]);
    EXPECT_EQ(e.at("cat"), "actor");
    EXPECT_EQ(ns(e.at("ts")), r.slices[i].start_ns);
    EXPECT_EQ(ns(e.at("dur")), kDur);
    // Drawn later than it ran: the true time is kept in args.
    if (r.slices[i].start_ns != r.slices[i].at_ns) {
      EXPECT_EQ(ns(e.at("args").at("ran_at_us")), r.slices[i].at_ns);
    } else {
      EXPECT_FALSE(e.contains("args"));
    }
    by_thread[e.at("tid")].emplace_back(ns(e.at("ts")), ns(e.at("ts")) + ns(e.at("dur")));
  }
  for (auto& [tid, spans] : by_thread) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      EXPECT_LT(spans[i - 1].second, spans[i].first) << "tid " << tid;
    }
  }
  EXPECT_EQ(slices[2].at("ts").dump(), "5020000.123");  // µs with three decimals, no float noise
}

TEST(ChromeTrace, EveryFlowHasOneStartAndOneBoundEndInsideSlices) {
  const json trace = parse(sample());
  std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> slices;  // tid -> spans
  for (const json& e : of_phase(trace, "X")) {
    slices[e.at("tid")].emplace_back(ns(e.at("ts")), ns(e.at("ts")) + ns(e.at("dur")));
  }
  const auto inside = [&](const json& e) {
    for (const auto& [from, to] : slices[e.at("tid")]) {
      if (ns(e.at("ts")) > from && ns(e.at("ts")) < to) return true;
    }
    return false;
  };
  std::map<int, json> starts, ends;
  for (const json& e : of_phase(trace, "s")) {
    EXPECT_TRUE(starts.emplace(e.at("id"), e).second);
    EXPECT_TRUE(inside(e)) << e.dump();
  }
  for (const json& e : of_phase(trace, "f")) {
    EXPECT_TRUE(ends.emplace(e.at("id"), e).second);
    EXPECT_EQ(e.at("bp"), "e");
    EXPECT_TRUE(inside(e)) << e.dump();
  }
  ASSERT_EQ(starts.size(), 2u);
  ASSERT_EQ(ends.size(), 2u);
  for (const auto& [id, s] : starts) {
    ASSERT_TRUE(ends.count(id)) << "flow " << id << " has no end";
    EXPECT_EQ(s.at("cat"), ends.at(id).at("cat"));  // Perfetto keys v1 flows by id+cat+name
    EXPECT_EQ(s.at("name"), ends.at(id).at("name"));
  }
  EXPECT_EQ(starts.at(1).at("cat"), "message");
  EXPECT_EQ(starts.at(2).at("cat"), "frame");
  EXPECT_EQ(starts.at(2).at("pid"), 1);
  EXPECT_EQ(ends.at(2).at("pid"), 2);
}

TEST(ChromeTrace, FaultsAreInstantsAtTheirMicrosecond) {
  const json trace = parse(sample());
  const std::vector<json> instants = of_phase(trace, "i");
  ASSERT_EQ(instants.size(), 2u);
  EXPECT_EQ(instants[0].at("name"), "crash n1 (seeded) for 5s");
  EXPECT_EQ(instants[0].at("s"), "p");
  EXPECT_EQ(instants[0].at("pid"), 2);
  EXPECT_EQ(instants[0].at("ts").dump(), "8000000.123");
  EXPECT_EQ(instants[0].at("cat"), "fault");
  EXPECT_EQ(instants[1].at("s"), "g");
  EXPECT_EQ(ns(instants[1].at("ts")), 22'000'000'000);
}

TEST(ChromeTrace, EscapesQuotesBackslashesControlCharactersAndBadUtf8) {
  TraceRecording r = sample();
  const std::string nasty = std::string("a\"b\\c\nd\te\x01" "f\x7f") + "g\xff" + "h \xc3\xa9";
  r.names[0] = nasty;
  r.processes[0].threads[0] = "quote\"thread";
  r.processes[1].name = "back\\slash";
  r.instants[0].text = "line\r\nbreak\b\f";
  r.scenario = "\x1f";
  const std::string text = chrome_trace_json(r);
  for (const char c : text) {  // no raw control character anywhere
    EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 && c != '\n') << static_cast<int>(c);
  }
  const json trace = json::parse(text);
  EXPECT_EQ(of_phase(trace, "X")[0].at("name"),
            std::string("a\"b\\c\nd\te\x01" "f\x7f") + "g\xef\xbf\xbd" + "h \xc3\xa9");  // U+FFFD
  EXPECT_EQ(of_phase(trace, "i")[0].at("name"), "line\r\nbreak\b\f");
  std::set<std::string> names;
  for (const json& e : of_phase(trace, "M")) names.insert(e.at("args").at("name"));
  EXPECT_TRUE(names.count("quote\"thread"));
  EXPECT_TRUE(names.count("back\\slash"));
  EXPECT_EQ(trace.at("metadata").at("scenario"), "\x1f");
}

TEST(ChromeTrace, ATruncatedRecordingSaysSo) {
  TraceRecording r = sample();
  r.truncated = 1234;
  const json trace = parse(r);
  EXPECT_EQ(trace.at("metadata").at("truncated"), 1234);
  const std::vector<json> instants = of_phase(trace, "i");
  ASSERT_EQ(instants.size(), 3u);
  EXPECT_EQ(instants.back().at("s"), "g");
  EXPECT_NE(instants.back().at("name").get<std::string>().find("truncated: 1234"), std::string::npos);
  EXPECT_EQ(ns(instants.back().at("ts")), r.end_ns);
}

TEST(ChromeTrace, AnEmptyRecordingIsStillATrace) {
  TraceRecording r;
  const json trace = parse(r);
  EXPECT_TRUE(trace.at("traceEvents").empty());
  r.instants.push_back({true, 0, 1, "heal"});  // no process, no slice: still valid JSON
  EXPECT_EQ(parse(r).at("traceEvents").size(), 1u);
}

}  // namespace
}  // namespace alys::reports
