#include "scenarios/trace_recorder.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/actor/cell.h"
#include "core/runtime/assert.h"

namespace alys::scenarios {

namespace {

// At most `max` bytes, not ending inside a UTF-8 sequence.
std::string cut(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

// Drawn length: one nanosecond short of kSliceNs, so that viewers which round a µs
// timestamp down to whole nanoseconds (Perfetto does) never see two neighbours overlap.
constexpr std::int64_t kDrawnNs = TraceRecording::kSliceNs - 1;

}  // namespace

void TraceRecorder::Tap::reset(actor::ActorSystem* s) {
  system = s;
  current_event = 0;
  threads.clear();  // the old process's cells are gone; their addresses may come back
  recent.clear();   // message ids start again at 1 in a new system
  recent_order.clear();
  inbound.clear();
}

TraceRecorder::TraceRecorder(sim::World& world, std::size_t nodes, TraceRecording& out)
    : world_(world), out_(out) {
  out_.processes.clear();
  for (std::size_t i = 0; i < nodes; ++i) {
    const auto node = static_cast<NodeId>(i);
    out_.processes.push_back({node, fmt::format("n{}", i), {}});
    taps_.push_back(std::make_unique<Tap>(*this, node));
  }
  world_.network().set_frame_observer(this);
}

actor::HandleObserver* TraceRecorder::observer(NodeId node) {
  ALYS_ASSERT(node < taps_.size(), "TraceRecorder::observer: unknown node");
  return taps_[node].get();
}

void TraceRecorder::on_handle(Tap& tap, const actor::CellBase& actor,
                              const actor::EnvelopeMeta& meta, std::string_view type) {
  tap.current_event = 0;
  if (out_.slices.size() >= std::min(out_.max_slices, TraceRecording::kMaxSlices)) {
    ++out_.truncated;
    return;
  }
  const std::uint32_t thread = thread_of(tap, actor);
  if (thread == UINT32_MAX) {
    ++out_.truncated;
    return;
  }
  const std::int64_t at = to_ns(world_.now());
  const std::int64_t start = std::max(at, tap.cursor_ns);
  tap.cursor_ns = start + TraceRecording::kSliceNs;
  out_.slices.push_back({tap.node, thread, intern(type), at, start, kDrawnNs});
  const End here{tap.node, thread, start + kDrawnNs / 2};
  tap.current_event = world_.event_count();
  tap.current = here;

  if (meta.causal_parent != 0 && meta.sender != actor.id()) {
    const auto it = tap.recent.find(meta.causal_parent);
    if (it != tap.recent.end()) add_flow(TraceRecording::FlowKind::kMessage, it->second, here);
  }
  if (!tap.inbound.empty()) {
    const auto it = tap.inbound.find(meta.message_id);
    if (it != tap.inbound.end()) {
      add_flow(TraceRecording::FlowKind::kFrame, it->second, here);
      tap.inbound.erase(it);
    }
  }
  if (tap.recent.emplace(meta.message_id, here).second) {
    tap.recent_order.push_back(meta.message_id);
    if (tap.recent_order.size() > kLookback) {
      tap.recent.erase(tap.recent_order.front());
      tap.recent_order.pop_front();
    }
  }
}

std::uint32_t TraceRecorder::thread_of(Tap& tap, const actor::CellBase& actor) {
  const auto it = tap.threads.find(&actor);
  if (it != tap.threads.end()) return it->second;
  std::vector<std::string>& names = out_.processes[tap.node].threads;
  const std::string name = cut(actor.name(), TraceRecording::kMaxNameBytes);
  std::uint32_t index = 0;
  while (index < names.size() && names[index] != name) ++index;
  if (index == names.size()) {
    if (names.size() >= TraceRecording::kMaxThreadsPerNode) return UINT32_MAX;
    names.push_back(name);
  }
  tap.threads.emplace(&actor, index);
  return index;
}

std::uint32_t TraceRecorder::intern(std::string_view name) {
  const auto at = names_by_address_.find(name.data());
  if (at != names_by_address_.end() && at->second.size == name.size()) return at->second.index;
  const std::string text = cut(name, TraceRecording::kMaxNameBytes);
  std::uint32_t index;
  if (const auto it = names_by_text_.find(text); it != names_by_text_.end()) {
    index = it->second;
  } else if (out_.names.size() < TraceRecording::kMaxNames) {
    index = static_cast<std::uint32_t>(out_.names.size());
    out_.names.push_back(text);
    names_by_text_.emplace(text, index);
  } else {
    if (overflow_name_ == UINT32_MAX) {
      overflow_name_ = static_cast<std::uint32_t>(out_.names.size());
      out_.names.push_back("(other)");
    }
    return overflow_name_;
  }
  names_by_address_[name.data()] = NameAt{name.size(), index};
  return index;
}

void TraceRecorder::add_flow(TraceRecording::FlowKind kind, const End& from, const End& to) {
  if (out_.flows.size() >= std::min(out_.max_flows, TraceRecording::kMaxFlows)) {
    ++out_.truncated;
    return;
  }
  out_.flows.push_back({++next_flow_, kind, from, to});
}

std::uint64_t TraceRecorder::on_frame_sent(NodeId from, NodeId /*to*/) {
  if (from >= taps_.size()) return 0;
  const Tap& tap = *taps_[from];
  // Only from inside a handler: the slice drawn in this very event of the world.
  if (tap.current_event == 0 || tap.current_event != world_.event_count()) return 0;
  const std::uint64_t tag = ++next_tag_;
  frames_.emplace(tag, tap.current);
  if (frames_.size() > kMaxPendingFrames) frames_.erase(frames_.begin());
  return tag;
}

void TraceRecorder::on_frame_delivered(NodeId /*from*/, NodeId to, std::uint64_t tag) {
  const auto it = frames_.find(tag);
  if (it == frames_.end() || to >= taps_.size()) return;
  Tap& tap = *taps_[to];
  // The live system's network actor is the transport handler about to be called.
  if (tap.system == nullptr) return;
  tap.inbound[tap.system->peek_next_message_id()] = it->second;
  if (tap.inbound.size() > kMaxPendingFrames) tap.inbound.erase(tap.inbound.begin());
}

// A fault naming some of the nodes (a crash, a clog, a cut) is marked on each of them; one
// naming none or all of them (heal, a partition, hostile mode) on the whole network.
void TraceRecorder::add_instant(const std::vector<NodeId>& nodes, Instant at,
                                const std::string& text) {
  const bool global = nodes.empty() || nodes.size() >= taps_.size();
  const std::size_t marks = global ? 1 : nodes.size();
  for (std::size_t k = 0; k < marks; ++k) {
    if (out_.instants.size() >= std::min(out_.max_instants, TraceRecording::kMaxInstants)) {
      ++out_.truncated;
      continue;
    }
    TraceRecording::Instant i;
    i.global = global;
    i.node = global ? 0 : nodes[k];
    i.at_ns = to_ns(at);
    i.text = cut(text, TraceRecording::kMaxTextBytes);
    out_.instants.push_back(std::move(i));
  }
}

void TraceRecorder::finish(const chaos::Schedule& schedule, Instant end, std::uint64_t trace_hash,
                           std::uint64_t seed) {
  out_.seed = seed;
  out_.trace_hash = trace_hash;
  out_.end_ns = to_ns(end);
  for (const chaos::TimedFault& f : schedule) {
    if (f.at > end) continue;
    // A partition also cuts off the nodes it does not list: it concerns every node.
    const std::vector<NodeId> nodes = std::holds_alternative<chaos::Partition>(f.fault)
                                          ? std::vector<NodeId>{}
                                          : chaos::nodes_of(f.fault);
    const std::string what = chaos::describe(f.fault);
    if (f.duration > Duration::zero()) {
      add_instant(nodes, f.at, fmt::format("{} for {}", what, format_duration(f.duration)));
      if (f.at + f.duration <= end) add_instant(nodes, f.at + f.duration, "end: " + what);
    } else {
      add_instant(nodes, f.at, what);
    }
  }
  std::stable_sort(out_.instants.begin(), out_.instants.end(),
                   [](const TraceRecording::Instant& a, const TraceRecording::Instant& b) {
                     return a.at_ns < b.at_ns;
                   });
}

}  // namespace alys::scenarios
