// A run's TraceRecording (core/results/trace_recording.h) as Chrome "Trace Event Format"
// JSON, the format Perfetto (ui.perfetto.dev) and chrome://tracing open: nodes are
// processes, actors are threads, handled messages are slices, messages and frames are flow
// arrows, faults are instant events. docs/reports/trace-event.schema.json describes exactly
// the subset written here.
//
//   {"traceEvents":[ ...events... ],"metadata":{...}}
//
// Events (ts and dur in microseconds, printed with three decimals = the virtual
// nanosecond; pid = node + 1, tid = pid * 1000 + the actor's index + 1, so every tid is
// unique across processes, as Perfetto assumes tids are):
//   "M"  process_name (per node) and thread_name (per actor), args.name;
//   "X"  one per slice: name = the message type, cat "actor"; args.ran_at_us when the slice
//        is drawn later than it ran (see TraceRecording);
//   "s"/"f"  one pair per flow, cat and name "message" or "frame", a shared numeric id, the
//        "f" with "bp":"e". These are the trace format's v1 flow events, not the v2
//        flow_in/flow_out/bind_id fields on slices: v2 allows one arrow per slice end, but a
//        handler often sends several messages. Perfetto binds "s" to the slice open on its
//        thread at ts and, with "bp":"e", "f" to the slice enclosing its ts (without it, to
//        the next slice that begins): TraceRecording puts both ends inside their slices;
//   "i"  one per instant, cat "fault": "s":"p" on its node's process, or "s":"g" (global)
//        for faults on the whole network; plus one global "trace truncated" mark when the
//        recording hit its bounds.
// "traceEvents" comes first: Perfetto's importer stops at the first top-level key it does
// not know. No "displayTimeUnit": it only picks a display unit, and Perfetto releases
// before 2022 read it as the unit of ts (stretching a trace 1000x). "metadata" holds the scenario, seed, trace hash and counts.
//
// Strings are JSON-escaped (quotes, backslashes, control characters, DEL) and invalid
// UTF-8 becomes U+FFFD, so any recording gives valid JSON. Cost: one pass, written
// straight into the string (no JSON tree), ~100-200 bytes per event.
#pragma once

#include <string>

#include "core/results/trace_recording.h"

namespace alys::reports {

std::string chrome_trace_json(const TraceRecording& recording);

}  // namespace alys::reports
