// The Chrome-trace recording of a chain scenario (scenarios/trace_recorder.h): it changes
// nothing in the run, and what it records is drawable (slices that never overlap, arrows
// whose ends sit inside slices, faults at their times).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

// Four authorities and a full node for a minute: transfers, a crash of n1 (and its
// restart: a new actor system for the recorder to follow), hostile mode (duplicated
// frames) and a partition.
ChainOptions small_run() {
  ChainOptions o;
  o.seed = 5;
  o.authorities = 4;
  o.full_nodes = 1;
  o.duration = 60s;
  o.settle = 20s;
  o.tx_per_sec = 2;
  o.faults = {
      {Instant{} + 10s, chaos::Crash{1}, 5s},
      {Instant{} + 25s, chaos::Hostile{200'000, 100'000}, 10s},
      {Instant{} + 40s, chaos::Partition{{{0, 1}, {2, 3, 4}}}, 6s},
  };
  return o;
}

struct Recorded {
  ChainResult result;
  TraceRecording trace;
};

Recorded run_recorded(ChainOptions o, std::size_t max_slices = TraceRecording::kMaxSlices) {
  Recorded r;
  r.trace.max_slices = max_slices;
  o.trace_recording = &r.trace;
  r.result = run_chain(o);
  return r;
}

using Span = std::pair<std::int64_t, std::int64_t>;  // [start, end)
using Thread = std::pair<std::uint32_t, std::uint32_t>;  // node, thread

std::map<Thread, std::vector<Span>> spans_by_thread(const TraceRecording& t) {
  std::map<Thread, std::vector<Span>> out;
  for (const auto& s : t.slices) out[{s.node, s.thread}].emplace_back(s.start_ns, s.start_ns + s.dur_ns);
  for (auto& [thread, spans] : out) std::sort(spans.begin(), spans.end());
  return out;
}

bool strictly_inside(const std::map<Thread, std::vector<Span>>& spans,
                     const TraceRecording::FlowEnd& e) {
  const auto it = spans.find({e.node, e.thread});
  if (it == spans.end()) return false;
  const auto& v = it->second;
  auto after = std::upper_bound(v.begin(), v.end(), Span{e.ts_ns, INT64_MAX});
  if (after == v.begin()) return false;
  --after;
  return e.ts_ns > after->first && e.ts_ns < after->second;
}

TEST(TraceRecording, RecordingChangesNothingInTheRun) {
  const ChainResult off = run_chain(small_run());
  const Recorded on = run_recorded(small_run());
  EXPECT_EQ(on.result.stats.trace_hash, off.stats.trace_hash);
  EXPECT_EQ(on.result.stats.events, off.stats.events);
  EXPECT_EQ(on.result.txs_applied, off.txs_applied);
  EXPECT_EQ(on.trace.trace_hash, off.stats.trace_hash);
  EXPECT_EQ(on.trace.seed, 5u);
  EXPECT_EQ(on.trace.end_ns, to_ns(off.stats.now));
}

TEST(TraceRecording, RecordsSlicesOfEveryNodeAndActor) {
  const Recorded r = run_recorded(small_run());
  const TraceRecording& t = r.trace;
  ASSERT_EQ(t.processes.size(), 5u);
  EXPECT_GT(t.slices.size(), 1000u);
  EXPECT_EQ(t.truncated, 0u);
  std::set<std::uint32_t> nodes;
  for (const auto& s : t.slices) nodes.insert(s.node);
  EXPECT_EQ(nodes.size(), 5u);
  for (const auto& p : t.processes) {
    EXPECT_EQ(p.name, "n" + std::to_string(p.node));
    for (const char* actor : {"chain", "network", "sync", "storage"}) {
      EXPECT_NE(std::find(p.threads.begin(), p.threads.end(), actor), p.threads.end())
          << p.name << " has no thread " << actor;
    }
    EXPECT_EQ(std::set<std::string>(p.threads.begin(), p.threads.end()).size(), p.threads.size())
        << p.name << ": an actor restarted or rebooted must keep its one thread";
  }
  for (const char* name : {"TransportFrame", "TransportPeerUp"}) {
    EXPECT_NE(std::find(t.names.begin(), t.names.end(), name), t.names.end()) << name;
  }
  for (const auto& s : t.slices) {
    ASSERT_LT(s.name, t.names.size());
    ASSERT_LT(s.thread, t.processes[s.node].threads.size());
  }
}

