// TraceRecorder: fills a TraceRecording (core/results/trace_recording.h) while a chain
// scenario runs, for its Chrome-trace export (reports/chrome_trace.h). Switched on by
// ChainOptions::trace_recording (scenarios::RunSettings::trace_recording); off, nothing of
// it exists.
//
// What it watches, and how, without changing the run (same trace hash on or off):
//   - handled messages: an actor::HandleObserver per node (observer(node), which the node's
//     NodeConfig::handle_observer hands to each ActorSystem the node builds, so it is in
//     place before any actor runs) makes one slice per message;
//   - messages between actors of a node: the receiver's envelope names the message whose
//     handler sent it (causal_parent); the recorder remembers where the last kLookback
//     handled messages of each node were drawn and draws an arrow from there. An actor's
//     messages to itself (timers, self-tells) get no arrow: they would only join each tick
//     to the next;
//   - frames between nodes: a sim::FrameObserver on the network tags each frame sent from
//     inside a handler with that handler's slice; on delivery, the receiving node's
//     transport callback sends exactly one message (the network actor's TransportFrame),
//     whose id is the system's next one (ActorSystem::peek_next_message_id): the slice
//     that handles that id ends the arrow. A frame lost, refused or dropped before it is
//     handled draws no arrow, and neither does one sent outside any handler (pre_start).
//   - faults: finish() turns the run's schedule into instant marks (start and end), on
//     each node a fault names, or on the whole network when it names none or all.
// It reads the world's clock and event count and never draws randomness or schedules.
//
// Bounds: the recording's own (TraceRecording::kMax*), plus kLookback remembered messages
// and kMaxPendingFrames frames in flight per node (older ones lose their arrows).
// Lifetime: must outlive the world (the nodes' actor systems report to it until they are
// destroyed), and be constructed before the nodes are added.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chaos/fault.h"
#include "core/actor/handle_observer.h"
#include "core/actor/system.h"
#include "core/results/trace_recording.h"
#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"

namespace alys::scenarios {

class TraceRecorder final : public sim::FrameObserver {
 public:
  static constexpr std::size_t kLookback = 1 << 16;
  static constexpr std::size_t kMaxPendingFrames = 1 << 16;

  // Observes `world`'s network at once; `nodes` processes are named "n0".."n{nodes-1}".
  TraceRecorder(sim::World& world, std::size_t nodes, TraceRecording& out);
  ~TraceRecorder() override = default;
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  // What `node`'s NodeConfig::handle_observer must be. REQUIRES: node < nodes.
  actor::HandleObserver* observer(NodeId node);
  // The run is over at `end`: adds the schedule's faults (and the ends of those with a
  // duration) up to `end` as instants, and the run's figures.
  void finish(const chaos::Schedule& schedule, Instant end, std::uint64_t trace_hash,
              std::uint64_t seed);

  // sim::FrameObserver
  std::uint64_t on_frame_sent(NodeId from, NodeId to) override;
  void on_frame_delivered(NodeId from, NodeId to, std::uint64_t tag) override;

 private:
  using End = TraceRecording::FlowEnd;

  struct Tap final : actor::HandleObserver {
    Tap(TraceRecorder& r, NodeId n) : recorder(r), node(n) {}
    void attached(actor::ActorSystem& s) override { reset(&s); }
    void detached(actor::ActorSystem& s) override {
      if (system == &s) reset(nullptr);
    }
    void on_handle(const actor::CellBase& actor, const actor::EnvelopeMeta& meta,
                   std::string_view type) override {
      recorder.on_handle(*this, actor, meta, type);
    }
    void reset(actor::ActorSystem* s);

    TraceRecorder& recorder;
    NodeId node;
    actor::ActorSystem* system = nullptr;  // the node's live system, if any
    std::int64_t cursor_ns = 0;             // where the node's next slice may start
    std::uint64_t current_event = 0;        // world event of the last slice (0: none)
    End current;                            // ... and where it was drawn
    std::unordered_map<const actor::CellBase*, std::uint32_t> threads;  // lookup only
    std::unordered_map<std::uint64_t, End> recent;  // message id -> its slice; lookup only
    std::deque<std::uint64_t> recent_order;         // oldest first, for eviction
    std::map<std::uint64_t, End> inbound;  // message id about to carry a frame -> its sender
  };

  void on_handle(Tap& tap, const actor::CellBase& actor, const actor::EnvelopeMeta& meta,
                 std::string_view type);
  std::uint32_t thread_of(Tap& tap, const actor::CellBase& actor);
  std::uint32_t intern(std::string_view name);
  void add_flow(TraceRecording::FlowKind kind, const End& from, const End& to);
  void add_instant(const std::vector<NodeId>& nodes, Instant at, const std::string& text);

  sim::World& world_;
  TraceRecording& out_;
  std::vector<std::unique_ptr<Tap>> taps_;  // by node
  std::map<std::uint64_t, End> frames_;     // tag -> the slice that sent it; oldest evicted
  std::uint64_t next_tag_ = 0;
  std::uint64_t next_flow_ = 0;
  // Type names arrive as views of compile-time constants: found by address first, by text
  // when an address is new (two instantiations may spell the same name).
  struct NameAt {
    std::size_t size = 0;
    std::uint32_t index = 0;
  };
  std::unordered_map<const char*, NameAt> names_by_address_;
  std::map<std::string, std::uint32_t, std::less<>> names_by_text_;
  std::uint32_t overflow_name_ = UINT32_MAX;  // "(other)" once kMaxNames is reached
};

}  // namespace alys::scenarios
