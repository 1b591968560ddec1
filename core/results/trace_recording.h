// TraceRecording: what one simulated run recorded for its Chrome-trace export
// (reports/chrome_trace.h), as plain values: the nodes as processes and their actors as
// threads, one slice per handled message, arrows for messages between actors of a node and
// frames between nodes, and the faults as instant marks. No behaviour here; the simulator's
// recorder (scenarios/trace_recorder.h, switched on by scenarios::RunSettings::
// trace_recording) fills it by observing the run, never by acting on it, so a run with a
// recording is the same run (same trace hash).
//
// Time: every *_ns is virtual time in nanoseconds since the run began. Handlers take no
// virtual time, so a slice is drawn with the nominal length kSliceNs, starting at the
// virtual time it ran (at_ns) or, when the node's previous slice has not ended by then,
// right after it (start_ns > at_ns): slices of one node follow the order the simulator ran
// them in and never overlap, which is what a trace viewer can draw (zero-length slices at
// one instant would pile up on one spot, nested or ordered as the viewer likes, with no
// room to click or to bind an arrow). The true time stays in at_ns. A flow end's ts_ns
// lies strictly inside the slice it leaves or enters, so viewers bind the arrow to it.
//
// Bounds: at most kMaxSlices slices, kMaxFlows flows and kMaxInstants instants are kept
// (fewer when the max_* fields below are set lower, as tests do); what comes after is
// counted in `truncated` (the export says so). Names are cut to kMaxNameBytes and fault
// descriptions to kMaxTextBytes. The exported JSON spends ~120 bytes per slice, ~230 per
// flow (two events) and at most ~400 per instant, so the worst case stays under ~0.4 GB.
// Measured: scenarios/partition_during_pegout.toml (28 virtual minutes, 7 nodes) records
// 0.34M slices and 0.21M flows, 80 MB of JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace alys {

struct TraceRecording {
  static constexpr std::size_t kMaxSlices = 1'000'000;
  static constexpr std::size_t kMaxFlows = 1'000'000;
  static constexpr std::size_t kMaxInstants = 100'000;
  static constexpr std::size_t kMaxThreadsPerNode = 999;  // actors named per node
  static constexpr std::size_t kMaxNames = 10'000;        // distinct message type names
  static constexpr std::size_t kMaxNameBytes = 96;
  static constexpr std::size_t kMaxTextBytes = 240;
  // The drawn length of a slice and the least distance between the starts of two slices of
  // one node: 1 µs, short against the network's millisecond latencies, long enough to click.
  static constexpr std::int64_t kSliceNs = 1'000;

  // A node, drawn as a process named `name` ("n0"); its actors are its threads, named by
  // the actor ("chain", "sync", "network", ...), in the order they first handled a message.
  struct Process {
    std::uint32_t node = 0;
    std::string name;
    std::vector<std::string> threads;
  };
  // One handled message: `name` indexes `names` (the message's type, e.g. "TransportFrame").
  struct Slice {
    std::uint32_t node = 0;
    std::uint32_t thread = 0;  // index in processes[node].threads
    std::uint32_t name = 0;
    std::int64_t at_ns = 0;     // when it ran (virtual time)
    std::int64_t start_ns = 0;  // where it is drawn: >= at_ns, see above
    std::int64_t dur_ns = 0;    // drawn length: kSliceNs - 1 (see the recorder)
  };
  struct FlowEnd {
    std::uint32_t node = 0;
    std::uint32_t thread = 0;
    std::int64_t ts_ns = 0;  // inside the slice it binds to
  };
  // A message from one handler to another: between actors of a node (kMessage: the
  // receiver's envelope names the sender's message as its causal parent) or a frame between
  // nodes (kFrame: from the network handler that sent it to the one that received it).
  enum class FlowKind : std::uint8_t { kMessage, kFrame };
  struct Flow {
    std::uint64_t id = 0;  // unique in the recording, from 1
    FlowKind kind = FlowKind::kMessage;
    FlowEnd from;
    FlowEnd to;
  };
  // A fault (or its end) at a moment: on one node, or on the whole network (`global`).
  struct Instant {
    bool global = false;
    std::uint32_t node = 0;  // when !global
    std::int64_t at_ns = 0;
    std::string text;  // one line, e.g. "crash n2 (seeded) for 10s"
  };

  // Bounds in force: the recorder keeps min(max_*, kMax*).
  std::size_t max_slices = kMaxSlices;
  std::size_t max_flows = kMaxFlows;
  std::size_t max_instants = kMaxInstants;

  // About the run, for the export's metadata (filled by the run when it knows them).
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t trace_hash = 0;
  std::int64_t end_ns = 0;  // virtual time the run ended

  std::vector<Process> processes;  // one per node, by node id
  std::vector<std::string> names;  // message type names, each once
  std::vector<Slice> slices;       // in the order they ran
  std::vector<Flow> flows;         // in the order they were completed (by their receiver)
  std::vector<Instant> instants;   // by time
  std::size_t truncated = 0;       // slices, flows and instants past the bounds
};

}  // namespace alys