TEST(TraceRecording, SlicesNeverOverlapAndKeepTheOrderTheyRanIn) {
  const Recorded r = run_recorded(small_run());
  std::map<std::uint32_t, const TraceRecording::Slice*> last;  // by node
  for (const auto& s : r.trace.slices) {
    EXPECT_GE(s.start_ns, s.at_ns);
    EXPECT_GT(s.dur_ns, 0);
    if (const auto* prev = last[s.node]) {
      EXPECT_GE(s.at_ns, prev->at_ns);                  // virtual time never runs back
      EXPECT_GT(s.start_ns, prev->start_ns + prev->dur_ns);  // a gap, on the whole node
    }
    last[s.node] = &s;
  }
  for (const auto& [thread, spans] : spans_by_thread(r.trace)) {
    for (std::size_t i = 1; i < spans.size(); ++i) ASSERT_LT(spans[i - 1].second, spans[i].first);
  }
}

TEST(TraceRecording, ArrowsJoinSlicesWithinANodeAndAcrossTheNetwork) {
  const Recorded r = run_recorded(small_run());
  const auto spans = spans_by_thread(r.trace);
  std::size_t messages = 0, frames = 0;
  std::set<std::uint64_t> ids;
  for (const auto& f : r.trace.flows) {
    EXPECT_TRUE(ids.insert(f.id).second) << "flow ids are unique";
    ASSERT_TRUE(strictly_inside(spans, f.from)) << "flow " << f.id << " starts outside a slice";
    ASSERT_TRUE(strictly_inside(spans, f.to)) << "flow " << f.id << " ends outside a slice";
    if (f.kind == TraceRecording::FlowKind::kMessage) {
      ++messages;
      EXPECT_EQ(f.from.node, f.to.node);
      EXPECT_FALSE(f.from.thread == f.to.thread) << "messages to oneself draw no arrow";
      EXPECT_LT(f.from.ts_ns, f.to.ts_ns);  // the sender ran first, on the same node
    } else {
      ++frames;
      EXPECT_NE(f.from.node, f.to.node);
      EXPECT_EQ(r.trace.processes[f.to.node].threads[f.to.thread], "network");
      EXPECT_EQ(r.trace.processes[f.from.node].threads[f.from.thread], "network");
    }
  }
  EXPECT_GT(messages, 100u);
  EXPECT_GT(frames, 100u);
}

TEST(TraceRecording, FaultsAreInstantsAtTheirTimes) {
  const Recorded r = run_recorded(small_run());
  std::vector<std::pair<std::int64_t, std::string>> got;
  for (const auto& i : r.trace.instants) {
    got.emplace_back(i.at_ns, (i.global ? std::string("all") : "n" + std::to_string(i.node)) + " " + i.text);
  }
  const std::vector<std::pair<std::int64_t, std::string>> want = {
      {10'000'000'000, "n1 crash n1 (seeded) for 5s"},
      {15'000'000'000, "n1 end: crash n1 (seeded)"},
      {25'000'000'000, "all hostile network: duplicate 200000ppm, reorder 100000ppm for 10s"},
      {35'000'000'000, "all end: hostile network: duplicate 200000ppm, reorder 100000ppm"},
      {40'000'000'000, "all partition {n0 n1} {n2 n3 n4} for 6s"},
      {46'000'000'000, "all end: partition {n0 n1} {n2 n3 n4}"},
  };
  EXPECT_EQ(got, want);
}

TEST(TraceRecording, StopsAtItsLimitAndCountsTheRest) {
  const ChainResult off = run_chain(small_run());
  const Recorded r = run_recorded(small_run(), 100);
  EXPECT_EQ(r.trace.slices.size(), 100u);
  EXPECT_GT(r.trace.truncated, 1000u);
  EXPECT_EQ(r.result.stats.trace_hash, off.stats.trace_hash);
  const auto spans = spans_by_thread(r.trace);
  for (const auto& f : r.trace.flows) {  // arrows only between recorded slices
    EXPECT_TRUE(strictly_inside(spans, f.from));
    EXPECT_TRUE(strictly_inside(spans, f.to));
  }
}

}  // namespace
}  // namespace alys::scenarios
